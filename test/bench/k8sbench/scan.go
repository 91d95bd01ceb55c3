package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/fourcsec/fourc/analyzers/k8s"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scanOutput is what `k8sbench scan` writes: the scanner's findings and diagnostics, as a
// user of the scanner would get them.
type scanOutput struct {
	Root        string              `json:"root"`
	Findings    []finding.Finding   `json:"findings"`
	Diagnostics []engine.Diagnostic `json:"diagnostics"`
}

// runScan is the timed part of the benchmark: list the tree, run the Kubernetes scanner, write
// JSON. Nothing else happens in the process, so its time and memory are the scanner's.
func runScan(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	root := fs.String("root", "", "directory to scan")
	out := fs.String("out", "", "JSON output file (default: standard output)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" {
		return fmt.Errorf("scan: -root is required")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("start profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	tree, _, err := engine.OpenTree(*root, nil)
	if err != nil {
		return fmt.Errorf("open %s: %w", *root, err)
	}
	res, err := k8s.New().Scan(context.Background(), &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if err != nil {
		return fmt.Errorf("scan %s: %w", *root, err)
	}
	finding.Sort(res.Findings)
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(scanOutput{Root: *root, Findings: res.Findings, Diagnostics: res.Diagnostics}); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
