package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var rbacClusterAdminBindingRule = finding.Rule{
	ID:       "k8s-rbac-cluster-admin-binding",
	Title:    "Binding grants cluster-admin",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "A RoleBinding or ClusterRoleBinding to the cluster-admin ClusterRole gives its " +
		"subjects every permission (in the namespace for a RoleBinding, everywhere for a " +
		"ClusterRoleBinding); a stolen token of one of them is the whole cluster.",
	Remediation: "Bind a role with the permissions the subjects need instead of cluster-admin.",
	References:  []string{"CIS-K8s-5.1.1", "CWE-269"},
}

func checkRBACClusterAdminBinding(r *reporter, o *object) {
	if !o.is(rbacGroup, "RoleBinding", "ClusterRoleBinding") {
		return
	}
	roleRef := yamldoc.Value(o.root, "roleRef")
	kind, _ := yamldoc.String(yamldoc.Value(roleRef, "kind"))
	name := yamldoc.Value(roleRef, "name")
	if s, _ := yamldoc.String(name); s == "cluster-admin" && kind == "ClusterRole" {
		r.report(&rbacClusterAdminBindingRule, o, name, o.String()+" binds the cluster-admin ClusterRole")
	}
}
