package workflows

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// usesPinning classifies a `uses:` reference.
type usesPinning int

const (
	usesIgnored     usesPinning = iota // local ./action, an expression, or malformed
	usesPinned                         // a full commit SHA, or a docker image by digest
	usesFirstParty                     // actions/* or github/* at a tag or branch
	usesThirdParty                     // anyone else's action at a tag or branch
	usesDockerByTag                    // docker://image:tag
)

// classifyUses reads "owner/repo[/path]@ref", "./local" and "docker://image[:tag][@digest]".
func classifyUses(ref string) usesPinning {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "" || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, ".\\") || strings.Contains(ref, "${{"):
		return usesIgnored
	case strings.HasPrefix(ref, "docker://"):
		if strings.Contains(ref, "@sha256:") {
			return usesPinned
		}
		return usesDockerByTag
	}
	name, version, ok := strings.Cut(ref, "@")
	if !ok || version == "" || !strings.Contains(name, "/") {
		return usesIgnored // GitHub rejects it; nothing to pin
	}
	if isCommitSHA(version) {
		return usesPinned
	}
	owner, _, _ := strings.Cut(name, "/")
	if strings.EqualFold(owner, "actions") || strings.EqualFold(owner, "github") {
		return usesFirstParty
	}
	return usesThirdParty
}

func isCommitSHA(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// usesNodes lists every `uses:` of a file: steps of jobs and of a composite action, and jobs
// that call reusable workflows.
func usesNodes(f *file) []*yaml.Node {
	var out []*yaml.Node
	for _, j := range f.jobs {
		if j.uses != nil {
			out = append(out, j.uses)
		}
	}
	for _, js := range f.allSteps() {
		if js.step.uses != nil {
			out = append(out, js.step.uses)
		}
	}
	return out
}

// usesString is the text of a uses node, "" when it is not a string.
func usesString(n *yaml.Node) string {
	s, _ := yamldoc.String(n)
	return s
}
