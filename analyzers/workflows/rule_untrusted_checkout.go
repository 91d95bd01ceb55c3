package workflows

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var ruleUntrustedCheckout = finding.Rule{
	ID:       "gha-untrusted-checkout",
	Title:    "Privileged workflow checks out pull request code",
	Layer:    finding.Code,
	Severity: finding.Critical,
	Description: "A workflow triggered by pull_request_target, workflow_run or issue_comment runs " +
		"in the base repository with its secrets and a token that can write, even for a pull " +
		"request from a fork. Checking out the pull request's head (its sha or ref, " +
		"github.head_ref, refs/pull/N/merge, the fork's repository) and then running any later " +
		"step — a build, an install script, a linter, a local action — executes the attacker's " +
		"code with those privileges (a \"pwn request\"). A checkout that is the job's last step " +
		"runs nothing and is not reported.",
	Remediation: "Build and test untrusted code in a `pull_request` workflow, which has no secrets and a read-only token; if a privileged follow-up is needed, pass artifacts to a separate workflow_run job that never executes them.",
	References: []string{
		"CWE-829", "CWE-94",
		"https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
	},
}

// checkoutTriggers give a workflow privileges while a pull request's author chooses the code.
var checkoutTriggers = []string{"pull_request_target", "workflow_run", "issue_comment"}

// untrustedRefs are the values of actions/checkout's ref: and repository: inputs that select the
// pull request's code.
var untrustedRefs = []string{
	"github.event.pull_request.head.sha", "github.event.pull_request.head.ref",
	"github.event.pull_request.merge_commit_sha", "github.event.pull_request.number",
	"github.event.pull_request.head.repo.full_name", "github.head_ref",
	"github.event.workflow_run.head_sha", "github.event.workflow_run.head_branch",
	"github.event.workflow_run.head_commit.id", "github.event.workflow_run.head_repository.full_name",
	"github.event.issue.number", "refs/pull/",
}

func checkUntrustedCheckout(f *file, r *report) {
	var trigger string
	for _, t := range checkoutTriggers {
		if f.triggers[t] {
			trigger = t
			break
		}
	}
	if trigger == "" {
		return
	}
	for _, j := range f.jobs {
		for i, s := range j.steps {
			if !usesAction(s, "actions/checkout") || i == len(j.steps)-1 {
				continue
			}
			for _, input := range []string{"repository", "ref"} { // the fork first: the stronger sign
				n := withInput(s, input)
				if what, ok := selectsPullRequestCode(n); ok {
					r.add(r.atNode(&ruleUntrustedCheckout, n, fmt.Sprintf(
						"job %q checks out %s in a %s workflow and runs later steps on it with the base repository's secrets and token",
						j.id, what, trigger)))
					break
				}
			}
		}
	}
}

// selectsPullRequestCode reports whether a checkout input names the pull request's code.
func selectsPullRequestCode(n *yaml.Node) (string, bool) {
	v, ok := yamldoc.String(n)
	if !ok {
		return "", false
	}
	lower := strings.ToLower(strings.Join(strings.Fields(v), ""))
	for _, ref := range untrustedRefs {
		if strings.Contains(lower, ref) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
