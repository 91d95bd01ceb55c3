package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/fourcsec/fourc/test/fakegithub"
	"github.com/fourcsec/fourc/test/loadgen"
	"github.com/fourcsec/fourc/test/webhooks"
)

// loadResult is one open-loop run.
type loadResult struct {
	store   string
	run     int
	sent    int
	dropped int
	elapsed time.Duration
	tally   loadgen.Tally
	// latency is the valid deliveries', from each request's scheduled time to its answer: the
	// full path the targets are about (forged and re-sent deliveries answer before any write).
	latency        []time.Duration
	record, create []time.Duration // time in RecordDelivery and CreateCheckRun
	pressure       string          // the machine's CPU and IO stall during the run
}

// openLoop POSTs n deliveries to url on a fixed schedule of rate per second — tmpl with a
// delivery id of its own, or forged, or re-sending one already answered, in the shares o asks
// for — and waits (bounded) for the answers.
func openLoop(client *http.Client, url string, tmpl webhooks.Delivery, o options, n int, idPrefix string) (loadResult, error) {
	mix, err := loadgen.NewWebhookMix(loadgen.MixOptions{URL: url, Secret: secret, ForgedShare: o.forged, DuplicateShare: o.duplicates, IDPrefix: idPrefix, Seed: 1},
		[]loadgen.Template{{Event: tmpl.Event, Body: tmpl.Body}})
	if err != nil {
		return loadResult{}, err
	}
	run, err := loadgen.OpenLoop(context.Background(), loadgen.Options{Rate: o.rate, Count: n, MaxInFlight: maxInFlight, Client: client}, mix.Request, mix.Record)
	if err != nil {
		return loadResult{}, err
	}
	res := loadResult{sent: run.Sent, dropped: run.Dropped, elapsed: run.Elapsed, tally: mix.Tally()}
	for _, d := range mix.Deliveries() {
		if d.Kind == loadgen.Valid {
			res.latency = append(res.latency, d.Latency)
		}
	}
	return res, nil
}

// maxInFlight bounds the load generator's concurrency (see loadgen.Options.MaxInFlight).
const maxInFlight = loadgen.DefaultMaxInFlight

// unexpected counts the answers that are not what each kind of delivery should get.
func (r loadResult) unexpected() int {
	t := r.tally
	return r.sent - t.Accepted - t.Rejected - t.Suppressed
}

