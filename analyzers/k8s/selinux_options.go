package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var seLinuxOptionsRule = finding.Rule{
	ID:       "k8s-selinux-options",
	Title:    "SELinux options weaken confinement",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "seLinuxOptions with type spc_t (super-privileged container) or unconfined_t turn " +
		"SELinux confinement off (high); other types outside container_t, container_init_t, " +
		"container_kvm_t and container_engine_t, or a custom user or role, step outside the " +
		"confined set (medium). Pod Security Standards Baseline forbids all of them.",
	Remediation: "Remove seLinuxOptions.user and role, and leave type unset or use container_t.",
	References:  []string{"PSS-Baseline", "CWE-693"},
}

// confinedSELinuxTypes are the types Pod Security Standards Baseline allows.
var confinedSELinuxTypes = map[string]bool{
	"": true, "container_t": true, "container_init_t": true, "container_kvm_t": true, "container_engine_t": true,
}

func checkSELinuxOptions(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		opts := c.effective("seLinuxOptions")
		where := opts.where(c)
		if t := yamldoc.Value(opts.value, "type"); t != nil {
			name, _ := yamldoc.String(t)
			switch {
			case name == "spc_t" || name == "unconfined_t":
				r.report(&seLinuxOptionsRule, o, t, fmt.Sprintf("%s sets SELinux type %s, which is not confined", where, name))
			case !confinedSELinuxTypes[name] && !isTemplated(name):
				if f := r.report(&seLinuxOptionsRule, o, t, fmt.Sprintf("%s sets SELinux type %s, outside the confined container types", where, name)); f != nil {
					f.Severity = finding.Medium
				}
			}
		}
		for _, field := range []string{"user", "role"} {
			if v := yamldoc.Value(opts.value, field); !yamldoc.IsNull(v) {
				if s, _ := yamldoc.String(v); s == "" {
					continue
				}
				if f := r.report(&seLinuxOptionsRule, o, v, fmt.Sprintf("%s sets a custom SELinux %s", where, field)); f != nil {
					f.Severity = finding.Medium
				}
			}
		}
	}
}
