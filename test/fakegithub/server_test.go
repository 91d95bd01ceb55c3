package fakegithub_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/fakegithub"
)

const repoName = "acme/widgets"

func signJWT(t *testing.T, key *rsa.PrivateKey, alg string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]string{"alg": alg, "typ": "JWT"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func appKey(t *testing.T, srv *fakegithub.Server) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode(srv.PrivateKeyPEM())
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func validClaims(appID int64) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"iss": fmt.Sprint(appID), "iat": now - 30, "exp": now + 90}
}

// call sends a request and returns the status and body.
func call(t *testing.T, srv *fakegithub.Server, method, path, authorization, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// newServer is a fake with installation 7 owning acme/widgets (commit "base" on main) and
// installation 8 owning other/thing.
func newServer(t *testing.T, opts fakegithub.Options) *fakegithub.Server {
	srv := fakegithub.New(t, opts)
	srv.AddInstallation(fakegithub.Installation{ID: 7, Account: "acme"})
	srv.AddInstallation(fakegithub.Installation{ID: 8, Account: "other"})
	srv.AddRepo(7, fakegithub.Repo{Owner: "acme", Name: "widgets"})
	srv.AddRepo(8, fakegithub.Repo{Owner: "other", Name: "thing"})
	srv.AddCommit(repoName, fakegithub.SHA("base"), map[string]string{"README.md": "hello\n", "src/main.go": "package main\n"})
	srv.SetBranch(repoName, "main", fakegithub.SHA("base"))
	return srv
}

// installationToken is a token of installation limited to its one repository (7: widgets,
// 8: thing), as the App asks for them: the fake records the use of a token for every
// repository as a violation.
func installationToken(t *testing.T, srv *fakegithub.Server, installation int64) string {
	t.Helper()
	repo := map[int64]string{7: "widgets", 8: "thing"}[installation]
	return scopedToken(t, srv, installation, `{"repositories":["`+repo+`"]}`)
}

// scopedToken is a token of installation asked for with body.
func scopedToken(t *testing.T, srv *fakegithub.Server, installation int64, body string) string {
	t.Helper()
	jwt := signJWT(t, appKey(t, srv), "RS256", validClaims(srv.AppID))
	status, body := call(t, srv, "POST", fmt.Sprintf("/app/installations/%d/access_tokens", installation), "Bearer "+jwt, body)
	if status != http.StatusCreated {
		t.Fatalf("access token: HTTP %d %s", status, body)
	}
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil || !strings.HasPrefix(tok.Token, "ghs_") || tok.ExpiresAt.IsZero() {
		t.Fatalf("access token answer %s (%v)", body, err)
	}
	return tok.Token
}

func TestAppJWT(t *testing.T) {
	srv := newServer(t, fakegithub.Options{AppID: 42})
	key := appKey(t, srv)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	tests := []struct {
		name          string
		authorization string
		wantStatus    int
		wantMessage   string
	}{
		{"valid, iss as a string", "Bearer " + signJWT(t, key, "RS256", validClaims(42)), 200, ""},
		{"valid, iss as a number", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": 42, "iat": now - 30, "exp": now + 540}), 200, ""},
		{"signed with another key", "Bearer " + signJWT(t, otherKey, "RS256", validClaims(42)), 401, "Signature"},
		{"another app", "Bearer " + signJWT(t, key, "RS256", validClaims(43)), 401, "Issuer"},
		{"lives over ten minutes", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": now - 30, "exp": now + 600}), 401, "too far in the future"},
		{"expired beyond the skew", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": now - 300, "exp": now - 61}), 401, "Expiration time"},
		{"expired within the skew", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": now - 300, "exp": now - 30}), 200, ""},
		{"issued in the future", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": now + 120, "exp": now + 300}), 401, "Issued at"},
		{"fractional timestamps", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": float64(now) - 0.5, "exp": now + 60}), 401, "Issued at"},
		{"no exp", "Bearer " + signJWT(t, key, "RS256", map[string]any{"iss": "42", "iat": now}), 401, "Expiration time"},
		{"another algorithm", "Bearer " + signJWT(t, key, "RS512", validClaims(42)), 401, "RS256"},
		{"not a JWT", "Bearer ghs_abc", 401, "could not be decoded"},
		{"installation token scheme", "token " + signJWT(t, key, "RS256", validClaims(42)), 401, "could not be decoded"},
		{"no credentials", "", 401, "could not be decoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, "GET", "/app/installations", tt.authorization, "")
			if status != tt.wantStatus || !strings.Contains(body, tt.wantMessage) {
				t.Errorf("HTTP %d %s, want %d with %q", status, body, tt.wantStatus, tt.wantMessage)
			}
			if status == 401 && !strings.Contains(body, `"documentation_url"`) {
				t.Errorf("error body %s is not GitHub's shape", body)
			}
		})
	}
}

func TestInstallationTokens(t *testing.T) {
	srv := newServer(t, fakegithub.Options{TokenTTL: time.Second})
	acme := installationToken(t, srv, 7)
	other := installationToken(t, srv, 8)
	tests := []struct {
		name          string
		authorization string
		wantStatus    int
	}{
		{"token scheme", "token " + acme, 200},
		{"bearer scheme", "Bearer " + acme, 200},
		{"another installation's token", "token " + other, 401},
		{"unknown token", "token ghs_000", 401},
		{"no token", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := call(t, srv, "GET", "/repos/acme/widgets", tt.authorization, ""); status != tt.wantStatus {
				t.Errorf("HTTP %d %s, want %d", status, body, tt.wantStatus)
			}
		})
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0].Message, "installation 8 used on acme/widgets") {
		t.Errorf("violations = %v, want the token mix-up only", v)
	}
	time.Sleep(1100 * time.Millisecond)
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets", "token "+acme, ""); status != 401 {
		t.Errorf("expired token: HTTP %d, want 401", status)
	}
	if status, _ := call(t, srv, "POST", "/app/installations/99/access_tokens", "Bearer "+signJWT(t, appKey(t, srv), "RS256", validClaims(srv.AppID)), ""); status != 404 {
		t.Errorf("token for an unknown installation: HTTP %d, want 404", status)
	}
}

func annotationsJSON(n int, extra string) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`{"path":"src/main.go","start_line":%d,"end_line":%d,"annotation_level":"warning","message":"m%d"%s}`, i+1, i+1, i, extra))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestCheckRunContract(t *testing.T) {
	head := fakegithub.SHA("base")
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name string
		body string // a create request
		want string // "" for accepted, else part of the violation
	}{
		{"minimal", `{"name":"fourc","head_sha":"` + head + `"}`, ""},
		{"completed with conclusion and 50 annotations", `{"name":"fourc","head_sha":"` + head + `","status":"completed","conclusion":"neutral","output":{"title":"t","summary":"s","annotations":` + annotationsJSON(50, "") + `}}`, ""},
		{"51 annotations", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":` + annotationsJSON(51, "") + `}}`, "at most 50"},
		{"no name", `{"head_sha":"` + head + `"}`, "name is required"},
		{"unknown commit", `{"name":"fourc","head_sha":"` + fakegithub.SHA("nope") + `"}`, "No commit found"},
		{"bad status", `{"name":"fourc","head_sha":"` + head + `","status":"done"}`, "status \"done\""},
		{"completed without conclusion", `{"name":"fourc","head_sha":"` + head + `","status":"completed"}`, "conclusion is required"},
		{"bad conclusion", `{"name":"fourc","head_sha":"` + head + `","conclusion":"stale"}`, "conclusion \"stale\""},
		{"conclusion while in progress", `{"name":"fourc","head_sha":"` + head + `","status":"in_progress","conclusion":"success"}`, "contradicts"},
		{"bad timestamp", `{"name":"fourc","head_sha":"` + head + `","conclusion":"success","completed_at":"yesterday"}`, "ISO 8601"},
		{"output without title", `{"name":"fourc","head_sha":"` + head + `","output":{"summary":"s"}}`, "output.title is required"},
		{"output without summary", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t"}}`, "output.summary is required"},
		{"title over 255", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"` + long(256) + `","summary":"s"}}`, "over 255"},
		{"summary over 65535", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"` + long(65536) + `"}}`, "over 65535"},
		{"text over 65535", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","text":"` + long(65536) + `"}}`, "output.text"},
		{"bad level", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"error","message":"m"}]}}`, "annotation_level \"error\""},
		{"annotation without message", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"notice"}]}}`, "message is required"},
		{"annotation without lines", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","annotation_level":"notice","message":"m"}]}}`, "start_line is required"},
		{"columns on one line", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":2,"end_line":2,"start_column":3,"end_column":9,"annotation_level":"notice","message":"m"}]}}`, ""},
		{"columns across lines", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":2,"end_line":4,"start_column":3,"annotation_level":"notice","message":"m"}]}}`, "only allowed when start_line equals end_line"},
		{"annotation title over 255", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"notice","message":"m","title":"` + long(256) + `"}]}}`, "title is 256 bytes"},
		{"message over 64 KB", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"notice","message":"` + long(64<<10+1) + `"}]}}`, "message is 65537 bytes"},
		{"raw_details over 64 KB", `{"name":"fourc","head_sha":"` + head + `","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"notice","message":"m","raw_details":"` + long(64<<10+1) + `"}]}}`, "raw_details is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, fakegithub.Options{})
			token := installationToken(t, srv, 7)
			status, body := call(t, srv, "POST", "/repos/acme/widgets/check-runs", "token "+token, tt.body)
			violations := srv.Violations()
			if tt.want == "" {
				if status != http.StatusCreated || len(violations) > 0 {
					t.Fatalf("HTTP %d %s, violations %v; want 201 and none", status, body, violations)
				}
				return
			}
			if status != http.StatusUnprocessableEntity {
				t.Errorf("HTTP %d, want 422", status)
			}
			if len(violations) == 0 || !strings.Contains(fmt.Sprint(violations), tt.want) {
				t.Errorf("violations %v, want one containing %q", violations, tt.want)
			}
			if runs := srv.CheckRuns(repoName); len(runs) != 0 {
				t.Errorf("a refused request created %d check runs", len(runs))
			}
		})
	}
}

