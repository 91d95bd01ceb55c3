package githubapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// ErrUncertain says a write that must not be sent twice got no answer that tells whether GitHub
// applied it: a 5xx, a timeout, a connection lost mid-request. Check before resending.
var ErrUncertain = errors.New("GitHub may or may not have applied the request")

// AttemptTimeoutError says GitHub did not answer one attempt within RetryTransport.AttemptTimeout.
type AttemptTimeoutError struct {
	Method, Path string
	After        time.Duration
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("%s %s: no answer within %s", e.Method, e.Path, e.After)
}

// Timeout reports true, as net.Error timeouts do.
func (e *AttemptTimeoutError) Timeout() bool { return true }

type noReplayKey struct{}

// withoutReplay marks the requests made with ctx as not safe to send twice, for writes GitHub
// does not deduplicate although their method suggests it (a PATCH that appends annotations).
func withoutReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplayKey{}, true)
}

// replayable tells whether sending req again cannot do more than sending it once.
func replayable(req *http.Request) bool {
	if isTokenRequest(req) {
		return true // a second installation token is harmless, whatever the request it serves
	}
	if req.Context().Value(noReplayKey{}) != nil {
		return false
	}
	return req.Method != http.MethodPost
}

// isTokenRequest recognises POST /app/installations/{id}/access_tokens, under any API prefix.
func isTokenRequest(req *http.Request) bool {
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/access_tokens") {
		return false
	}
	_, rest, ok := strings.Cut(req.URL.Path, "/app/installations/")
	return ok && strings.Count(rest, "/") == 1
}

// refusedUnapplied tells the failures after which GitHub certainly did not apply the request:
// rate limits are answered before any work, and a connection never made carried nothing.
func refusedUnapplied(resp *http.Response, err error) bool {
	if err != nil {
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial"
	}
	return resp.StatusCode == http.StatusTooManyRequests || isRateLimited(resp)
}

// uncertain marks a transport error of a request that must not be resent blindly.
func uncertain(req *http.Request, err error) error {
	if err == nil || errorsIsContext(err) {
		return err
	}
	return fmt.Errorf("%s %s: %w: %w", req.Method, req.URL.Path, ErrUncertain, err)
}

// send makes one attempt, abandoning it when its answer takes longer than AttemptTimeout. The
// timer stops once the headers are in: the body (an archive) may take its time.
func (t *RetryTransport) send(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	if t.AttemptTimeout <= 0 {
		return base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	timer := time.AfterFunc(t.AttemptTimeout, cancel)
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if !timer.Stop() && req.Context().Err() == nil {
		if err == nil {
			resp.Body.Close() // cancelled with the attempt: unreadable
		}
		cancel()
		return nil, &AttemptTimeoutError{Method: req.Method, Path: req.URL.Path, After: t.AttemptTimeout}
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases an attempt's context with its body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// isUncertain tells whether a failed write may have been applied by GitHub: no answer, or a
// server error other than 501 Not Implemented.
func isUncertain(resp *github.Response, err error) bool {
	if errors.Is(err, ErrUncertain) {
		return true
	}
	status := statusOf(resp, err)
	return status >= 500 && status != http.StatusNotImplemented
}

// retryPolicy is the RetryTransport under the client, for the waits between the attempts of a
// write that the client, rather than the transport, repeats.
func (c *Client) retryPolicy() *RetryTransport {
	if rt, ok := c.retrying.(*RetryTransport); ok {
		return rt
	}
	return &RetryTransport{}
}

func (t *RetryTransport) attempts() int {
	if t.MaxAttempts > 0 {
		return t.MaxAttempts
	}
	return 5
}

// createOnce sends a write that GitHub does not deduplicate (creating a check run, an issue, a
// comment). When the answer leaves open whether GitHub applied it, it asks find whether the
// thing exists before sending again, so a lost answer costs a lookup rather than a duplicate.
// It returns the last error of send, wrapped with what, when no attempt is known to have
// succeeded.
func (c *Client) createOnce(ctx context.Context, what string, send func(context.Context) (*github.Response, error), find func(context.Context) (bool, error)) error {
	policy := c.retryPolicy()
	for attempt := 1; ; attempt++ {
		resp, err := send(ctx)
		if err == nil {
			return nil
		}
		if !isUncertain(resp, err) || attempt >= policy.attempts() {
			return apiError(what, resp, err)
		}
		if serr := policy.sleep(ctx, policy.backoff(attempt)); serr != nil {
			return apiError(what, resp, err)
		}
		found, ferr := find(ctx)
		if ferr != nil {
			return fmt.Errorf("%s: %w; looking for it afterwards: %w", what, err, ferr)
		}
		if found {
			return nil
		}
	}
}
