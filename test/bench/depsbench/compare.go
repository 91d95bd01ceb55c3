package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// compareCmd prints one Markdown table row per level (how many ids each tool reports there and
// how many both do) and then the differences, grouped by reason where the reason is mechanical.
func compareCmd(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	label := fs.String("label", "", "module label for the table")
	dir := fs.String("dir", "", "the module, to tell which modules provide built packages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("compare takes the fourc and govulncheck level files")
	}
	fourc, err := readLevels(fs.Arg(0))
	if err != nil {
		return err
	}
	gv, err := readLevels(fs.Arg(1))
	if err != nil {
		return err
	}
	built, err := builtModules(*dir)
	if err != nil {
		return err
	}
	notBuilt := map[string][]string{} // module → ids fourc alone reports, for modules no package of which is built
	var toolchain []string            // go command advisories, which govulncheck does not check in source mode
	var other []string
	for _, level := range []string{"symbol", "package", "module"} {
		a, b := set(fourc.ids(level)), set(gv.ids(level))
		both, onlyF, onlyG := 0, 0, 0
		for id := range a {
			if b[id] {
				both++
				continue
			}
			onlyF++
			module := fourc.Modules[id]
			if module == "toolchain" && gv.Levels[id] == "" {
				toolchain = append(toolchain, id)
				continue
			}
			if level == "module" && gv.Levels[id] == "" && !built[module] {
				notBuilt[module] = append(notBuilt[module], id)
				continue
			}
			other = append(other, fmt.Sprintf("%s %s: fourc %s, govulncheck %s", id, module, level, orNone(gv.Levels[id])))
		}
		for id := range b {
			if !a[id] {
				onlyG++
				if fourc.Levels[id] == "" {
					other = append(other, fmt.Sprintf("%s %s: govulncheck %s, fourc not reported", id, gv.Modules[id], level))
				}
			}
		}
		fmt.Printf("| %s | %s | %d | %d | %d | %d | %d |\n", *label, level, len(a), len(b), both, onlyF, onlyG)
	}
	if len(notBuilt) > 0 {
		var mods []string
		n := 0
		for m, ids := range notBuilt {
			mods = append(mods, m)
			n += len(ids)
		}
		sort.Strings(mods)
		fmt.Printf("- %s: %d ids reported by fourc alone, at the required level, for %d modules of the build list that provide no package to the build (%s); govulncheck lists only modules whose packages are loaded\n",
			*label, n, len(mods), strings.Join(mods, ", "))
	}
	if len(toolchain) > 0 {
		sort.Strings(toolchain)
		fmt.Printf("- %s: %d go command (toolchain) advisories reported by fourc alone, at the required level (%s); govulncheck in source mode checks the standard library only\n",
			*label, len(toolchain), strings.Join(toolchain, ", "))
	}
	sort.Strings(other)
	for _, o := range other {
		fmt.Printf("- %s: %s\n", *label, o)
	}
	return nil
}

// builtModules lists the modules that provide packages to the build of ./... (the standard
// library as "stdlib").
func builtModules(dir string) (map[string]bool, error) {
	out := map[string]bool{"stdlib": true}
	if dir == "" {
		return out, nil
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list in %s: %v: %s", dir, err, stderr.String())
	}
	for _, line := range strings.Fields(string(data)) {
		out[line] = true
	}
	return out, nil
}

func set(ids []string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "not reported"
	}
	return s
}
