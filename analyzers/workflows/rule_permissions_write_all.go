package workflows

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var rulePermissionsWriteAll = finding.Rule{
	ID:       "gha-permissions-write-all",
	Title:    "Workflow token has write-all permissions",
	Layer:    finding.Code,
	Severity: finding.High,
	Description: "`permissions: write-all` gives the job's GITHUB_TOKEN write access to contents, " +
		"packages, pull requests, actions, deployments and more. Any step that is compromised — " +
		"an injected script, a hijacked action — can then push code, publish packages or change " +
		"releases.",
	Remediation: "Grant only what the job uses, starting from `permissions: {contents: read}` and adding individual scopes such as `pull-requests: write` where needed.",
	References: []string{
		"CWE-250", "CWE-272",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token",
	},
}

func checkPermissionsWriteAll(f *file, r *report) {
	if f.kind != workflowFile {
		return
	}
	report := func(n *yaml.Node, scope string) {
		if s, ok := yamldoc.String(n); ok && s == "write-all" {
			r.add(r.atNode(&rulePermissionsWriteAll, n, fmt.Sprintf("%s grants the GITHUB_TOKEN write access to every scope", scope)))
		}
	}
	report(f.permissions, "the workflow")
	for _, j := range f.jobs {
		report(j.permissions, fmt.Sprintf("job %q", j.id))
	}
}
