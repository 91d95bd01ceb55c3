package deps

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/fourcsec/fourc/analyzers/deps/gomod"
	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/reach"
	"github.com/fourcsec/fourc/analyzers/deps/versions"
	"github.com/fourcsec/fourc/analyzers/golang/load"
	"github.com/fourcsec/fourc/shared/finding"
)

// goGroup is one run of the go command: a standalone module, or the modules of a workspace.
type goGroup struct {
	group   load.Group
	dir     string // absolute
	work    *goWorkFile
	modules []*goModFile
	inv     gomod.Invocation
	cleanup func()
	// build is the build list without the main modules.
	build []gomod.Module
	// stdlib is the Go release (as a semantic version) checked for standard library and
	// toolchain advisories, and stdlibFrom says where it comes from.
	stdlib, stdlibFrom string

	graph     map[string][]string
	graphDone bool
}

// manifests are the files the group's findings are placed in.
func (g *goGroup) manifests() []string {
	var out []string
	if g.work != nil {
		out = append(out, g.work.path)
	}
	for _, m := range g.modules {
		out = append(out, m.path)
	}
	return out
}

type goModFile struct {
	rel   string // the module directory, relative to the tree root
	path  string // go.mod, relative
	file  *modfile.File
	lines []string
}

type goWorkFile struct {
	path  string
	file  *modfile.WorkFile
	lines []string
}

// readGo finds the tree's modules and computes each group's build list.
func (sc *scan) readGo(ctx context.Context) []*goGroup {
	var all []string
	for _, f := range sc.req.Tree.Files {
		all = append(all, f.Path)
	}
	groups := load.FindGroups(all, sc.req.Tree.ReadFile)
	var out []*goGroup
	for _, g := range groups {
		if ctx.Err() != nil {
			break
		}
		if gg := sc.readGoGroup(ctx, g); gg != nil {
			out = append(out, gg)
		}
	}
	return out
}

func (sc *scan) readGoGroup(ctx context.Context, g load.Group) *goGroup {
	tree := sc.req.Tree
	gg := &goGroup{group: g, dir: tree.Abs(g.Rel), cleanup: func() {}}
	for _, m := range g.Modules {
		p := joinRel(m.Rel, "go.mod")
		data, err := tree.ReadFile(p)
		if err != nil {
			sc.diag(p, 0, "cannot read: %v", err)
			continue
		}
		mf, err := modfile.Parse(p, data, nil)
		if err != nil {
			sc.diag(p, errorLine(err), "not a valid go.mod, so its dependencies were not checked: %s", errorText(err))
			continue
		}
		if mf.Module == nil {
			sc.diag(p, 1, "go.mod has no module line, so its dependencies were not checked")
			continue
		}
		gg.modules = append(gg.modules, &goModFile{rel: m.Rel, path: p, file: mf, lines: splitLines(data)})
	}
	if len(gg.modules) == 0 {
		return nil
	}
	workspace := ""
	if g.Workspace != "" {
		data, err := tree.ReadFile(g.Workspace)
		if err == nil {
			wf, perr := modfile.ParseWork(g.Workspace, data, nil)
			if perr != nil {
				sc.diag(g.Workspace, errorLine(perr), "not a valid go.work: %s", errorText(perr))
			} else {
				gg.work = &goWorkFile{path: g.Workspace, file: wf, lines: splitLines(data)}
				workspace = tree.Abs(g.Workspace)
			}
		}
	}
	gg.inv = gomod.Invocation{Dir: gg.dir, Env: load.Environ(sc.env, workspace)}
	if workspace == "" && len(gg.modules) == 1 {
		modFile, cleanup, err := gomod.CopyModFile(tree.ReadFile, gg.modules[0].rel)
		if err != nil {
			sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: %v", gg.modules[0].path, err))
			return nil
		}
		gg.inv.ModFile, gg.cleanup = modFile, cleanup
	}
	sc.buildList(ctx, gg)
	sc.stdlibVersion(gg)
	return gg
}

