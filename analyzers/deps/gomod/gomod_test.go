package gomod_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fourcsec/fourc/analyzers/deps/gomod"
	"github.com/fourcsec/fourc/analyzers/golang/load"
)

func invocation(t *testing.T, dir string) gomod.Invocation {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(abs, rel)) }
	modFile, cleanup, err := gomod.CopyModFile(read, ".")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	env := load.Environ(append(os.Environ(), "GOPROXY=off", "GOMODCACHE="+t.TempDir()), "")
	return gomod.Invocation{Dir: abs, Env: env, ModFile: modFile}
}

func TestListAndGraph(t *testing.T) {
	inv := invocation(t, "../testdata/gomod/textapp")
	mods, err := gomod.List(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mods {
		s := m.Path + "@" + m.Version
		if m.Main {
			s += " main"
		}
		if m.Replace != nil {
			s += " => " + m.Replace.Path
		}
		got = append(got, s)
	}
	want := []string{"example.com/textapp@ main", "golang.org/x/text@v0.3.5 => ./testdata/text"}
	if !slices.Equal(got, want) {
		t.Errorf("build list %q, want %q", got, want)
	}
	g, err := gomod.Graph(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g["example.com/textapp"], []string{"go@1.26", "golang.org/x/text@v0.3.5"}) {
		t.Errorf("graph %v", g)
	}
}

func TestListLeavesTheTreeAlone(t *testing.T) {
	dir := t.TempDir()
	gomodText := "module example.com/m\n\ngo 1.26.8\n"
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomodText), 0o644)
	os.WriteFile(filepath.Join(dir, "m.go"), []byte("package m\n\nimport _ \"golang.org/x/text/language\"\n"), 0o644)
	inv := invocation(t, dir)
	if _, err := gomod.List(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if string(data) != gomodText {
		t.Errorf("go.mod was rewritten:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
		t.Error("go.sum was written into the tree")
	}
}

func TestListErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.99\n"), 0o644)
	_, err := gomod.List(context.Background(), invocation(t, dir))
	if err == nil || !strings.HasPrefix(err.Error(), "go list -m: go: ") || !strings.Contains(err.Error(), "requires go >= 1.99") {
		t.Errorf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := gomod.List(ctx, invocation(t, "../testdata/gomod/textapp")); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("cancelled: err = %v", err)
	}
}
