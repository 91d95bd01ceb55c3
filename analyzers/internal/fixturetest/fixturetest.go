// Package fixturetest checks a manifest scanner against fixture files in the spirit of
// analysistest: every line that must be reported carries a comment `want RULE[,RULE…]`, and every
// finding must be wanted. Files that cannot hold comments (JSON) list their expectations in a
// sidecar file NAME.want with lines "LINE RULE[,RULE…]".
package fixturetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// wantComment matches "# want k8s-privileged" and "// want a-b, c-d" anywhere on a line.
var wantComment = regexp.MustCompile(`(?:#|//|/\*)\s*want:?\s+([a-z0-9][a-z0-9-]*(?:\s*,\s*[a-z0-9][a-z0-9-]*)*)`)

// Expectation is one wanted finding.
type Expectation struct {
	Path string
	Line int
	Rule string
}

func (e Expectation) String() string { return fmt.Sprintf("%s:%d %s", e.Path, e.Line, e.Rule) }

// Run scans dir with s and fails t for every wanted finding that is missing and every finding
// that is not wanted. It returns the findings for further assertions (messages, fixes).
func Run(t *testing.T, s engine.Scanner, dir string) []finding.Finding {
	t.Helper()
	tree, _, err := engine.OpenTree(dir, func(p string) bool { return strings.HasSuffix(p, ".want") })
	if err != nil {
		t.Fatalf("open fixtures: %v", err)
	}
	res, err := s.Scan(context.Background(), &engine.Request{Tree: tree, Enabled: func(string) bool { return true }, Progress: &engine.Progress{}})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	want := map[Expectation]bool{}
	for _, e := range Expectations(t, dir) {
		want[e] = true
	}
	got := map[Expectation]bool{}
	for _, f := range res.Findings {
		if f.StartLine < 1 || f.StartColumn < 1 {
			t.Errorf("%s: finding %s has no line/column (%d:%d)", f.Path, f.RuleID, f.StartLine, f.StartColumn)
		}
		if f.Message == "" {
			t.Errorf("%s: finding %s has no message", f.Location(), f.RuleID)
		}
		got[Expectation{f.Path, f.StartLine, f.RuleID}] = true
	}
	for _, e := range sorted(want) {
		if !got[e] {
			t.Errorf("missing finding %s", e)
		}
	}
	for _, e := range sorted(got) {
		if !want[e] {
			t.Errorf("unexpected finding %s", e)
		}
	}
	return res.Findings
}

// RunWindows is Run on a copy of dir written as an editor on Windows saves files: CRLF line
// endings and a byte-order mark. The same findings must come out on the same lines. Sidecar
// .want files only get the line endings: they are the harness's format, not the scanner's.
func RunWindows(t *testing.T, s engine.Scanner, dir string) []finding.Finding {
	t.Helper()
	tmp := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		if !strings.HasSuffix(rel, ".want") {
			data = append([]byte("\xef\xbb\xbf"), data...)
		}
		out := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy fixtures: %v", err)
	}
	return Run(t, s, tmp)
}

// Expectations reads the want comments and sidecar files under dir.
func Expectations(t *testing.T, dir string) []Expectation {
	t.Helper()
	var out []Expectation
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for n := 1; sc.Scan(); n++ {
			if strings.HasSuffix(rel, ".want") {
				fields := strings.Fields(sc.Text())
				if len(fields) != 2 {
					continue
				}
				line, err := strconv.Atoi(fields[0])
				if err != nil {
					return fmt.Errorf("%s:%d: want line number first", rel, n)
				}
				for _, r := range strings.Split(fields[1], ",") {
					out = append(out, Expectation{strings.TrimSuffix(rel, ".want"), line, r})
				}
				continue
			}
			if m := wantComment.FindStringSubmatch(sc.Text()); m != nil {
				for _, r := range strings.Split(m[1], ",") {
					out = append(out, Expectation{rel, n, strings.TrimSpace(r)})
				}
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatalf("read expectations: %v", err)
	}
	return out
}

// CheckRules is the meta-test of a scanner's rule list: valid metadata, and every rule wanted by
// at least one fixture under dir (a positive case exists for each rule).
func CheckRules(t *testing.T, s engine.Scanner, dir string) {
	t.Helper()
	if _, err := finding.NewCatalogue(s.Rules()); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, e := range Expectations(t, dir) {
		covered[e.Rule] = true
	}
	for _, r := range s.Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no positive fixture case under %s", r.ID, dir)
		}
	}
}

func sorted(m map[Expectation]bool) []Expectation {
	out := make([]Expectation, 0, len(m))
	for e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}
