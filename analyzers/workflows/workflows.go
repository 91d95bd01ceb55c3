// Package workflows checks GitHub Actions workflows and composite actions for the weaknesses
// that turn CI into a way into the repository: script injection through event text, privileged
// workflows that run a pull request's code, actions pulled by movable tags, over-broad token
// permissions and secrets printed to logs.
//
// Its findings belong to the code layer: a workflow is code that lives in the repository,
// is changed by pull requests like any other code, and is the supply chain that builds and
// publishes everything else.
package workflows

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/filescan"
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// scannerName is the Scanner's Name, shown in progress lines and diagnostics.
const scannerName = "workflows"

// check is one rule and the function that applies it to a parsed file.
type check struct {
	rule *finding.Rule
	run  func(f *file, r *report)
}

// checks lists every rule of the scanner, one per file of this package.
var checks = []check{
	{&ruleScriptInjection, checkScriptInjection},
	{&ruleUntrustedCheckout, checkUntrustedCheckout},
	{&ruleUnpinnedAction, checkUnpinnedAction},
	{&ruleUnpinnedFirstPartyAction, checkUnpinnedFirstPartyAction},
	{&rulePermissionsWriteAll, checkPermissionsWriteAll},
	{&rulePermissionsMissing, checkPermissionsMissing},
	{&ruleSecretInLog, checkSecretInLog},
}

// New returns the GitHub Actions scanner.
func New() engine.Scanner { return scanner{} }

type scanner struct{}

func (scanner) Name() string { return scannerName }

func (scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, len(checks))
	for i, c := range checks {
		out[i] = *c.rule
	}
	return out
}

// kindOf tells whether a path is a workflow (.github/workflows/*.yml|yaml) or an action's
// metadata (action.yml|yaml anywhere), and whether it is either.
func kindOf(p string) (fileKind, bool) {
	base := path.Base(p)
	ext := path.Ext(base)
	if ext != ".yml" && ext != ".yaml" {
		return 0, false
	}
	if dir := path.Dir(p); dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows") {
		return workflowFile, true
	}
	if base == "action.yml" || base == "action.yaml" {
		return actionFile, true
	}
	return 0, false
}

// IsWorkflowFile reports whether the scanner reads a path.
func IsWorkflowFile(p string) bool {
	_, ok := kindOf(p)
	return ok
}

func (scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	return filescan.Run(ctx, req, "workflows", IsWorkflowFile, checks, func(c check) string { return c.rule.ID }, scanFile)
}

// scanFile reads, parses and checks one file; a file that cannot be analysed gives a diagnostic
// and the other files are still scanned.
func scanFile(tree *engine.Tree, filePath string, active []check) ([]finding.Finding, *engine.Diagnostic) {
	kind, _ := kindOf(filePath)
	data, err := tree.ReadFile(filePath)
	if err != nil {
		msg := "not scanned: " + err.Error()
		if errors.Is(err, engine.ErrTooLarge) {
			msg = fmt.Sprintf("not scanned: over the %d-byte size limit", tree.MaxFileSize)
		}
		return nil, &engine.Diagnostic{Scanner: scannerName, Path: filePath, Message: msg}
	}
	docs, err := yamldoc.Parse(data)
	if err != nil {
		return nil, &engine.Diagnostic{Scanner: scannerName, Path: filePath, Line: yamlErrorLine(err), Message: err.Error()}
	}
	if len(docs) == 0 || docs[0].Root.Kind != yaml.MappingNode {
		return nil, nil // empty, or not a workflow at all: nothing GitHub would run
	}
	f := load(filePath, kind, yamldoc.NewLines(data), docs[0].Root)
	r := &report{f: f, seen: map[reportKey]bool{}}
	for _, c := range active {
		c.run(f, r)
	}
	return r.findings, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine is the line a YAML syntax error names, or 0.
func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return n
		}
	}
	return 0
}
