package fakegithub

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimits switch on GitHub's REST rate limits, counted per installation (a token's
// installation) and for the App itself (its JWT); requests without valid credentials are not
// counted, as the App never sends any. Zero fields take GitHub.com's values; tests shrink them
// so that a short run exhausts them.
//
// The primary limit is announced on every counted answer (X-RateLimit-Limit, -Remaining,
// -Reset, -Used, -Resource) and, once spent, enforced with a 403 (or 429) carrying
// X-RateLimit-Remaining: 0. The secondary limits — requests in flight at once, and
// content-creating requests (POST, PATCH, PUT, DELETE) per window — answer 403 "You have
// exceeded a secondary rate limit" with Retry-After. A request that arrives after a rate-limit
// answer told its installation to wait, and before that wait is over, is a Violation.
type RateLimits struct {
	// Limit is the primary budget per Window (default 5,000 an hour). The window opens with the
	// first request after the previous one ended and lasts Window rounded up to whole seconds,
	// since X-RateLimit-Reset is stated in seconds.
	Limit  int
	Window time.Duration
	// ExhaustedStatus answers a request over the primary budget: 403 (the default) or 429,
	// GitHub sends either.
	ExhaustedStatus int
	// MaxConcurrent is the most requests of one installation in flight at once (default 100).
	MaxConcurrent int
	// ContentLimit is the content-creating requests allowed per ContentWindow (default 80 a
	// minute).
	ContentLimit  int
	ContentWindow time.Duration
	// ConcurrencyRetryAfter is the Retry-After of a refusal for too many concurrent requests
	// (default 60 s; GitHub asks for at least a minute when it does not say).
	ConcurrencyRetryAfter time.Duration
	// InFlightGrace tolerates requests arriving this soon after a rate-limit answer (default
	// 100 ms): a client running requests in parallel may have sent them before it read the
	// answer, which is not ignoring it.
	InFlightGrace time.Duration
}

func (o RateLimits) withDefaults() RateLimits {
	if o.Limit <= 0 {
		o.Limit = 5000
	}
	if o.Window <= 0 {
		o.Window = time.Hour
	}
	if o.ExhaustedStatus != http.StatusTooManyRequests {
		o.ExhaustedStatus = http.StatusForbidden
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 100
	}
	if o.ContentLimit <= 0 {
		o.ContentLimit = 80
	}
	if o.ContentWindow <= 0 {
		o.ContentWindow = time.Minute
	}
	if o.ConcurrencyRetryAfter <= 0 {
		o.ConcurrencyRetryAfter = time.Minute
	}
	if o.InFlightGrace <= 0 {
		o.InFlightGrace = 100 * time.Millisecond
	}
	return o
}

// RateLimitStats is what the rate limits saw, summed over installations and the App.
type RateLimitStats struct {
	// Counted requests, admitted or not.
	Requests int
	// Exhausted counts primary windows whose budget ran out (an answer said Remaining: 0).
	Exhausted int
	// PrimaryRefused, ConcurrencyRefused and ContentRefused count the refusals of each limit.
	PrimaryRefused, ConcurrencyRefused, ContentRefused int
	// MaxConcurrent is the most requests of one installation (or of the App) in flight at once.
	MaxConcurrent int
}

