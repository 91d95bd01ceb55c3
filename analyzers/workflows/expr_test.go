package workflows

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReferences(t *testing.T) {
	tests := []struct {
		expr string
		want []string // path, with "(safe)" when used only as a boolean
	}{
		{" github.event.issue.title ", []string{"github.event.issue.title"}},
		{"github['event']['pull_request']['body']", []string{"github.event.pull_request.body"}},
		{"github.event.commits[0].message", []string{"github.event.commits.*.message"}},
		{"github.event.*.body", []string{"github.event.*.body"}},
		{"toJSON(github.event.issue)", []string{"github.event.issue"}},
		{"format('{0} }}', github.head_ref)", []string{"github.head_ref"}},
		{"contains(github.event.issue.title, 'x')", []string{"github.event.issue.title (safe)"}},
		{"github.event.issue.title == 'x' && 'a' || 'b'", []string{"github.event.issue.title (safe)"}},
		{"!github.event.issue.title", []string{"github.event.issue.title (safe)"}},
		{"startsWith(github.head_ref, 'x') && github.head_ref || 'main'", []string{"github.head_ref (safe)", "github.head_ref"}},
		{"true || null", nil},
		{"steps.my-step.outputs.value", []string{"steps.my-step.outputs.value"}},
		{"github.event.commits[", []string{"github.event.commits.*"}},
		{"'unterminated", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range references(tt.expr) {
			s := r.String()
			if r.safe {
				s += " (safe)"
			}
			got = append(got, strings.ToLower(s))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("references(%q) (-want +got):\n%s", tt.expr, diff)
		}
	}
}

func TestIsUntrusted(t *testing.T) {
	for path, want := range map[string]bool{
		"github.event.issue.title":                  true,
		"github.event.pull_request.head.ref":        true,
		"github.event.pull_request.head.sha":        false,
		"github.event.pull_request.number":          false,
		"github.event.pages.*.page_name":            true,
		"github.event.commits.*.author.email":       true,
		"github.event.*.body":                       true,
		"github.event.issue":                        true, // the object includes the title
		"github.event":                              true,
		"github":                                    true,
		"github.sha":                                false,
		"github.event_name":                         false,
		"github.event.workflow_run.head_branch":     true,
		"github.event.workflow_run.head_sha":        false,
		"inputs.title":                              false,
		"env.title":                                 false,
		"github.event.pull_request.head.repo.owner": false,
	} {
		if got := isUntrusted(strings.Split(path, ".")); got != want {
			t.Errorf("isUntrusted(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestExpressions(t *testing.T) {
	got := expressions("a ${{ x }} b ${{ format('}}', y) }} c ${{ open")
	want := []span{{2, 10, " x "}, {13, 35, " format('}}', y) "}, {38, 46, " open"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(span{})); diff != "" {
		t.Errorf("expressions (-want +got):\n%s", diff)
	}
}
