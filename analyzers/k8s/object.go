package k8s

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// object is one Kubernetes object of a manifest, with its pod template found when it has one.
type object struct {
	path           string
	src            *source
	root           *yaml.Node // the object's mapping
	apiVersion     string
	apiVersionNode *yaml.Node
	kind           string
	kindNode       *yaml.Node
	name           string
	namespace      string // "default" when the manifest leaves it unset
	namespaceSet   bool   // the manifest names its namespace
	pod            *podSpec
}

// podSpec is the pod a workload runs, wherever its kind keeps the template.
type podSpec struct {
	specKey *yaml.Node // the `spec:` key of the pod, where missing pod-level settings are reported
	spec    *yaml.Node
	meta    *yaml.Node // the pod template's metadata, holding the legacy security annotations
	// securityContext is the pod-level one, whose user, seccomp, SELinux and AppArmor settings
	// containers inherit unless they set their own.
	securityContext *yaml.Node
	containers      []*container
	// windows pods follow different rules: no runAsNonRoot, capabilities, seccomp or SELinux.
	windows bool
}

// container is one container, init container or ephemeral container of a pod.
type container struct {
	role            string // "container", "init container" or "ephemeral container"
	name            string
	nameKey         *yaml.Node // the `name:` key, where missing settings are reported
	node            *yaml.Node
	securityContext *yaml.Node
	owner           *object
}

// newObject reads apiVersion, kind and metadata from a document; nil when the mapping is not a
// Kubernetes object.
func newObject(src *source, path string, root *yaml.Node) *object {
	apiVersion := yamldoc.Value(root, "apiVersion")
	kind := yamldoc.Value(root, "kind")
	av, ok1 := yamldoc.String(apiVersion)
	k, ok2 := yamldoc.String(kind)
	if !ok1 || !ok2 || av == "" || k == "" {
		return nil
	}
	o := &object{path: path, src: src, root: root, apiVersion: av, apiVersionNode: apiVersion, kind: k, kindNode: kind}
	meta := yamldoc.Value(root, "metadata")
	o.name, _ = yamldoc.String(yamldoc.Value(meta, "name"))
	if o.name == "" {
		if g, ok := yamldoc.String(yamldoc.Value(meta, "generateName")); ok && g != "" {
			o.name = g + "…"
		}
	}
	o.namespace, _ = yamldoc.String(yamldoc.Value(meta, "namespace"))
	o.namespaceSet = o.namespace != ""
	if !o.namespaceSet {
		o.namespace = "default"
	}
	o.pod = findPod(o)
	return o
}

// group is the API group of apiVersion: "" for the core group ("v1").
func (o *object) group() string {
	if i := strings.LastIndexByte(o.apiVersion, '/'); i >= 0 {
		return o.apiVersion[:i]
	}
	return ""
}

// is reports whether the object has one of kinds in one of the API groups.
func (o *object) is(groups []string, kinds ...string) bool {
	g := o.group()
	for _, want := range groups {
		if g == want {
			for _, k := range kinds {
				if o.kind == k {
					return true
				}
			}
		}
	}
	return false
}

var (
	coreGroup  = []string{""}
	appsGroups = []string{"apps", "extensions"}
	batchGroup = []string{"batch"}
	rbacGroup  = []string{"rbac.authorization.k8s.io"}
)

// findPod locates the pod template of the workload kinds; other kinds of the same names in
// other API groups (custom resources) are left alone, as their layout is unknown.
func findPod(o *object) *podSpec {
	var template *yaml.Node
	switch {
	case o.is(coreGroup, "Pod"):
		template = o.root
	case o.is(coreGroup, "PodTemplate"):
		template = yamldoc.Value(o.root, "template")
	case o.is(coreGroup, "ReplicationController"),
		o.is(appsGroups, "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"),
		o.is(batchGroup, "Job"):
		template = yamldoc.Path(o.root, "spec", "template")
	case o.is(batchGroup, "CronJob"):
		template = yamldoc.Path(o.root, "spec", "jobTemplate", "spec", "template")
	default:
		return nil
	}
	specKey, spec := yamldoc.Get(template, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return nil
	}
	p := &podSpec{
		specKey:         specKey,
		spec:            spec,
		meta:            yamldoc.Value(template, "metadata"),
		securityContext: yamldoc.Value(spec, "securityContext"),
	}
	for _, list := range []struct{ field, role string }{
		{"containers", "container"},
		{"initContainers", "init container"},
		{"ephemeralContainers", "ephemeral container"},
	} {
		for _, n := range yamldoc.Items(yamldoc.Value(spec, list.field)) {
			if n == nil || n.Kind != yaml.MappingNode {
				continue
			}
			nameKey, nameValue := yamldoc.Get(n, "name")
			c := &container{role: list.role, node: n, nameKey: nameKey, owner: o, securityContext: yamldoc.Value(n, "securityContext")}
			c.name, _ = yamldoc.String(nameValue)
			if c.nameKey == nil {
				c.nameKey = n // report on the container's first key when it has no name
			}
			p.containers = append(p.containers, c)
		}
	}
	p.windows = isWindowsPod(p)
	return p
}

