// Package fakegithub is a fake of GitHub's REST API for tests: the endpoints a GitHub App uses,
// with GitHub's authentication (App JWTs, expiring installation tokens), GitHub's pagination and
// GitHub's documented limits on check runs. It records every request and every breach of the
// contract, so a test can assert that the client behaved as GitHub requires, and it injects
// faults (5xx, rate limits, delays) on demand. It is safe for concurrent use.
package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configure a Server; the zero value is GitHub.com's behaviour.
type Options struct {
	// AppID is the App's id (default 1).
	AppID int64
	// TokenTTL is how long installation tokens live (default one hour, as on GitHub). Make it
	// short to have tokens expire in the middle of a job.
	TokenTTL time.Duration
	// PathPrefix serves the API under a prefix, as GitHub Enterprise Server does with "/api/v3".
	PathPrefix string
	// MaxPatchBytes is the file size above which a changed file's patch is omitted, as GitHub
	// omits the patches of large files (default 1 MiB; GitHub does not document its threshold).
	MaxPatchBytes int
	// RateLimits, when set, enforces GitHub's rate limits (see ratelimit.go); nil is unlimited.
	RateLimits *RateLimits
}

// Server is a running fake. Build it with New; it closes when the test ends.
type Server struct {
	// URL is the API root to give a client: the server's address plus Options.PathPrefix.
	URL string
	// AppID is the App the server knows; JWTs must name it as their issuer.
	AppID int64

	t      testing.TB
	opts   Options
	http   *httptest.Server
	key    *rsa.PrivateKey
	keyPEM []byte
	// codeloadSecret signs archive links, which are served without other authentication.
	codeloadSecret []byte

	router *http.ServeMux

	mu            sync.Mutex
	installations map[int64]*Installation
	repos         map[string]*repoState // by lower-case "owner/name", as GitHub names are case-insensitive
	tokens        map[string]issuedToken
	auth          authLog
	checkRuns     map[int64]*checkRunState
	nextID        int64
	requests      []Request
	violations    []Violation
	faults        []*fault
	delays        []*delay
	limits        *rateLimiter // nil without Options.RateLimits
	lostAnswers   []*lostAnswer
}

// Request is one request the server answered.
type Request struct {
	Method string
	Path   string // as received, with any PathPrefix
	Query  string
	Status int // 0 when the client went away before an answer
	// Auth is "app" for a valid App JWT, "installation:ID" for a valid installation token,
	// "" otherwise.
	Auth string
	// Credentials tells whether an Authorization header was sent at all.
	Credentials bool
}

// Violation is a request that breaks GitHub's contract: a 422, a token used on a repository of
// another installation, or an endpoint the fake (and so the App's contract) does not know.
type Violation struct {
	Method  string
	Path    string // the API path, without any PathPrefix
	Message string
}

func (v Violation) String() string { return v.Method + " " + v.Path + ": " + v.Message }

// New starts a fake. Its App key pair is shared by every fake of the test binary.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.AppID == 0 {
		opts.AppID = 1
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.MaxPatchBytes <= 0 {
		opts.MaxPatchBytes = 1 << 20
	}
	opts.PathPrefix = strings.TrimRight(opts.PathPrefix, "/")
	if opts.PathPrefix != "" && !strings.HasPrefix(opts.PathPrefix, "/") {
		opts.PathPrefix = "/" + opts.PathPrefix
	}
	key, err := appKey()
	if err != nil {
		t.Fatalf("fakegithub: generate app key: %v", err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatalf("fakegithub: generate codeload secret: %v", err)
	}
	s := &Server{
		AppID:          opts.AppID,
		t:              t,
		opts:           opts,
		key:            key,
		keyPEM:         pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		codeloadSecret: secret,
		installations:  map[int64]*Installation{},
		repos:          map[string]*repoState{},
		tokens:         map[string]issuedToken{},
		checkRuns:      map[int64]*checkRunState{},
		nextID:         1000,
		limits:         newRateLimiter(opts.RateLimits),
	}
	s.router = s.routes()
	s.http = httptest.NewServer(s)
	s.URL = s.http.URL + opts.PathPrefix
	t.Cleanup(s.http.Close)
	return s
}

// appKey is the App's RSA key pair, generated once per test binary: a 2048-bit key takes most
// of a second to generate, and end-to-end tests start many servers. Tests that need a key the
// server does not know generate their own.
var appKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// PrivateKeyPEM is the App's private key, for the client under test.
func (s *Server) PrivateKeyPEM() []byte { return append([]byte(nil), s.keyPEM...) }

// Client is an HTTP client for the server (no authentication).
func (s *Server) Client() *http.Client { return s.http.Client() }

// Requests returns every request answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Violations returns every breach of GitHub's contract seen so far; a correct client causes none.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// fault answers the next matching requests with an error instead of handling them.
type fault struct {
	method, pattern string
	status          int
	remaining       int
	headers         map[string]string
}

