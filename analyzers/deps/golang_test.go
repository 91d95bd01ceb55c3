package deps_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/finding"
)

func TestGoLevelsOnTheRequiringLines(t *testing.T) {
	rep := scan(t, "testdata/gomod/textapp", scanOptions{})
	if len(rep.Partial) != 0 || len(rep.Diags) != 0 {
		t.Fatalf("partial %q, diagnostics %v", rep.Partial, rep.Diags)
	}
	want := []string{
		"dep-go-vulnerable-called go.mod:3:4",
		"dep-go-vulnerable-imported go.mod:3:4",
		"dep-go-vulnerable-required go.mod:3:4", // the go command
		"dep-go-vulnerable-required go.mod:3:4", // the standard library
		"dep-go-vulnerable-called go.mod:5:9",
		"dep-go-vulnerable-imported go.mod:5:9",
	}
	if got := summary(rep.Items); !slices.Equal(got, want) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	called, imported := rep.Items[4], rep.Items[5]
	wantCalled := "golang.org/x/text v0.3.5 (replaced by the directory ./testdata/text, checked as the required version; update that copy) has 2 known vulnerabilities whose vulnerable code this module calls:\n" +
		"- GO-2021-0113 (CVE-2021-38561, GHSA-ppp9-7jff-5vj2): Out-of-bounds read in golang.org/x/text/language; affected < v0.3.7; fixed in v0.3.7; call path: main.main (main.go:16) → language.Parse\n" +
		"- GO-2022-1059 (CVE-2022-32149, GHSA-69ch-w2m2-3vjp): Denial of service via crafted Accept-Language header in golang.org/x/text/language; affected < v0.3.8; fixed in v0.3.8; call path: "
	if !strings.HasPrefix(called.Message, wantCalled) {
		t.Errorf("called message:\n%s\nwant it to start with:\n%s", called.Message, wantCalled)
	}
	// net/http imports nothing vulnerable in x/text, so its bodies were dropped; the handler
	// is reached through the call that hands it over. (The standard library's own advisories
	// make net/http keep its bodies here, so the path may also run through it: either is right.)
	if !strings.Contains(called.Message, "→ main.negotiate (main.go:26) → language.ParseAcceptLanguage\n") {
		t.Errorf("called message lacks the handler's path:\n%s", called.Message)
	}
	if !strings.HasSuffix(called.Message, "\nUpgrade to v0.39.0, the smallest version that fixes all 3 known vulnerabilities of the module.") {
		t.Errorf("called message lacks the upgrade:\n%s", called.Message)
	}
	wantImported := "golang.org/x/text v0.3.5 (replaced by the directory ./testdata/text, checked as the required version; update that copy) has a known vulnerability in a package this module imports; no call to its vulnerable functions was found:\n" +
		"- GO-2026-5970 (CVE-2026-56852): Infinite loop on invalid input in golang.org/x/text; affected < v0.39.0; fixed in v0.39.0; imported: example.com/textapp → golang.org/x/text/unicode/norm\n" +
		"Upgrade to v0.39.0, the smallest version that fixes all 3 known vulnerabilities of the module."
	if imported.Message != wantImported {
		t.Errorf("imported message:\n%s\nwant:\n%s", imported.Message, wantImported)
	}
	if called.Severity != finding.High || imported.Severity != finding.Medium || rep.Items[3].Severity != finding.Low {
		t.Errorf("severities %v %v %v, want high, medium, low", called.Severity, imported.Severity, rep.Items[3].Severity)
	}
	if called.Fix != nil {
		t.Errorf("a module replaced by a directory got a fix %+v: editing the require line would not change the code built", called.Fix)
	}
	if !slices.Equal(called.References[:6], []string{"GO-2021-0113", "CVE-2021-38561", "GHSA-ppp9-7jff-5vj2", "GO-2022-1059", "CVE-2022-32149", "GHSA-69ch-w2m2-3vjp"}) {
		t.Errorf("references %v", called.References)
	}
	if called.Remediation != "Upgrade golang.org/x/text to v0.39.0." {
		t.Errorf("remediation %q", called.Remediation)
	}

	// The standard library, from the go line: go 1.26 is go1.26.0.
	std := rep.Items[0]
	wantStd := "The standard library of go1.26.0 (go.mod's go line) has a known vulnerability whose vulnerable code this module calls:\n" +
		"- GO-2026-6089 (CVE-2026-56853): Apply ReadHeaderTimeout when doing unencrypted HTTP/2 check in net/http; affected < go1.25.13; >= go1.26.0, < go1.26.6; >= go1.27.0, < go1.27rc3; fixed in go1.26.6; call path: main.main (main.go:21) → http.ListenAndServe\n" +
		"Upgrade to go1.26.6, the smallest version that fixes all 6 known vulnerabilities of the standard library."
	if std.Message != wantStd {
		t.Errorf("stdlib message:\n%s\nwant:\n%s", std.Message, wantStd)
	}
	wantFix := &finding.Fix{Description: "Add a toolchain go1.26.6 line", StartLine: 3, EndLine: 3, Replacement: "go 1.26\n\ntoolchain go1.26.6"}
	if std.Fix == nil || *std.Fix != *wantFix {
		t.Errorf("stdlib fix = %+v, want %+v", std.Fix, wantFix)
	}
	if !strings.HasPrefix(rep.Items[2].Message, "The go command of go1.26.0 (go.mod's go line) has a known vulnerability in code this module does not import:\n- GO-2026-4871 (CVE-2026-27140)") {
		t.Errorf("toolchain message: %s", rep.Items[2].Message)
	}
}

