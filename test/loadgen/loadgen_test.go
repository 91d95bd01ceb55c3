package loadgen_test

import (
	"context"
	"crypto/hmac"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fourcsec/fourc/test/loadgen"
	"github.com/fourcsec/fourc/test/webhooks"
)

func TestOpenLoopKeepsItsScheduleAndBounds(t *testing.T) {
	tests := []struct {
		name        string
		count       int
		maxInFlight int
		hold        bool // the server answers nothing until the schedule is over
		wantSent    int
		wantDropped int
	}{
		{"answers in time", 20, 4, false, 20, 0},
		{"a stalled server costs drops, not goroutines", 20, 4, true, 4, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.hold {
					<-release
				}
				io.WriteString(w, " ok \n")
			}))
			defer srv.Close()
			if tt.hold {
				// The schedule lasts count/rate; release the held requests after it.
				time.AfterFunc(300*time.Millisecond, func() { close(release) })
			}
			var answers []loadgen.Answer
			build := func(ctx context.Context, i int) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			}
			run, err := loadgen.OpenLoop(context.Background(), loadgen.Options{Rate: 100, Count: tt.count, MaxInFlight: tt.maxInFlight}, build,
				func(a loadgen.Answer) { answers = append(answers, a) })
			if err != nil {
				t.Fatal(err)
			}
			if run.Sent != tt.wantSent || run.Dropped != tt.wantDropped || len(answers) != tt.wantSent || len(run.Latencies) != tt.wantSent {
				t.Fatalf("sent %d, dropped %d, %d answers, %d latencies; want %d sent and answered, %d dropped",
					run.Sent, run.Dropped, len(answers), len(run.Latencies), tt.wantSent, tt.wantDropped)
			}
			for _, a := range answers {
				if a.Status != http.StatusOK || a.Body != "ok" || a.Err != nil || a.Latency <= 0 {
					t.Errorf("answer %d: HTTP %d %q %v in %s", a.Index, a.Status, a.Body, a.Err, a.Latency)
				}
			}
			// 20 requests at 100/s take 190 ms from the first to the last scheduled send.
			if run.Elapsed < 190*time.Millisecond {
				t.Errorf("the run took %s, faster than its schedule", run.Elapsed)
			}
		})
	}
}

func TestPercentileNearestRank(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for p, want := range map[float64]time.Duration{0: 1, 50: 5, 90: 9, 99: 10, 100: 10} {
		if got := loadgen.Percentile(ds, p); got != want {
			t.Errorf("p%.0f = %d, want %d", p, got, want)
		}
	}
	if got := loadgen.Percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %d, want 0", got)
	}
}

// TestWebhookMix runs a mix against an endpoint that checks signatures and dedupes ids as the
// App does: valid deliveries are accepted, every forgery is refused, and re-sends carry the id
// and the very bytes of a delivery already answered.
func TestWebhookMix(t *testing.T) {
	const secret = "mix secret"
	var mu sync.Mutex
	seen := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(webhooks.Sign(secret, body))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		id := r.Header.Get("X-GitHub-Delivery")
		if first, ok := seen[id]; ok {
			if string(first) != string(body) {
				t.Errorf("delivery %s re-sent with another body", id)
			}
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "duplicate delivery\n")
			return
		}
		seen[id] = body
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	templates := []loadgen.Template{
		{Event: "pull_request", Body: []byte(`{"action":"opened","number":1}`)},
		{Event: "push", Body: []byte(`{"ref":"refs/heads/main"}`)},
	}
	mix, err := loadgen.NewWebhookMix(loadgen.MixOptions{URL: srv.URL, Secret: secret, ForgedShare: 0.2, DuplicateShare: 0.2, IDPrefix: "t-", Seed: 3}, templates)
	if err != nil {
		t.Fatal(err)
	}
	run, err := loadgen.OpenLoop(context.Background(), loadgen.Options{Rate: 1000, Count: 300}, mix.Request, mix.Record)
	if err != nil {
		t.Fatal(err)
	}
	tally := mix.Tally()
	sent := tally.Sent[loadgen.Valid] + tally.Sent[loadgen.Forged] + tally.Sent[loadgen.Duplicate]
	if run.Sent != 300 || sent != 300 {
		t.Fatalf("sent %d (tally %d), want 300", run.Sent, sent)
	}
	for _, k := range []loadgen.Kind{loadgen.Valid, loadgen.Forged, loadgen.Duplicate} {
		if n := tally.Sent[k]; n < 30 {
			t.Errorf("%d %s deliveries of 300, want about their share", n, k)
		}
	}
	if tally.Accepted != tally.Sent[loadgen.Valid] || tally.Rejected != tally.Sent[loadgen.Forged] || tally.Suppressed != tally.Sent[loadgen.Duplicate] ||
		tally.DuplicatesOther+tally.ServerErrors+tally.NoAnswer != 0 {
		t.Errorf("tally %+v: want every valid accepted, every forged rejected, every duplicate suppressed", tally)
	}
	forgeries := map[string]bool{}
	valid := map[string]bool{}
	for _, d := range mix.Deliveries() {
		switch d.Kind {
		case loadgen.Forged:
			forgeries[d.Forgery] = true
		case loadgen.Valid:
			valid[d.ID] = true
		case loadgen.Duplicate:
			if !valid[d.ID] {
				t.Errorf("duplicate %s re-sends no valid delivery sent before it", d.ID)
			}
		}
	}
	if len(forgeries) != len(loadgen.Forgeries) {
		t.Errorf("forgeries used: %v, want all of %v", forgeries, loadgen.Forgeries)
	}
}