func TestCheckRunUpdatesAccumulateAnnotations(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	token := "token " + installationToken(t, srv, 7)
	status, body := call(t, srv, "POST", "/repos/acme/widgets/check-runs", token, `{"name":"fourc","head_sha":"`+fakegithub.SHA("base")+`","status":"in_progress"}`)
	if status != http.StatusCreated {
		t.Fatalf("create: HTTP %d %s", status, body)
	}
	var created struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/repos/acme/widgets/check-runs/%d", created.ID)
	for _, update := range []string{
		`{"name":"fourc","output":{"title":"t","summary":"s","text":"x","annotations":` + annotationsJSON(50, "") + `}}`,
		`{"name":"fourc","conclusion":"failure","output":{"title":"t2","summary":"s2","annotations":` + annotationsJSON(20, "") + `}}`,
		// A completed run still takes annotations.
		`{"name":"fourc","output":{"title":"t3","summary":"s3","annotations":` + annotationsJSON(5, "") + `}}`,
	} {
		if status, body := call(t, srv, "PATCH", path, token, update); status != http.StatusOK {
			t.Fatalf("update: HTTP %d %s", status, body)
		}
	}
	run, ok := srv.CheckRunByID(created.ID)
	if !ok {
		t.Fatal("check run lost")
	}
	if len(run.Annotations) != 75 || run.Status != "completed" || run.Conclusion != "failure" || run.CompletedAt.IsZero() {
		t.Errorf("run = %d annotations, %s/%s, completed at %v; want 75, completed/failure, a time", len(run.Annotations), run.Status, run.Conclusion, run.CompletedAt)
	}
	if run.Output != (fakegithub.Output{Title: "t3", Summary: "s3"}) {
		t.Errorf("output = %+v, want the last one whole", run.Output)
	}
	wantWrites := []fakegithub.CheckRunWrite{
		{Method: "POST", Status: "in_progress"},
		{Method: "PATCH", Output: true, Annotations: 50},
		{Method: "PATCH", Conclusion: "failure", Output: true, Annotations: 20},
		{Method: "PATCH", Output: true, Annotations: 5},
	}
	if fmt.Sprint(run.Writes) != fmt.Sprint(wantWrites) {
		t.Errorf("writes = %+v\nwant %+v", run.Writes, wantWrites)
	}
	if status, body := call(t, srv, "GET", path+"/annotations?per_page=100", token, ""); status != 200 || strings.Count(body, `"path"`) != 75 {
		t.Errorf("annotations: HTTP %d with %d annotations", status, strings.Count(body, `"path"`))
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestPullRequestFilesPagination(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	base, head := map[string]string{}, map[string]string{}
	for i := range 3005 {
		head[fmt.Sprintf("f%04d.txt", i)] = "new\n"
	}
	srv.AddCommit(repoName, "b", base)
	srv.AddCommit(repoName, "h", head)
	srv.AddPullRequest(repoName, fakegithub.PullRequest{Number: 1, BaseSHA: "b", HeadSHA: "h"})
	token := "token " + installationToken(t, srv, 7)
	tests := []struct {
		query     string
		wantFiles int
		wantLinks []string
	}{
		{"", 30, []string{`page=2>; rel="next"`, `page=100>; rel="last"`}},
		{"?per_page=100", 100, []string{`page=2&per_page=100>; rel="next"`, `page=30&per_page=100>; rel="last"`}},
		{"?per_page=500&page=30", 100, []string{`page=29&per_page=500>; rel="prev"`, `page=1&per_page=500>; rel="first"`}},
		{"?per_page=100&page=31", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/repos/acme/widgets/pulls/1/files"+tt.query, nil)
			req.Header.Set("Authorization", token)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var files []map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&files); err != nil {
				t.Fatal(err)
			}
			if len(files) != tt.wantFiles {
				t.Errorf("%d files, want %d", len(files), tt.wantFiles)
			}
			link := resp.Header.Get("Link")
			for _, want := range tt.wantLinks {
				if !strings.Contains(link, want) {
					t.Errorf("Link %q lacks %q", link, want)
				}
			}
			if tt.wantLinks == nil && strings.Contains(link, "next") {
				t.Errorf("Link %q past the 3,000-file cap", link)
			}
		})
	}
}

