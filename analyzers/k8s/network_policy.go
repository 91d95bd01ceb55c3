package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var networkPolicyRule = finding.Rule{
	ID:       "k8s-network-policy-missing",
	Title:    "Namespace has workloads but no NetworkPolicy",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "No NetworkPolicy among the scanned files applies to the namespace, so its pods " +
		"accept traffic from, and send it to, any pod in the cluster: one compromised pod reaches " +
		"them all. Reported once per namespace, on the first workload's kind (namespace " +
		"\"default\" when the manifest names none). The finding is medium when the repository " +
		"manages NetworkPolicies for other namespaces (this one was likely forgotten) and low " +
		"when it manages none (they may live elsewhere).",
	Remediation: "Add a NetworkPolicy to the namespace, starting from a default-deny policy and allowing the traffic the workloads need.",
	References:  []string{"CIS-K8s-5.3.2", "CWE-923"},
}

// namespacePolicyKinds are NetworkPolicy kinds of Kubernetes and of CNI plugins (Calico's and
// Cilium's namespaced policies share the name or add a prefix).
var namespacePolicyKinds = map[string]bool{"NetworkPolicy": true, "CiliumNetworkPolicy": true}

// clusterPolicyKinds apply to every namespace at once.
var clusterPolicyKinds = map[string]bool{
	"CiliumClusterwideNetworkPolicy": true, "GlobalNetworkPolicy": true,
	"AdminNetworkPolicy": true, "BaselineAdminNetworkPolicy": true,
}

// networkPolicyScope remembers the first workload of each namespace and which namespaces have
// a policy, deciding once every file is seen.
type networkPolicyScope struct {
	firstWorkload map[string]finding.Finding
	order         []string // namespaces in the order their first workload was seen
	covered       map[string]bool
	anyPolicy     bool
	clusterWide   bool
}

func newNetworkPolicyScope() scope {
	return &networkPolicyScope{firstWorkload: map[string]finding.Finding{}, covered: map[string]bool{}}
}

func (s *networkPolicyScope) observe(_ *reporter, o *object) {
	switch {
	case namespacePolicyKinds[o.kind]:
		s.covered[o.namespace] = true
		s.anyPolicy = true
	case clusterPolicyKinds[o.kind]:
		s.clusterWide = true
		s.anyPolicy = true
	case o.pod != nil:
		if _, seen := s.firstWorkload[o.namespace]; !seen {
			msg := fmt.Sprintf("namespace %q has workloads (first: %s) but no NetworkPolicy among the scanned files", o.namespace, o)
			s.firstWorkload[o.namespace] = build(&networkPolicyRule, o, o.kindNode, msg)
			s.order = append(s.order, o.namespace)
		}
	}
}

func (s *networkPolicyScope) finish(r *reporter) {
	if s.clusterWide {
		return
	}
	for _, ns := range s.order {
		if s.covered[ns] {
			continue
		}
		f := s.firstWorkload[ns]
		if !s.anyPolicy {
			f.Severity = finding.Low
		}
		r.add(f)
	}
}
