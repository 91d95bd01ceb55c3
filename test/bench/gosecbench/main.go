// Command gosecbench drives test/bench/gosec.sh: it runs fourc's Go scanner alone over a
// directory, and turns fourc's and gosec's findings into the Markdown report (recall per class on
// the bundled corpus, counts and a triaged sample on a real module).
//
//	gosecbench scan [-findings FILE] [-skip-tests] [-keep-bodies] [-cpuprofile FILE] DIR
//	gosecbench load [-mode trimmed|source|export] DIR
//	gosecbench corpus -dir DIR -fourc FILE -gosec FILE
//	gosecbench real -root DIR -fourc FILE -gosec FILE -verdicts FILE [-sample N]
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "scan":
		err = scanCommand(os.Args[2:])
	case "load":
		err = loadCommand(os.Args[2:])
	case "corpus":
		err = corpusCommand(os.Args[2:], os.Stdout)
	case "real":
		err = realCommand(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosecbench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: gosecbench scan [-findings FILE] [-skip-tests] [-keep-bodies] [-cpuprofile FILE] DIR
       gosecbench load [-mode trimmed|source|export] DIR
       gosecbench corpus -dir DIR -fourc FILE -gosec FILE
       gosecbench real -root DIR -fourc FILE -gosec FILE -verdicts FILE [-sample N]`)
	os.Exit(2)
}
