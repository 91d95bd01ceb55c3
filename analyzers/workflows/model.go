package workflows

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
)

// fileKind tells a workflow from a composite action's metadata.
type fileKind int

const (
	workflowFile fileKind = iota
	actionFile
)

// file is a parsed workflow or action.yml, reduced to what the rules read.
type file struct {
	path  string
	kind  fileKind
	lines *yamldoc.Lines
	root  *yaml.Node
	// onKey is the `on:` key node, triggers the events it names (lowercase).
	onKey    *yaml.Node
	triggers map[string]bool
	// permissionsKey and permissions are the top-level `permissions:`, nil when absent.
	permissionsKey, permissions *yaml.Node
	env                         []envVar
	jobs                        []*job
	// steps of a composite action (runs.steps); a workflow's steps are in its jobs.
	actionSteps []*step
}

// job is one entry of `jobs:`.
type job struct {
	id                          string
	key, node                   *yaml.Node
	permissionsKey, permissions *yaml.Node
	env                         []envVar
	steps                       []*step
	// uses is the reusable workflow a job calls (`jobs.<id>.uses`), or nil.
	uses *yaml.Node
}

// step is one entry of `steps:`.
type step struct {
	node  *yaml.Node
	uses  *yaml.Node // nil for a run step
	run   *yaml.Node // nil for a uses step
	with  *yaml.Node // the `with:` mapping, or nil
	shell *yaml.Node
	env   []envVar
}

// envVar is one entry of an `env:` mapping.
type envVar struct {
	name  string
	key   *yaml.Node
	value *yaml.Node
}

// load reads the parts of a workflow or action that the rules use. Keys of the wrong type (a
// list where a mapping belongs) read as absent: GitHub rejects such files, and a scanner should
// neither crash on them nor invent findings.
func load(path string, kind fileKind, lines *yamldoc.Lines, root *yaml.Node) *file {
	f := &file{path: path, kind: kind, lines: lines, root: root, triggers: map[string]bool{}}
	if kind == actionFile {
		for _, s := range yamldoc.Items(yamldoc.Path(root, "runs", "steps")) {
			f.actionSteps = append(f.actionSteps, loadStep(s))
		}
		return f
	}
	var on *yaml.Node
	f.onKey, on = yamldoc.Get(root, "on")
	switch {
	case on == nil:
	case on.Kind == yaml.ScalarNode:
		f.triggers[strings.ToLower(on.Value)] = true
	case on.Kind == yaml.SequenceNode:
		for _, t := range yamldoc.Items(on) {
			if s, ok := yamldoc.String(t); ok {
				f.triggers[strings.ToLower(s)] = true
			}
		}
	case on.Kind == yaml.MappingNode:
		for _, p := range yamldoc.Pairs(on) {
			f.triggers[strings.ToLower(p.Key.Value)] = true
		}
	}
	f.permissionsKey, f.permissions = yamldoc.Get(root, "permissions")
	f.env = loadEnv(yamldoc.Value(root, "env"))
	for _, p := range yamldoc.Pairs(yamldoc.Value(root, "jobs")) {
		jn := yamldoc.Resolve(p.Value)
		if jn == nil || jn.Kind != yaml.MappingNode {
			continue
		}
		j := &job{id: p.Key.Value, key: p.Key, node: jn, env: loadEnv(yamldoc.Value(jn, "env"))}
		j.permissionsKey, j.permissions = yamldoc.Get(jn, "permissions")
		j.uses = yamldoc.Value(jn, "uses")
		for _, s := range yamldoc.Items(yamldoc.Value(jn, "steps")) {
			j.steps = append(j.steps, loadStep(s))
		}
		f.jobs = append(f.jobs, j)
	}
	return f
}

func loadStep(n *yaml.Node) *step {
	return &step{
		node:  n,
		uses:  yamldoc.Value(n, "uses"),
		run:   yamldoc.Value(n, "run"),
		with:  yamldoc.Value(n, "with"),
		shell: yamldoc.Value(n, "shell"),
		env:   loadEnv(yamldoc.Value(n, "env")),
	}
}

func loadEnv(m *yaml.Node) []envVar {
	var out []envVar
	for _, p := range yamldoc.Pairs(m) {
		out = append(out, envVar{name: p.Key.Value, key: p.Key, value: yamldoc.Resolve(p.Value)})
	}
	return out
}

// allSteps lists every step of the file with the job it belongs to (nil in an action).
func (f *file) allSteps() []jobStep {
	var out []jobStep
	for _, s := range f.actionSteps {
		out = append(out, jobStep{step: s})
	}
	for _, j := range f.jobs {
		for _, s := range j.steps {
			out = append(out, jobStep{job: j, step: s})
		}
	}
	return out
}

type jobStep struct {
	job  *job
	step *step
}

// stepEnv is the environment a step's script sees: workflow, then job, then step entries, the
// innermost winning.
func (f *file) stepEnv(js jobStep) map[string]envVar {
	env := map[string]envVar{}
	layers := [][]envVar{f.env}
	if js.job != nil {
		layers = append(layers, js.job.env)
	}
	layers = append(layers, js.step.env)
	for _, layer := range layers {
		for _, e := range layer {
			env[e.name] = e
		}
	}
	return env
}

// usesAction reports whether a step uses the action owner/repo at any version.
func usesAction(s *step, action string) bool {
	ref, ok := yamldoc.String(s.uses)
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(ref, "@")
	return strings.EqualFold(name, action)
}

// withInput returns a step's `with.<name>` value node.
func withInput(s *step, name string) *yaml.Node {
	return yamldoc.Value(s.with, name)
}

// privilegedTriggers run with the base repository's secrets and a token that can write, yet
// are fired by people outside the project: anyone who opens an issue, comments or sends a pull
// request from a fork.
var privilegedTriggers = []string{
	"pull_request_target", "issues", "issue_comment", "discussion", "discussion_comment", "workflow_run",
}

// privilegedTrigger returns the first privileged trigger of the workflow, or "".
func (f *file) privilegedTrigger() string {
	for _, t := range privilegedTriggers {
		if f.triggers[t] {
			return t
		}
	}
	return ""
}
