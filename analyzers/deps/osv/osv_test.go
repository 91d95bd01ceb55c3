package osv_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/analyzers/deps/osv"
)

const testdataOSV = "../testdata/osv"

// snapshotDir is the full Go vulnerability database snapshot beside the repository (CI checks
// out ../shared next to it).
const snapshotDir = "../../../../shared/vulndb/osv"

func ids(entries []*osv.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func TestDirFolderAnswersEveryEcosystem(t *testing.T) {
	d, err := osv.OpenDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Problems()) != 0 {
		t.Fatalf("problems reading testdata: %v", d.Problems())
	}
	got, err := d.Lookup(context.Background(), []osv.Query{
		{Ecosystem: osv.Go, Name: "golang.org/x/text", Version: "v0.3.5"},
		{Ecosystem: osv.NPM, Name: "lodash", Version: "4.17.20"},
		{Ecosystem: osv.PyPI, Name: "Jinja2", Version: "3.1.2"},
		{Ecosystem: osv.Go, Name: "example.com/nothing", Version: "v1.0.0"},
		{Ecosystem: "crates.io", Name: "serde", Version: "1.0.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"GO-2020-0015", "GO-2021-0113", "GO-2022-1059", "GO-2026-5970"},
		{"GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm"},
		{"GHSA-h5c8-rqwp-cp95"}, // PyPI names compare normalized: Jinja2 is jinja2
		nil,
	}
	for i, w := range want {
		if got[i].Err != nil || !slices.Equal(ids(got[i].Entries), w) {
			t.Errorf("query %d: %v (err %v), want %v", i, ids(got[i].Entries), got[i].Err, w)
		}
	}
	if got[4].Err == nil || !strings.Contains(got[4].Err.Error(), "holds no crates.io advisories") {
		t.Errorf("a folder without the ecosystem must not vouch for it; err = %v", got[4].Err)
	}
}

func TestDirReportsUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(testdataOSV, "GO-2021-0113.json"), filepath.Join(dir, "GO-2021-0113.json"))
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{not json"), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.json"), []byte("{}"), 0o644)
	d, err := osv.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"broken.json: not an OSV entry: invalid character 'n' looking for beginning of object key string", "empty.json: not an OSV entry: no id"}
	if !slices.Equal(d.Problems(), want) {
		t.Errorf("problems = %q, want %q", d.Problems(), want)
	}
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	tests := []struct{ spec, want string }{
		{filepath.Join(t.TempDir(), "missing"), "no such file or directory"},
		{file, "is not a directory"},
		{t.TempDir(), "holds no OSV files"},
		{"ftp://example.com/db", `unsupported scheme "ftp"`},
	}
	for _, tc := range tests {
		_, err := osv.Open(tc.spec, osv.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tc.spec, err, tc.want)
		}
	}
}

