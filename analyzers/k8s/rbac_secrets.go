package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var rbacSecretsRule = finding.Rule{
	ID:       "k8s-rbac-secrets-access",
	Title:    "RBAC rule can read Secrets",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "get, list or watch on secrets lets the subject read every Secret in scope (for a " +
		"ClusterRole bound cluster-wide, every Secret of the cluster), service account tokens and " +
		"TLS keys included. Rules limited to named Secrets (resourceNames) are not reported.",
	Remediation: "Restrict the rule to the Secrets the subject needs with resourceNames, or drop the read verbs on secrets.",
	References:  []string{"CIS-K8s-5.1.2", "CWE-284"},
}

func checkRBACSecrets(r *reporter, o *object) {
	for _, rule := range policyRules(o) {
		if len(rule.resourceNames) > 0 || !rule.coversCoreGroup() {
			continue
		}
		secrets := find(rule.resources, "secrets")
		verb := find(rule.verbs, "get", "list", "watch", "*")
		if secrets == nil || verb == nil {
			continue
		}
		r.report(&rbacSecretsRule, o, secrets, fmt.Sprintf("%s can %s secrets", o, verb.Value))
	}
}