// buildList asks the go command for the build list; when it cannot answer (no network for a
// module not in the cache, a go line newer than this Go), go.mod's own requirements stand in,
// which misses what the requirements require in turn.
func (sc *scan) buildList(ctx context.Context, gg *goGroup) {
	listed, err := gomod.List(ctx, gg.inv)
	if err == nil {
		var bad []string
		for _, m := range listed {
			if m.Main {
				continue
			}
			if m.Error != nil {
				bad = append(bad, fmt.Sprintf("%s: %s", m.Path, oneLine(m.Error.Err)))
			}
			gg.build = append(gg.build, m)
		}
		if len(bad) > 0 {
			sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: the go command could not resolve %d %s of the build list (%s); their requirements were not checked",
				gg.where(), len(bad), plural(len(bad), "module", "modules"), bad[0]))
		}
		return
	}
	if ctx.Err() != nil {
		return
	}
	sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: the build list could not be computed (%v); only the requirements go.mod lists were checked", gg.where(), err))
	gg.build = gg.fallbackBuildList(sc)
}

// fallbackBuildList reads the requirements of the group's go.mod files, with their replace and
// exclude directives (go.work's replacements win, as the go command has it).
func (gg *goGroup) fallbackBuildList(sc *scan) []gomod.Module {
	byPath := map[string]gomod.Module{}
	for _, mf := range gg.modules {
		excluded := map[string]bool{}
		for _, x := range mf.file.Exclude {
			excluded[x.Mod.Path+"@"+x.Mod.Version] = true
		}
		for _, r := range mf.file.Require {
			if excluded[r.Mod.Path+"@"+r.Mod.Version] {
				// The go command would pick the next version up, which only the proxy knows.
				sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: %s %s is excluded and the version used instead is unknown without the go command; it was not checked", mf.path, r.Mod.Path, r.Mod.Version))
				continue
			}
			m := gomod.Module{Path: r.Mod.Path, Version: r.Mod.Version, Indirect: r.Indirect}
			if rep := gg.replacementFor(mf, r.Mod.Path, r.Mod.Version); rep != nil {
				m.Replace = &gomod.Module{Path: rep.New.Path, Version: rep.New.Version}
			}
			if prev, ok := byPath[m.Path]; !ok || semver.Compare(m.Version, prev.Version) > 0 {
				byPath[m.Path] = m
			}
		}
	}
	out := make([]gomod.Module, 0, len(byPath))
	for _, p := range sortedKeys(byPath) {
		out = append(out, byPath[p])
	}
	return out
}

// replacementFor finds the replace directive in force for a module version.
func (gg *goGroup) replacementFor(mf *goModFile, modPath, version string) *modfile.Replace {
	if gg.work != nil {
		if r := findReplace(gg.work.file.Replace, modPath, version); r != nil {
			return r
		}
	}
	return findReplace(mf.file.Replace, modPath, version)
}

func findReplace(reps []*modfile.Replace, modPath, version string) *modfile.Replace {
	var any *modfile.Replace
	for _, r := range reps {
		if r.Old.Path != modPath {
			continue
		}
		if r.Old.Version == version {
			return r
		}
		if r.Old.Version == "" {
			any = r
		}
	}
	return any
}

// stdlibVersion decides which Go release the standard library and toolchain advisories are
// checked against: the scanner's option, else the toolchain line, else the go line (whose
// release without a patch number is the line's first, "go 1.21" → go1.21.0: the oldest Go the
// module lets build it).
func (sc *scan) stdlibVersion(gg *goGroup) {
	if v := sc.s.opts.StdlibVersion; v != "" {
		if gg.stdlib = versions.GoSemver(v); gg.stdlib == "" {
			sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%q is not a Go release, so standard library advisories were not checked", v))
			return
		}
		gg.stdlibFrom = "the Go release the scan was told builds the code"
		return
	}
	var goLine *modfile.Go
	var toolchain *modfile.Toolchain
	file := ""
	if gg.work != nil {
		goLine, toolchain, file = gg.work.file.Go, gg.work.file.Toolchain, gg.work.path
	} else {
		goLine, toolchain, file = gg.modules[0].file.Go, gg.modules[0].file.Toolchain, gg.modules[0].path
	}
	switch {
	case toolchain != nil && versions.GoSemver(toolchain.Name) != "":
		gg.stdlib, gg.stdlibFrom = versions.GoSemver(toolchain.Name), file+"'s toolchain line"
	case goLine != nil && versions.GoSemver(goLine.Version) != "":
		gg.stdlib, gg.stdlibFrom = versions.GoSemver(goLine.Version), file+"'s go line"
	default:
		sc.res.Incomplete = append(sc.res.Incomplete, file+" has no go line, so standard library advisories were not checked")
	}
}

