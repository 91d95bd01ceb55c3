package deps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/fourcsec/fourc/analyzers/deps"
	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/shared/config"
	"github.com/fourcsec/fourc/shared/diff"
	"github.com/fourcsec/fourc/shared/engine"
	"github.com/fourcsec/fourc/shared/finding"
)

// fakeText is the local stand-in for golang.org/x/text the fixtures replace it with.
var fakeText, _ = filepath.Abs("testdata/gomod/textapp/testdata/text")

// offlineEnv keeps the go command away from the network and from the machine's module cache,
// so every fixture resolves the same way everywhere: replaced modules load from their
// directories, anything else fails to resolve (and the scan falls back to go.mod).
func offlineEnv(t *testing.T) []string {
	t.Helper()
	return append(os.Environ(), "GOPROXY=off", "GOMODCACHE="+t.TempDir(), "GONOSUMDB=*", "GOFLAGS=")
}

// testdataSource is the advisories of testdata/osv.
func testdataSource(t *testing.T) osv.Source {
	t.Helper()
	d, err := osv.OpenDir("testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// writeTree creates files (slash paths) under a new directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// copyText copies the fake golang.org/x/text into a tree so that its go.mod can replace the
// module with a directory inside the tree.
func copyText(t *testing.T, files map[string]string, at string) {
	t.Helper()
	err := filepath.WalkDir(fakeText, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fakeText, p)
		data, err := os.ReadFile(p)
		files[at+"/"+filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// localProxy serves modules the way the module proxy does, from a directory: each
// "path@version" gets its .info, .mod and .zip made from a source directory. It returns the
// environment that makes the go command use it (and nothing else).
func localProxy(t *testing.T, modules map[string]string) []string {
	t.Helper()
	root := t.TempDir()
	for pathVersion, src := range modules {
		modPath, version, _ := strings.Cut(pathVersion, "@")
		escaped, err := module.EscapePath(modPath)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, filepath.FromSlash(escaped), "@v")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, version+".mod"), gomod, 0o644)
		os.WriteFile(filepath.Join(dir, version+".info"), []byte(`{"Version":"`+version+`","Time":"2021-01-01T00:00:00Z"}`), 0o644)
		f, err := os.Create(filepath.Join(dir, version+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		if err := modzip.CreateFromDir(f, module.Version{Path: modPath, Version: version}, src); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	cache := t.TempDir()
	t.Cleanup(func() { makeWritable(cache) }) // the module cache is read-only
	return append(os.Environ(), "GOPROXY=file://"+filepath.ToSlash(root), "GOSUMDB=off", "GOMODCACHE="+cache, "GOFLAGS=")
}

func makeWritable(dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

type scanOptions struct {
	opts     deps.Options
	config   *config.Config
	diff     *diff.Diff
	baseline []finding.Finding
	mode     engine.Mode
	// diffFilesOnly asks for the pull-request view: findings outside the diff's files dropped.
	diffFilesOnly bool
}

// scan runs the engine with the deps scanner alone.
func scan(t *testing.T, dir string, so scanOptions) *engine.Report {
	t.Helper()
	if so.opts.Source == nil && so.opts.VulnDB == "" {
		so.opts.Source = testdataSource(t)
	}
	if so.opts.Env == nil {
		so.opts.Env = offlineEnv(t)
	}
	mode := so.mode
	if so.diff == nil && so.baseline == nil {
		mode = engine.All
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := engine.Run(ctx, dir, engine.Options{
		Scanners: []engine.Scanner{deps.New(so.opts)}, Diff: so.diff, Baseline: so.baseline, Mode: mode, Config: so.config,
		DiffFilesOnly: so.diffFilesOnly,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Scanners {
		if r.Error != "" {
			t.Fatalf("scanner %s failed: %s", r.Name, r.Error)
		}
	}
	return rep
}

// findingsOf lists the report's findings for one rule prefix.
func findingsOf(rep *engine.Report, prefix string) []engine.Item {
	var out []engine.Item
	for _, it := range rep.Items {
		if strings.HasPrefix(it.RuleID, prefix) {
			out = append(out, it)
		}
	}
	return out
}

// summary is "rule path:line:col" for each item, for exact comparison.
func summary(items []engine.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.RuleID+" "+it.Location())
	}
	return out
}
