package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/reach"
	"github.com/fourcsec/fourc/shared/engine"
)

func vulndbCmd(args []string) error {
	fs := flag.NewFlagSet("vulndb", flag.ContinueOnError)
	src := fs.String("src", "", "folder of Go OSV files")
	out := fs.String("out", "", "directory to write the v1 database to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := osv.WriteV1(*src, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d entries for %d modules to %s (%d files skipped)\n", st.Entries, st.Modules, *out, len(st.Skipped))
	return nil
}

// scanCmd runs the deps scanner alone over a module, as fourc scan would, and records the
// deepest level of each advisory id.
func scanCmd(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	db := fs.String("db", "", "vulnerability database (directory or URL)")
	dir := fs.String("dir", "", "module directory")
	out := fs.String("out", "", "levels JSON to write")
	stdlib := fs.String("stdlib", "", "Go release to check the standard library against (default: go.mod's)")
	keepAll := fs.Bool("keep-all-bodies", false, "type-check every function body")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile")
	verbose := fs.Bool("v", false, "print every finding's message")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var stats []string
	scanner := deps.New(deps.Options{
		VulnDB: *db, StdlibVersion: *stdlib, KeepAllBodies: *keepAll,
		ReachStats: func(where string, s reach.Stats) {
			stats = append(stats, fmt.Sprintf("%s: %d packages, %d with bodies, %d functions; list %v, load %v, ssa %v, callgraph %v, search %v; heap in use after load %d MiB, ssa %d MiB, callgraph %d MiB",
				where, s.Packages, s.BodiesKept, s.Functions, s.List.Round(time.Millisecond), s.Load.Round(time.Millisecond),
				s.SSA.Round(time.Millisecond), s.CallGraph.Round(time.Millisecond), s.Search.Round(time.Millisecond),
				s.HeapAfterLoad>>20, s.HeapAfterSSA>>20, s.HeapAfterCallGraph>>20))
		},
	})
	began := time.Now()
	rep, err := engine.Run(context.Background(), *dir, engine.Options{Scanners: []engine.Scanner{scanner}, Mode: engine.All, ScannerTimeout: 30 * time.Minute})
	if err != nil {
		return err
	}
	res := &levels{Tool: "fourc"}
	for _, it := range rep.Items {
		level := map[string]string{
			"dep-go-vulnerable-called": "symbol", "dep-go-vulnerable-imported": "package", "dep-go-vulnerable-required": "module",
		}[it.RuleID]
		if level == "" {
			continue
		}
		module := moduleOf(it.Message)
		if *verbose {
			fmt.Fprintf(os.Stderr, "%s %s:%d\n%s\n\n", it.RuleID, it.Path, it.StartLine, it.Message)
		}
		for _, ref := range it.References {
			if strings.HasPrefix(ref, "GO-") {
				res.add(ref, level, module)
			}
		}
	}
	res.Notes = append(res.Notes, rep.Partial...)
	res.Notes = append(res.Notes, stats...)
	res.Notes = append(res.Notes, fmt.Sprintf("duration %v", time.Since(began).Round(time.Millisecond)))
	for _, n := range res.Notes {
		fmt.Fprintln(os.Stderr, n)
	}
	return writeJSON(*out, res)
}

// moduleOf reads the module from a finding message's first words ("golang.org/x/net v0.4.0 …",
// "The standard library of …").
func moduleOf(msg string) string {
	switch {
	case strings.HasPrefix(msg, "The standard library"):
		return "stdlib"
	case strings.HasPrefix(msg, "The go command"):
		return "toolchain"
	}
	name, _, _ := strings.Cut(msg, " ")
	return name
}
