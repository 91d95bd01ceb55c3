package k8s

import (
	"fmt"
	"path"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

// limitScope holds back missing-limit findings until the whole scan is seen: a LimitRange with
// a default limit for the resource gives every container of its namespace that limit.
type limitScope struct {
	rule     *finding.Rule
	resource string // "memory" or "cpu"
	// defaulted are the limitTargets whose LimitRange sets a default container limit.
	defaulted map[string]bool
	pending   []pendingLimit
}

type pendingLimit struct {
	target  string
	finding finding.Finding
}

// limitTarget is where a LimitRange certainly applies to an object: its namespace when the
// manifest names one. A manifest without a namespace goes wherever it is applied, so only
// manifests of the same directory, applied together, are known to share one: a LimitRange
// fixture elsewhere in the repository must not silence every unnamespaced workload.
func limitTarget(o *object) string {
	if o.namespaceSet {
		return "namespace " + o.namespace
	}
	return "directory " + path.Dir(o.path)
}

func newLimitScope(rule *finding.Rule, resource string) scope {
	return &limitScope{rule: rule, resource: resource, defaulted: map[string]bool{}}
}

func (s *limitScope) observe(_ *reporter, o *object) {
	if o.is(coreGroup, "LimitRange") {
		for _, l := range yamldoc.Items(yamldoc.Path(o.root, "spec", "limits")) {
			if t, _ := yamldoc.String(yamldoc.Value(l, "type")); t == "Container" && yamldoc.Path(l, "default", s.resource) != nil {
				s.defaulted[limitTarget(o)] = true
			}
		}
		return
	}
	for _, c := range o.containers() {
		if c.role == "ephemeral container" {
			continue // ephemeral containers cannot have resources
		}
		if yamldoc.Path(c.node, "resources", "limits", s.resource) != nil {
			continue
		}
		msg := fmt.Sprintf("%s has no %s limit (resources.limits.%s)", c, s.resource, s.resource)
		s.pending = append(s.pending, pendingLimit{limitTarget(o), build(s.rule, o, c.nameKey, msg)})
	}
}

func (s *limitScope) finish(r *reporter) {
	for _, p := range s.pending {
		if !s.defaulted[p.target] {
			r.add(p.finding)
		}
	}
}
