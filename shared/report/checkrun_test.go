package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

func TestCheckRunGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  func(t *testing.T) *engine.Report
		opts CheckRunOptions
	}{
		{"checkrun", sampleReport, CheckRunOptions{ToolVersion: testVersion}},
		// Three annotations of six: the summary says so and the text lists all six.
		{"checkrun_capped", sampleReport, CheckRunOptions{ToolVersion: testVersion, MaxAnnotations: 3}},
		{"checkrun_clean", func(*testing.T) *engine.Report { return cleanReport() }, CheckRunOptions{ToolVersion: testVersion}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := CheckRunOutput(tc.rep(t), sampleCatalogue(t), tc.opts)
			// The Markdown is easier to review on its own than inside JSON.
			checkGolden(t, tc.name+".summary.md.golden", []byte(out.Summary))
			if out.Text != "" {
				checkGolden(t, tc.name+".text.md.golden", []byte(out.Text))
			}
			out.Summary, out.Text = "(see the .md golden files)", ""
			data, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name+".json.golden", append(data, '\n'))
		})
	}
}

func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, sampleReport(t), MarkdownOptions{ToolVersion: testVersion}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.md.golden", buf.Bytes())
}

func TestCheckRunTitle(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  func(t *testing.T) *engine.Report
		want string
	}{
		{"findings and partial", sampleReport, "6 new findings (1 critical, 2 high, 1 medium, 1 low, 1 info) — partial scan"},
		{"clean", func(*testing.T) *engine.Report { return cleanReport() }, "No new findings"},
		{"one finding, mode all", func(t *testing.T) *engine.Report {
			rep := sampleReport(t)
			rep.Mode, rep.Partial = engine.All, nil
			rep.Items = rep.Items[7:8] // the pre-existing privileged container
			return rep
		}, "1 finding (1 critical)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckRunOutput(tc.rep(t), nil, CheckRunOptions{}).Title; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConclusion(t *testing.T) {
	withItems := func(rep *engine.Report, sev finding.Severity) *engine.Report {
		f := (&finding.Rule{ID: "test-rule", Severity: sev, Layer: finding.Code}).New("a.go", 1, 1, "m")
		rep.Items = []engine.Item{{Finding: f, Status: engine.StatusNew, OnChanged: true}}
		return rep
	}
	for _, tc := range []struct {
		name string
		rep  *engine.Report
		want string
	}{
		{"clean", &engine.Report{FailOn: finding.High}, "success"},
		{"below fail_on", withItems(&engine.Report{FailOn: finding.High}, finding.Medium), "success"},
		{"at fail_on", withItems(&engine.Report{FailOn: finding.High}, finding.High), "failure"},
		{"partial", &engine.Report{FailOn: finding.High, Partial: []string{"go: timed out"}}, "neutral"},
		{"partial with a blocking finding", withItems(&engine.Report{FailOn: finding.High, Partial: []string{"x"}}, finding.Critical), "failure"},
		{"partial with a finding below fail_on", withItems(&engine.Report{FailOn: finding.High, Partial: []string{"x"}}, finding.Low), "neutral"},
		{"nil", nil, "neutral"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Conclusion(tc.rep); got != tc.want {
				t.Errorf("Conclusion = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAnnotations(t *testing.T) {
	out := CheckRunOutput(sampleReport(t), sampleCatalogue(t), CheckRunOptions{})
	type brief struct {
		Path                  string
		StartLine, EndLine    int
		StartColumn, EndColum int
		Level                 string
	}
	var got []brief
	for _, a := range out.Annotations {
		got = append(got, brief{a.Path, a.StartLine, a.EndLine, a.StartColumn, a.EndColumn, a.AnnotationLevel})
	}
	// Most severe first, then by path and line; columns only on a single line.
	want := []brief{
		{"app/config.go", 4, 4, 37, 67, "failure"},
		{"app/db.go", 10, 10, 9, 68, "failure"},
		{"infra/main.tf", 1, 4, 0, 0, "failure"},
		{"Dockerfile", 1, 1, 6, 19, "warning"},
		{"deploy/pod.yaml", 7, 7, 5, 16, "notice"},
		{"Dockerfile", 1, 1, 1, 1, "notice"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if none := CheckRunOutput(sampleReport(t), nil, CheckRunOptions{MaxAnnotations: -1}); len(none.Annotations) != 0 || none.Text == "" {
		t.Errorf("MaxAnnotations -1: %d annotations and text %q; want none and a listing", len(none.Annotations), none.Text)
	}
}

// TestCheckRunLimits feeds outsized input and checks every field stays within GitHub's limits
// and says it was cut.
func TestCheckRunLimits(t *testing.T) {
	huge := strings.Repeat("é", 70_000) // 140,000 bytes
	rule := finding.Rule{ID: "test-rule", Title: strings.Repeat("T", 300), Layer: finding.Code, Severity: finding.High,
		Remediation: "Fix it."}
	rep := &engine.Report{FailOn: finding.High, Mode: engine.AllNew, Files: 1}
	for i := range 5000 {
		f := rule.New("a/very/long/path/to/a/file/that/repeats/"+strings.Repeat("x", 100)+".go", i+1, 1, "message "+itoa(i))
		if i == 0 {
			f.Message = huge
			f.Fix = &finding.Fix{StartLine: 1, EndLine: 1, Replacement: huge}
		}
		rep.Items = append(rep.Items, engine.Item{Finding: f, Status: engine.StatusNew, OnChanged: true, Suppressed: i%2 == 1, SuppressedReason: huge})
	}
	for i := range 500 {
		rep.Partial = append(rep.Partial, "scanner "+itoa(i)+": "+strings.Repeat("reason ", 30))
		rep.Diags = append(rep.Diags, engine.Diagnostic{Path: "f" + itoa(i), Message: huge[:300]})
	}
	out := CheckRunOutput(rep, nil, CheckRunOptions{})

	for name, tc := range map[string]struct {
		text  string
		limit int
	}{
		"title":                  {out.Title, MaxCheckTitleBytes},
		"summary":                {out.Summary, MaxCheckSummaryBytes},
		"text":                   {out.Text, MaxCheckTextBytes},
		"annotation title":       {out.Annotations[0].Title, MaxAnnotationTitle},
		"annotation message":     {out.Annotations[0].Message, MaxAnnotationBytes},
		"annotation raw_details": {out.Annotations[0].RawDetails, MaxAnnotationBytes},
	} {
		if len(tc.text) > tc.limit {
			t.Errorf("%s is %d bytes, over the limit of %d", name, len(tc.text), tc.limit)
		}
		if !utf8.ValidString(tc.text) {
			t.Errorf("%s was cut inside a character", name)
		}
	}
	for name, text := range map[string]string{
		"annotation message": out.Annotations[0].Message, "annotation raw_details": out.Annotations[0].RawDetails,
		"annotation title": out.Annotations[0].Title,
	} {
		if !strings.HasSuffix(text, truncatedMarker) {
			t.Errorf("%s was cut without the %q marker (ends %q)", name, truncatedMarker, text[max(0, len(text)-40):])
		}
	}
	if len(out.Annotations) != DefaultMaxAnnotations {
		t.Errorf("%d annotations, want the default cap of %d", len(out.Annotations), DefaultMaxAnnotations)
	}
	if !strings.Contains(out.Summary, "200 of 2500 findings are annotated") {
		t.Errorf("summary does not say how many findings were not annotated")
	}
	if !strings.Contains(out.Text, "more findings not listed here") {
		t.Errorf("text does not say how many findings did not fit; it ends %q", out.Text[max(0, len(out.Text)-200):])
	}
}

func TestTruncateBytes(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{strings.Repeat("a", 30), 20, "aaaaaa" + truncatedMarker},
		{strings.Repeat("é", 20), 20, "ééé" + truncatedMarker}, // never half a character
		{strings.Repeat("a", 30), 5, "…(t"},                    // not even the marker fits
		{"abc", 0, ""},
	} {
		got := truncateBytes(tc.in, tc.limit)
		if got != tc.want || len(got) > tc.limit && got != tc.in {
			t.Errorf("truncateBytes(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

// TestMarkdownEscapesRepositoryText checks that a suppression reason or a file name cannot put
// links, images, HTML or table cells into the summary.
func TestMarkdownEscapesRepositoryText(t *testing.T) {
	rule := finding.Rule{ID: "test-rule", Title: "Test", Layer: finding.Code, Severity: finding.Low}
	f := rule.New("x`y|z.go", 1, 1, "m")
	rep := &engine.Report{FailOn: finding.High, Mode: engine.All, Items: []engine.Item{{
		Finding: f, Status: engine.StatusNew, Suppressed: true,
		SuppressedReason: "ok | ![x](https://evil.example/p.png) <img src=x> [click](https://evil.example) @team #1\nnext",
	}}, Diags: []engine.Diagnostic{{Path: "d.yaml", Message: "<script>alert(1)</script>"}}}
	out := CheckRunOutput(rep, nil, CheckRunOptions{})
	for _, bad := range []string{"![x](", " <img", "[click](", "— <script>", " | ![", "\nnext"} {
		if strings.Contains(out.Summary, bad) {
			t.Errorf("summary contains unescaped %q:\n%s", bad, out.Summary)
		}
	}
	for _, good := range []string{"``x`y\\|z.go:1:1``", `ok \| \!\[x\]\(https\:`, `\<script\>`} {
		if !strings.Contains(out.Summary, good) {
			t.Errorf("summary lacks %q:\n%s", good, out.Summary)
		}
	}
}
