package githubapp

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// rateGate remembers, per credential, until when GitHub asked for no further request: the
// X-RateLimit-Reset of an answer saying X-RateLimit-Remaining: 0, or the wait of a rate-limit
// refusal (Retry-After). GitHub counts a client that keeps sending in that time as abusive, and
// one request's wait is not enough when the App runs several jobs of an installation at once:
// every request on the same credential holds until then.
//
// It also keeps go-github from refusing: go-github fails at once, without sending, any request
// made while its last answer said Remaining: 0 and the reset is ahead, which would fail a scan
// that only had to wait. So an answer that spends the budget goes back to the caller once the
// budget is renewed (within MaxWait), and go-github never sees a reset still ahead.
type rateGate struct {
	mu    sync.Mutex
	until map[credential]gateEntry
}

// credential names whose budget a request spends without keeping its secret: a digest of the
// installation token, or one key for all of the App's JWTs (a fresh one signs each request).
// GitHub counts an installation's budget across its tokens; a token refreshed in the middle of
// a wait is not held, and GitHub's refusal of its first request closes the gate on it too.
type credential [sha256.Size]byte

// appCredential is the key of requests authenticated as the App.
var appCredential = credential(sha256.Sum256([]byte("the App's JWT")))

type gateEntry struct {
	until  time.Time
	status int // of the answer that closed the gate, for RateLimitError
}

// credentialOf returns the request's credential; requests without one (archive downloads) are
// not gated, as GitHub does not count them against the installation.
func credentialOf(req *http.Request) (credential, bool) {
	auth := req.Header.Get("Authorization")
	if auth == "" {
		return credential{}, false
	}
	if scheme, token, _ := strings.Cut(auth, " "); strings.EqualFold(scheme, "bearer") && strings.Count(token, ".") == 2 {
		return appCredential, true
	}
	return sha256.Sum256([]byte(auth)), true
}

// closeUntil closes the gate of c until until, or longer if it already was.
func (g *rateGate) closeUntil(c credential, until time.Time, status int, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[credential]gateEntry{}
	}
	for k, e := range g.until {
		if !now.Before(e.until) {
			delete(g.until, k) // expired tokens would otherwise pile up
		}
	}
	if e, ok := g.until[c]; ok && !until.After(e.until) {
		return
	}
	g.until[c] = gateEntry{until: until, status: status}
}

// served opens c's gate if it closes no later than until, which a request has waited for. With
// a real clock the gate is open by then anyway; with a test's Sleep, which returns at once, one
// wait serves everyone, as it would in real time. A gate closed further meanwhile stays closed.
func (g *rateGate) served(c credential, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.until[c]; ok && !e.until.After(until) {
		delete(g.until, c)
	}
}

// sleepThrough waits d for req and, once waited, marks its credential's gate served.
func (t *RetryTransport) sleepThrough(req *http.Request, d time.Duration) error {
	from := t.now()
	if err := t.sleep(req.Context(), d); err != nil {
		return err
	}
	if c, ok := credentialOf(req); ok {
		t.gate.served(c, from.Add(d))
	}
	return nil
}

// closedFor returns how long c's gate stays closed, and the status that closed it.
func (g *rateGate) closedFor(c credential, now time.Time) (time.Duration, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ok := g.until[c]
	if !ok || !now.Before(e.until) {
		return 0, 0
	}
	return e.until.Sub(now), e.status
}

// awaitGate holds a first attempt until GitHub's wait for its credential is over; a wait beyond
// MaxWait is a RateLimitError without sending anything.
func (t *RetryTransport) awaitGate(req *http.Request) error {
	c, ok := credentialOf(req)
	if !ok {
		return nil
	}
	wait, status := t.gate.closedFor(c, t.now())
	if wait <= 0 {
		return nil
	}
	if wait > t.maxWait() {
		return &RateLimitError{Status: status, Wait: wait}
	}
	return t.sleepThrough(req, wait)
}

// gateWait is how long c's gate still holds a retry of req.
func (t *RetryTransport) gateWait(req *http.Request) time.Duration {
	c, ok := credentialOf(req)
	if !ok {
		return 0
	}
	wait, _ := t.gate.closedFor(c, t.now())
	return wait
}

// noteRateLimit closes the gate of req's credential as resp asks: for wait after a rate-limit
// refusal (what classify decided), until the reset after an answer spending the budget.
func (t *RetryTransport) noteRateLimit(req *http.Request, resp *http.Response, wait time.Duration) {
	c, ok := credentialOf(req)
	if !ok || resp == nil {
		return
	}
	now := t.now()
	if resp.StatusCode == http.StatusTooManyRequests || isRateLimited(resp) {
		t.gate.closeUntil(c, now.Add(wait), resp.StatusCode, now)
		return
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if d, ok := t.askedWait(resp); ok && d > 0 {
			t.gate.closeUntil(c, now.Add(d), resp.StatusCode, now)
		}
	}
}

// holdSpent hands back a final answer that spent the budget (X-RateLimit-Remaining: 0) once
// the gate opens again, so that go-github does not refuse the caller's next request. A wait
// beyond MaxWait, or the caller giving up, returns it at once: the answer is still GitHub's.
func (t *RetryTransport) holdSpent(req *http.Request, resp *http.Response) *http.Response {
	if resp == nil || resp.Header.Get("X-RateLimit-Remaining") != "0" ||
		resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests {
		return resp // a refusal is the caller's to see at once
	}
	wait := t.gateWait(req)
	if wait <= 0 || wait > t.maxWait() {
		return resp
	}
	// Read the answer first, so the connection is not held open (and timed out) during the wait.
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return resp
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	_ = t.sleepThrough(req, wait)
	return resp
}

// errReader returns err once what was read before it is consumed.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
