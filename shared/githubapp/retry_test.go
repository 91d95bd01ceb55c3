package githubapp_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fourcsec/fourc/shared/githubapp"
)

func TestRetryTransport(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	type answer struct {
		status  int
		headers map[string]string
		body    string
	}
	tests := []struct {
		name      string
		method    string // default POST
		answers   []answer
		wantCode  int
		wantErr   string
		wantWaits []time.Duration // exact waits where GitHub dictates them; nil to skip
		wantCalls int
	}{
		{"502 then success", "PATCH", []answer{{status: 502}, {status: 200}}, 200, "", nil, 2},
		// GitHub may have created what a POST asked for before the 502: the caller must look.
		{"POST 502 is not resent", "", []answer{{status: 502}, {status: 201}}, 502, "", nil, 1},
		{"429 with Retry-After", "", []answer{{429, map[string]string{"Retry-After": "7"}, ""}, {status: 201}}, 201, "", []time.Duration{7 * time.Second}, 2},
		{"secondary rate limit 403", "", []answer{{403, map[string]string{"Retry-After": "3"}, `{"message":"You have exceeded a secondary rate limit"}`}, {status: 200}}, 200, "", []time.Duration{3 * time.Second}, 2},
		{"primary rate limit waits until reset", "", []answer{{403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(now.Add(20 * time.Second).Unix())}, `{"message":"API rate limit exceeded"}`}, {status: 200}}, 200, "", []time.Duration{21 * time.Second}, 2},
		{"permission 403 is final", "", []answer{{403, nil, `{"message":"Resource not accessible by integration"}`}}, 403, "", nil, 1},
		{"404 is final", "", []answer{{status: 404}}, 404, "", nil, 1},
		{"wait beyond MaxWait gives up", "", []answer{{429, map[string]string{"Retry-After": "3600"}, ""}}, 0, "retry in 1h0m0s", nil, 1},
		{"5xx forever ends after MaxAttempts", "GET", []answer{{status: 500}, {status: 500}, {status: 500}}, 500, "", nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if string(body) != `{"name":"fourc"}` {
					t.Errorf("attempt %d got body %q; retries must resend it", calls.Load()+1, body)
				}
				a := tt.answers[min(int(calls.Add(1))-1, len(tt.answers)-1)]
				for k, v := range a.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(a.status)
				io.WriteString(w, a.body)
			}))
			defer srv.Close()
			var waits []time.Duration
			client := &http.Client{Transport: &githubapp.RetryTransport{
				MaxAttempts: 3, MaxWait: time.Minute, Now: func() time.Time { return now },
				Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
			}}
			req, err := http.NewRequest(cmp.Or(tt.method, http.MethodPost), srv.URL, strings.NewReader(`{"name":"fourc"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if tt.wantErr != "" {
				var rl *githubapp.RateLimitError
				if err == nil || !errors.As(err, &rl) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a RateLimitError containing %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != tt.wantCode {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantCode)
				}
				if b, _ := io.ReadAll(resp.Body); tt.answers[len(tt.answers)-1].body != "" && string(b) != tt.answers[len(tt.answers)-1].body && resp.StatusCode >= 400 {
					t.Errorf("final body %q lost", b)
				}
			}
			if int(calls.Load()) != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
			if tt.wantWaits != nil && fmt.Sprint(waits) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits = %v, want %v", waits, tt.wantWaits)
			}
		})
	}
}
