package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var allowPrivilegeEscalationRule = finding.Rule{
	ID:       "k8s-allow-privilege-escalation",
	Title:    "Container may gain more privileges than its parent process",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "Unless securityContext.allowPrivilegeEscalation is false, a process in the " +
		"container can gain privileges through setuid binaries or file capabilities " +
		"(no_new_privs is not set). Pod Security Standards Restricted requires it to be false.",
	Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
	References:  []string{"PSS-Restricted", "CIS-K8s-5.2.6", "CWE-269"},
}

func checkAllowPrivilegeEscalation(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		if on, _ := yamldoc.Bool(c.own("privileged").value); on {
			continue // privileged implies escalation, and k8s-privileged already says so
		}
		s := c.own("allowPrivilegeEscalation")
		on, ok := yamldoc.Bool(s.value)
		switch {
		case ok && on:
			if f := r.report(&allowPrivilegeEscalationRule, o, s.value, c.String()+" sets allowPrivilegeEscalation: true"); f != nil {
				f.Fix = o.src.replaceValue(s.value, "false", "Set allowPrivilegeEscalation to false")
			}
		case !ok:
			r.report(&allowPrivilegeEscalationRule, o, c.nameKey, c.String()+" does not set securityContext.allowPrivilegeEscalation: false")
		}
	}
}
