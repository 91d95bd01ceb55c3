package dockerfile

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

var ruleBaseImageLatest = finding.Rule{
	ID:       "docker-base-image-latest",
	Title:    "Base image uses the latest tag",
	Layer:    finding.Container,
	Severity: finding.Medium,
	Description: "A FROM image without a tag, or with the tag `latest`, is whatever the registry serves " +
		"on the day of the build: builds are not reproducible, a new major version can arrive " +
		"unreviewed, and a compromised or typo-squatted upstream is pulled silently. FROM lines " +
		"naming an earlier build stage, `scratch`, and images chosen by a build argument with no " +
		"default are not base images this rule can judge and are left alone.",
	Remediation: "Pin the base image to an explicit version tag and, better, its digest: `FROM alpine:3.20@sha256:…`.",
	References:  []string{"CIS-Docker-4.2", "CWE-1357", "https://github.com/hadolint/hadolint/wiki/DL3006", "https://github.com/hadolint/hadolint/wiki/DL3007"},
}

func checkBaseImageLatest(df *dockerfile, r *report) {
	for _, st := range externalBaseImages(df) {
		ref := parseImageRef(st.resolved)
		if ref.digest != "" || (ref.tag != "" && ref.tag != "latest") {
			continue
		}
		what := "has no tag, so it means latest"
		if ref.tag == "latest" {
			what = `uses the mutable "latest" tag`
		}
		r.add(r.at(&ruleBaseImageLatest, st.from.args, st.imageWord.off, len(st.imageWord.raw),
			fmt.Sprintf("base image %s %s", st.describe(), what)))
	}
}

// baseImage is a stage whose FROM names an image from a registry.
type baseImage struct {
	*stage
	resolved string // the image reference with build arguments substituted
}

// describe names the image for messages, with the build argument it came from.
func (b baseImage) describe() string {
	if b.resolved != b.image {
		return fmt.Sprintf("%q (from %s)", b.resolved, b.image)
	}
	return fmt.Sprintf("%q", b.image)
}

// externalBaseImages lists the stages built on a registry image: not on an earlier stage, not on
// scratch, and with every build argument in the reference resolved by a default.
func externalBaseImages(df *dockerfile) []baseImage {
	var out []baseImage
	for _, st := range df.stages {
		if st.base != nil || st.image == "" {
			continue
		}
		resolved, ok := expandArgs(st.image, df.metaArgs)
		if !ok || resolved == "" || isScratch(resolved) {
			continue
		}
		out = append(out, baseImage{stage: st, resolved: resolved})
	}
	return out
}

func isScratch(image string) bool { return strings.EqualFold(image, "scratch") }
