package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var hostPIDRule = finding.Rule{
	ID:       "k8s-host-pid",
	Title:    "Pod shares the host's process namespace",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "hostPID: true lets the pod's containers see and signal every process on the node " +
		"and read their environment through /proc, secrets included. Pod Security Standards " +
		"Baseline forbids it.",
	Remediation: "Remove hostPID or set it to false.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.3", "CWE-668"},
}

func checkHostPID(r *reporter, o *object) {
	if o.pod != nil {
		reportTrue(r, &hostPIDRule, o, yamldoc.Value(o.pod.spec, "hostPID"),
			o.String()+" sets hostPID: true and sees every process on the node", "Set hostPID to false")
	}
}