func (gg *goGroup) where() string {
	if gg.work != nil {
		return gg.work.path
	}
	return gg.modules[0].path
}

// checkedAs is the module path and version whose advisories apply to a build list entry. A
// module replaced by another module version is that version (as govulncheck has it). A module
// replaced by a directory is checked as the version it requires: such a copy is usually that
// version, vendored or patched, and unknown code is no reason to stay silent.
func checkedAs(m gomod.Module) (name, version string) {
	if m.Replace != nil && m.Replace.Version != "" {
		return m.Replace.Path, m.Replace.Version
	}
	return m.Path, m.Version
}

func (gg *goGroup) queries() []osv.Query {
	var out []osv.Query
	for _, m := range gg.build {
		if name, version := checkedAs(m); version != "" {
			out = append(out, osv.Query{Ecosystem: osv.Go, Name: name, Version: version})
		}
	}
	if gg.stdlib != "" {
		out = append(out,
			osv.Query{Ecosystem: osv.Go, Name: osv.StdlibModule, Version: gg.stdlib},
			osv.Query{Ecosystem: osv.Go, Name: osv.ToolchainModule, Version: gg.stdlib})
	}
	return out
}

func (sc *scan) cleanup(groups []*goGroup) {
	for _, g := range groups {
		g.cleanup()
	}
}

// affectedModule is a build list entry (or the standard library, or the toolchain) with the
// advisories affecting the version in use.
type affectedModule struct {
	mod           gomod.Module
	name, version string // what was checked
	std           bool   // the stdlib or toolchain pseudo-module
	vulns         []vulnerability
	plan          fixPlan
}

// noun names the affected thing in messages.
func (am *affectedModule) noun() string {
	switch am.mod.Path {
	case osv.StdlibModule:
		return "standard library"
	case osv.ToolchainModule:
		return "go command"
	}
	return "module"
}

func (am *affectedModule) display(v string) string {
	if am.std {
		return versions.GoRelease(v)
	}
	return "v" + strings.TrimPrefix(v, "v")
}

// reportGo matches a group's build list, computes reachability, and reports.
func (sc *scan) reportGo(ctx context.Context, gg *goGroup, ans answers) error {
	var mods []*affectedModule
	for _, m := range gg.build {
		name, version := checkedAs(m)
		if version == "" {
			continue
		}
		if am := sc.affected(m, name, version, false, ans); am != nil {
			mods = append(mods, am)
		}
	}
	if gg.stdlib != "" {
		for _, name := range []string{osv.StdlibModule, osv.ToolchainModule} {
			m := gomod.Module{Path: name, Version: gg.stdlib}
			if am := sc.affected(m, name, gg.stdlib, true, ans); am != nil {
				mods = append(mods, am)
			}
		}
	}
	if len(mods) == 0 {
		return nil
	}
	reached, err := sc.reachability(ctx, gg, mods)
	if err != nil {
		return err
	}
	for _, mf := range gg.modules {
		for _, am := range mods {
			if am.std && gg.work != nil {
				continue // reported once on go.work below
			}
			sc.reportModule(ctx, gg, mf, am, reached[mf.file.Module.Mod.Path])
		}
	}
	if gg.work != nil {
		merged := map[string]*reach.Reachability{}
		for _, byID := range reached {
			for id, r := range byID {
				if prev := merged[id]; prev == nil || r.Level > prev.Level {
					merged[id] = r
				}
			}
		}
		for _, am := range mods {
			if am.std {
				sc.reportModule(ctx, gg, nil, am, merged)
			}
		}
	}
	return nil
}

func (sc *scan) affected(m gomod.Module, name, version string, std bool, ans answers) *affectedModule {
	a, ok := ans[keyOf(osv.Query{Ecosystem: osv.Go, Name: name, Version: version})]
	if !ok || a.Err != nil {
		return nil // counted in Incomplete by lookup
	}
	vulns := sc.match(osv.Go, name, version, a)
	if len(vulns) == 0 {
		return nil
	}
	am := &affectedModule{mod: m, name: name, version: version, std: std, vulns: vulns}
	am.plan = planFix(osv.Go, version, vulns)
	return am
}

