package k8s

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/engine"
)

// parsedFile is what one file contributes: its Kubernetes objects and any diagnostic.
type parsedFile struct {
	objects     []*object
	diagnostics []engine.Diagnostic
}

// parseInOrder parses files on up to workers goroutines and hands each result to consume in
// the order of files. At most 2×workers parsed files wait in memory at once.
func parseInOrder(ctx context.Context, tree *engine.Tree, files []engine.File, workers int, consume func(parsedFile)) error {
	if workers < 1 {
		workers = 1
	}
	results := make([]chan parsedFile, len(files))
	for i := range results {
		results[i] = make(chan parsedFile, 1) // buffered: a worker never waits for the consumer
	}
	slots := make(chan struct{}, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i, f := range files {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			go func() { results[i] <- parseFileSafely(tree, f.Path) }()
		}
	}()
	for i := range files {
		select {
		case p := <-results[i]:
			consume(p)
			<-slots
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// parseFileSafely turns a panic while parsing (a parser bug meeting hostile input) into a
// diagnostic: it runs on its own goroutine, where the engine's recovery cannot reach.
func parseFileSafely(tree *engine.Tree, path string) (p parsedFile) {
	defer func() {
		if r := recover(); r != nil {
			p = parsedFile{diagnostics: []engine.Diagnostic{{
				Scanner: scannerName, Path: path,
				Message: fmt.Sprintf("internal error parsing: %v (%s)", r, firstFrame(debug.Stack())),
			}}}
		}
	}()
	return parseFile(tree, path)
}

// maxListDepth bounds how deep `kind: List` items may nest; real lists are one level deep.
const maxListDepth = 4

// expansionSlack is how many more nodes than a document holds a traversal may visit through
// its aliases before the document counts as an alias bomb and is refused. Real manifests
// reuse anchors a handful of times; a bomb multiplies its size at each level.
const expansionSlack = 100_000

func parseFile(tree *engine.Tree, p string) parsedFile {
	diag := func(line int, format string, args ...any) parsedFile {
		return parsedFile{diagnostics: []engine.Diagnostic{{Scanner: scannerName, Path: p, Line: line, Message: fmt.Sprintf(format, args...)}}}
	}
	data, err := tree.ReadFile(p)
	if errors.Is(err, engine.ErrTooLarge) {
		if path.Ext(p) == ".json" { // large JSON is almost always data, not a manifest
			return parsedFile{}
		}
		return diag(0, "not scanned for Kubernetes problems: %v", err)
	}
	if err != nil {
		return diag(0, "not scanned for Kubernetes problems: %v", err)
	}
	if isBinary(data) || !mentionsAPIVersion(data) {
		return parsedFile{}
	}
	docs, err := yamldoc.Parse(blankUncheckedDocuments(data))
	if err != nil && path.Ext(p) == ".json" {
		// kubectl also reads a stream of JSON objects, which is not one YAML document.
		if streamDocs, streamErr := parseJSONStream(data); streamErr == nil {
			docs, err = streamDocs, nil
		}
	}
	if err != nil {
		if !looksLikeKubernetes(data) {
			return parsedFile{} // most YAML in a repository is not a manifest
		}
		msg := "not scanned for Kubernetes problems: " + err.Error()
		if bytes.Contains(data, []byte("{{")) {
			msg += " (a Helm or Go template: render it, for example with `helm template`, and scan the output)"
		}
		return diag(errorLine(err), "%s", msg)
	}
	src := newSource(data)
	var out parsedFile
	seen := map[*yaml.Node]bool{} // a List may name one object twice through an alias
	hasAnchors := bytes.IndexByte(data, '&') >= 0
	for _, d := range docs {
		if hasAnchors { // before any Pairs: merge-key bombs and cycles must never be navigated
			if distinct, expanded := yamldoc.Expansion(d.Root); expanded > distinct+expansionSlack {
				out.diagnostics = append(out.diagnostics, engine.Diagnostic{
					Scanner: scannerName, Path: p, Line: d.Root.Line,
					Message: fmt.Sprintf("not scanned for Kubernetes problems: document %d uses aliases that expand %d nodes to more than %d", d.Index+1, distinct, distinct+expansionSlack),
				})
				continue
			}
		}
		if isCloudFormation(d.Root) {
			return parsedFile{}
		}
		out.objects = appendObjects(out.objects, src, p, d.Root, 0, seen)
	}
	return out
}

// appendObjects adds the Kubernetes object at n, or the items of a List, to objs.
func appendObjects(objs []*object, src *source, p string, n *yaml.Node, depth int, seen map[*yaml.Node]bool) []*object {
	n = yamldoc.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || seen[n] {
		return objs
	}
	seen[n] = true
	o := newObject(src, p, n)
	if o == nil {
		return objs
	}
	if strings.HasSuffix(o.kind, "List") {
		if items := yamldoc.Value(n, "items"); items != nil && depth < maxListDepth {
			for _, it := range yamldoc.Items(items) {
				objs = appendObjects(objs, src, p, it, depth+1, seen)
			}
			return objs
		}
	}
	return append(objs, o)
}

// isCandidatePath selects YAML and JSON files, leaving out GitHub workflows, whose YAML is
// never a manifest.
func isCandidatePath(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json":
	default:
		return false
	}
	return !strings.HasPrefix(p, ".github/workflows/") && !strings.Contains(p, "/.github/workflows/")
}

// isBinary treats a NUL byte near the start as the mark of a binary file.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// mentionsAPIVersion is the cheap test that lets most YAML in a repository skip parsing.
func mentionsAPIVersion(data []byte) bool {
	return bytes.Contains(data, []byte("apiVersion")) && bytes.Contains(data, []byte("kind"))
}

var apiVersionKey = regexp.MustCompile(`(?m)^\s*(?:-\s+)?"?apiVersion"?\s*:`)

// looksLikeKubernetes decides whether an unparseable file deserves a diagnostic: it has an
// apiVersion key, as a manifest (or a template of one) does.
func looksLikeKubernetes(data []byte) bool {
	return apiVersionKey.Match(data)
}

// isCloudFormation recognises a CloudFormation template, whose resources may look like
// Kubernetes objects but belong to the iac scanner.
func isCloudFormation(root *yaml.Node) bool {
	if yamldoc.Value(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	for _, p := range yamldoc.Pairs(yamldoc.Value(root, "Resources")) {
		if t, ok := yamldoc.String(yamldoc.Value(p.Value, "Type")); ok && strings.HasPrefix(t, "AWS::") {
			return true
		}
	}
	return false
}

var errorLinePattern = regexp.MustCompile(`line (\d+)`)

// errorLine extracts the line a YAML syntax error names, or 0.
func errorLine(err error) int {
	if m := errorLinePattern.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return n
		}
	}
	return 0
}
