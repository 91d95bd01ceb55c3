// Command depsbench drives the deps benchmark (test/bench/deps.sh):
//
//	depsbench vulndb -src OSVDIR -out DIR            write a v1 Go vulnerability database
//	depsbench scan -db DIR -dir MODULE -out FILE     run fourc's deps scanner, write levels as JSON
//	depsbench govulncheck -in FILE -out FILE         read govulncheck -format json output, write levels
//	depsbench match -db OSVDIR -buildlist FILE       time loading the database and matching a build list
//	depsbench compare -label L FOURC GOVULNCHECK     print a Markdown row and the differences
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: depsbench vulndb|scan|govulncheck|match|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "vulndb":
		err = vulndbCmd(os.Args[2:])
	case "scan":
		err = scanCmd(os.Args[2:])
	case "govulncheck":
		err = govulncheckCmd(os.Args[2:])
	case "match":
		err = matchCmd(os.Args[2:])
	case "compare":
		err = compareCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "depsbench:", err)
		os.Exit(1)
	}
}
