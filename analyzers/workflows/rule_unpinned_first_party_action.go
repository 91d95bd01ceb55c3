package workflows

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleUnpinnedFirstPartyAction = finding.Rule{
	ID:       "gha-unpinned-first-party-action",
	Title:    "GitHub-owned action not pinned to a commit",
	Layer:    finding.Code,
	Severity: finding.Low,
	Description: "An action from the actions or github organisations (actions/checkout@v4) is " +
		"referenced by tag. GitHub maintains these with strong controls, so the risk is lower " +
		"than for third-party actions, but their tags are still mutable: pinning every action to " +
		"a commit SHA gives reproducible workflows and is what OpenSSF Scorecard's " +
		"Pinned-Dependencies check asks for.",
	Remediation: "Pin to the full commit SHA of the release, with the tag as a comment (`uses: actions/checkout@<40-hex sha> # v4.2.2`), and let Dependabot keep it current.",
	References:  []string{"CWE-829", "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies"},
}

func checkUnpinnedFirstPartyAction(f *file, r *report) {
	for _, n := range usesNodes(f) {
		if ref := usesString(n); classifyUses(ref) == usesFirstParty {
			r.add(r.atNode(&ruleUnpinnedFirstPartyAction, n, fmt.Sprintf("%s is not pinned to a full 40-character commit SHA", ref)))
		}
	}
}
