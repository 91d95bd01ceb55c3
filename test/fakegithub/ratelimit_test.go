package fakegithub_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/fakegithub"
)

// rateCall sends one request as token and returns the answer's status, headers and body.
func rateCall(t *testing.T, srv *fakegithub.Server, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

var checkRunBody = `{"name":"fourc","head_sha":"` + fakegithub.SHA("base") + `","status":"queued"}`

// rateStep is one request of a rate-limit scenario and what GitHub answers it.
type rateStep struct {
	method, path  string
	installation  int64
	after         time.Duration // pause before sending
	wantStatus    int
	wantRemaining string // X-RateLimit-Remaining; "" to skip
	wantMessage   string
	wantRetry     bool // a Retry-After header
}

func TestRateLimits(t *testing.T) {
	get := func(inst int64, status int, remaining string) rateStep {
		path := "/repos/acme/widgets"
		if inst == 8 {
			path = "/repos/other/thing"
		}
		return rateStep{method: "GET", path: path, installation: inst, wantStatus: status, wantRemaining: remaining}
	}
	// Each scenario starts with installation 7's budgets spent down to spend (the tokens'
	// creation spends the App's own budget, not the installations').
	tests := []struct {
		name           string
		limits         fakegithub.RateLimits
		spend          fakegithub.Spent
		steps          []rateStep
		wantViolations []string
	}{
		{
			name:   "primary budget spent answers 403 with Remaining 0, per installation",
			limits: fakegithub.RateLimits{Limit: 100, InFlightGrace: time.Second},
			spend:  fakegithub.Spent{PrimaryLeft: 2, PrimaryResetIn: time.Minute},
			steps: []rateStep{
				get(7, 200, "1"), get(7, 200, "0"),
				{method: "GET", path: "/repos/acme/widgets", installation: 7, wantStatus: 403, wantRemaining: "0", wantMessage: "API rate limit exceeded"},
				get(8, 200, "99"),
				// Within the grace: a request that was in flight when the answer left.
				get(7, 403, "0"),
			},
		},
		{
			name:   "or 429",
			limits: fakegithub.RateLimits{ExhaustedStatus: 429, InFlightGrace: time.Second},
			spend:  fakegithub.Spent{PrimaryLeft: 1, PrimaryResetIn: time.Minute},
			steps:  []rateStep{get(7, 200, "0"), get(7, 429, "0")},
		},
		{
			name:   "a request after the refusal and before the reset is a violation",
			limits: fakegithub.RateLimits{InFlightGrace: 10 * time.Millisecond},
			spend:  fakegithub.Spent{PrimaryLeft: 1, PrimaryResetIn: time.Minute},
			steps: []rateStep{
				get(7, 200, "0"), get(7, 403, "0"),
				{method: "GET", path: "/repos/acme/widgets", installation: 7, after: 50 * time.Millisecond, wantStatus: 403, wantRemaining: "0"},
			},
			wantViolations: []string{"GET /repos/acme/widgets: request sent"},
		},
		{
			name:   "the budget renews at the reset",
			limits: fakegithub.RateLimits{Limit: 10, Window: time.Minute, InFlightGrace: time.Second},
			spend:  fakegithub.Spent{PrimaryLeft: 1, PrimaryResetIn: time.Second},
			steps: []rateStep{
				get(7, 200, "0"),
				{method: "GET", path: "/repos/acme/widgets", installation: 7, after: 2100 * time.Millisecond, wantStatus: 200, wantRemaining: "9"},
			},
		},
		{
			name:   "content-creating requests over their budget are a secondary limit with Retry-After",
			limits: fakegithub.RateLimits{InFlightGrace: 10 * time.Millisecond},
			spend:  fakegithub.Spent{ContentLeft: 1, ContentResetIn: time.Minute},
			steps: []rateStep{
				{method: "POST", path: "/repos/acme/widgets/check-runs", installation: 7, wantStatus: 201},
				{method: "POST", path: "/repos/acme/widgets/check-runs", installation: 7, wantStatus: 403, wantMessage: "secondary rate limit", wantRetry: true},
				// Reads of another installation go on; this one's are told to wait.
				get(8, 200, "4999"),
				{method: "GET", path: "/repos/acme/widgets", installation: 7, after: 50 * time.Millisecond, wantStatus: 200},
			},
			wantViolations: []string{"GET /repos/acme/widgets: request sent"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, fakegithub.Options{RateLimits: &tt.limits})
			tokens := map[int64]string{7: installationToken(t, srv, 7), 8: installationToken(t, srv, 8)}
			srv.SpendRateLimits(7, tt.spend)
			for i, st := range tt.steps {
				time.Sleep(st.after)
				body := ""
				if st.method == "POST" {
					body = checkRunBody
				}
				status, h, got := rateCall(t, srv, st.method, st.path, tokens[st.installation], body)
				if status != st.wantStatus || !strings.Contains(got, st.wantMessage) {
					t.Fatalf("step %d %s %s: HTTP %d %s, want %d with %q", i, st.method, st.path, status, got, st.wantStatus, st.wantMessage)
				}
				if st.wantRemaining != "" && h.Get("X-RateLimit-Remaining") != st.wantRemaining {
					t.Errorf("step %d: X-RateLimit-Remaining %q, want %q", i, h.Get("X-RateLimit-Remaining"), st.wantRemaining)
				}
				limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
				remaining, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
				used, _ := strconv.Atoi(h.Get("X-RateLimit-Used"))
				reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
				if limit == 0 || used+remaining != limit || err != nil || reset < time.Now().Unix() || h.Get("X-RateLimit-Resource") != "core" {
					t.Errorf("step %d: rate-limit headers %v are not GitHub's", i, h)
				}
				if retry := h.Get("Retry-After"); (retry != "") != st.wantRetry {
					t.Errorf("step %d: Retry-After %q, want one: %v", i, retry, st.wantRetry)
				}
			}
			var got []string
			for _, v := range srv.Violations() {
				got = append(got, v.String())
			}
			if len(got) != len(tt.wantViolations) {
				t.Fatalf("violations %q, want %d like %q", got, len(tt.wantViolations), tt.wantViolations)
			}
			for i, want := range tt.wantViolations {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("violation %q, want %q", got[i], want)
				}
			}
		})
	}
}

