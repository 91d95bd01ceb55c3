// Package iac checks AWS infrastructure as code: Terraform (.tf) and CloudFormation / SAM
// templates (YAML or JSON). Two front ends map their resources onto one normalised model (see
// resource.go), where values the scanner cannot know before deployment are Unknown; each rule is
// written once over that model and never reports on an unknown value.
package iac

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

type scanner struct{}

// New returns the scanner of AWS infrastructure as code.
func New() engine.Scanner { return scanner{} }

func (scanner) Name() string { return "iac" }

func (scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, len(checks))
	for i, c := range checks {
		out[i] = c.rule
	}
	return out
}

// unit is what one worker analyses: the .tf files of a directory, or one template file.
type unit struct {
	tfDir  string
	tf     []string
	tfvars []string
	cfn    string
}

// outcome is what a unit produced.
type outcome struct {
	findings []finding.Finding
	diags    []engine.Diagnostic
	files    int
}

func (s scanner) Scan(ctx context.Context, req *engine.Request) (*engine.Result, error) {
	units := plan(req.Tree)
	results := make([]outcome, len(units))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(units), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = s.analyse(req, units[i])
				req.Progress.AddFiles(results[i].files)
			}
		}()
	}
	var cancelled error
	for i := range units {
		if err := ctx.Err(); err != nil {
			cancelled = fmt.Errorf("iac scan: %w", err)
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()

	res := &engine.Result{}
	for _, o := range results {
		res.Findings = append(res.Findings, o.findings...)
		res.Diagnostics = append(res.Diagnostics, o.diags...)
	}
	finding.Sort(res.Findings)
	return res, cancelled
}

// plan groups the tree's files into units: Terraform evaluates a directory as one module.
func plan(t *engine.Tree) []unit {
	byDir := map[string]*unit{}
	var dirs []string
	var out []unit
	for _, f := range t.Files {
		tf, tfvars := terraformFileKind(f.Path)
		if tf || tfvars {
			dir := path.Dir(f.Path)
			u := byDir[dir]
			if u == nil {
				u = &unit{tfDir: dir}
				byDir[dir] = u
				dirs = append(dirs, dir)
			}
			if tf {
				u.tf = append(u.tf, f.Path)
			} else {
				u.tfvars = append(u.tfvars, f.Path)
			}
			continue
		}
		if isCloudFormationPath(f.Path) {
			out = append(out, unit{cfn: f.Path})
		}
	}
	for _, d := range dirs {
		if u := byDir[d]; len(u.tf) > 0 {
			out = append(out, *u)
		}
	}
	return out
}

func isCloudFormationPath(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json", ".template":
		return true
	}
	return false
}

// analyse runs the front end and the rules over one unit. A panic is a bug, but one file must
// not take the other findings down with it: it becomes a diagnostic.
func (s scanner) analyse(req *engine.Request, u unit) (o outcome) {
	sources := map[string][]byte{}
	defer func() {
		if p := recover(); p != nil {
			where := u.cfn
			if where == "" {
				where = u.tfDir
			}
			o = outcome{diags: []engine.Diagnostic{{Path: where, Message: fmt.Sprintf("internal error in the iac scanner, please report it: %v", p)}}}
		}
	}()
	var resources []*Resource
	if u.cfn != "" {
		resources, o.diags, o.files = loadCloudFormation(req.Tree, u.cfn, sources)
	} else {
		resources, o.diags, o.files = loadTerraform(req.Tree, u, sources)
	}
	o.findings = runChecks(resources, sources, req.Enabled)
	return o
}

// loadTerraform parses a directory's files and converts the module. A file that does not
// parse is reported and left out; the rest of the module is still scanned.
func loadTerraform(t *engine.Tree, u unit, sources map[string][]byte) ([]*Resource, []engine.Diagnostic, int) {
	var diags []engine.Diagnostic
	parse := func(p string) *tfFile {
		src, err := t.ReadFile(p)
		if err != nil {
			diags = append(diags, engine.Diagnostic{Path: p, Message: readError(err)})
			return nil
		}
		f, err := parseTerraformFile(p, src)
		if err != nil {
			diags = append(diags, diagnostic(p, err))
			return nil
		}
		sources[p] = src
		return f
	}
	var files []*tfFile
	for _, p := range u.tf {
		if f := parse(p); f != nil {
			files = append(files, f)
		}
	}
	tfvars := map[string]*tfFile{}
	for _, p := range u.tfvars {
		if f := parse(p); f != nil {
			tfvars[path.Base(p)] = f
		}
	}
	m := newTerraformModule(files, tfvars)
	return m.resourcesNormalised(), diags, len(u.tf) + len(u.tfvars)
}

// loadCloudFormation parses a candidate template. Files that are not templates are skipped
// without a word.
func loadCloudFormation(t *engine.Tree, p string, sources map[string][]byte) ([]*Resource, []engine.Diagnostic, int) {
	src, err := t.ReadFile(p)
	if err != nil {
		if errors.Is(err, engine.ErrTooLarge) && strings.HasSuffix(p, ".template") {
			return nil, []engine.Diagnostic{{Path: p, Message: readError(err)}}, 0
		}
		return nil, nil, 0
	}
	if !cloudFormationCandidate(p, src) {
		return nil, nil, 0
	}
	resources, err := parseCloudFormation(p, src)
	if errors.Is(err, errNotTemplate) {
		return nil, nil, 0
	}
	sources[p] = src
	if err != nil {
		return resources, []engine.Diagnostic{diagnostic(p, err)}, 1
	}
	return resources, nil, 1
}

func diagnostic(p string, err error) engine.Diagnostic {
	d := engine.Diagnostic{Path: p, Message: err.Error()}
	var le *lineError
	if errors.As(err, &le) {
		d.Line = le.line
	}
	return d
}

func readError(err error) string {
	if errors.Is(err, engine.ErrTooLarge) {
		return "file is over the size limit; not analysed"
	}
	return "cannot read: " + err.Error()
}

// runChecks applies every enabled rule to the resources and removes duplicates: a policy
// document used by two resources is reported once, where it is written.
func runChecks(resources []*Resource, sources map[string][]byte, enabled func(string) bool) []finding.Finding {
	var out []finding.Finding
	lines := &lineIndex{sources: sources}
	for _, c := range checks {
		if enabled != nil && !enabled(c.rule.ID) {
			continue
		}
		for _, r := range resources {
			if !c.applies(r) {
				continue
			}
			c.run(&reporter{rule: &c.rule, res: r, lines: lines, out: &out}, r)
		}
	}
	type place struct {
		rule, path string
		line, col  int
	}
	seen := map[place]bool{}
	kept := out[:0]
	for _, f := range out {
		k := place{f.RuleID, f.Path, f.StartLine, f.StartColumn}
		if !seen[k] {
			seen[k] = true
			kept = append(kept, f)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return finding.Less(&kept[i], &kept[j]) })
	return kept
}