func TestChangedFilePatches(t *testing.T) {
	srv := newServer(t, fakegithub.Options{MaxPatchBytes: 100})
	srv.AddCommit(repoName, "b", map[string]string{
		"edit.txt":    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
		"gone.txt":    "a\nb\n",
		"eol.txt":     "x\ny",
		"old/name.go": "package name\n",
		"big.txt":     strings.Repeat("b\n", 60),
		"image.png":   "\x89PNG\x00\x01",
	})
	srv.AddCommit(repoName, "h", map[string]string{
		"edit.txt":    "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nfourteen\n15\n",
		"new.txt":     "n1\nn2\n",
		"eol.txt":     "x\ny\n",
		"new/name.go": "package name\n",
		"big.txt":     strings.Repeat("c\n", 60),
		"image.png":   "\x89PNG\x00\x02",
	})
	srv.AddPullRequest(repoName, fakegithub.PullRequest{Number: 2, BaseSHA: "b", HeadSHA: "h"})
	status, body := call(t, srv, "GET", "/repos/acme/widgets/pulls/2/files", "token "+installationToken(t, srv, 7), "")
	if status != 200 {
		t.Fatalf("HTTP %d %s", status, body)
	}
	var files []struct {
		Filename, Status, Patch string
		PreviousFilename        string `json:"previous_filename"`
		Additions, Deletions    int
	}
	if err := json.Unmarshal([]byte(body), &files); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Filename] = fmt.Sprintf("%s +%d -%d %s|%s", f.Status, f.Additions, f.Deletions, f.PreviousFilename, f.Patch)
	}
	want := map[string]string{
		"edit.txt":    "modified +2 -2 |@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n@@ -11,5 +11,5 @@\n 11\n 12\n 13\n-14\n+fourteen\n 15",
		"eol.txt":     "modified +1 -1 |@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y",
		"gone.txt":    "removed +0 -2 |@@ -1,2 +0,0 @@\n-a\n-b",
		"new.txt":     "added +2 -0 |@@ -0,0 +1,2 @@\n+n1\n+n2",
		"new/name.go": "renamed +0 -0 old/name.go|",
		"big.txt":     "modified +60 -60 |",
		"image.png":   "modified +0 -0 |",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s:\n got %q\nwant %q", name, got[name], w)
		}
	}
	if len(files) != len(want) {
		t.Errorf("%d files, want %d: %v", len(files), len(want), got)
	}
}