func TestWriteV1AndReadItBack(t *testing.T) {
	db := t.TempDir()
	st, err := osv.WriteV1(testdataOSV, db)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 32-5 || len(st.Skipped) != 5 {
		t.Errorf("wrote %d entries, skipped %v; want 27 Go entries and the 5 GHSA files skipped", st.Entries, st.Skipped)
	}
	var dbMeta map[string]any
	readJSON(t, filepath.Join(db, "index", "db.json"), &dbMeta)
	if dbMeta["modified"] != "0001-01-01T00:00:00Z" { // the snapshot's entries carry no modification time
		t.Errorf("db.json = %v, want the latest modification of a Go entry", dbMeta)
	}
	var mods []struct {
		Path  string
		Vulns []struct{ ID, Fixed string }
	}
	readJSON(t, filepath.Join(db, "index", "modules.json"), &mods)
	var text []string
	for _, m := range mods {
		if m.Path == "golang.org/x/text" {
			for _, v := range m.Vulns {
				text = append(text, v.ID+"@"+v.Fixed)
			}
		}
	}
	if want := []string{"GO-2020-0015@0.3.3", "GO-2021-0113@0.3.7", "GO-2022-1059@0.3.8", "GO-2026-5970@0.39.0"}; !slices.Equal(text, want) {
		t.Errorf("modules.json lists %v for x/text, want %v", text, want)
	}

	d, err := osv.OpenDir(db) // the v1 layout is recognised by index/modules.json
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Lookup(context.Background(), []osv.Query{{Ecosystem: osv.Go, Name: "golang.org/x/text"}, {Ecosystem: osv.NPM, Name: "lodash"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"GO-2020-0015", "GO-2021-0113", "GO-2022-1059", "GO-2026-5970"}; !slices.Equal(ids(got[0].Entries), want) {
		t.Errorf("v1 lookup = %v, want %v", ids(got[0].Entries), want)
	}
	if got[1].Err == nil {
		t.Error("a Go database answered an npm query")
	}
}

// feedServer serves a directory as vuln.go.dev serves the database, with ETag and
// Last-Modified, and counts requests by path and status.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string]int
	statuses map[int]int
	down     bool
}

func newFeedServer(t *testing.T, root string) *feedServer {
	fs := &feedServer{requests: map[string]int{}, statuses: map[int]int{}}
	files := http.FileServer(http.Dir(root))
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.requests[r.URL.Path]++
		down := fs.down
		fs.mu.Unlock()
		if down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		// fs.ReadFile on an os.DirFS refuses names that leave root, as a real server would.
		data, err := iofs.ReadFile(os.DirFS(root), strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil {
			http.NotFound(w, r)
			fs.count(http.StatusNotFound)
			return
		}
		etag := fmt.Sprintf(`"%x"`, len(data)*7919+int(data[len(data)/2]))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			fs.count(http.StatusNotModified)
			return
		}
		fs.count(http.StatusOK)
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) count(status int) {
	fs.mu.Lock()
	fs.statuses[status]++
	fs.mu.Unlock()
}

func (fs *feedServer) snapshot() (map[string]int, map[int]int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	r, s := map[string]int{}, map[int]int{}
	for k, v := range fs.requests {
		r[k] = v
	}
	for k, v := range fs.statuses {
		s[k] = v
	}
	fs.requests, fs.statuses = map[string]int{}, map[int]int{}
	return r, s
}

func TestGoFeedCachesAndRevalidates(t *testing.T) {
	db := t.TempDir()
	if _, err := osv.WriteV1(testdataOSV, db); err != nil {
		t.Fatal(err)
	}
	srv := newFeedServer(t, db)
	cache := t.TempDir()
	queries := []osv.Query{{Ecosystem: osv.Go, Name: "golang.org/x/text", Version: "v0.3.5"}, {Ecosystem: osv.Go, Name: "example.com/clean", Version: "v1.0.0"}}
	wantIDs := []string{"GO-2020-0015", "GO-2021-0113", "GO-2022-1059", "GO-2026-5970"}

	// A cold process with an empty cache downloads the indexes and the four advisories.
	feed := osv.NewGoFeed(srv.URL, srv.Client(), cache, time.Minute)
	got, err := feed.Lookup(context.Background(), queries)
	if err != nil || got[0].Err != nil || !slices.Equal(ids(got[0].Entries), wantIDs) || len(got[1].Entries) != 0 || got[1].Err != nil {
		t.Fatalf("cold lookup = %v %v / %v, want %v", ids(got[0].Entries), got[0].Err, err, wantIDs)
	}
	reqs, statuses := srv.snapshot()
	if len(reqs) != 6 || statuses[http.StatusOK] != 6 {
		t.Errorf("cold lookup made requests %v with statuses %v, want db.json, modules.json and 4 entries, all 200", reqs, statuses)
	}

	// The same process within MaxAge asks nothing.
	if _, err := feed.Lookup(context.Background(), queries); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := srv.snapshot(); len(reqs) != 0 {
		t.Errorf("warm lookup made requests %v, want none", reqs)
	}

	// A new process (a cold Lambda with a warm /tmp) revalidates the indexes and reads the
	// unchanged advisories from disk.
	feed2 := osv.NewGoFeed(srv.URL, srv.Client(), cache, time.Minute)
	got, err = feed2.Lookup(context.Background(), queries)
	if err != nil || !slices.Equal(ids(got[0].Entries), wantIDs) {
		t.Fatalf("second process lookup = %v, %v", ids(got[0].Entries), err)
	}
	reqs, statuses = srv.snapshot()
	if len(reqs) != 2 || statuses[http.StatusNotModified] != 2 || reqs["/index/db.json"] != 1 || reqs["/index/modules.json"] != 1 {
		t.Errorf("second process made requests %v with statuses %v, want two conditional index requests answered 304", reqs, statuses)
	}

	// When the feed is down, the cached copy answers and the answer says it is stale.
	srv.mu.Lock()
	srv.down = true
	srv.mu.Unlock()
	feed3 := osv.NewGoFeed(srv.URL, srv.Client(), cache, time.Minute)
	got, err = feed3.Lookup(context.Background(), queries)
	if err != nil || !slices.Equal(ids(got[0].Entries), wantIDs) || !strings.Contains(got[0].Stale, "503 Service Unavailable") {
		t.Errorf("lookup while down = %v, stale %q, err %v; want the cached entries flagged stale", ids(got[0].Entries), got[0].Stale, err)
	}

	// Without a cache, a feed that is down answers every query with an error.
	feed4 := osv.NewGoFeed(srv.URL, srv.Client(), "", time.Minute)
	got, err = feed4.Lookup(context.Background(), queries)
	if err != nil || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "503") || got[1].Err == nil {
		t.Errorf("lookup while down without cache: %v, %v; want an error per query", got, err)
	}
}

