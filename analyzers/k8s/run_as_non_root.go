package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var runAsNonRootRule = finding.Rule{
	ID:       "k8s-run-as-non-root",
	Title:    "Container may run as root",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "Neither runAsNonRoot: true nor a non-zero runAsUser is set for the container or " +
		"its pod, so it runs as whatever user the image names, often root. A process running as " +
		"root inside the container is root on the node after any escape. Pod Security Standards " +
		"Restricted requires runAsNonRoot: true.",
	Remediation: "Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or the container.",
	References:  []string{"PSS-Restricted", "CIS-K8s-5.2.7", "CWE-250"},
}

func checkRunAsNonRoot(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		nonRoot := c.effective("runAsNonRoot")
		if on, _ := yamldoc.Bool(nonRoot.value); on {
			continue
		}
		if c.effective("runAsUser").set() {
			// A non-zero user is not root; user 0 is k8s-run-as-root-user's, more severe, finding.
			continue
		}
		if nonRoot.set() {
			if f := r.report(&runAsNonRootRule, o, nonRoot.value, nonRoot.where(c)+" sets runAsNonRoot: false"); f != nil {
				f.Fix = o.src.replaceValue(nonRoot.value, "true", "Set runAsNonRoot to true")
			}
			continue
		}
		r.report(&runAsNonRootRule, o, c.nameKey, c.String()+" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set")
	}
}
