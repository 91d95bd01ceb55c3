package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/fourcsec/fourc/analyzers/iac"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scanOutput is what `iacbench scan` writes: the scanner's findings and diagnostics.
type scanOutput struct {
	Root        string              `json:"root"`
	Findings    []benchFinding      `json:"findings"`
	Diagnostics []engine.Diagnostic `json:"diagnostics"`
}

// benchFinding adds the finding's key, which names the resource ("aws_iam_policy.p|…") and lets
// the comparison match findings that the two tools place on different lines of one resource.
type benchFinding struct {
	finding.Finding
	Key string `json:"key"`
}

// runScan is the timed part of the benchmark: list the tree, run the iac scanner, write JSON.
// Nothing else happens in the process, so its time and memory are the scanner's.
func runScan(args []string) error {
	flags := flag.NewFlagSet("scan", flag.ContinueOnError)
	root := flags.String("root", "", "directory to scan")
	out := flags.String("out", "", "JSON output file (default: standard output)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *root == "" {
		return fmt.Errorf("scan: -root is required")
	}
	tree, _, err := engine.OpenTree(*root, nil)
	if err != nil {
		return fmt.Errorf("open %s: %w", *root, err)
	}
	res, err := iac.New().Scan(context.Background(), &engine.Request{Tree: tree, Progress: &engine.Progress{}})
	if err != nil {
		return fmt.Errorf("scan %s: %w", *root, err)
	}
	findings := make([]benchFinding, len(res.Findings))
	for i, f := range res.Findings {
		findings[i] = benchFinding{Finding: f, Key: f.Key}
	}
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer f.Close()
		w = f
	}
	if err := json.NewEncoder(w).Encode(scanOutput{Root: *root, Findings: findings, Diagnostics: res.Diagnostics}); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
