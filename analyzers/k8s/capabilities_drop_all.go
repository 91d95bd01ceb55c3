package k8s

import (
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var capabilitiesDropAllRule = finding.Rule{
	ID:       "k8s-capabilities-drop-all",
	Title:    "Container does not drop all capabilities",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "Without capabilities.drop: [ALL] the container keeps the runtime's default " +
		"capabilities (NET_RAW, CHOWN, SETUID…), more than most workloads use. Pod Security " +
		"Standards Restricted requires dropping ALL.",
	Remediation: "Add securityContext.capabilities.drop: [ALL] and add back only what the container needs.",
	References:  []string{"PSS-Restricted", "CIS-K8s-5.2.10", "CWE-250"},
}

func checkCapabilitiesDropAll(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		if on, _ := yamldoc.Bool(c.own("privileged").value); on {
			continue // a privileged container has every capability whatever it drops
		}
		dropKey, drop := yamldoc.Get(c.own("capabilities").value, "drop")
		dropsAll := false
		for _, n := range yamldoc.Items(drop) {
			if s, ok := yamldoc.String(n); ok && (strings.EqualFold(s, "ALL") || isTemplated(s)) {
				dropsAll = true
			}
		}
		switch {
		case dropsAll:
		case dropKey != nil:
			r.report(&capabilitiesDropAllRule, o, dropKey, c.String()+" drops some capabilities but not ALL")
		default:
			r.report(&capabilitiesDropAllRule, o, c.nameKey, c.String()+" does not drop all capabilities (capabilities.drop: [ALL])")
		}
	}
}
