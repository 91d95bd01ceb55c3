// Command k8sbench benchmarks fourc's Kubernetes scanner against kube-score; test/bench/k8s.sh
// drives it.
//
//	k8sbench scan -root DIR -out FILE        run the scanner (the timed part)
//	k8sbench corpus -out DIR MODULE_DIR...   copy manifests kube-score accepts into a corpus
//	k8sbench compare -work DIR               recall, extra findings and the Markdown table
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8sbench scan|corpus|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "scan":
		err = runScan(os.Args[2:])
	case "corpus":
		err = runCorpus(os.Args[2:])
	case "compare":
		err = runCompare(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8sbench:", err)
		os.Exit(1)
	}
}
