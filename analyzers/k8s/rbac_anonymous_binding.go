package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var rbacAnonymousBindingRule = finding.Rule{
	ID:       "k8s-rbac-anonymous-binding",
	Title:    "Binding grants a role to unauthenticated users",
	Layer:    finding.Cluster,
	Severity: finding.Critical,
	Description: "A binding whose subject is the user system:anonymous or the group " +
		"system:unauthenticated grants its role to anyone who can reach the API server, without " +
		"credentials.",
	Remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
	References:  []string{"CWE-306", "CWE-284"},
}

var anonymousSubjects = map[string]bool{"system:anonymous": true, "system:unauthenticated": true}

// publicRoles are the bootstrap roles Kubernetes itself grants to unauthenticated users: health
// and version endpoints, nothing else.
var publicRoles = map[string]bool{"system:public-info-viewer": true}

func checkRBACAnonymousBinding(r *reporter, o *object) {
	if !o.is(rbacGroup, "RoleBinding", "ClusterRoleBinding") {
		return
	}
	role, _ := yamldoc.String(yamldoc.Path(o.root, "roleRef", "name"))
	if publicRoles[role] {
		return
	}
	for _, s := range yamldoc.Items(yamldoc.Value(o.root, "subjects")) {
		name := yamldoc.Value(s, "name")
		if n, _ := yamldoc.String(name); anonymousSubjects[n] {
			r.report(&rbacAnonymousBindingRule, o, name, fmt.Sprintf("%s grants role %q to %s, that is to anyone without credentials", o, role, n))
		}
	}
}