// osvAPI is a fake of api.osv.dev's querybatch and vulns endpoints over testdata, paging answers
// two advisories at a time.
func newOSVAPI(t *testing.T) (*httptest.Server, *int) {
	d, err := osv.OpenDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	vulnFetches := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
			var body struct {
				Queries []struct {
					Package   struct{ Name, Ecosystem string }
					Version   string
					PageToken string `json:"page_token"`
				}
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			type vuln struct{ ID, Modified string }
			type result struct {
				Vulns         []vuln `json:"vulns,omitempty"`
				NextPageToken string `json:"next_page_token,omitempty"`
			}
			var out struct {
				Results []result `json:"results"`
			}
			for _, q := range body.Queries {
				ans, _ := d.Lookup(r.Context(), []osv.Query{{Ecosystem: q.Package.Ecosystem, Name: q.Package.Name}})
				var all []vuln
				for _, e := range ans[0].Entries {
					all = append(all, vuln{e.ID, e.Modified})
				}
				start := 0
				if q.PageToken != "" {
					fmt.Sscanf(q.PageToken, "page%d", &start)
				}
				res := result{}
				end := min(start+2, len(all))
				if start < len(all) {
					res.Vulns = all[start:end]
				}
				if end < len(all) {
					res.NextPageToken = fmt.Sprintf("page%d", end)
				}
				out.Results = append(out.Results, res)
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
			mu.Lock()
			vulnFetches++
			mu.Unlock()
			http.ServeFileFS(w, r, os.DirFS(testdataOSV), strings.TrimPrefix(r.URL.Path, "/v1/vulns/")+".json")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &vulnFetches
}

func TestOSVAPIBatchesPagesAndCaches(t *testing.T) {
	srv, fetches := newOSVAPI(t)
	cache := t.TempDir()
	api := osv.NewOSVAPI(srv.URL, srv.Client(), cache)
	queries := []osv.Query{
		{Ecosystem: osv.NPM, Name: "lodash", Version: "4.17.20"},
		{Ecosystem: osv.Go, Name: "golang.org/x/text", Version: "v0.3.5"}, // four advisories: two pages
		{Ecosystem: osv.PyPI, Name: "requests", Version: "2.28.1"},
		{Ecosystem: osv.NPM, Name: "left-pad", Version: "1.3.0"},
	}
	got, err := api.Lookup(context.Background(), queries)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm"},
		{"GO-2020-0015", "GO-2021-0113", "GO-2022-1059", "GO-2026-5970"},
		{"GHSA-j8r2-6x86-q33q"},
		nil,
	}
	for i, w := range want {
		if got[i].Err != nil || !slices.Equal(ids(got[i].Entries), w) {
			t.Errorf("query %d = %v (err %v), want %v", i, ids(got[i].Entries), got[i].Err, w)
		}
	}
	if *fetches != 7 {
		t.Errorf("fetched %d advisories, want 7", *fetches)
	}
	// Another process with the same cache reads unchanged advisories from disk.
	if _, err := osv.NewOSVAPI(srv.URL, srv.Client(), cache).Lookup(context.Background(), queries); err != nil {
		t.Fatal(err)
	}
	if *fetches != 7 {
		t.Errorf("a warm cache still fetched %d advisories", *fetches-7)
	}
}

func TestOSVAPIUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "quota exceeded", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	got, err := osv.NewOSVAPI(srv.URL, srv.Client(), "").Lookup(context.Background(), []osv.Query{{Ecosystem: osv.NPM, Name: "lodash", Version: "4.17.20"}})
	var se *osv.StatusError
	if err != nil || !errors.As(got[0].Err, &se) || se.Code != http.StatusTooManyRequests {
		t.Errorf("answer = %+v, %v; want a 429 StatusError", got, err)
	}
}

