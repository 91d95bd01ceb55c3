package k8s

import (
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var imageTagRule = finding.Rule{
	ID:       "k8s-image-tag",
	Title:    "Image without a fixed tag or digest",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "An image without a tag, or tagged :latest, is whatever the registry serves when " +
		"a node pulls it: every restart may run different code, nobody can tell which, and a " +
		"compromised registry or tag push reaches the cluster unreviewed.",
	Remediation: "Pin the image to a version tag, or better to a digest (image@sha256:…).",
	References:  []string{"CWE-1357", "CWE-494"},
}

func checkImageTag(r *reporter, o *object) {
	for _, c := range o.containers() {
		n := yamldoc.Value(c.node, "image")
		image, ok := yamldoc.String(n)
		image = strings.TrimSpace(image)
		if !ok || image == "" || isTemplated(image) || strings.Contains(image, "://") {
			continue // ko://, and other build tools' placeholders, are replaced by a digest at build time
		}
		switch imageTag(image) {
		case "@digest":
		case "":
			r.report(&imageTagRule, o, n, c.String()+" uses image "+image+" without a tag, so it runs whatever :latest is")
		case "latest":
			r.report(&imageTagRule, o, n, c.String()+" uses image "+image+" with the mutable tag :latest")
		}
	}
}

// imageTag returns the tag of an image reference, "" when it has none, and "@digest" when a
// digest pins it (whatever its tag says).
func imageTag(image string) string {
	if strings.Contains(image, "@") {
		return "@digest"
	}
	name := image[strings.LastIndexByte(image, '/')+1:] // a registry's port is not a tag
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return ""
}
