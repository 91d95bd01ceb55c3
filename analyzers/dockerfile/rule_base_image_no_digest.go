package dockerfile

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleBaseImageNoDigest = finding.Rule{
	ID:       "docker-base-image-no-digest",
	Title:    "Base image pinned by tag, not digest",
	Layer:    finding.Container,
	Severity: finding.Low,
	Description: "A version tag such as `node:20.11` is better than latest but still mutable: the " +
		"publisher, or anyone who takes over the repository, can point it at different content. " +
		"Only a digest makes the build use exactly the image that was reviewed. This is reported " +
		"at low severity because pinning digests needs tooling (Dependabot, Renovate) to keep base " +
		"images patched.",
	Remediation: "Add the digest of the tested image to the reference, `FROM node:20.11@sha256:…`, and let Dependabot or Renovate update it.",
	References:  []string{"CIS-Docker-4.2", "CWE-1357", "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies"},
}

func checkBaseImageNoDigest(df *dockerfile, r *report) {
	for _, st := range externalBaseImages(df) {
		ref := parseImageRef(st.resolved)
		if ref.digest != "" || ref.tag == "" || ref.tag == "latest" {
			continue // pinned, or reported by docker-base-image-latest
		}
		r.add(r.at(&ruleBaseImageNoDigest, st.from.args, st.imageWord.off, len(st.imageWord.raw),
			fmt.Sprintf("base image %s is pinned by tag only; the tag can be moved to other content", st.describe())))
	}
}
