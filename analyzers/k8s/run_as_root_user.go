package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var runAsRootUserRule = finding.Rule{
	ID:       "k8s-run-as-root-user",
	Title:    "Container runs as root (runAsUser: 0)",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "runAsUser: 0 makes the container's processes run as root whatever the image says. " +
		"Root inside a container is root on the node after any escape, and owns every file the " +
		"container mounts. Pod Security Standards Restricted forbids it.",
	Remediation: "Set runAsUser to a non-zero user id and runAsNonRoot: true.",
	References:  []string{"PSS-Restricted", "CIS-K8s-5.2.7", "CWE-250"},
}

func checkRunAsRootUser(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		s := c.effective("runAsUser")
		if uid, ok := yamldoc.Int(s.value); ok && uid == 0 {
			r.report(&runAsRootUserRule, o, s.value, s.where(c)+" sets runAsUser: 0, so it runs as root")
		}
	}
}
