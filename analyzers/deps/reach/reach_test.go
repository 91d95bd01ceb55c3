package reach_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
	"github.com/fourcsec/fourc/analyzers/deps/reach"
	"github.com/fourcsec/fourc/analyzers/golang/load"
)

// textVulns are the real golang.org/x/text advisories affecting v0.3.5.
func textVulns(t *testing.T) []reach.Vuln {
	t.Helper()
	d, err := osv.OpenDir("../testdata/osv")
	if err != nil {
		t.Fatal(err)
	}
	ans, err := d.Lookup(context.Background(), []osv.Query{{Ecosystem: osv.Go, Name: "golang.org/x/text"}})
	if err != nil {
		t.Fatal(err)
	}
	var out []reach.Vuln
	for _, e := range ans[0].Entries {
		if e.ID == "GO-2020-0015" {
			continue // fixed in v0.3.3
		}
		for _, a := range e.AffectedFor(osv.Go, "golang.org/x/text") {
			out = append(out, reach.Vuln{ID: e.ID, Module: "golang.org/x/text", Imports: a.Imports})
		}
	}
	return out
}

func config(t *testing.T, fixture string, keepAll bool) *reach.Config {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "gomod", fixture))
	if err != nil {
		t.Fatal(err)
	}
	// No network: the fixtures replace their dependencies with local copies.
	env := load.Environ(append(os.Environ(), "GOPROXY=off"), "")
	goEnv, err := load.ReadGoEnv(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs(filepath.Join("..", "testdata", "gomod"))
	return &reach.Config{
		Dir: dir, Env: env, Root: root, Trusted: []string{goEnv.GOROOT, goEnv.GOMODCACHE},
		Symbols: true, KeepAllBodies: keepAll,
	}
}