// delay holds the next matching requests before handling them.
type delay struct {
	method, pattern string
	wait            time.Duration
	remaining       int
}

// FailNext answers the next n requests matching method ("" for any) and pathPattern (path.Match
// syntax, on the path without PathPrefix, e.g. "/repos/o/r/check-runs/*") with status and
// headers, before authentication, as GitHub's front end would. The body is GitHub's message for
// the status: a 403 is a secondary rate limit unless the headers set X-RateLimit-Remaining: 0.
func (s *Server) FailNext(method, pathPattern string, status, n int, headers map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, pattern: pathPattern, status: status, remaining: n, headers: headers})
}

// DelayNext holds the next n matching requests for wait before handling them (or until the
// client gives up), to exercise timeouts.
func (s *Server) DelayNext(method, pathPattern string, wait time.Duration, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays = append(s.delays, &delay{method: method, pattern: pathPattern, wait: wait, remaining: n})
}

func matches(method, pattern string, r *http.Request, apiPath string) bool {
	if method != "" && !strings.EqualFold(method, r.Method) {
		return false
	}
	ok, err := path.Match(pattern, apiPath)
	return err == nil && ok
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// requestInfo carries what a handler learnt (who authenticated) to the request log.
type requestInfo struct{ auth string }

// ServeHTTP records the request, applies injected delays and faults, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	info := &requestInfo{}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status, Auth: info.auth,
			Credentials: r.Header.Get("Authorization") != ""})
		s.mu.Unlock()
	}()
	apiPath, inAPI := strings.CutPrefix(r.URL.Path, s.opts.PathPrefix)
	if !inAPI {
		apiPath = r.URL.Path
	}
	// Rate limits count API requests from their arrival: a delayed one is in flight too.
	if inAPI && !strings.HasPrefix(r.URL.Path, codeloadPath) {
		release, admitted := s.admitRateLimited(rec, r)
		if !admitted {
			return
		}
		defer release()
	}
	if wait := s.takeDelay(r, apiPath); wait > 0 {
		readBodyAhead(r)
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}
	if f := s.takeFault(r, apiPath); f != nil {
		writeFault(rec, f)
		return
	}
	if l := s.takeLostAnswer(r, apiPath); l != nil {
		s.serveLosingAnswer(rec, r, apiPath, info, l)
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, codeloadPath):
		s.serveCodeload(rec, r)
	case !inAPI || apiPath != "" && !strings.HasPrefix(apiPath, "/"):
		s.notFound(rec, r)
	default:
		s.route(rec, r, apiPath, info)
	}
}

func (s *Server) takeDelay(r *http.Request, apiPath string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.delays {
		if d.remaining > 0 && matches(d.method, d.pattern, r, apiPath) {
			d.remaining--
			return d.wait
		}
	}
	return 0
}

func (s *Server) takeFault(r *http.Request, apiPath string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.remaining > 0 && matches(f.method, f.pattern, r, apiPath) {
			f.remaining--
			return f
		}
	}
	return nil
}

func writeFault(w http.ResponseWriter, f *fault) {
	for k, v := range f.headers {
		w.Header().Set(k, v)
	}
	msg, doc := http.StatusText(f.status), docsURL
	switch {
	case (f.status == http.StatusForbidden || f.status == http.StatusTooManyRequests) && f.headers["X-RateLimit-Remaining"] == "0":
		msg, doc = "API rate limit exceeded for installation.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	case f.status == http.StatusForbidden || f.status == http.StatusTooManyRequests:
		msg = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
		doc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	case f.status >= 500:
		msg = "Server Error"
	}
	writeJSON(w, f.status, apiError{Message: msg, DocumentationURL: doc})
}

const docsURL = "https://docs.github.com/rest"

// apiError is GitHub's error body.
type apiError struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status,omitempty"`
}

type fieldError struct {
	Resource string `json:"resource"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"message":"fake could not encode its answer: %v"}`, err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Message: msg, DocumentationURL: docsURL, Status: fmt.Sprint(status)})
}

// violate records a breach of the contract; the caller holds s.mu.
func (s *Server) violate(r *http.Request, format string, args ...any) {
	s.violations = append(s.violations, Violation{Method: r.Method, Path: r.URL.Path, Message: fmt.Sprintf(format, args...)})
}

// unprocessable answers 422 with every problem found and records them as violations; the
// caller holds s.mu.
func (s *Server) unprocessable(w http.ResponseWriter, r *http.Request, resource string, problems []fieldError) {
	for _, p := range problems {
		s.violate(r, "%s %s: %s", resource, p.Field, p.Message)
	}
	writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Validation Failed", Errors: problems, DocumentationURL: docsURL, Status: "422"})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.violate(r, "no such endpoint in the fake (is it part of the App's contract?)")
	s.mu.Unlock()
	writeError(w, http.StatusNotFound, "Not Found")
}