func TestGoFixes(t *testing.T) {
	tests := []struct {
		name    string
		gomod   string
		want    []string // rule location
		fix     finding.Fix
		message string // the message's first line
	}{
		{
			name:    "a requirement in a block",
			gomod:   "module example.com/app\n\ngo 1.26.8\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/net v0.17.0 // indirect\n)\n",
			want:    []string{"dep-go-vulnerable-required go.mod:7:2"},
			fix:     finding.Fix{Description: "Upgrade golang.org/x/net to v0.56.0", StartLine: 7, EndLine: 7, Replacement: "\tgolang.org/x/net v0.56.0 // indirect"},
			message: "golang.org/x/net v0.17.0 has 14 known vulnerabilities in code this module does not import:",
		},
		{
			name:    "a single-line requirement",
			gomod:   "module example.com/app\n\ngo 1.26.8\n\nrequire golang.org/x/net v0.17.0\n",
			want:    []string{"dep-go-vulnerable-required go.mod:5:9"},
			fix:     finding.Fix{Description: "Upgrade golang.org/x/net to v0.56.0", StartLine: 5, EndLine: 5, Replacement: "require golang.org/x/net v0.56.0"},
			message: "golang.org/x/net v0.17.0 has 14 known vulnerabilities in code this module does not import:",
		},
		{
			name:    "a replacement by another version decides",
			gomod:   "module example.com/app\n\ngo 1.26.8\n\nrequire golang.org/x/net v0.17.0\n\nreplace golang.org/x/net => golang.org/x/net v0.33.0\n",
			want:    []string{"dep-go-vulnerable-required go.mod:7:29"},
			fix:     finding.Fix{Description: "Replace with golang.org/x/net v0.56.0", StartLine: 7, EndLine: 7, Replacement: "replace golang.org/x/net => golang.org/x/net v0.56.0"},
			message: "golang.org/x/net v0.33.0 (replaced by golang.org/x/net v0.33.0) has 12 known vulnerabilities in code this module does not import:",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"go.mod": tc.gomod})
			rep := scan(t, dir, scanOptions{})
			if got := summary(rep.Items); !slices.Equal(got, tc.want) {
				t.Fatalf("findings %q, want %q", got, tc.want)
			}
			f := rep.Items[0]
			if f.Fix == nil || *f.Fix != tc.fix {
				t.Errorf("fix = %+v, want %+v", f.Fix, tc.fix)
			}
			if first, _, _ := strings.Cut(f.Message, "\n"); first != tc.message {
				t.Errorf("message starts %q, want %q", first, tc.message)
			}
			// Offline, the go command cannot fetch the requirements' go.mod files: the build
			// list lacks what they require in turn, and the scan says so.
			if strings.Contains(tc.gomod, "replace") {
				return // the replacement is not resolved at all: nothing to say
			}
			if len(rep.Partial) != 1 || !strings.HasPrefix(rep.Partial[0], "deps: go.mod: the go command could not resolve") ||
				!strings.Contains(rep.Partial[0], "module lookup disabled by GOPROXY=off") {
				t.Errorf("partial = %q", rep.Partial)
			}
		})
	}
}

