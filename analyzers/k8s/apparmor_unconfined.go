package k8s

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var appArmorUnconfinedRule = finding.Rule{
	ID:       "k8s-apparmor-unconfined",
	Title:    "AppArmor disabled (unconfined)",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "An AppArmor profile of type Unconfined (securityContext.appArmorProfile, or the " +
		"annotation container.apparmor.security.beta.kubernetes.io/NAME: unconfined) removes the " +
		"runtime's default profile, which blocks writes to /proc and /sys and mounting. Pod " +
		"Security Standards Baseline forbids overriding the default with unconfined.",
	Remediation: "Remove the unconfined setting, or use RuntimeDefault (runtime/default in the annotation) or a Localhost profile.",
	References:  []string{"PSS-Baseline", "CWE-693"},
}

const appArmorAnnotation = "container.apparmor.security.beta.kubernetes.io/"

func checkAppArmorUnconfined(r *reporter, o *object) {
	if o.pod == nil || o.pod.windows {
		return
	}
	for _, c := range o.pod.containers {
		profile := c.effective("appArmorProfile")
		t := yamldoc.Value(profile.value, "type")
		if s, _ := yamldoc.String(t); strings.EqualFold(s, "Unconfined") {
			if f := r.report(&appArmorUnconfinedRule, o, t, profile.where(c)+" sets appArmorProfile type Unconfined"); f != nil {
				f.Fix = o.src.replaceValue(t, "RuntimeDefault", "Use the runtime's default AppArmor profile")
			}
		}
	}
	for _, p := range yamldoc.Pairs(yamldoc.Value(o.pod.meta, "annotations")) {
		if !strings.HasPrefix(p.Key.Value, appArmorAnnotation) {
			continue
		}
		v := yamldoc.Resolve(p.Value)
		if s, _ := yamldoc.String(v); strings.EqualFold(s, "unconfined") {
			msg := fmt.Sprintf("%s disables AppArmor for container %q with annotation %s: unconfined",
				o, strings.TrimPrefix(p.Key.Value, appArmorAnnotation), p.Key.Value)
			if f := r.report(&appArmorUnconfinedRule, o, v, msg); f != nil {
				f.Fix = o.src.replaceValue(v, "runtime/default", "Use the runtime's default AppArmor profile")
			}
		}
	}
}
