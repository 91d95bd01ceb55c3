package k8s

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

var rbacPodExecRule = finding.Rule{
	ID:       "k8s-rbac-pod-exec",
	Title:    "RBAC rule allows exec or attach into pods",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "create on pods/exec or pods/attach lets the subject run commands in every pod in " +
		"scope, with those pods' service account tokens, mounted Secrets and network access.",
	Remediation: "Remove pods/exec and pods/attach from the rule, or confine it with a Role to a namespace that holds nothing sensitive.",
	References:  []string{"CIS-K8s-5.1.4", "CWE-269"},
}

func checkRBACPodExec(r *reporter, o *object) {
	for _, rule := range policyRules(o) {
		if !rule.coversCoreGroup() || find(rule.verbs, "create", "*") == nil {
			continue
		}
		for _, res := range rule.resources {
			if find([]*yaml.Node{res}, "pods/exec", "pods/attach", "pods/*") != nil {
				r.report(&rbacPodExecRule, o, res, fmt.Sprintf("%s can create %s", o, res.Value))
			}
		}
	}
}
