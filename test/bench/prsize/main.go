// Command prsize measures how long `fourc scan` takes on pull requests of different sizes in a
// real repository, and writes docs/bench.md, the one benchmark report of `make bench`, with the
// webhook latency and the peer comparisons read from the other benchmarks' reports.
// test/bench/prsize.sh drives it.
//
//	prsize measure -fourc BIN -vulndb DIR [-module M@V] [-runs N] [-work DIR] [-out FILE]
//	prsize report [-results FILE] [-run none|missing|all] [-out FILE] [-svg FILE]
//
// measure builds a scratch git repository from the module (the base commit) with one branch per
// pull request, times the real binary on each, and writes every run as JSON. report turns that
// JSON and the other reports into Markdown and an SVG chart.
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
	case "measure":
		err = measureCommand(os.Args[2:])
	case "report":
		err = reportCommand(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prsize:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: prsize measure -fourc BIN -vulndb DIR [flags]\n       prsize report [flags]")
	os.Exit(2)
}