// RateLimitStats reports the rate limits' counts; all zero when Options.RateLimits is nil.
func (s *Server) RateLimitStats() RateLimitStats {
	l := s.limiter()
	if l == nil {
		return RateLimitStats{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// Spent is what SpendRateLimits leaves of an installation's budgets: PrimaryLeft requests until
// PrimaryResetIn from now, ContentLeft content-creating requests until ContentResetIn (each
// rounded up to a whole second). A zero reset leaves that budget as it is.
type Spent struct {
	PrimaryLeft    int
	PrimaryResetIn time.Duration
	ContentLeft    int
	ContentResetIn time.Duration
}

// SpendRateLimits spends installation's budgets down to left, as if the App's other work had
// spent the rest: a test starting a burst then knows when it runs out of them.
func (s *Server) SpendRateLimits(installation int64, left Spent) {
	s.t.Helper()
	l := s.limiter()
	if l == nil {
		s.t.Fatalf("fakegithub: SpendRateLimits without Options.RateLimits")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	key := fmt.Sprintf("installation:%d", installation)
	st := l.by[key]
	if st == nil {
		st = &limitState{}
		l.by[key] = st
	}
	now := time.Now()
	if left.PrimaryResetIn > 0 {
		st.reset, st.used = ceilSecond(now.Add(left.PrimaryResetIn)), max(l.opts.Limit-left.PrimaryLeft, 0)
	}
	if left.ContentResetIn > 0 {
		st.contentReset, st.contentUsed = ceilSecond(now.Add(left.ContentResetIn)), max(l.opts.ContentLimit-left.ContentLeft, 0)
	}
}

// rateLimiter holds the limits' state under a lock of its own, taken before s.mu when both
// are needed (a violation is recorded in s), never after.
type rateLimiter struct {
	opts  RateLimits
	mu    sync.Mutex
	by    map[string]*limitState // by "installation:ID" or "app"
	stats RateLimitStats
}

type limitState struct {
	reset        time.Time // end of the primary window; zero before the first request
	used         int
	contentReset time.Time
	contentUsed  int
	inFlight     int
	// toldAt is when a rate-limit answer told the client to wait until blockedUntil.
	toldAt, blockedUntil time.Time
}

// limiter returns the server's rate limiter, nil when rate limits are off.
func (s *Server) limiter() *rateLimiter { return s.limits }

func newRateLimiter(opts *RateLimits) *rateLimiter {
	if opts == nil {
		return nil
	}
	return &rateLimiter{opts: opts.withDefaults(), by: map[string]*limitState{}}
}

// limitKey names whose budget a request spends: the installation of a valid token, or the
// App for anything that looks like a JWT. It reads s.tokens, so it takes s.mu.
func (s *Server) limitKey(r *http.Request) (string, bool) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	scheme, secret = strings.ToLower(scheme), strings.TrimSpace(secret)
	if scheme != "token" && scheme != "bearer" || secret == "" {
		return "", false
	}
	s.mu.Lock()
	issued, ok := s.tokens[secret]
	s.mu.Unlock()
	switch {
	case ok && time.Now().Before(issued.expiresAt):
		return fmt.Sprintf("installation:%d", issued.installation), true
	case scheme == "bearer" && strings.Count(secret, ".") == 2:
		return "app", true
	}
	return "", false
}

// admitRateLimited applies the rate limits to an API request. It sets the X-RateLimit headers
// and returns a release to call once the request is answered; or, when a limit refuses the
// request, it writes the refusal and returns ok false.
func (s *Server) admitRateLimited(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	l := s.limiter()
	if l == nil {
		return func() {}, true
	}
	key, counted := s.limitKey(r)
	if !counted {
		return func() {}, true
	}
	now := time.Now()
	l.mu.Lock()
	st := l.by[key]
	if st == nil {
		st = &limitState{}
		l.by[key] = st
	}
	l.stats.Requests++
	if now.Before(st.blockedUntil) && now.Sub(st.toldAt) > l.opts.InFlightGrace {
		s.mu.Lock()
		s.violate(r, "request sent %s after a rate-limit answer to %s that asked it to wait until %s",
			now.Sub(st.toldAt).Round(time.Millisecond), key, st.blockedUntil.Format("15:04:05.000"))
		s.mu.Unlock()
	}
	st.inFlight++
	l.stats.MaxConcurrent = max(l.stats.MaxConcurrent, st.inFlight)
	release = func() {
		l.mu.Lock()
		st.inFlight--
		l.mu.Unlock()
	}
	if !now.Before(st.reset) {
		st.reset, st.used = ceilSecond(now.Add(l.opts.Window)), 0
	}
	if !now.Before(st.contentReset) {
		st.contentReset, st.contentUsed = ceilSecond(now.Add(l.opts.ContentWindow)), 0
	}
	refusal := ""
	var retryAfter time.Duration
	switch {
	case st.inFlight > l.opts.MaxConcurrent:
		l.stats.ConcurrencyRefused++
		refusal, retryAfter = "concurrency", l.opts.ConcurrencyRetryAfter
	case st.used >= l.opts.Limit:
		l.stats.PrimaryRefused++
		refusal = "primary"
		st.tell(now, st.reset)
	case contentCreating(r.Method, key) && st.contentUsed >= l.opts.ContentLimit:
		l.stats.ContentRefused++
		refusal, retryAfter = "content", st.contentReset.Sub(now)
	default:
		st.used++
		if contentCreating(r.Method, key) {
			st.contentUsed++
		}
		if st.used == l.opts.Limit {
			l.stats.Exhausted++
		}
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.opts.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(l.opts.Limit-st.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(st.used))
	h.Set("X-RateLimit-Resource", "core")
	var status int
	var body apiError
	switch refusal {
	case "":
		l.mu.Unlock()
		return release, true
	case "primary":
		status = l.opts.ExhaustedStatus
		body = apiError{Message: "API rate limit exceeded for " + key + ".",
			DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"}
	default:
		// Retry-After is in whole seconds: rounding up never invites a request the fake refuses.
		secs := int(math.Ceil(retryAfter.Seconds()))
		st.tell(now, now.Add(time.Duration(secs)*time.Second))
		h.Set("Retry-After", strconv.Itoa(secs))
		status = http.StatusForbidden
		body = apiError{Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}
	}
	l.mu.Unlock()
	writeJSON(w, status, body)
	release()
	return nil, false
}

// tell records that an answer asked the client to wait until until. While an earlier wait is
// still running, the first telling stands: the grace is for requests in flight when the client
// was first told, not a fresh one for each refusal of a client that ignores the answers.
func (st *limitState) tell(now, until time.Time) {
	if now.Before(st.blockedUntil) {
		st.blockedUntil = maxTime(st.blockedUntil, until)
		return
	}
	st.toldAt, st.blockedUntil = now, until
}

// contentCreating tells the requests the content-creation limit counts: writes of an
// installation (the App's own, creating installation tokens, create no content).
func contentCreating(method, key string) bool {
	if key == "app" {
		return false
	}
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