// describe renders a result as one line per vulnerability, with file names relative to the
// fixture root and GOROOT, for exact comparison. Lines in GOROOT are left out: they move with
// every Go release.
func describe(t *testing.T, res *reach.Result, module string) []string {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", "testdata", "gomod"))
	goroot := filepath.Join(config(t, "textapp", false).Trusted[0], "src")
	var out []string
	for id, r := range res.ByModule[module] {
		line := fmt.Sprintf("%s %s via %s", id, r.Level, strings.Join(r.ImportChain, " > "))
		for _, f := range r.CallPath {
			file := f.Position.Filename
			if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
				line += fmt.Sprintf(" | %s %s:%d", f.Function, file, f.Position.Line)
			} else if rel, err := filepath.Rel(goroot, file); err == nil && !strings.HasPrefix(rel, "..") {
				line += fmt.Sprintf(" | %s GOROOT/%s", f.Function, filepath.ToSlash(rel))
			} else {
				line += fmt.Sprintf(" | %s %s", f.Function, file)
			}
			if f.Via != "" {
				line += " handed to " + f.Via
			}
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}

func TestLevels(t *testing.T) {
	tests := []struct {
		name, fixture, module string
		keepAll               bool
		want                  []string
	}{
		{
			// net/http's bodies are dropped (it imports nothing vulnerable): the handler is
			// reached because main hands it to http.HandleFunc.
			name: "command with trimmed dependencies", fixture: "textapp", module: "example.com/textapp",
			want: []string{
				"GO-2021-0113 called via example.com/textapp > golang.org/x/text/language | main.main textapp/main.go:16 | language.Parse textapp/testdata/text/language/language.go:13",
				"GO-2022-1059 called via example.com/textapp > golang.org/x/text/language | main.main textapp/main.go:20 handed to http.HandleFunc | main.negotiate textapp/main.go:26 | language.ParseAcceptLanguage textapp/testdata/text/language/language.go:19",
				"GO-2026-5970 imported via example.com/textapp > golang.org/x/text/unicode/norm",
			},
		},
		{
			// With every body, VTA follows net/http's own calls to the handler instead.
			name: "command with every body", fixture: "textapp", module: "example.com/textapp", keepAll: true,
			want: []string{
				"GO-2021-0113 called via example.com/textapp > golang.org/x/text/language | main.main textapp/main.go:16 | language.Parse textapp/testdata/text/language/language.go:13",
				"GO-2022-1059 called via example.com/textapp > golang.org/x/text/language | main.main textapp/main.go:21 | http.ListenAndServe GOROOT/net/http/server.go | http.Server.ListenAndServe GOROOT/net/http/server.go | http.Server.Serve GOROOT/net/http/server.go | http.conn.serve GOROOT/net/http/server.go | http.serverHandler.ServeHTTP GOROOT/net/http/server.go | http.ServeMux.ServeHTTP GOROOT/net/http/server.go | http.HandlerFunc.ServeHTTP GOROOT/net/http/server.go | main.negotiate textapp/main.go:26 | language.ParseAcceptLanguage textapp/testdata/text/language/language.go:19",
				"GO-2026-5970 imported via example.com/textapp > golang.org/x/text/unicode/norm",
			},
		},
		{
			// The certificate callback is reached through the method value handed to crypto/tls.
			name: "library entered through its exported functions", fixture: "textlib", module: "example.com/textlib",
			want: []string{
				"GO-2021-0113 called via example.com/textlib > golang.org/x/text/language | textlib.Negotiate textlib/textlib.go:13 | language.ParseAcceptLanguage textapp/testdata/text/language/language.go:19",
				"GO-2022-1059 called via example.com/textlib > golang.org/x/text/language | textlib.Negotiate textlib/textlib.go:13 | language.ParseAcceptLanguage textapp/testdata/text/language/language.go:19",
				"GO-2026-5970 called via example.com/textlib > golang.org/x/text/unicode/norm | textlib.Certifier.TLSConfig textlib/textlib.go:25 handed to tls.Config.GetCertificate | textlib.Certifier.certificate textlib/textlib.go:29 | norm.Form.Bytes textapp/testdata/text/unicode/norm/norm.go:11",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := reach.Analyze(context.Background(), config(t, tc.fixture, tc.keepAll), textVulns(t))
			if err != nil {
				t.Fatal(err)
			}
			if !res.SymbolLevel || len(res.Incomplete) > 0 {
				t.Fatalf("symbol level %v, incomplete %v", res.SymbolLevel, res.Incomplete)
			}
			got := describe(t, res, tc.module)
			if diff := strings.Join(got, "\n"); diff != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", diff, strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestTypeErrorsFallBackToImports(t *testing.T) {
	res, err := reach.Analyze(context.Background(), config(t, "broken", false), textVulns(t))
	if err != nil {
		t.Fatal(err)
	}
	got := describe(t, res, "example.com/broken")
	want := []string{
		"GO-2021-0113 imported via example.com/broken > golang.org/x/text/language",
		"GO-2022-1059 imported via example.com/broken > golang.org/x/text/language",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
	wantReason := `call paths were not computed: example.com/broken: `
	if res.SymbolLevel || len(res.Incomplete) != 1 || !strings.HasPrefix(res.Incomplete[0], wantReason) ||
		!strings.Contains(res.Incomplete[0], "cannot use \"not a number\"") || !strings.HasSuffix(res.Incomplete[0], "vulnerabilities are reported at the import level") {
		t.Errorf("incomplete = %q", res.Incomplete)
	}
}

func TestModuleThatCannotBeListed(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/x\n\ngo 1.99\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n"), 0o644)
	cfg := config(t, "textapp", false)
	cfg.Dir, cfg.Root = dir, dir
	_, err := reach.Analyze(context.Background(), cfg, textVulns(t))
	if err == nil || !strings.Contains(err.Error(), "go.mod requires go >= 1.99") {
		t.Errorf("err = %v, want the go command's reason", err)
	}
}

func TestImportCycleFallsBackToImports(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := reach.Analyze(ctx, config(t, "cycle", false), textVulns(t))
	if err != nil {
		t.Fatal(err) // a deadlock in the type-checking pipeline ends here, as a deadline
	}
	if res.SymbolLevel || len(res.Incomplete) == 0 || !strings.Contains(strings.Join(res.Incomplete, "\n"), "import cycle") {
		t.Errorf("symbol level %v, incomplete %q; want the import cycle named and no call level", res.SymbolLevel, res.Incomplete)
	}
}
