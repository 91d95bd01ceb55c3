package load

import (
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindGroups(t *testing.T) {
	files := map[string]string{
		"go.mod":                         "module example.com/root\n\ngo 1.22\n",
		"main.go":                        "package main\n",
		"tools/go.mod":                   "module example.com/tools\n\ngo 1.23\n",
		"ws/go.work":                     "go 1.22\n\nuse (\n\t./a\n\t./b\n\t../outside\n)\n",
		"ws/a/go.mod":                    "module example.com/a\n",
		"ws/b/go.mod":                    "module example.com/b\n",
		"vendor/example.com/x/go.mod":    "module example.com/x\n",
		"internal/testdata/fix/go.mod":   "module example.com/fix\n",
		"web/node_modules/pkg/go.mod":    "module example.com/pkg\n",
		"broken/go.mod":                  "this is not a go.mod",
		"ws/a/sub/x.go":                  "package sub\n",
		"notamodule/go.mod.orig/ignored": "",
	}
	var list []string
	for name := range files {
		list = append(list, name)
	}
	read := func(rel string) ([]byte, error) {
		content, ok := files[rel]
		if !ok {
			return nil, fmt.Errorf("%s: not found", rel)
		}
		return []byte(content), nil
	}
	got := FindGroups(list, read)
	want := []Group{
		{Rel: ".", Modules: []Module{{Rel: ".", Path: "example.com/root", GoVersion: "1.22"}}},
		{Rel: "broken", Modules: []Module{{Rel: "broken"}}},
		{Rel: "tools", Modules: []Module{{Rel: "tools", Path: "example.com/tools", GoVersion: "1.23"}}},
		{Rel: "ws", Workspace: "ws/go.work", Modules: []Module{
			{Rel: "ws/a", Path: "example.com/a", Workspace: "ws/go.work"},
			{Rel: "ws/b", Path: "example.com/b", Workspace: "ws/go.work"},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindGroups (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		file, module string
		ok           bool
	}{
		{"main.go", ".", true},
		{"tools/cmd/x.go", "tools", true},
		{"ws/a/sub/x.go", "ws/a", true},
		{"toolsx/y.go", ".", true},
	} {
		if got, ok := ModuleOf(want, tt.file); got != tt.module || ok != tt.ok {
			t.Errorf("ModuleOf(%q) = %q, %v; want %q, %v", tt.file, got, ok, tt.module, tt.ok)
		}
	}
	if _, ok := ModuleOf(want[2:3], "main.go"); ok {
		t.Error("a file outside every module was given one")
	}
}

func TestEnvironLocksDownTheGoCommand(t *testing.T) {
	base := []string{
		"PATH=/usr/bin", "GOPROXY=https://proxy.example", "GOFLAGS=-toolexec=/tmp/evil", "GOTOOLCHAIN=auto",
		"CGO_ENABLED=1", "GOWORK=/somewhere/go.work", "GOPACKAGESDRIVER=/tmp/driver", "GONOSUMDB=*",
	}
	tests := []struct {
		name      string
		workspace string
		want      []string
	}{
		{"module", "", []string{
			"PATH=/usr/bin", "GOPROXY=https://proxy.example", "GONOSUMDB=*",
			"GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off",
			"GO111MODULE=on", "GOPACKAGESDRIVER=off",
		}},
		{"workspace", "/tree/go.work", []string{
			"PATH=/usr/bin", "GOPROXY=https://proxy.example", "GONOSUMDB=*",
			"GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOWORK=/tree/go.work",
			"GO111MODULE=on", "GOPACKAGESDRIVER=off",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Environ(base, tt.workspace)); diff != "" {
				t.Errorf("Environ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrimBodies(t *testing.T) {
	src := `package dep

import (
	"fmt"
	"strings"
)

func init() { fmt.Println("side effect") }

var Handler = func(s string) string { return strings.ToUpper(s) }

func Exported(s string) string { return fmt.Sprint(s) }

func (t T) Method() int { return 1 }

func Map[K comparable, V any](m map[K]V) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	return out
}

type T struct{}
`
	want := `package dep

import (
	"fmt"
	"strings"
)

var Handler = func(s string) string { return strings.ToUpper(s) }

func Exported(s string) string

func (t T) Method() int

func Map[K comparable, V any](m map[K]V) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	return out
}

type T struct{}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "dep.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	TrimBodies(f)
	var b strings.Builder
	if err := format.Node(&b, fset, f); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("trimmed file (-want +got):\n%s", diff)
	}
}

func TestFileParserRefusesFilesOutsideTheTree(t *testing.T) {
	fp := &fileParser{
		root:    "/tree",
		trusted: []string{"/usr/local/go", "/cache/mod"},
		inTree:  func(rel string) bool { return rel == "main.go" },
	}
	src := []byte("package p\n\nfunc F() { println() }\n")
	tests := []struct {
		file       string
		wantErr    string
		wantBodies bool
	}{
		{"/tree/main.go", "", true},
		{"/tree/linked.go", "linked.go: not a regular file of the scanned tree", false},
		{"/usr/local/go/src/fmt/print.go", "", false},
		{"/cache/mod/example.com/x@v1.0.0/x.go", "", false},
		{"/home/user/secret/x.go", "x.go: outside the scanned tree and the module cache; not read", false},
		{"/tree/../etc/x.go", "x.go: outside the scanned tree and the module cache; not read", false},
	}
	for _, tt := range tests {
		f, err := fp.parse(token.NewFileSet(), tt.file, src)
		if tt.wantErr != "" {
			// With a position: go/packages reports it as the package's error, not on stderr.
			var list scanner.ErrorList
			if !errors.As(err, &list) || len(list) != 1 || list[0].Pos.Filename != tt.file || list[0].Msg != tt.wantErr {
				t.Errorf("%s: error %v, want %q at the file", tt.file, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		hasBody := f.Decls[0].(*ast.FuncDecl).Body != nil
		if hasBody != tt.wantBodies {
			t.Errorf("%s: function body kept = %v, want %v", tt.file, hasBody, tt.wantBodies)
		}
	}
}

func TestLooksStandard(t *testing.T) {
	for path, want := range map[string]bool{
		"net/http":                 true,
		"crypto/tls":               true,
		"github.com/x/y":           false,
		"-toolexec=evil":           false,
		"myapp/internal":           true, // refused later by the go command: not in std
		"net/http; rm -rf /":       false,
		"golang.org/x/crypto/ssh":  false,
		"":                         false,
		"internal/../../etc":       false,
		"vendor/golang.org/x/net/": false,
	} {
		if got := looksStandard(path); got != want {
			t.Errorf("looksStandard(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestImportPath(t *testing.T) {
	tests := []struct {
		mod  Module
		dir  string
		want string
	}{
		{Module{Rel: ".", Path: "example.com/m"}, ".", "example.com/m"},
		{Module{Rel: ".", Path: "example.com/m"}, "a/b", "example.com/m/a/b"},
		{Module{Rel: "svc", Path: "example.com/svc"}, "svc/api", "example.com/svc/api"},
		{Module{Rel: "svc"}, "svc/api", "invalid.fourc/svc/api"},
		{Module{Rel: "."}, "scripts", "invalid.fourc/scripts"},
	}
	for _, tt := range tests {
		if got := importPath(tt.mod, tt.dir); got != tt.want {
			t.Errorf("importPath(%+v, %q) = %q, want %q", tt.mod, tt.dir, got, tt.want)
		}
	}
}
