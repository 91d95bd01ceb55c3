package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var serviceAccountTokenRule = finding.Rule{
	ID:       "k8s-automount-service-account-token",
	Title:    "Service account token mounted automatically",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "Unless automountServiceAccountToken is false on the pod or its ServiceAccount, " +
		"every container gets an API token: code execution in any of them becomes API access with " +
		"the account's permissions. Most workloads never call the API. A pod that leaves the " +
		"setting unset is not reported when its ServiceAccount, among the scanned files, turns it off.",
	Remediation: "Set automountServiceAccountToken: false on the ServiceAccount or the pod spec, and mount a projected token only where the API is used.",
	References:  []string{"CIS-K8s-5.1.5", "CIS-K8s-5.1.6", "CWE-250"},
}

// serviceAccountScope waits for the whole scan before reporting a pod that leaves the setting
// unset: its ServiceAccount, possibly in another file, decides.
type serviceAccountScope struct {
	// disabled holds "namespace/name" of ServiceAccounts that set automountServiceAccountToken: false.
	disabled map[string]bool
	pending  []pendingPod
}

type pendingPod struct {
	account string // "namespace/name"
	finding finding.Finding
}

func newServiceAccountScope() scope { return &serviceAccountScope{disabled: map[string]bool{}} }

func (s *serviceAccountScope) observe(r *reporter, o *object) {
	if o.is(coreGroup, "ServiceAccount") {
		v := yamldoc.Value(o.root, "automountServiceAccountToken")
		on, ok := yamldoc.Bool(v)
		switch {
		case ok && !on:
			s.disabled[o.namespace+"/"+o.name] = true
		case ok:
			if f := r.report(&serviceAccountTokenRule, o, v, o.String()+" sets automountServiceAccountToken: true, so every pod using it gets an API token"); f != nil {
				f.Fix = o.src.replaceValue(v, "false", "Set automountServiceAccountToken to false")
			}
		default:
			r.report(&serviceAccountTokenRule, o, o.kindNode, o.String()+" does not set automountServiceAccountToken: false, so every pod using it gets an API token")
		}
		return
	}
	if o.pod == nil {
		return
	}
	v := yamldoc.Value(o.pod.spec, "automountServiceAccountToken")
	on, ok := yamldoc.Bool(v)
	switch {
	case ok && !on:
	case ok:
		if f := r.report(&serviceAccountTokenRule, o, v, o.String()+" sets automountServiceAccountToken: true"); f != nil {
			f.Fix = o.src.replaceValue(v, "false", "Set automountServiceAccountToken to false")
		}
	default:
		account := "default"
		for _, field := range []string{"serviceAccountName", "serviceAccount"} {
			if name, _ := yamldoc.String(yamldoc.Value(o.pod.spec, field)); name != "" {
				account = name
				break
			}
		}
		msg := fmt.Sprintf("%s does not set automountServiceAccountToken: false, so its containers get an API token for service account %q", o, account)
		s.pending = append(s.pending, pendingPod{o.namespace + "/" + account, build(&serviceAccountTokenRule, o, o.pod.specKey, msg)})
	}
}

func (s *serviceAccountScope) finish(r *reporter) {
	for _, p := range s.pending {
		if !s.disabled[p.account] {
			r.add(p.finding)
		}
	}
}
