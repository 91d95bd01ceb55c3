package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var writableRootFilesystemRule = finding.Rule{
	ID:       "k8s-writable-root-filesystem",
	Title:    "Container root file system is writable",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "Without readOnlyRootFilesystem: true an attacker who gets code execution in the " +
		"container can drop tools and binaries, or alter the application, on its file system.",
	Remediation: "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the application writes.",
	References:  []string{"CIS-K8s-5.7.3", "CWE-732"},
}

func checkWritableRootFilesystem(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		s := c.own("readOnlyRootFilesystem")
		on, ok := yamldoc.Bool(s.value)
		switch {
		case ok && on:
		case ok:
			r.report(&writableRootFilesystemRule, o, s.value, c.String()+" sets readOnlyRootFilesystem: false")
		default:
			r.report(&writableRootFilesystemRule, o, c.nameKey, c.String()+" does not set securityContext.readOnlyRootFilesystem: true")
		}
	}
}