func benchWebhook(tb *benchTB, w *world, o options) error {
	n := o.rate * int(o.duration/time.Second)
	fmt.Printf("### Webhook handler under load\n\n")
	fmt.Printf("Open loop on loopback (test/loadgen): %d requests per second for %s (%d requests, at most %d in flight). %.0f%% are a signed real `pull_request.opened` payload with a delivery id of its own: HMAC check, durable dedupe write, check-run creation at the fake GitHub over HTTP (installation token cached), enqueue in the in-process queue (drained by a no-op worker). %.0f%% are forged (five ways: wrong secret, body altered, no signature, SHA-1, truncated), answered 401 before any write; %.0f%% re-send a delivery already answered, answered 200 after the dedupe lookup. Latency percentiles are the valid deliveries', from each request's scheduled send time to its answer. Two seconds of the same load warm each run up (connections, token cache, dynalite's JIT); each run has a fresh App and store.\n\n",
		o.rate, o.duration, n, maxInFlight, 100*(1-o.forged-o.duplicates), 100*o.forged, 100*o.duplicates)
	var results []loadResult
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for i := range o.repeat {
		for _, kind := range strings.Split(o.stores, ",") {
			r, err := loadRun(w, kind, o, n, i)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	target := map[string]time.Duration{"bolt": 15 * time.Millisecond, "dynalite": 30 * time.Millisecond}
	fmt.Println("| store (run) | sent | 202 (valid) | 401 (forged) | 200 (duplicate suppressed) | other | dropped | throughput | p50 | p90 | p99 | max | p99 target | dedupe write p50 / p99 | fake GitHub check-run creation p50 / p99 | machine stall during the run (CPU, IO) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
	for _, r := range results {
		verdict := "met"
		if p := percentile(r.latency, 99); p > target[r.store] || r.unexpected() > 0 || r.dropped > 0 {
			verdict = "**missed**"
		}
		fmt.Printf("| %s (%d) | %d | %d | %d | %d | %d | %d | %.0f req/s | %s | %s | %s | %s | ≤ %s: %s | %s / %s | %s / %s | %s |\n",
			r.store, r.run, r.sent, r.tally.Accepted, r.tally.Rejected, r.tally.Suppressed, r.unexpected(), r.dropped, float64(r.sent)/r.elapsed.Seconds(),
			ms(percentile(r.latency, 50)), ms(percentile(r.latency, 90)), ms(percentile(r.latency, 99)), ms(percentile(r.latency, 100)),
			ms(target[r.store]), verdict,
			ms(percentile(r.record, 50)), ms(percentile(r.record, 99)), ms(percentile(r.create, 50)), ms(percentile(r.create, 99)), r.pressure)
	}
	fmt.Println()
	fmt.Println("The stall column is Linux's pressure stall information over the run: the share of the time in which some task on the machine (this benchmark's or another's) waited for CPU, or for IO. On a shared machine it tells a run slowed by other work from one slowed by fourc.")
	fmt.Println()
	return nil
}

// loadRun measures one store once, on a fresh App and store.
func loadRun(w *world, kind string, o options, n, run int) (loadResult, error) {
	in, err := w.newInstance(kind, false)
	if err != nil {
		return loadResult{}, err
	}
	defer in.stop()
	srv := httptest.NewServer(in.app.WebhookHandler())
	defer srv.Close()
	client := loadgen.NewClient(maxInFlight)
	defer client.CloseIdleConnections()
	tmpl, err := prDelivery("template", 1, w.headSHA, w.baseSHA)
	if err != nil {
		return loadResult{}, err
	}
	prefix := kind + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	// Two seconds at the full rate warm up connections, the token cache and dynalite's JIT.
	warm, err := openLoop(client, srv.URL+"/webhook", tmpl, o, 2*o.rate, prefix+"warm-")
	if err != nil {
		return loadResult{}, err
	}
	if warm.sent != 2*o.rate || warm.unexpected() > 0 {
		return loadResult{}, fmt.Errorf("%s warm-up: %d of %d sent, %d answered other than their kind asks", kind, warm.sent, 2*o.rate, warm.unexpected())
	}
	in.create.reset()
	in.record.reset()
	fmt.Fprintf(os.Stderr, "appbench: webhook load on %s, run %d (%s)\n", kind, run+1, o.duration)
	stall := loadgen.StartStall()
	r, err := openLoop(client, srv.URL+"/webhook", tmpl, o, n, prefix)
	if err != nil {
		return loadResult{}, err
	}
	r.store, r.run, r.record, r.create, r.pressure = kind, run+1, in.record.all(), in.create.all(), stall.String()
	in.queue.Wait()
	return r, nil
}

var checkRunID = regexp.MustCompile(`\(check run (\d+)\)`)

// benchEndToEnd times webhook → completed check on examples/demo: each run is a new pull
// request whose base and head are fresh commits (same trees), so no earlier scan is reused.
func benchEndToEnd(tb *benchTB, w *world, o options) error {
	fmt.Printf("### Webhook to completed check, examples/demo\n\n")
	fmt.Printf("A pull request whose head is the examples/demo tree (%d files) and whose base holds a README; each run uses fresh commits, so the base is scanned too (no cached baseline). All scanners of `analyzers.All` run, the Go analyzers and the dependency scanner included, the latter against an empty local vulnerability database so that no network is involved. Timed from the webhook POST to the fake GitHub holding the completed check; polled every millisecond.\n\n", len(w.demo))
	fmt.Println("| store | runs | median | min | max | conclusion | annotations | target |")
	fmt.Println("|---|---:|---:|---:|---:|---|---:|---|")
	for _, kind := range strings.Split(o.stores, ",") {
		in, err := w.newInstance(kind, true)
		if err != nil {
			return err
		}
		srv := httptest.NewServer(in.app.WebhookHandler())
		var times []time.Duration
		var last fakegithub.CheckRun
		for i := range o.e2eRuns {
			seed := fmt.Sprintf("%s-%d-%d", kind, i, time.Now().UnixNano())
			base, head := fakegithub.SHA("base "+seed), fakegithub.SHA("head "+seed)
			w.gh.AddCommit(repoFull, base, map[string]string{"README.md": "# demo\n"})
			w.gh.AddCommit(repoFull, head, w.demo)
			number := 100 + i
			w.gh.AddPullRequest(repoFull, fakegithub.PullRequest{Number: number, HeadSHA: head, BaseSHA: base})
			d, err := prDelivery(seed, number, head, base)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			req, err := d.Request(ctx, srv.URL+"/webhook")
			if err != nil {
				cancel()
				return err
			}
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				cancel()
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			cancel()
			m := checkRunID.FindSubmatch(body)
			if resp.StatusCode != http.StatusAccepted || m == nil {
				return fmt.Errorf("%s end-to-end webhook: HTTP %d %q", kind, resp.StatusCode, body)
			}
			id, _ := strconv.ParseInt(string(m[1]), 10, 64)
			deadline := start.Add(60 * time.Second)
			for {
				run, ok := w.gh.CheckRunByID(id)
				if ok && run.Status == "completed" {
					times = append(times, time.Since(start))
					last = run
					break
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("%s: check run %d not completed within 60s", kind, id)
				}
				time.Sleep(time.Millisecond)
			}
		}
		srv.Close()
		in.queue.Wait()
		in.stop()
		verdict := "≤ 5 s: met"
		if percentile(times, 50) > 5*time.Second {
			verdict = "≤ 5 s: **missed**"
		}
		fmt.Printf("| %s | %d | %s | %s | %s | %s | %d | %s |\n", kind, len(times),
			ms(percentile(times, 50)), ms(percentile(times, 0)), ms(percentile(times, 100)), last.Conclusion, len(last.Annotations), verdict)
	}
	fmt.Println()
	return nil
}
