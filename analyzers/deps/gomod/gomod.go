// Package gomod asks the go command for a module's build list and module graph, under the
// locked-down environment of analyzers/golang/load (no toolchain download, no cgo, no VCS
// stamping): nothing from the scanned repository runs, and the tree is never written — go.mod
// and go.sum are copied aside and passed with -modfile.
package gomod

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Timeout bounds one go command; downloading the go.mod files of a large graph through the
// module proxy on a cold cache takes seconds, not minutes.
const Timeout = 2 * time.Minute

// Module is one line of `go list -m -json all`.
type Module struct {
	Path      string
	Version   string
	Replace   *Module
	Main      bool
	Indirect  bool
	Dir       string
	GoVersion string
	Error     *struct{ Err string }
}

// Invocation is where and how the go command runs.
type Invocation struct {
	Dir string   // the module (or workspace) directory
	Env []string // the complete environment, already locked down
	// ModFile, when set, is a copy of go.mod passed as -modfile so -mod=mod never edits the tree.
	ModFile string
}

func (inv Invocation) run(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if inv.ModFile != "" {
		args = append(args[:2:2], append([]string{"-modfile=" + inv.ModFile}, args[2:]...)...)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = inv.Dir
	cmd.Env = inv.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("go %s: %w", strings.Join(args[:2], " "), ctx.Err())
		}
		msg := firstLines(stderr.String(), 3)
		if msg == "" {
			msg = err.Error()
		}
		return out, fmt.Errorf("go %s: %s", strings.Join(args[:2], " "), msg)
	}
	return out, nil
}

// List returns the build list: the main modules and every module MVS selected. With -e the go
// command reports a module it could not resolve in that module's Error instead of failing.
func List(ctx context.Context, inv Invocation) ([]Module, error) {
	out, err := inv.run(ctx, "list", "-m", "-e", "-json", "all")
	if err != nil {
		return nil, err
	}
	var mods []Module
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m Module
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("go list -m: unexpected output: %w", err)
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// Graph returns the module requirement graph: for each "path@version" (main modules without a
// version), the modules its go.mod requires.
func Graph(ctx context.Context, inv Invocation) (map[string][]string, error) {
	out, err := inv.run(ctx, "mod", "graph")
	if err != nil {
		return nil, err
	}
	g := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if ok {
			g[from] = append(g[from], to)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("go mod graph: %w", err)
	}
	return g, nil
}

// CopyModFile writes go.mod (and go.sum, when there is one) to a temporary directory for
// -modfile. read reads a tree file by slash path; dir is the module's directory in the tree.
func CopyModFile(read func(rel string) ([]byte, error), dir string) (modFile string, cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "fourc-deps-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary go.mod: %w", err)
	}
	cleanup = func() { os.RemoveAll(tmp) }
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := read(joinRel(dir, name))
		if err != nil {
			if name == "go.sum" {
				continue // a module without dependencies has none
			}
			cleanup()
			return "", nil, fmt.Errorf("read %s: %w", joinRel(dir, name), err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o600); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("temporary %s: %w", name, err)
		}
	}
	return filepath.Join(tmp, "go.mod"), cleanup, nil
}

func joinRel(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	out := strings.Join(lines, "; ")
	if len(out) > 400 {
		out = out[:397] + "..."
	}
	return out
}
