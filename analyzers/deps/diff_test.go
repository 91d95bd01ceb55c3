package deps_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/analyzers/deps/reach"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// status is "rule line status" for each item, plus the fixed findings.
func status(rep *engine.Report) []string {
	var out []string
	for _, it := range rep.Items {
		out = append(out, it.RuleID+" "+it.Path+":"+itoa(it.StartLine)+" "+string(it.Status))
	}
	for _, f := range rep.Fixed {
		out = append(out, f.RuleID+" "+f.Path+":"+itoa(f.StartLine)+" fixed")
	}
	return out
}

func TestPullRequests(t *testing.T) {
	base := map[string]string{
		"go.mod":    "module example.com/app\n\ngo 1.26.8\n\nrequire golang.org/x/text v0.3.5\n\nreplace golang.org/x/text => ./testdata/text\n",
		"main.go":   "package main\n\nimport \"golang.org/x/text/language\"\n\nvar tag language.Tag\n\nfunc main() { println(tag.String()) }\n",
		"README.md": "# app\n",
	}
	copyText(t, base, "testdata/text")
	opts := deps.Options{StdlibVersion: "go1.26.8"}
	baseRep := scan(t, writeTree(t, base), scanOptions{opts: opts})
	if got := summary(baseRep.Items); !slices.Equal(got, []string{"dep-go-vulnerable-imported go.mod:5:9", "dep-go-vulnerable-required go.mod:5:9"}) {
		t.Fatalf("base findings %q", got)
	}
	var baseline []finding.Finding
	for _, it := range baseRep.Items {
		baseline = append(baseline, it.Finding)
	}

	tests := []struct {
		name    string
		change  map[string]string
		touched map[string][2]int // path → changed lines
		want    []string
		shown   []string
	}{
		{
			name:    "an unrelated change",
			change:  map[string]string{"README.md": "# app\n\nMore.\n"},
			touched: map[string][2]int{"README.md": {2, 3}},
			want:    []string{"dep-go-vulnerable-imported go.mod:5 existing", "dep-go-vulnerable-required go.mod:5 existing"},
		},
		{
			// The call makes a called finding (new) out of part of the imported one; it sits on
			// go.mod, which the change did not touch, so it is new but not annotated.
			name:    "a new call to a vulnerable function",
			change:  map[string]string{"main.go": "package main\n\nimport \"golang.org/x/text/language\"\n\nvar tag language.Tag\n\nfunc main() { tag, _ = language.Parse(\"en\"); println(tag.String()) }\n"},
			touched: map[string][2]int{"main.go": {7, 7}},
			want:    []string{"dep-go-vulnerable-called go.mod:5 new", "dep-go-vulnerable-imported go.mod:5 existing", "dep-go-vulnerable-required go.mod:5 existing"},
		},
		{
			// v0.3.8 fixes the imported advisories but not GO-2026-5970: the required finding
			// keeps its fingerprint, so the upgrade is not reported as a new problem.
			name:    "an upgrade that leaves the module vulnerable",
			change:  map[string]string{"go.mod": strings.Replace(base["go.mod"], "v0.3.5", "v0.3.8", 1)},
			touched: map[string][2]int{"go.mod": {5, 5}},
			want:    []string{"dep-go-vulnerable-required go.mod:5 existing", "dep-go-vulnerable-imported go.mod:5 fixed"},
		},
		{
			name:    "a new vulnerable requirement",
			change:  map[string]string{"go.mod": strings.Replace(base["go.mod"], "require golang.org/x/text v0.3.5\n", "require (\n\tgolang.org/x/text v0.3.5\n\tgolang.org/x/net v0.17.0\n)\n", 1)},
			touched: map[string][2]int{"go.mod": {5, 8}},
			want:    []string{"dep-go-vulnerable-required go.mod:7 new", "dep-go-vulnerable-imported go.mod:6 existing", "dep-go-vulnerable-required go.mod:6 existing"},
			shown:   []string{"dep-go-vulnerable-required go.mod:7:2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			head := map[string]string{}
			for k, v := range base {
				head[k] = v
			}
			for k, v := range tc.change {
				head[k] = v
			}
			d := diff.New()
			for p, lines := range tc.touched {
				d.Add(p, lines[0], lines[1])
			}
			rep := scan(t, writeTree(t, head), scanOptions{opts: opts, diff: d, baseline: baseline, mode: engine.NewOnChangedLines})
			got := status(rep)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("statuses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if shown := summary(rep.Shown()); !slices.Equal(shown, tc.shown) {
				t.Errorf("shown %q, want %q", shown, tc.shown)
			}

			// Told that only the diff's files matter, the scanner shows the same and analyses
			// go.mod only when the change touched it.
			analysed := false
			focused := opts
			focused.ReachStats = func(string, reach.Stats) { analysed = true }
			rep = scan(t, writeTree(t, head), scanOptions{opts: focused, diff: d, baseline: baseline, mode: engine.NewOnChangedLines, diffFilesOnly: true})
			if shown := summary(rep.Shown()); !slices.Equal(shown, tc.shown) {
				t.Errorf("diff files only: shown %q, want %q", shown, tc.shown)
			}
			if _, goModChanged := tc.touched["go.mod"]; analysed != goModChanged {
				t.Errorf("diff files only: reachability analysed %v, want %v (go.mod touched: %v)", analysed, goModChanged, goModChanged)
			}
		})
	}
}