func TestRouter(t *testing.T) {
	d, err := osv.OpenDir(testdataOSV)
	if err != nil {
		t.Fatal(err)
	}
	r := osv.NewRouter(map[string]osv.Source{osv.Go: d})
	got, err := r.Lookup(context.Background(), []osv.Query{{Ecosystem: osv.NPM, Name: "lodash"}, {Ecosystem: osv.Go, Name: "golang.org/x/text"}})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(got[0].Err, osv.ErrUnsupportedEcosystem) || len(got[1].Entries) != 4 {
		t.Errorf("router answers = %+v", got)
	}
}

func TestWithdrawn(t *testing.T) {
	var e osv.Entry
	readJSON(t, filepath.Join(testdataOSV, "GO-2024-2442.json"), &e)
	if !e.IsWithdrawn(time.Now()) {
		t.Error("GO-2024-2442 is withdrawn")
	}
	if e.IsWithdrawn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("GO-2024-2442 was not withdrawn in 2020")
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ eco, in, want string }{
		{osv.PyPI, "Jinja2", "jinja2"},
		{osv.PyPI, "zope.interface", "zope-interface"},
		{osv.PyPI, "Foo__Bar-.baz", "foo-bar-baz"},
		{osv.NPM, "@Scope/Pkg", "@scope/pkg"},
		{osv.Go, "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
	}
	for _, tc := range tests {
		if got := osv.NormalizeName(tc.eco, tc.in); got != tc.want {
			t.Errorf("NormalizeName(%s, %q) = %q, want %q", tc.eco, tc.in, got, tc.want)
		}
	}
}

// The snapshot of the whole Go database loads well under a second; CI machines are slow and
// shared, so the assertion leaves room and the benchmark below gives the real figure.
func TestSnapshotLoads(t *testing.T) {
	if _, err := os.Stat(snapshotDir); err != nil {
		t.Skip("the vulnerability database snapshot is not beside the repository")
	}
	began := time.Now()
	d, err := osv.OpenDir(snapshotDir)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	t.Logf("loaded %d advisories in %v", d.Ecosystems()[osv.Go], took)
	if n := d.Ecosystems()[osv.Go]; n != 4291 || len(d.Problems()) != 0 {
		t.Errorf("loaded %d Go advisories with problems %v, want 4291 and none", n, d.Problems())
	}
	if took > 5*time.Second {
		t.Errorf("loading took %v", took)
	}
}

func BenchmarkSnapshotLoad(b *testing.B) {
	if _, err := os.Stat(snapshotDir); err != nil {
		b.Skip("the vulnerability database snapshot is not beside the repository")
	}
	for b.Loop() {
		if _, err := osv.OpenDir(snapshotDir); err != nil {
			b.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
