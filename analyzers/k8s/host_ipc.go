package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var hostIPCRule = finding.Rule{
	ID:       "k8s-host-ipc",
	Title:    "Pod shares the host's IPC namespace",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "hostIPC: true gives the pod's containers the node's shared memory and message " +
		"queues, through which they can read or tamper with other processes' data. Pod Security " +
		"Standards Baseline forbids it.",
	Remediation: "Remove hostIPC or set it to false.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.4", "CWE-668"},
}

func checkHostIPC(r *reporter, o *object) {
	if o.pod != nil {
		reportTrue(r, &hostIPCRule, o, yamldoc.Value(o.pod.spec, "hostIPC"),
			o.String()+" sets hostIPC: true and shares the node's IPC namespace", "Set hostIPC to false")
	}
}
