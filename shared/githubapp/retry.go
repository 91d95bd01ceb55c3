package githubapp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryTransport retries GitHub requests that failed for reasons that pass: 5xx answers, 429,
// and 403 secondary rate limits. It waits as GitHub asks (Retry-After, else X-RateLimit-Reset),
// else backs off exponentially with jitter, and gives up after MaxAttempts or when the wait would
// exceed MaxWait (a Lambda cannot sleep for an hour; the job is redelivered instead).
//
// A request that is not safe to send twice (a POST, or an update that appends annotations) is
// resent only after an answer saying GitHub did not apply it (a rate limit, a connection never
// made). After a 5xx or a timeout GitHub may have applied it, so the answer goes back to the
// caller, marked ErrUncertain when there is no answer at all, to find out before resending.
type RetryTransport struct {
	Base        http.RoundTripper
	MaxAttempts int           // default 5
	BaseDelay   time.Duration // default 500 ms
	MaxWait     time.Duration // longest single wait, default 60 s
	// Sleep waits; tests replace it to run without real delays.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time for X-RateLimit-Reset; default time.Now.
	Now func() time.Time
	// AttemptTimeout bounds the wait for each attempt's answer (until its headers arrive); an
	// attempt GitHub holds longer is abandoned as timed out. Zero leaves it to Base.
	AttemptTimeout time.Duration

	// gate holds every request on a credential while GitHub asks for a wait (ratelimit.go).
	gate rateGate
}

// RateLimitError says GitHub asked us to wait longer than we may.
type RateLimitError struct {
	Status int
	Wait   time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("GitHub rate limit (HTTP %d): retry in %s", e.Status, e.Wait.Round(time.Second))
}

func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	attempts := t.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	if err := t.awaitGate(req); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.send(base, r)
		retry, wait := t.classify(resp, err, attempt)
		t.noteRateLimit(req, resp, wait)
		if retry && !replayable(req) && !refusedUnapplied(resp, err) {
			return resp, uncertain(req, err)
		}
		if !retry || attempt >= attempts {
			if err == nil && retry && isRateLimited(resp) {
				return resp, nil // the caller sees GitHub's own answer and message
			}
			return t.holdSpent(req, resp), err
		}
		wait = max(wait, t.gateWait(req))
		if wait > t.maxWait() {
			if resp != nil {
				drain(resp)
				return nil, &RateLimitError{Status: resp.StatusCode, Wait: wait}
			}
			return nil, err
		}
		if resp != nil {
			drain(resp)
		}
		if err := t.sleepThrough(req, wait); err != nil {
			return nil, err
		}
	}
}

// classify decides whether to retry and after how long.
func (t *RetryTransport) classify(resp *http.Response, err error, attempt int) (bool, time.Duration) {
	backoff := t.backoff(attempt)
	if err != nil {
		// Connection resets and timeouts pass; a cancelled context does not.
		if ctxErr := errorsIsContext(err); ctxErr {
			return false, 0
		}
		return true, backoff
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, isRateLimited(resp):
		if d, ok := t.askedWait(resp); ok {
			return true, d
		}
		return true, max(backoff, time.Minute)
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return true, backoff
	}
	return false, 0
}

// isRateLimited recognises GitHub's 403 rate-limit answers (primary: remaining 0; secondary:
// Retry-After or the documented message), as opposed to a 403 for missing permissions.
func isRateLimited(resp *http.Response) bool {
	if resp == nil || resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return false
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0" {
		return true
	}
	// Peek at the body without consuming it for the caller.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), resp.Body))
	return strings.Contains(strings.ToLower(string(body)), "rate limit")
}

func (t *RetryTransport) askedWait(resp *http.Response) (time.Duration, bool) {
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(s); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if at, err := http.ParseTime(s); err == nil {
			return max(at.Sub(t.now()), 0), true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(reset, 0).Sub(t.now())+time.Second, 0), true
		}
	}
	return 0, false
}

func (t *RetryTransport) backoff(attempt int) time.Duration {
	d := t.BaseDelay
	if d <= 0 {
		d = 500 * time.Millisecond
	}
	d <<= min(attempt-1, 6)
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

func (t *RetryTransport) maxWait() time.Duration {
	if t.MaxWait > 0 {
		return t.MaxWait
	}
	return time.Minute
}

func (t *RetryTransport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *RetryTransport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// rewind clones a request with a fresh body for another attempt.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("retry %s %s: request body cannot be replayed", req.Method, req.URL.Path)
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("retry %s %s: %w", req.Method, req.URL.Path, err)
		}
		r.Body = body
	}
	return r, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

func errorsIsContext(err error) bool {
	return err == context.Canceled || err == context.DeadlineExceeded ||
		strings.Contains(err.Error(), context.Canceled.Error()) || strings.Contains(err.Error(), context.DeadlineExceeded.Error())
}
