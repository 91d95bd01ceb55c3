package workflows

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleUnpinnedAction = finding.Rule{
	ID:       "gha-unpinned-action",
	Title:    "Third-party action not pinned to a commit",
	Layer:    finding.Code,
	Severity: finding.Medium,
	Description: "`uses: owner/repo@v1` (or @main) runs whatever the tag or branch points to when the " +
		"job starts. Tags can be moved by the action's owner or by anyone who compromises their " +
		"account — as in the tj-actions/changed-files compromise of March 2025, which dumped CI " +
		"secrets of thousands of repositories — and the job runs the new code with its token and " +
		"secrets. Only a full 40-character commit SHA is immutable. docker:// images without a " +
		"digest are mutable in the same way. Local actions (./…) are part of the repository and " +
		"not reported; actions/* and github/* are reported separately, at low severity.",
	Remediation: "Pin the action to the full commit SHA of the release you reviewed, keeping the tag as a comment (`uses: owner/repo@<40-hex sha> # v1.2.3`), and let Dependabot or Renovate update it.",
	References: []string{
		"CWE-829", "CWE-494",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
	},
}

func checkUnpinnedAction(f *file, r *report) {
	for _, n := range usesNodes(f) {
		ref := usesString(n)
		switch classifyUses(ref) {
		case usesThirdParty:
			r.add(r.atNode(&ruleUnpinnedAction, n, fmt.Sprintf("%s is not pinned to a full 40-character commit SHA", ref)))
		case usesDockerByTag:
			r.add(r.atNode(&ruleUnpinnedAction, n, fmt.Sprintf("%s is a container image referenced without a digest", ref)))
		}
	}
}
