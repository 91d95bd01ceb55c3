package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/fourcsec/fourc/analyzers/golang"
	"github.com/fourcsec/fourc/shared/engine"
)

// scanSummary is what `gosecbench scan` prints.
type scanSummary struct {
	Packages   int64          `json:"packages"`
	Findings   int            `json:"findings"`
	ByRule     map[string]int `json:"by_rule"`
	Seconds    float64        `json:"seconds"`
	Incomplete []string       `json:"incomplete"`
}

// benchFinding is one finding as the report reads it.
type benchFinding struct {
	Tool    string `json:"tool"`
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func scanCommand(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ExitOnError)
	findings := fs.String("findings", "", "write every finding as a JSON line to `file`")
	skipTests := fs.Bool("skip-tests", false, "leave _test.go files out")
	keepBodies := fs.Bool("keep-bodies", false, "type-check dependency function bodies too")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	rules := fs.String("rules", "", "comma-separated rule id prefixes to enable (default all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("scan wants one directory")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	tree, _, err := engine.OpenTree(fs.Arg(0), nil)
	if err != nil {
		return err
	}
	progress := &engine.Progress{}
	start := time.Now()
	scanner := golang.New(golang.Options{SkipTests: *skipTests, KeepDependencyBodies: *keepBodies})
	res, err := scanner.Scan(context.Background(), &engine.Request{
		Tree: tree, Enabled: enabledRules(*rules), Progress: progress,
	})
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	sum := scanSummary{
		Packages:   progress.Snapshot().Packages,
		Findings:   len(res.Findings),
		ByRule:     map[string]int{},
		Seconds:    time.Since(start).Seconds(),
		Incomplete: res.Incomplete,
	}
	for _, f := range res.Findings {
		sum.ByRule[f.RuleID]++
	}
	if *findings != "" {
		out, err := os.Create(*findings)
		if err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		w := bufio.NewWriter(out)
		enc := json.NewEncoder(w)
		sort.SliceStable(res.Findings, func(i, j int) bool { return res.Findings[i].Location() < res.Findings[j].Location() })
		for _, f := range res.Findings {
			if err := enc.Encode(benchFinding{Tool: "fourc", Path: f.Path, Line: f.StartLine, Rule: f.RuleID, Message: f.Message}); err != nil {
				return fmt.Errorf("findings: %w", err)
			}
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("findings: %w", err)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

// enabledRules enables the rules whose ids start with one of the comma-separated prefixes.
func enabledRules(prefixes string) func(string) bool {
	if prefixes == "" {
		return func(string) bool { return true }
	}
	list := strings.Split(prefixes, ",")
	return func(id string) bool {
		for _, p := range list {
			if strings.HasPrefix(id, p) {
				return true
			}
		}
		return false
	}
}
