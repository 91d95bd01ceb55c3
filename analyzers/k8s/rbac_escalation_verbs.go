package k8s

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

var rbacEscalationVerbsRule = finding.Rule{
	ID:       "k8s-rbac-escalation-verbs",
	Title:    "RBAC rule grants escalate, bind or impersonate",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "escalate lets the subject write roles with permissions it does not hold, bind " +
		"lets it bind any role to itself, and impersonate lets it act as any user, group or " +
		"service account: each is a path to cluster-admin.",
	Remediation: "Remove the verb; grant the specific permissions the subject needs instead.",
	References:  []string{"CIS-K8s-5.1.8", "CWE-269"},
}

func checkRBACEscalationVerbs(r *reporter, o *object) {
	for _, rule := range policyRules(o) {
		for _, verb := range rule.verbs {
			if find([]*yaml.Node{verb}, "escalate", "bind", "impersonate") == nil {
				continue
			}
			r.report(&rbacEscalationVerbsRule, o, verb, fmt.Sprintf("%s grants the %s verb", o, strings.ToLower(verb.Value)))
		}
	}
}
