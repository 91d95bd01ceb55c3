// Command iacbench benchmarks fourc's AWS infrastructure-as-code scanner against tfsec;
// test/bench/iac.sh drives it.
//
//	iacbench corpus -out DIR LABEL=MODULE_DIR[/SUBDIR]...   copy .tf and .tfvars files into a corpus
//	iacbench scan -root DIR -out FILE                      run the scanner (the timed part)
//	iacbench compare -work DIR                             recall, noise and the Markdown tables
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: iacbench corpus|scan|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "corpus":
		err = runCorpus(os.Args[2:])
	case "scan":
		err = runScan(os.Args[2:])
	case "compare":
		err = runCompare(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "iacbench:", err)
		os.Exit(1)
	}
}