func TestTarballRedirect(t *testing.T) {
	srv := newServer(t, fakegithub.Options{PathPrefix: "/api/v3"})
	token := "token " + installationToken(t, srv, 7)
	req, _ := http.NewRequest("GET", srv.URL+"/repos/acme/widgets/tarball/main", nil)
	req.Header.Set("Authorization", token)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	location := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(location, "/_codeload/acme/widgets/"+fakegithub.SHA("base")+".tar.gz?token=") {
		t.Fatalf("HTTP %d Location %q, want a 302 to a signed codeload link", resp.StatusCode, location)
	}
	archive, err := srv.Client().Get(location) // no credentials: the link is pre-signed
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Body.Close()
	gz, err := gzip.NewReader(archive.Body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader && hdr.PAXRecords["comment"] != fakegithub.SHA("base") {
			t.Errorf("global header comment %q, want the commit SHA", hdr.PAXRecords["comment"])
		}
		names = append(names, hdr.Name)
	}
	top := "acme-widgets-" + fakegithub.SHA("base")[:7] + "/"
	want := []string{"pax_global_header", top, top + "README.md", top + "src/", top + "src/main.go"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("entries %q, want %q", names, want)
	}
	unsigned, _ := srv.Client().Get(strings.Split(location, "?")[0])
	unsigned.Body.Close()
	if unsigned.StatusCode != 404 || len(srv.Violations()) != 1 {
		t.Errorf("unsigned archive link: HTTP %d, violations %v; want 404 and one violation", unsigned.StatusCode, srv.Violations())
	}
}

