package k8s

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var seccompUnconfinedRule = finding.Rule{
	ID:       "k8s-seccomp-unconfined",
	Title:    "Seccomp disabled (Unconfined)",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "A seccompProfile of type Unconfined (or the legacy seccomp annotation set to " +
		"unconfined) lets the container make every system call, including the rarely used ones " +
		"behind most kernel escapes. Pod Security Standards Baseline forbids it.",
	Remediation: "Set seccompProfile.type to RuntimeDefault (or Localhost with a profile) on the pod or the container.",
	References:  []string{"PSS-Baseline", "PSS-Restricted", "CIS-K8s-5.7.2", "CWE-693"},
}

const (
	legacySeccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	legacySeccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

func checkSeccompUnconfined(r *reporter, o *object) {
	if o.pod == nil || o.pod.windows {
		return
	}
	for _, c := range o.pod.containers {
		profile := c.effective("seccompProfile")
		t := yamldoc.Value(profile.value, "type")
		if s, _ := yamldoc.String(t); strings.EqualFold(s, "Unconfined") {
			if f := r.report(&seccompUnconfinedRule, o, t, profile.where(c)+" sets seccompProfile type Unconfined"); f != nil {
				f.Fix = o.src.replaceValue(t, "RuntimeDefault", "Use the runtime's default seccomp profile")
			}
		}
	}
	for _, p := range yamldoc.Pairs(yamldoc.Value(o.pod.meta, "annotations")) {
		name := p.Key.Value
		if name != legacySeccompPodAnnotation && !strings.HasPrefix(name, legacySeccompContainerAnnotation) {
			continue
		}
		if v, _ := yamldoc.String(p.Value); strings.EqualFold(v, "unconfined") {
			msg := fmt.Sprintf("%s disables seccomp with annotation %s: unconfined", o, name)
			if f := r.report(&seccompUnconfinedRule, o, yamldoc.Resolve(p.Value), msg); f != nil {
				f.Fix = o.src.replaceValue(yamldoc.Resolve(p.Value), "runtime/default", "Use the runtime's default seccomp profile")
			}
		}
	}
}
