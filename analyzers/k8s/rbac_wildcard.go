package k8s

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/shared/finding"
)

var rbacWildcardRule = finding.Rule{
	ID:       "k8s-rbac-wildcard",
	Title:    "RBAC rule grants a wildcard",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "A Role or ClusterRole rule with \"*\" in verbs, resources, apiGroups or " +
		"nonResourceURLs grants everything that exists and everything added later, including " +
		"secrets, escalate and impersonate.",
	Remediation: "List the exact apiGroups, resources and verbs the subject needs instead of \"*\".",
	References:  []string{"CIS-K8s-5.1.3", "CWE-269"},
}

func checkRBACWildcard(r *reporter, o *object) {
	for _, rule := range policyRules(o) {
		var first *yaml.Node
		var fields []string
		for _, f := range []struct {
			name  string
			items []*yaml.Node
		}{{"apiGroups", rule.apiGroups}, {"resources", rule.resources}, {"verbs", rule.verbs}, {"nonResourceURLs", rule.nonResourceURLs}} {
			if n := find(f.items, "*"); n != nil {
				fields = append(fields, f.name)
				if first == nil {
					first = n
				}
			}
		}
		if first != nil {
			r.report(&rbacWildcardRule, o, first, fmt.Sprintf("%s grants \"*\" in %s", o, strings.Join(fields, ", ")))
		}
	}
}
