package workflows

import (
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var rulePermissionsMissing = finding.Rule{
	ID:       "gha-permissions-missing",
	Title:    "Workflow does not restrict token permissions",
	Layer:    finding.Code,
	Severity: finding.Medium,
	Description: "Without a `permissions:` block, the GITHUB_TOKEN gets the repository's or " +
		"organisation's default permissions, which for many repositories is read and write on " +
		"every scope, and which an administrator can change without touching the workflow. " +
		"Declaring permissions at the top of the workflow (or on every job) makes the token's " +
		"power reviewable and least-privilege.",
	Remediation: "Add `permissions: {contents: read}` at the top of the workflow and grant more per job only where needed.",
	References: []string{
		"CWE-250",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token",
		"https://github.com/ossf/scorecard/blob/main/docs/checks.md#token-permissions",
	},
}

func checkPermissionsMissing(f *file, r *report) {
	if f.kind != workflowFile || f.permissionsKey != nil || len(f.jobs) == 0 {
		return
	}
	for _, j := range f.jobs {
		if j.permissionsKey == nil {
			const msg = "the workflow does not declare permissions, so its token gets the repository default, which may be write-all"
			if f.onKey == nil {
				r.add(rulePermissionsMissing.New(f.path, 1, 1, msg))
				return
			}
			fd := r.atNode(&rulePermissionsMissing, f.onKey, msg)
			if f.onKey.Column == 1 {
				line := f.lines.Line(f.onKey.Line)
				fd.Fix = &finding.Fix{
					Description: "Declare read-only permissions for the workflow",
					StartLine:   f.onKey.Line,
					EndLine:     f.onKey.Line,
					Replacement: strings.Join([]string{"permissions:", "  contents: read", line}, "\n"),
				}
			}
			r.add(fd)
			return
		}
	}
}