func TestGoRequirementThroughAnotherModule(t *testing.T) {
	// Served by a local module proxy, as the real modules would be: nothing is replaced.
	lib := writeTree(t, map[string]string{
		"go.mod": "module example.com/lib\n\ngo 1.16\n\nrequire golang.org/x/text v0.3.5\n",
		"lib.go": "package lib\n\nimport \"golang.org/x/text/language\"\n\nfunc Hello() { language.MustParse(\"en\") }\n",
	})
	env := localProxy(t, map[string]string{"example.com/lib@v1.0.0": lib, "golang.org/x/text@v0.3.5": fakeText})
	// A go 1.16 module lists only its direct requirements.
	dir := writeTree(t, map[string]string{
		"go.mod":  "module example.com/app\n\ngo 1.16\n\nrequire example.com/lib v1.0.0\n",
		"main.go": "package main\n\nimport \"example.com/lib\"\n\nfunc main() { lib.Hello() }\n",
	})
	rep := scan(t, dir, scanOptions{opts: deps.Options{StdlibVersion: "go1.26.8", Env: env}})
	if len(rep.Partial) != 0 {
		t.Fatalf("partial: %q", rep.Partial)
	}
	got := summary(findingsOf(rep, "dep-go"))
	want := []string{"dep-go-vulnerable-called go.mod:5:9", "dep-go-vulnerable-imported go.mod:5:9", "dep-go-vulnerable-required go.mod:5:9"}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	called := rep.Items[0]
	wantMsg := "golang.org/x/text v0.3.5 (required through example.com/lib) has a known vulnerability whose vulnerable code this module calls:\n" +
		"- GO-2021-0113 (CVE-2021-38561, GHSA-ppp9-7jff-5vj2): Out-of-bounds read in golang.org/x/text/language; affected < v0.3.7; fixed in v0.3.7; call path: main.main (main.go:5) → lib.Hello (example.com/lib@v1.0.0/lib.go:5) → language.MustParse\n" +
		"Upgrade to v0.39.0, the smallest version that fixes all 3 known vulnerabilities of the module."
	if called.Message != wantMsg {
		t.Errorf("message:\n%s\nwant:\n%s", called.Message, wantMsg)
	}
	wantFix := finding.Fix{Description: "Require golang.org/x/text v0.39.0", StartLine: 5, EndLine: 5, Replacement: "require example.com/lib v1.0.0\nrequire golang.org/x/text v0.39.0 // indirect"}
	if called.Fix == nil || *called.Fix != wantFix {
		t.Errorf("fix = %+v, want %+v", called.Fix, wantFix)
	}
}

func TestGoWorkspace(t *testing.T) {
	files := map[string]string{
		"go.work":       "go 1.26\n\nuse (\n\t./api\n\t./worker\n)\n\nreplace golang.org/x/text => ./testdata/text\n",
		"api/go.mod":    "module example.com/api\n\ngo 1.26\n\nrequire golang.org/x/text v0.3.5\n",
		"api/api.go":    "package api\n\nimport \"golang.org/x/text/language\"\n\nfunc Tag(s string) string { t, _ := language.Parse(s); return t.String() }\n",
		"worker/go.mod": "module example.com/worker\n\ngo 1.26\n\nrequire golang.org/x/text v0.3.5\n",
		"worker/w.go":   "package worker\n\nimport _ \"golang.org/x/text/unicode/norm\"\n",
	}
	copyText(t, files, "testdata/text")
	dir := writeTree(t, files)
	rep := scan(t, dir, scanOptions{})
	if len(rep.Partial) != 0 || len(rep.Diags) != 0 {
		t.Fatalf("partial %q, diagnostics %v", rep.Partial, rep.Diags)
	}
	want := []string{
		"dep-go-vulnerable-called api/go.mod:5:9",
		"dep-go-vulnerable-imported api/go.mod:5:9", // GO-2022-1059: language is imported, ParseAcceptLanguage not called
		"dep-go-vulnerable-required api/go.mod:5:9",
		"dep-go-vulnerable-required go.work:1:4", // the go command
		"dep-go-vulnerable-required go.work:1:4", // the standard library: neither module imports a vulnerable package
		"dep-go-vulnerable-imported worker/go.mod:5:9",
		"dep-go-vulnerable-required worker/go.mod:5:9",
	}
	if got := summary(rep.Items); !slices.Equal(got, want) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(rep.Items[0].Message, "(replaced by the directory ./testdata/text, checked as the required version; update that copy)") ||
		!strings.Contains(rep.Items[0].Message, "call path: api.Tag (api/api.go:5) → language.Parse") {
		t.Errorf("api message: %s", rep.Items[0].Message)
	}
	if !strings.Contains(rep.Items[5].Message, "GO-2026-5970") || !strings.Contains(rep.Items[5].Message, "imported: example.com/worker → golang.org/x/text/unicode/norm") {
		t.Errorf("worker message: %s", rep.Items[5].Message)
	}
}