// TestRateLimitConcurrency: a request beyond MaxConcurrent in flight is refused as a secondary
// limit with Retry-After, and the most requests seen in flight is reported.
func TestRateLimitConcurrency(t *testing.T) {
	srv := newServer(t, fakegithub.Options{RateLimits: &fakegithub.RateLimits{MaxConcurrent: 1, ConcurrencyRetryAfter: 2 * time.Second}})
	token := installationToken(t, srv, 7)
	srv.DelayNext("GET", "/repos/acme/widgets", 500*time.Millisecond, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if status, _, body := rateCall(t, srv, "GET", "/repos/acme/widgets", token, ""); status != 200 {
			t.Errorf("the request in flight: HTTP %d %s", status, body)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	status, h, body := rateCall(t, srv, "GET", "/repos/acme/widgets/branches/main", token, "")
	wg.Wait()
	if status != 403 || h.Get("Retry-After") != "2" || !strings.Contains(body, "secondary rate limit") {
		t.Errorf("second request in flight: HTTP %d Retry-After %q %s, want 403 secondary with Retry-After 2", status, h.Get("Retry-After"), body)
	}
	if st := srv.RateLimitStats(); st.MaxConcurrent != 2 || st.ConcurrencyRefused != 1 {
		t.Errorf("stats %+v, want 2 in flight at most and 1 refused", st)
	}
}

// TestRateLimitsSpentAndOff: SpendRateLimits leaves the budget a test asks for; without
// Options.RateLimits nothing is limited or announced.
func TestRateLimitsSpentAndOff(t *testing.T) {
	limited := newServer(t, fakegithub.Options{RateLimits: &fakegithub.RateLimits{}})
	token := installationToken(t, limited, 7)
	limited.SpendRateLimits(7, fakegithub.Spent{PrimaryLeft: 1, PrimaryResetIn: time.Minute})
	if status, h, _ := rateCall(t, limited, "GET", "/repos/acme/widgets", token, ""); status != 200 || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Limit") != "5000" {
		t.Errorf("last request of the budget: HTTP %d, headers %v", status, h)
	}
	if status, _, _ := rateCall(t, limited, "GET", "/repos/acme/widgets", token, ""); status != 403 {
		t.Errorf("request over the spent budget: HTTP %d, want 403", status)
	}
	if st := limited.RateLimitStats(); st.Exhausted != 1 || st.PrimaryRefused != 1 {
		t.Errorf("stats %+v, want one exhausted window and one refusal", st)
	}

	open := newServer(t, fakegithub.Options{})
	token = installationToken(t, open, 7)
	for range 3 {
		if status, h, _ := rateCall(t, open, "GET", "/repos/acme/widgets", token, ""); status != 200 || h.Get("X-RateLimit-Limit") != "" {
			t.Errorf("without rate limits: HTTP %d, headers %v", status, h)
		}
	}
	if st := open.RateLimitStats(); st != (fakegithub.RateLimitStats{}) {
		t.Errorf("stats %+v without rate limits", st)
	}
}
