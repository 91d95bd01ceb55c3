package githubapp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/githubapp"
)

// TestRateLimitGate: once GitHub says to wait — X-RateLimit-Remaining: 0 until the reset, or a
// refusal with Retry-After — no request on the same credential leaves before the wait is over,
// other credentials are not held, and a wait beyond MaxWait fails without sending.
func TestRateLimitGate(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	type answer struct {
		status  int
		headers map[string]string
	}
	type call struct {
		auth        string        // the Authorization header
		wantStatus  int           // 0: a RateLimitError
		wantWait    time.Duration // slept by this call
		wantArrival time.Duration // when the server saw it, after start; -1 when never sent
	}
	spent := func(resetIn time.Duration) answer {
		return answer{200, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(start.Add(resetIn).Unix())}}
	}
	tests := []struct {
		name    string
		answers []answer // in order of arrival; the last one repeats
		calls   []call
	}{
		{
			name:    "an answer spending the budget comes back after the reset, so the next call goes out",
			answers: []answer{spent(5 * time.Second), {status: 200}},
			calls: []call{
				{auth: "token a", wantStatus: 200, wantWait: 6 * time.Second, wantArrival: 0},
				{auth: "token a", wantStatus: 200, wantWait: 0, wantArrival: 6 * time.Second},
			},
		},
		{
			name:    "a secondary refusal holds the credential's other calls, not another credential's",
			answers: []answer{{403, map[string]string{"Retry-After": "3"}}, {status: 200}},
			calls: []call{
				{auth: "token a", wantStatus: 403, wantWait: 0, wantArrival: 0},
				{auth: "token b", wantStatus: 200, wantWait: 0, wantArrival: 0},
				{auth: "token a", wantStatus: 200, wantWait: 3 * time.Second, wantArrival: 3 * time.Second},
			},
		},
		{
			name:    "the App's JWTs share one gate, a fresh JWT signing each request",
			answers: []answer{{429, map[string]string{"Retry-After": "2"}}, {status: 200}},
			calls: []call{
				{auth: "Bearer h.first.s", wantStatus: 429, wantWait: 0, wantArrival: 0},
				{auth: "Bearer h.second.s", wantStatus: 200, wantWait: 2 * time.Second, wantArrival: 2 * time.Second},
			},
		},
		{
			name:    "a wait beyond MaxWait fails without sending",
			answers: []answer{spent(2 * time.Hour), {status: 200}},
			calls: []call{
				{auth: "token a", wantStatus: 200, wantWait: 0, wantArrival: 0},
				{auth: "token a", wantStatus: 0, wantWait: 0, wantArrival: -1},
				{auth: "token b", wantStatus: 200, wantWait: 0, wantArrival: 0},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			now := start
			var arrivals []time.Duration
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				arrivals = append(arrivals, now.Sub(start))
				a := tt.answers[min(len(arrivals), len(tt.answers))-1]
				mu.Unlock()
				for k, v := range a.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(a.status)
				io.WriteString(w, `{"message":"ok"}`)
			}))
			defer srv.Close()
			var slept time.Duration
			transport := &githubapp.RetryTransport{
				MaxAttempts: 1, MaxWait: time.Minute,
				Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
				Sleep: func(_ context.Context, d time.Duration) error {
					mu.Lock()
					defer mu.Unlock()
					now = now.Add(d)
					slept += d
					return nil
				},
			}
			client := &http.Client{Transport: transport}
			for i, c := range tt.calls {
				mu.Lock()
				slept = 0
				sent := len(arrivals)
				mu.Unlock()
				req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", c.auth)
				resp, err := client.Do(req)
				if c.wantStatus == 0 {
					var rl *githubapp.RateLimitError
					if !errors.As(err, &rl) {
						t.Fatalf("call %d: err = %v, want a RateLimitError", i, err)
					}
				} else {
					if err != nil {
						t.Fatalf("call %d: %v", i, err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != c.wantStatus || string(body) != `{"message":"ok"}` {
						t.Errorf("call %d: HTTP %d %q, want %d with the body intact", i, resp.StatusCode, body, c.wantStatus)
					}
				}
				mu.Lock()
				gotWait, gotSent := slept, len(arrivals) > sent
				var arrival time.Duration
				if gotSent {
					arrival = arrivals[len(arrivals)-1]
				}
				mu.Unlock()
				if gotWait != c.wantWait {
					t.Errorf("call %d waited %s, want %s", i, gotWait, c.wantWait)
				}
				switch {
				case c.wantArrival < 0 && gotSent:
					t.Errorf("call %d was sent; GitHub asked to wait longer than MaxWait", i)
				case c.wantArrival >= 0 && !gotSent:
					t.Errorf("call %d was never sent", i)
				case c.wantArrival >= 0 && arrival != c.wantArrival:
					t.Errorf("call %d reached GitHub at +%s, want +%s", i, arrival, c.wantArrival)
				}
			}
		})
	}
}