func TestGoBadInput(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"good/go.mod":   "module example.com/good\n\ngo 1.26.8\n\nrequire golang.org/x/net v0.17.0\n",
		"bad/go.mod":    "module example.com/bad\n\ngo 1.26.8\n\nrequire (\n\tgolang.org/x/net\n)\n",
		"nomod/go.mod":  "go 1.26.8\n",
		"future/go.mod": "module example.com/future\n\ngo 1.99\n\nrequire golang.org/x/net v0.17.0\n",
	})
	rep := scan(t, dir, scanOptions{})
	var diags []string
	for _, d := range rep.Diags {
		diags = append(diags, d.Path+":"+itoa(d.Line)+": "+d.Message)
	}
	wantDiags := []string{
		"bad/go.mod:6: not a valid go.mod, so its dependencies were not checked: usage: require module/path v1.2.3",
		"nomod/go.mod:1: go.mod has no module line, so its dependencies were not checked",
	}
	if !slices.Equal(diags, wantDiags) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(wantDiags, "\n"))
	}
	// The module asking for a newer Go is still checked from its go.mod, and the scan says why
	// it is partial.
	if got := summary(rep.Items); !slices.Equal(got, []string{"dep-go-vulnerable-required future/go.mod:5:9", "dep-go-vulnerable-required good/go.mod:5:9"}) {
		t.Errorf("findings %q", got)
	}
	found := false
	for _, p := range rep.Partial {
		if strings.HasPrefix(p, "deps: future/go.mod: the build list could not be computed (go list -m: go: ") && strings.Contains(p, "requires go >= 1.99") {
			found = true
		}
	}
	if !found {
		t.Errorf("partial %q lacks the future module's reason", rep.Partial)
	}
}

func TestGoRulesOff(t *testing.T) {
	files := map[string]string{
		"go.mod":    "module example.com/app\n\ngo 1.26.8\n\nrequire golang.org/x/text v0.3.5\n\nreplace golang.org/x/text => ./testdata/text\n",
		"main.go":   "package main\n\nimport \"golang.org/x/text/language\"\n\nfunc main() { language.MustParse(\"en\") }\n",
		"broken.go": "package main\n\nvar x int = \"no packages load from this module\"\n",
	}
	copyText(t, files, "testdata/text")
	dir := writeTree(t, files)
	tests := []struct {
		name     string
		disabled []string
		want     []string
	}{
		// Without call paths only the import graph is needed; broken.go does not matter.
		{"calls off", []string{"dep-go-vulnerable-called"}, []string{"dep-go-vulnerable-imported go.mod:5:9", "dep-go-vulnerable-required go.mod:5:9"}},
		// With both off no package is even listed.
		{"calls and imports off", []string{"dep-go-vulnerable-called", "dep-go-vulnerable-imported"}, []string{"dep-go-vulnerable-required go.mod:5:9"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			for _, id := range tc.disabled {
				cfg.Disabled[id] = true
			}
			rep := scan(t, dir, scanOptions{opts: deps.Options{StdlibVersion: "go1.26.8"}, config: cfg})
			if got := summary(rep.Items); !slices.Equal(got, tc.want) || len(rep.Partial) != 0 {
				t.Errorf("findings %q, partial %q; want %q", got, rep.Partial, tc.want)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
