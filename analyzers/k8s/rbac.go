package k8s

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// policyRule is one entry of a Role's or ClusterRole's rules.
type policyRule struct {
	apiGroups, resources, verbs, resourceNames, nonResourceURLs []*yaml.Node
}

// policyRules lists the rules of a Role or ClusterRole. An aggregated ClusterRole's rules are
// filled in by the controller from other roles, which are checked themselves.
func policyRules(o *object) []policyRule {
	if !o.is(rbacGroup, "Role", "ClusterRole") || yamldoc.Value(o.root, "aggregationRule") != nil {
		return nil
	}
	var out []policyRule
	for _, n := range yamldoc.Items(yamldoc.Value(o.root, "rules")) {
		out = append(out, policyRule{
			apiGroups:       yamldoc.Items(yamldoc.Value(n, "apiGroups")),
			resources:       yamldoc.Items(yamldoc.Value(n, "resources")),
			verbs:           yamldoc.Items(yamldoc.Value(n, "verbs")),
			resourceNames:   yamldoc.Items(yamldoc.Value(n, "resourceNames")),
			nonResourceURLs: yamldoc.Items(yamldoc.Value(n, "nonResourceURLs")),
		})
	}
	return out
}

// find returns the first item equal to one of values (case-insensitively, as verbs are
// written either way in the wild), or nil.
func find(items []*yaml.Node, values ...string) *yaml.Node {
	for _, n := range items {
		s, _ := yamldoc.String(n)
		for _, v := range values {
			if strings.EqualFold(s, v) {
				return n
			}
		}
	}
	return nil
}

// coversCoreGroup reports whether the rule's apiGroups include the core group, where pods and
// secrets live.
func (p policyRule) coversCoreGroup() bool {
	return find(p.apiGroups, "", "*") != nil
}
