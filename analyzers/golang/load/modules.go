package load

import (
	"path"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// Module is one go.mod found in the scanned tree.
type Module struct {
	// Rel is the module directory relative to the tree root, slash-separated ("." for the root).
	Rel string
	// Path is the module path declared in go.mod; empty when go.mod does not parse.
	Path string
	// GoVersion is the go.mod go line ("1.22"), empty when absent.
	GoVersion string
	// Workspace is the go.work (relative, slash-separated) that uses this module, if any.
	Workspace string
}

// Group is one invocation of the go command: a standalone module, or the modules of a workspace
// loaded together so that they resolve each other as go.work says.
type Group struct {
	// Rel is the directory the go command runs in, relative to the tree root.
	Rel string
	// Workspace is the go.work file (relative) in force, or "" for GOWORK=off.
	Workspace string
	Modules   []Module
}

// skippedDir reports whether a directory is never scanned for modules: vendored copies, test
// fixtures and JavaScript dependencies are not the project's own Go code.
func skippedDir(name string) bool {
	return name == "vendor" || name == "testdata" || name == "node_modules" || name == ".git"
}

// inSkippedDir reports whether any directory of a slash path is skipped.
func inSkippedDir(rel string) bool {
	dir := path.Dir(rel)
	if dir == "." {
		return false
	}
	for _, part := range strings.Split(dir, "/") {
		if skippedDir(part) {
			return true
		}
	}
	return false
}

// FileReader reads a tree file by its slash-separated relative path.
type FileReader func(rel string) ([]byte, error)

// FindGroups finds every go.mod and go.work in the listed files (slash paths relative to the tree
// root) and groups the modules by the workspace that uses them. Unparsable go.mod files still
// make a module (the go command will say what is wrong with them).
func FindGroups(files []string, read FileReader) []Group {
	var mods []Module
	var works []string
	for _, f := range files {
		if inSkippedDir(f) {
			continue
		}
		switch path.Base(f) {
		case "go.mod":
			m := Module{Rel: path.Dir(f)}
			if data, err := read(f); err == nil {
				if mf, err := modfile.ParseLax(f, data, nil); err == nil {
					if mf.Module != nil {
						m.Path = mf.Module.Mod.Path
					}
					if mf.Go != nil {
						m.GoVersion = mf.Go.Version
					}
				}
			}
			mods = append(mods, m)
		case "go.work":
			works = append(works, f)
		}
	}
	// A module belongs to the go.work that lists it in a use directive.
	byRel := map[string]int{}
	for i, m := range mods {
		byRel[m.Rel] = i
	}
	groups := map[string]*Group{}
	var order []string
	for _, w := range works {
		data, err := read(w)
		if err != nil {
			continue
		}
		wf, err := modfile.ParseWork(w, data, nil)
		if err != nil {
			continue
		}
		wdir := path.Dir(w)
		for _, u := range wf.Use {
			rel := path.Clean(path.Join(wdir, u.Path))
			i, ok := byRel[rel]
			if !ok || mods[i].Workspace != "" || strings.HasPrefix(rel, "../") || rel == ".." {
				continue
			}
			mods[i].Workspace = w
			if groups[w] == nil {
				groups[w] = &Group{Rel: wdir, Workspace: w}
				order = append(order, w)
			}
			groups[w].Modules = append(groups[w].Modules, mods[i])
		}
	}
	var out []Group
	for _, w := range order {
		out = append(out, *groups[w])
	}
	for _, m := range mods {
		if m.Workspace == "" {
			out = append(out, Group{Rel: m.Rel, Modules: []Module{m}})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out
}

// ModuleOf returns the directory of the innermost module containing a file, and whether there
// is one.
func ModuleOf(groups []Group, rel string) (string, bool) {
	best, found := "", false
	for _, g := range groups {
		for _, m := range g.Modules {
			if !contains(m.Rel, rel) {
				continue
			}
			if !found || depth(m.Rel) > depth(best) {
				best, found = m.Rel, true
			}
		}
	}
	return best, found
}

// contains reports whether the slash path rel lies in directory dir ("." is the root).
func contains(dir, rel string) bool {
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// depth counts a directory's elements, the root being 0.
func depth(dir string) int {
	if dir == "." {
		return 0
	}
	return strings.Count(dir, "/") + 1
}
