package fixturetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// fuzzScanTimeout bounds one scan of one fuzzed input: the inputs are small, so a scan that takes
// longer has found a way to make the scanner slow.
const fuzzScanTimeout = 10 * time.Second

// FuzzScanner fuzzes a file-based scanner end to end: each input is written to every one of
// names (slash paths) in a tree that is reused from one input to the next, the tree is opened as
// the engine opens it, and s scans it with every rule enabled. Whatever the bytes, the scanner
// owes the engine what Check asserts. Seeds are added by the caller before the call.
func FuzzScanner(f *testing.F, s engine.Scanner, names ...string) {
	dir := f.TempDir()
	for _, name := range names {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(filepath.FromSlash(name))), 0o755); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tree, _, err := engine.OpenTree(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), fuzzScanTimeout)
		defer cancel()
		res, err := s.Scan(ctx, &engine.Request{Tree: tree, Enabled: func(string) bool { return true }, Progress: &engine.Progress{}})
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		Check(t, s, tree, res)
	})
}

// Check asserts what the engine and every output rely on in a scanner's result: no internal
// error (a recovered panic) among the diagnostics; findings of the scanner's own rules, with a
// message, on files of the tree, their spans and suggested fixes inside those files.
func Check(t *testing.T, s engine.Scanner, tree *engine.Tree, res *engine.Result) {
	t.Helper()
	if res == nil {
		t.Fatal("Scan returned no result")
	}
	rules := map[string]bool{}
	for _, r := range s.Rules() {
		rules[r.ID] = true
	}
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "internal error") || !tree.Has(d.Path) {
			t.Errorf("diagnostic %s:%d %q: want no internal error, on a file of the tree", d.Path, d.Line, d.Message)
		}
	}
	lines := map[string][][]byte{}
	for _, fd := range res.Findings {
		if !rules[fd.RuleID] || fd.Message == "" || !tree.Has(fd.Path) {
			t.Errorf("finding %s at %s (%q): want a rule of %s, a message, a file of the tree", fd.RuleID, fd.Location(), fd.Message, s.Name())
			continue
		}
		if _, ok := lines[fd.Path]; !ok {
			data, err := tree.ReadFile(fd.Path)
			if err != nil {
				t.Fatal(err)
			}
			lines[fd.Path] = bytes.Split(data, []byte("\n"))
		}
		checkSpan(t, &fd, lines[fd.Path])
	}
}

// checkSpan asserts that a finding's span and fix lie inside the file: lines counted at "\n"
// and columns in bytes, up to just past the end of the line.
func checkSpan(t *testing.T, fd *finding.Finding, lines [][]byte) {
	t.Helper()
	inside := func(line, col int) bool {
		return line >= 1 && line <= len(lines) && col >= 1 && col <= len(lines[line-1])+1
	}
	if !inside(fd.StartLine, fd.StartColumn) || !inside(fd.EndLine, fd.EndColumn) ||
		fd.EndLine < fd.StartLine || fd.EndLine == fd.StartLine && fd.EndColumn < fd.StartColumn {
		t.Errorf("%s: finding %s spans %d:%d-%d:%d, outside the %d lines of the file",
			fd.Path, fd.RuleID, fd.StartLine, fd.StartColumn, fd.EndLine, fd.EndColumn, len(lines))
	}
	if fix := fd.Fix; fix != nil && (fix.StartLine < 1 || fix.EndLine < fix.StartLine || fix.EndLine > len(lines)) {
		t.Errorf("%s: finding %s has a fix of lines %d-%d, outside the %d lines of the file",
			fd.Path, fd.RuleID, fix.StartLine, fix.EndLine, len(lines))
	}
}