func TestPathPrefix(t *testing.T) {
	srv := newServer(t, fakegithub.Options{PathPrefix: "/api/v3"})
	token := "token " + installationToken(t, srv, 7)
	if !strings.HasSuffix(srv.URL, "/api/v3") {
		t.Fatalf("URL %q lacks the prefix", srv.URL)
	}
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets", token, ""); status != 200 {
		t.Errorf("under the prefix: HTTP %d", status)
	}
	root := strings.TrimSuffix(srv.URL, "/api/v3")
	req, _ := http.NewRequest("GET", root+"/repos/acme/widgets", nil)
	req.Header.Set("Authorization", token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || len(srv.Violations()) != 1 {
		t.Errorf("without the prefix: HTTP %d, violations %v; want 404 and one violation", resp.StatusCode, srv.Violations())
	}
}

func TestFaultsAndDelays(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	token := "token " + installationToken(t, srv, 7)
	srv.FailNext("GET", "/repos/*/*", 403, 1, map[string]string{"Retry-After": "1"})
	srv.FailNext("", "/repos/acme/widgets", 502, 1, nil)
	status, body := call(t, srv, "GET", "/repos/acme/widgets", token, "")
	if status != 403 || !strings.Contains(body, "secondary rate limit") {
		t.Errorf("first: HTTP %d %s, want the secondary rate limit", status, body)
	}
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets", token, ""); status != 502 {
		t.Errorf("second: HTTP %d, want 502", status)
	}
	if status, _ := call(t, srv, "GET", "/repos/acme/widgets", token, ""); status != 200 {
		t.Errorf("third: HTTP %d, want 200 once the faults are spent", status)
	}

	srv.DelayNext("GET", "/repos/acme/widgets", time.Minute, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/repos/acme/widgets", nil)
	req.Header.Set("Authorization", token)
	if _, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delayed request: err %v, want the client's deadline", err)
	}
}

func TestContentsAndIssues(t *testing.T) {
	srv := newServer(t, fakegithub.Options{})
	token := "token " + installationToken(t, srv, 7)
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/repos/acme/widgets/contents/README.md?ref=main", 200, `"content":"aGVsbG8K"`},
		{"/repos/acme/widgets/contents/README.md?ref=" + fakegithub.SHA("base")[:7], 200, `"encoding":"base64"`},
		{"/repos/acme/widgets/contents/src", 200, `"type":"file"`},
		{"/repos/acme/widgets/contents/missing.yml", 404, "Not Found"},
		{"/repos/acme/widgets/contents/README.md?ref=nope", 404, "No commit found"},
		{"/repos/acme/widgets/branches/main", 200, fakegithub.SHA("base")},
		{"/repos/acme/widgets/branches/nope", 404, "Branch not found"},
		{"/repos/acme/nothing", 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if status, body := call(t, srv, "GET", tt.path, token, ""); status != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Errorf("HTTP %d %s, want %d with %q", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	if status, body := call(t, srv, "POST", "/repos/acme/widgets/issues", token, `{"title":"Weekly","body":"b","labels":["fourc"]}`); status != 201 || !strings.Contains(body, `"name":"fourc"`) {
		t.Errorf("create issue: HTTP %d %s", status, body)
	}
	if status, _ := call(t, srv, "POST", "/repos/acme/widgets/issues", token, `{"body":"no title"}`); status != 422 {
		t.Errorf("issue without a title: HTTP %d, want 422", status)
	}
	if status, body := call(t, srv, "PATCH", "/repos/acme/widgets/issues/1", token, `{"state":"closed"}`); status != 200 || !strings.Contains(body, `"state":"closed"`) {
		t.Errorf("close issue: HTTP %d %s", status, body)
	}
	if issues := srv.Issues(repoName); len(issues) != 1 || issues[0].State != "closed" || issues[0].Labels[0] != "fourc" {
		t.Errorf("issues = %+v", issues)
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0].Message, "title is required") {
		t.Errorf("violations = %v, want the missing title only", v)
	}
}
