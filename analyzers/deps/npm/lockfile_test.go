package npm_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/deps/npm"
)

func parseFile(t *testing.T, name string) *npm.Lockfile {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lf, err := npm.Parse(context.Background(), f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return lf
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		file        string
		version     int
		packages    []npm.Package
		unversioned int
	}{
		{"v1.json", 1, []npm.Package{
			{Name: "lodash", Version: "4.17.20", Path: "node_modules/lodash", Line: 7, Column: 5},
			{Name: "mkdirp", Version: "0.5.1", Path: "node_modules/mkdirp", Line: 12, Column: 5},
			{Name: "minimist", Version: "0.0.8", Path: "node_modules/mkdirp/node_modules/minimist", Line: 18, Column: 9, Dev: true},
			{Name: "minimist", Version: "1.2.5", Path: "node_modules/real-name-alias", Line: 27, Column: 5},
		}, 1},
		{"v2.json", 2, []npm.Package{
			{Name: "lodash", Version: "4.17.20", Path: "node_modules/lodash", Line: 13, Column: 5},
			{Name: "@scope/tool", Version: "1.0.0", Path: "node_modules/@scope/tool", Line: 17, Column: 5, Dev: true},
			{Name: "minimist", Version: "1.2.5", Path: "node_modules/@scope/tool/node_modules/minimist", Line: 21, Column: 5, Dev: true},
			{Name: "minimist", Version: "0.0.8", Path: "node_modules/old-minimist", Line: 33, Column: 5},
		}, 1},
		{"v3.json", 3, []npm.Package{
			{Name: "minimist", Version: "1.2.8", Path: "node_modules/minimist", Line: 7, Column: 5},
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			lf := parseFile(t, tc.file)
			if lf.LockfileVersion != tc.version || lf.Unversioned != tc.unversioned {
				t.Errorf("version %d, unversioned %d; want %d, %d", lf.LockfileVersion, lf.Unversioned, tc.version, tc.unversioned)
			}
			if diff := cmp.Diff(tc.packages, lf.Packages); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
		line            int
	}{
		{"not JSON", "lockfileVersion: 3\n", "not valid JSON: invalid character 'l' looking for beginning of value", 1},
		{"truncated", "{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\"},\n", "not valid JSON: unexpected end of file in object key", 4},
		{"an array", "[1, 2]", "a lockfile is a JSON object", 1},
		{"packages is a list", "{\n\"packages\": []\n}", `"packages" must be an object`, 2},
		{"version is a number", "{\n\"packages\": {\n\"node_modules/a\": {\"version\": 1}\n}}", `packages entry "node_modules/a": expected string, found number`, 3},
		{"bad lockfileVersion", "{\"lockfileVersion\": -2}", "lockfileVersion -2 is not a lockfile version", 1},
		{"garbage in the middle", "{\n\"packages\": {\n\"node_modules/a\": {\"version\": \"1.0.0\"}\n,,}}", "not valid JSON: invalid character ',' looking for beginning of object key string", 4},
		{"empty", "", "not valid JSON: unexpected end of file in a lockfile is a JSON object", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := npm.Parse(context.Background(), strings.NewReader(tc.src))
			var se *npm.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SyntaxError", err)
			}
			if se.Line != tc.line || se.Msg != tc.want {
				t.Errorf("error at line %d: %q; want line %d: %q", se.Line, se.Msg, tc.line, tc.want)
			}
		})
	}
}

func TestParseHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	b.WriteString(`{"packages": {`)
	for i := range 5000 {
		fmt.Fprintf(&b, `"node_modules/p%d": {"version": "1.0.0"},`, i)
	}
	b.WriteString(`"node_modules/last": {"version": "1.0.0"}}}`)
	if _, err := npm.Parse(ctx, strings.NewReader(b.String())); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// A 50 MB lockfile (a large monorepo's) streams in bounded memory: the heap holds the packages
// found, never the file.
func TestParseLargeLockfile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MB file")
	}
	path := filepath.Join(t.TempDir(), "package-lock.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "{\n  \"name\": \"monorepo\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"monorepo\"}")
	n := 0
	for size := 0; size < 50<<20; n++ {
		entry := fmt.Sprintf(",\n    \"node_modules/pkg-%d/node_modules/dep-%d\": {\n      \"version\": \"%d.%d.%d\",\n      \"resolved\": \"https://registry.npmjs.org/dep-%d/-/dep-%d-%d.0.0.tgz\",\n      \"integrity\": \"sha512-%s\",\n      \"dev\": %v\n    }",
			n/10, n, n%7, n%13, n%17, n, n, n%7, strings.Repeat("A", 86), n%2 == 0)
		w.WriteString(entry)
		size += len(entry)
	}
	fmt.Fprint(w, "\n  }\n}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the live heap while parsing
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	began := time.Now()
	lf, err := npm.Parse(context.Background(), in)
	took := time.Since(began)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Packages) != n {
		t.Fatalf("parsed %d packages, want %d", len(lf.Packages), n)
	}
	last := lf.Packages[n-1]
	if wantLine := 6 + 6*(n-1); last.Line != wantLine || last.Name != fmt.Sprintf("dep-%d", n-1) {
		t.Errorf("last package %s at line %d, want dep-%d at line %d", last.Name, last.Line, n-1, wantLine)
	}
	t.Logf("%d packages from 50 MB in %v, peak heap %d MB", n, took, peak.Load()>>20)
	if took > 60*time.Second {
		t.Errorf("parsing took %v", took)
	}
	if peak.Load() > 200<<20 {
		t.Errorf("peak heap %d MB: the file (50 MB) must not be held whole", peak.Load()>>20)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"v1.json", "v2.json", "v3.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"packages": {"node_modules/a": {"version": "npm:@s/b@1.0.0", "link": false}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := npm.Parse(context.Background(), strings.NewReader(string(data)))
		if err != nil {
			var se *npm.SyntaxError
			if errors.As(err, &se) && se.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, p := range lf.Packages {
			if p.Line < 1 || p.Column < 1 || p.Name == "" || p.Version == "" {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