// reachability runs the import and call analysis for the group, unless its rules are off.
func (sc *scan) reachability(ctx context.Context, gg *goGroup, mods []*affectedModule) (map[string]map[string]*reach.Reachability, error) {
	wantImports := sc.enabled(ruleGoImported.ID) || sc.enabled(ruleGoCalled.ID)
	if !wantImports {
		return nil, nil
	}
	if !sc.goEnvRead {
		goEnv, err := load.ReadGoEnv(ctx, sc.env)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("dependency scan: %w", ctx.Err())
			}
			sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: imports and calls of vulnerable packages were not checked: %v", gg.where(), err))
			return nil, nil
		}
		sc.goEnv, sc.goEnvRead = goEnv, true
	}
	goEnv := sc.goEnv
	var vulns []reach.Vuln
	for _, am := range mods {
		module := am.mod.Path // the path the loaded packages report, even when replaced
		for _, v := range am.vulns {
			imports, _ := affectingImports(v, am.version)
			vulns = append(vulns, reach.Vuln{ID: v.entry.ID, Module: module, Imports: imports})
		}
	}
	cfg := &reach.Config{
		Dir:           gg.dir,
		Env:           gg.inv.Env,
		Root:          sc.req.Tree.Root,
		InTree:        sc.req.Tree.Has,
		Trusted:       nonEmpty(goEnv.GOROOT, goEnv.GOMODCACHE),
		Symbols:       sc.enabled(ruleGoCalled.ID),
		KeepAllBodies: sc.s.opts.KeepAllBodies,
	}
	if gg.inv.ModFile != "" {
		cfg.BuildFlags = []string{"-modfile=" + gg.inv.ModFile}
	}
	if gg.work != nil {
		// "./..." in a workspace directory that is not itself a module matches nothing.
		for _, mf := range gg.modules {
			cfg.Patterns = append(cfg.Patterns, workspacePattern(gg.group.Rel, mf.rel))
		}
	}
	res, err := reach.Analyze(ctx, cfg, vulns)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("dependency scan: %w", ctx.Err())
		}
		sc.res.Incomplete = append(sc.res.Incomplete, fmt.Sprintf("%s: imports and calls of vulnerable packages were not checked (%v); advisories are reported at the required level", gg.where(), err))
		return nil, nil
	}
	sc.req.Progress.AddPackages(res.Stats.Packages)
	if sc.s.opts.ReachStats != nil {
		sc.s.opts.ReachStats(gg.where(), res.Stats)
	}
	for _, reason := range res.Incomplete {
		sc.res.Incomplete = append(sc.res.Incomplete, gg.where()+": "+reason)
	}
	return res.ByModule, nil
}

// workspacePattern selects a module's packages from the workspace directory.
func workspacePattern(workDir, moduleDir string) string {
	rel := moduleDir
	if workDir != "." {
		rel = strings.TrimPrefix(moduleDir, workDir+"/")
		if moduleDir == workDir {
			rel = "."
		}
	}
	if rel == "." {
		return "./..."
	}
	return "./" + rel + "/..."
}

// affectingImports returns the vulnerable packages of an advisory for the version in use, and,
// when every one of them is vulnerable only on some platforms, which ("windows", "linux/arm64").
// Like govulncheck in source mode, fourc follows such packages whatever platform it runs on:
// the scanned code may well be built for the platforms the advisory names.
func affectingImports(v vulnerability, version string) ([]osv.GoImport, string) {
	var imports []osv.GoImport
	for _, a := range v.affected {
		if verdict, _ := versions.Affects(osv.Go, version, a); verdict == versions.Affected {
			imports = append(imports, a.Imports...)
		}
	}
	var platforms []string
	for _, imp := range imports {
		if len(imp.GOOS) == 0 && len(imp.GOARCH) == 0 {
			return imports, ""
		}
		p := strings.Join(imp.GOOS, ", ")
		if len(imp.GOARCH) > 0 {
			p = strings.TrimPrefix(p+"/"+strings.Join(imp.GOARCH, ", "), "/")
		}
		platforms = append(platforms, p)
	}
	return imports, strings.Join(unique(platforms), "; ")
}

