package k8s

import "github.com/fourcsec/fourc/shared/finding"

var privilegedRule = finding.Rule{
	ID:       "k8s-privileged",
	Title:    "Privileged container",
	Layer:    finding.Cluster,
	Severity: finding.Critical,
	Description: "A privileged container (securityContext.privileged: true, or a Windows HostProcess " +
		"container) runs with every capability and the host's devices: escaping to the node is one " +
		"mount away. Pod Security Standards Baseline forbids it.",
	Remediation: "Set securityContext.privileged to false and add only the capabilities the container needs.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.2", "CIS-K8s-5.2.11", "CWE-250"},
}

func checkPrivileged(r *reporter, o *object) {
	for _, c := range o.containers() {
		reportTrue(r, &privilegedRule, o, c.own("privileged").value,
			c.String()+" is privileged: it has every capability and the host's devices",
			"Set privileged to false")
		// A HostProcess container runs directly on the Windows node, outside any isolation.
		hostProcess := c.effectiveField("windowsOptions", "hostProcess")
		reportTrue(r, &privilegedRule, o, hostProcess.value,
			hostProcess.where(c)+" runs as a Windows HostProcess container, directly on the node",
			"Set hostProcess to false")
	}
}