// isWindowsPod recognises a pod meant for Windows nodes: by its os field, its node selector, or
// a HostProcess container, which only Windows has.
func isWindowsPod(p *podSpec) bool {
	if os, _ := yamldoc.String(yamldoc.Path(p.spec, "os", "name")); strings.EqualFold(os, "windows") {
		return true
	}
	for _, label := range []string{"kubernetes.io/os", "beta.kubernetes.io/os"} {
		if os, _ := yamldoc.String(yamldoc.Path(p.spec, "nodeSelector", label)); strings.EqualFold(os, "windows") {
			return true
		}
	}
	if on, _ := yamldoc.Bool(yamldoc.Path(p.securityContext, "windowsOptions", "hostProcess")); on {
		return true
	}
	for _, c := range p.containers {
		if on, _ := yamldoc.Bool(yamldoc.Path(c.securityContext, "windowsOptions", "hostProcess")); on {
			return true
		}
	}
	return false
}

// String names the object as messages do: Deployment "web".
func (o *object) String() string {
	if o.name == "" {
		return o.kind + " (unnamed)"
	}
	return fmt.Sprintf("%s %q", o.kind, o.name)
}

// String names the container as messages do: container "app" in Deployment "web".
func (c *container) String() string {
	if c.name == "" {
		return fmt.Sprintf("unnamed %s in %s", c.role, c.owner)
	}
	return fmt.Sprintf("%s %q in %s", c.role, c.name, c.owner)
}

// containers lists every container of the object's pod, or nothing for other objects.
func (o *object) containers() []*container {
	if o.pod == nil {
		return nil
	}
	return o.pod.containers
}

// linuxContainers leaves out Windows pods, to which the Linux process-security settings do
// not apply.
func (o *object) linuxContainers() []*container {
	if o.pod == nil || o.pod.windows {
		return nil
	}
	return o.pod.containers
}

// setting is a securityContext field as the container sees it, with where it was written.
type setting struct {
	value   *yaml.Node
	fromPod bool // inherited from the pod's securityContext
}

func (s setting) set() bool { return s.value != nil && !yamldoc.IsNull(s.value) }

// effective looks a securityContext field up on the container, then on the pod: the fields
// both levels have (runAsUser, runAsNonRoot, seccompProfile, seLinuxOptions, appArmorProfile…)
// are inherited unless the container overrides them.
func (c *container) effective(field string) setting {
	if v := yamldoc.Value(c.securityContext, field); !yamldoc.IsNull(v) {
		return setting{value: v}
	}
	if v := yamldoc.Value(c.owner.pod.securityContext, field); !yamldoc.IsNull(v) {
		return setting{value: v, fromPod: true}
	}
	return setting{}
}

// effectiveField looks up a field of a securityContext struct that the kubelet merges field by
// field (windowsOptions): the container's value, else the pod's.
func (c *container) effectiveField(parent, field string) setting {
	if v := yamldoc.Path(c.securityContext, parent, field); !yamldoc.IsNull(v) {
		return setting{value: v}
	}
	if v := yamldoc.Path(c.owner.pod.securityContext, parent, field); !yamldoc.IsNull(v) {
		return setting{value: v, fromPod: true}
	}
	return setting{}
}

// own looks a field up on the container's securityContext alone (privileged, capabilities…).
func (c *container) own(field string) setting {
	v := yamldoc.Value(c.securityContext, field)
	if yamldoc.IsNull(v) {
		return setting{}
	}
	return setting{value: v}
}

// where describes a setting's origin for a message: `container "app" in Deployment "web"` or
// `the pod securityContext of Deployment "web"`.
func (s setting) where(c *container) string {
	if s.fromPod {
		return "the pod securityContext of " + c.owner.String()
	}
	return c.String()
}

// isTemplated reports a value a template engine fills in later, which cannot be judged.
func isTemplated(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "${") || strings.Contains(s, "$(")
}

// line is a node's line, or 0 for a missing node.
func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