// reportModule reports one affected module for one go.mod (or, for the standard library of a
// workspace, for go.work when mf is nil): a finding per reachability level.
func (sc *scan) reportModule(ctx context.Context, gg *goGroup, mf *goModFile, am *affectedModule, reached map[string]*reach.Reachability) {
	byLevel := map[reach.Level][]vulnerability{}
	for _, v := range am.vulns {
		level := reach.Required
		if r := reached[v.entry.ID]; r != nil {
			level = r.Level
		}
		byLevel[level] = append(byLevel[level], v)
	}
	if mf != nil && !am.std && gg.work != nil && len(byLevel[reach.Imported])+len(byLevel[reach.Called]) == 0 && !mf.requires(am.mod.Path) {
		if chain, known := gg.graphPath(ctx, mf.file.Module.Mod.Path, am.mod.Path); known && chain == nil {
			return // another module of the workspace requires it
		}
	}
	loc := sc.locate(ctx, gg, mf, am)
	for _, level := range []reach.Level{reach.Called, reach.Imported, reach.Required} {
		vulns := byLevel[level]
		if len(vulns) == 0 {
			continue
		}
		rule := ruleForLevel(level)
		if !sc.enabled(rule.ID) {
			continue
		}
		f := rule.New(loc.path, loc.line, loc.col, sc.goMessage(am, level, vulns, reached, loc))
		f.EndColumn = loc.endCol
		f.Key = fmt.Sprintf("go:%s:%s", am.mod.Path, level)
		f.References = append(references(vulns, goPage), f.References...)
		f.Remediation = goRemediation(am)
		if loc.fix != nil {
			fix := *loc.fix
			f.Fix = &fix
		}
		sc.res.Findings = append(sc.res.Findings, f)
	}
}

func ruleForLevel(l reach.Level) *finding.Rule {
	switch l {
	case reach.Called:
		return &ruleGoCalled
	case reach.Imported:
		return &ruleGoImported
	default:
		return &ruleGoRequired
	}
}

func goRemediation(am *affectedModule) string {
	switch {
	case am.plan.version == "":
		return "No fixed version is known yet: avoid the vulnerable code, or replace the dependency."
	case am.std:
		return fmt.Sprintf("Build with %s or later; a toolchain %s line in go.mod makes the go command use it.", am.display(am.plan.version), versions.GoRelease(am.plan.version))
	default:
		return fmt.Sprintf("Upgrade %s to %s.", am.name, am.display(am.plan.version))
	}
}

// goMessage lists the advisories of one level with what makes them reachable.
func (sc *scan) goMessage(am *affectedModule, level reach.Level, vulns []vulnerability, reached map[string]*reach.Reachability, loc goLocation) string {
	var b strings.Builder
	subject := fmt.Sprintf("%s %s", am.name, am.display(am.version))
	switch {
	case am.mod.Path == osv.StdlibModule:
		subject = fmt.Sprintf("The standard library of %s (%s)", versions.GoRelease(am.version), loc.stdFrom)
	case am.mod.Path == osv.ToolchainModule:
		subject = fmt.Sprintf("The go command of %s (%s)", versions.GoRelease(am.version), loc.stdFrom)
	case loc.note != "":
		subject += " (" + loc.note + ")"
	}
	n := len(vulns)
	what := map[reach.Level]string{
		reach.Called:   plural(n, "a known vulnerability whose vulnerable code this module calls", fmt.Sprintf("%d known vulnerabilities whose vulnerable code this module calls", n)),
		reach.Imported: plural(n, "a known vulnerability in a package this module imports; no call to its vulnerable functions was found", fmt.Sprintf("%d known vulnerabilities in packages this module imports; no call to their vulnerable functions was found", n)),
		reach.Required: plural(n, "a known vulnerability in code this module does not import", fmt.Sprintf("%d known vulnerabilities in code this module does not import", n)),
	}[level]
	fmt.Fprintf(&b, "%s has %s:", subject, what)
	for i, v := range vulns {
		if i == maxDescribed && len(vulns) > maxDescribed+1 {
			var rest []string
			for _, v := range vulns[i:] {
				rest = append(rest, v.entry.ID)
			}
			fmt.Fprintf(&b, "\n- and %d more: %s", len(rest), strings.Join(rest, ", "))
			break
		}
		b.WriteString("\n- " + describe(osv.Go, am.version, v, am.display))
		r := reached[v.entry.ID]
		switch {
		case level == reach.Called && r != nil:
			b.WriteString("; call path: " + sc.callPath(r.CallPath))
		case level == reach.Imported && r != nil:
			b.WriteString("; imported: " + strings.Join(r.ImportChain, " → "))
		}
		if _, platforms := affectingImports(v, am.version); platforms != "" {
			b.WriteString("; affects builds for " + platforms + " only")
		}
	}
	b.WriteString("\n" + am.plan.sentence(am.noun(), am.display))
	return b.String()
}

