package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var hostNetworkRule = finding.Rule{
	ID:       "k8s-host-network",
	Title:    "Pod shares the host's network namespace",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "hostNetwork: true puts the pod on the node's network stack: it can bind the node's " +
		"ports, reach services listening on localhost (the kubelet, cloud metadata), sniff traffic " +
		"with NET_RAW, and bypasses NetworkPolicies. Pod Security Standards Baseline forbids it.",
	Remediation: "Remove hostNetwork or set it to false, and expose the pod through a Service.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.5", "CWE-668"},
}

func checkHostNetwork(r *reporter, o *object) {
	if o.pod != nil {
		reportTrue(r, &hostNetworkRule, o, yamldoc.Value(o.pod.spec, "hostNetwork"),
			o.String()+" sets hostNetwork: true and uses the node's network stack", "Set hostNetwork to false")
	}
}