// maxDescribed bounds the advisories described in full in one message (an old go line can
// carry a hundred standard library advisories); the rest are listed by id.
const maxDescribed = 20

// maxFrames bounds the call path shown in a message.
const maxFrames = 14

// callPath writes a path as "main.main (main.go:15) → language.Parse", each frame with where it
// makes the next call.
func (sc *scan) callPath(frames []reach.Frame) string {
	var parts []string
	for i, f := range frames {
		if i == len(frames)-1 {
			parts = append(parts, f.Function)
			break
		}
		if f.Position.Filename == "" && f.Via == "" {
			// A package initializer has no position of its own to show.
			parts = append(parts, f.Function)
			continue
		}
		where := sc.displayFile(f.Position.Filename)
		if f.Position.Line > 0 {
			where += fmt.Sprintf(":%d", f.Position.Line)
		}
		if f.Via != "" {
			where += ", handed to " + f.Via
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", f.Function, where))
	}
	if len(parts) > maxFrames {
		parts = append(append(parts[:maxFrames/2:maxFrames/2], fmt.Sprintf("… %d more …", len(parts)-maxFrames)), parts[len(parts)-maxFrames/2:]...)
	}
	return strings.Join(parts, " → ")
}

// displayFile shortens a file name for messages: relative to the tree, to the module cache
// (golang.org/x/text@v0.3.5/language/parse.go) or to GOROOT/src (net/http/server.go).
func (sc *scan) displayFile(abs string) string {
	for _, dir := range []string{sc.req.Tree.Root, sc.goEnv.GOMODCACHE, filepath.Join(sc.goEnv.GOROOT, "src")} {
		if dir == "" || dir == "src" {
			continue
		}
		if rel, err := filepath.Rel(dir, abs); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(abs)
}

// goLocation is where a module's findings go and the fix offered there.
type goLocation struct {
	path              string
	line, col, endCol int
	fix               *finding.Fix
	// note qualifies the module in the message (replaced, required through another module).
	note string
	// stdFrom says which line the standard library version came from.
	stdFrom string
}

// locate finds the line a reviewer edits to upgrade the module.
func (sc *scan) locate(ctx context.Context, gg *goGroup, mf *goModFile, am *affectedModule) goLocation {
	if am.std {
		return sc.locateStd(gg, mf, am)
	}
	modPath := am.mod.Path
	// A replace directive decides the version when it names one.
	if rep := gg.replacementFor(mf, modPath, am.mod.Version); rep != nil {
		lines, file := mf.lines, mf.path
		if gg.work != nil && findReplace(gg.work.file.Replace, modPath, am.mod.Version) == rep {
			lines, file = gg.work.lines, gg.work.path
		}
		if rep.New.Version != "" {
			loc := lineLocation(file, lines, rep.Syntax, rep.New.Path, rep.New.Version, "=>")
			loc.note = fmt.Sprintf("replaced by %s %s", rep.New.Path, rep.New.Version)
			if am.plan.version != "" {
				loc.fix = versionFix(lines, rep.Syntax, rep.New.Path, rep.New.Version, am.plan.version, "=>", fmt.Sprintf("Replace with %s %s", rep.New.Path, am.plan.version))
			}
			return loc
		}
		note := fmt.Sprintf("replaced by the directory %s, checked as the required version; update that copy", rep.New.Path)
		if r := mf.require(modPath); r != nil {
			loc := lineLocation(mf.path, mf.lines, r.Syntax, modPath, r.Mod.Version, "")
			loc.note = note
			return loc
		}
		loc := lineLocation(file, lines, rep.Syntax, modPath, "", "")
		loc.note = note
		return loc
	}
	if r := mf.require(modPath); r != nil {
		loc := lineLocation(mf.path, mf.lines, r.Syntax, modPath, r.Mod.Version, "")
		if r.Mod.Version != am.mod.Version {
			loc.note = fmt.Sprintf("go.mod requires %s; the build selects %s", r.Mod.Version, am.mod.Version)
		}
		if am.plan.version != "" {
			loc.fix = versionFix(mf.lines, r.Syntax, modPath, r.Mod.Version, am.plan.version, "", fmt.Sprintf("Upgrade %s to %s", modPath, am.plan.version))
		}
		return loc
	}
	// Not listed (older go.mod files and workspaces list only direct requirements): annotate the
	// requirement that brings it in, and offer to require the fixed version next to it.
	if chain, _ := gg.graphPath(ctx, mf.file.Module.Mod.Path, modPath); len(chain) > 1 {
		if r := mf.require(chain[0]); r != nil {
			loc := lineLocation(mf.path, mf.lines, r.Syntax, chain[0], r.Mod.Version, "")
			loc.note = "required through " + strings.Join(chain[:len(chain)-1], " → ")
			if am.plan.version != "" {
				loc.fix = addRequirementFix(mf.lines, r.Syntax, modPath, am.plan.version)
			}
			return loc
		}
	}
	loc := lineLocation(mf.path, mf.lines, mf.file.Module.Syntax, mf.file.Module.Mod.Path, "", "")
	loc.note = "in the build list"
	return loc
}

// locateStd places standard library and toolchain findings on the toolchain line, else the go
// line, of go.work in a workspace or go.mod.
func (sc *scan) locateStd(gg *goGroup, mf *goModFile, am *affectedModule) goLocation {
	var goLine *modfile.Go
	var toolchain *modfile.Toolchain
	var moduleLine *modfile.Line
	file, lines := "", []string(nil)
	if mf == nil {
		goLine, toolchain, file, lines = gg.work.file.Go, gg.work.file.Toolchain, gg.work.path, gg.work.lines
	} else {
		goLine, toolchain, file, lines = mf.file.Go, mf.file.Toolchain, mf.path, mf.lines
		moduleLine = mf.file.Module.Syntax
	}
	fixName := ""
	if am.plan.version != "" {
		fixName = versions.GoRelease(am.plan.version)
	}
	switch {
	case toolchain != nil:
		loc := lineLocation(file, lines, toolchain.Syntax, toolchain.Name, "", "")
		loc.stdFrom = gg.stdlibFrom
		if fixName != "" {
			loc.fix = tokenFix(lines, toolchain.Syntax, toolchain.Name, fixName, "Use the "+fixName+" toolchain")
		}
		return loc
	case goLine != nil:
		loc := lineLocation(file, lines, goLine.Syntax, goLine.Version, "", "")
		loc.stdFrom = gg.stdlibFrom
		if fixName != "" && versions.GoSemver(goLine.Version) != "" && semver.Compare(am.plan.version, versions.GoSemver(goLine.Version)) > 0 {
			// A toolchain line, not a higher go line: it makes the go command build with the
			// fixed release without raising the minimum Go version the module demands of its users.
			if text, ok := lineText(lines, goLine.Syntax.Start.Line); ok {
				loc.fix = &finding.Fix{
					Description: "Add a toolchain " + fixName + " line",
					StartLine:   goLine.Syntax.Start.Line, EndLine: goLine.Syntax.Start.Line,
					Replacement: text + "\n\ntoolchain " + fixName,
				}
			}
		}
		return loc
	}
	loc := goLocation{path: file, line: 1, col: 1, endCol: 1, stdFrom: gg.stdlibFrom}
	if moduleLine != nil {
		loc.line = moduleLine.Start.Line
	}
	return loc
}

// lineLocation spans token (and version, when given) on the line of a directive; after, when
// set, makes the search start past that marker (the "=>" of a replace line).
func lineLocation(file string, lines []string, ln *modfile.Line, token, version, after string) goLocation {
	loc := goLocation{path: file, line: 1, col: 1, endCol: 1}
	if ln == nil {
		return loc
	}
	loc.line = ln.Start.Line
	text, ok := lineText(lines, loc.line)
	if !ok {
		return loc
	}
	from := 0
	if after != "" {
		if i := strings.Index(text, after); i >= 0 {
			from = i + len(after)
		}
	}
	i := strings.Index(text[from:], token)
	if i < 0 {
		loc.endCol = len(text) + 1
		return loc
	}
	start := from + i
	end := start + len(token)
	if version != "" {
		if j := strings.Index(text[end:], version); j >= 0 {
			end += j + len(version)
		}
	}
	loc.col, loc.endCol = start+1, end+1
	return loc
}

// versionFix replaces the version after modPath on a directive's line.
func versionFix(lines []string, ln *modfile.Line, modPath, oldVersion, newVersion, after, description string) *finding.Fix {
	if ln == nil || ln.Start.Line != ln.End.Line {
		return nil
	}
	text, ok := lineText(lines, ln.Start.Line)
	if !ok {
		return nil
	}
	from := 0
	if after != "" {
		if i := strings.Index(text, after); i >= 0 {
			from = i + len(after)
		}
	}
	i := strings.Index(text[from:], modPath)
	if i < 0 {
		return nil
	}
	at := from + i + len(modPath)
	j := strings.Index(text[at:], oldVersion)
	if j < 0 {
		return nil
	}
	at += j
	return &finding.Fix{
		Description: description,
		StartLine:   ln.Start.Line, EndLine: ln.Start.Line,
		Replacement: text[:at] + newVersion + text[at+len(oldVersion):],
	}
}

// tokenFix replaces the first occurrence of old on a directive's line.
func tokenFix(lines []string, ln *modfile.Line, old, replacement, description string) *finding.Fix {
	if ln == nil {
		return nil
	}
	text, ok := lineText(lines, ln.Start.Line)
	if !ok || !strings.Contains(text, old) {
		return nil
	}
	return &finding.Fix{
		Description: description,
		StartLine:   ln.Start.Line, EndLine: ln.Start.Line,
		Replacement: strings.Replace(text, old, replacement, 1),
	}
}

// addRequirementFix keeps a requirement line and adds one for the fixed version of a module it
// brings in; minimal version selection then builds with at least that version.
func addRequirementFix(lines []string, ln *modfile.Line, modPath, version string) *finding.Fix {
	if ln == nil || ln.Start.Line != ln.End.Line {
		return nil
	}
	text, ok := lineText(lines, ln.Start.Line)
	if !ok {
		return nil
	}
	added := fmt.Sprintf("require %s %s // indirect", modPath, version)
	if ln.InBlock {
		indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
		added = fmt.Sprintf("%s%s %s // indirect", indent, modPath, version)
	}
	return &finding.Fix{
		Description: fmt.Sprintf("Require %s %s", modPath, version),
		StartLine:   ln.Start.Line, EndLine: ln.Start.Line,
		Replacement: text + "\n" + added,
	}
}

func (mf *goModFile) require(modPath string) *modfile.Require {
	for _, r := range mf.file.Require {
		if r.Mod.Path == modPath {
			return r
		}
	}
	return nil
}

func (mf *goModFile) requires(modPath string) bool { return mf.require(modPath) != nil }

// graphPath is a shortest chain of module paths from a main module's requirements to target,
// from `go mod graph` (run once per group, when first needed): [direct, …, target]. known is
// false when the graph could not be computed.
func (gg *goGroup) graphPath(ctx context.Context, mainModule, target string) (chain []string, known bool) {
	if !gg.graphDone {
		gg.graphDone = true
		g, err := gomod.Graph(ctx, gg.inv)
		if err == nil {
			gg.graph = g
		}
	}
	if gg.graph == nil {
		return nil, false
	}
	prev := map[string]string{mainModule: ""}
	queue := []string{mainModule}
	for len(queue) > 0 {
		node := queue[0]
		queue = queue[1:]
		for _, next := range gg.graph[node] {
			if _, seen := prev[next]; seen {
				continue
			}
			prev[next] = node
			if modulePathOf(next) == target {
				var chain []string
				for n := next; n != mainModule; n = prev[n] {
					chain = append(chain, modulePathOf(n))
				}
				for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
					chain[i], chain[j] = chain[j], chain[i]
				}
				return chain, true
			}
			queue = append(queue, next)
		}
	}
	return nil, true
}

func modulePathOf(node string) string {
	p, _, _ := strings.Cut(node, "@")
	return p
}

func lineText(lines []string, line int) (string, bool) {
	if line < 1 || line > len(lines) {
		return "", false
	}
	return lines[line-1], true
}

func splitLines(data []byte) []string {
	return strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
}

func joinRel(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// errorLine is the line of the first error in a modfile error list.
func errorLine(err error) int {
	var list modfile.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Pos.Line
	}
	return 0
}

func errorText(err error) string {
	var list modfile.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Err.Error()
	}
	return err.Error()
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func unique(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
