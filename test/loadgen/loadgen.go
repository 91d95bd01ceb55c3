// Package loadgen drives an HTTP endpoint with a bounded open-loop load, for the load tests
// and the benchmarks: requests leave on a fixed schedule whatever the answers, so a slow
// server shows as latency (measured from each request's scheduled time) and as drops, never as
// a client that politely slowed down. The load is bounded in count, in time per request and in
// requests in flight.
package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// DefaultMaxInFlight bounds the requests in flight unless Options say otherwise.
const DefaultMaxInFlight = 512

// Options configure a run.
type Options struct {
	// Rate is the requests per second; Count the requests in all.
	Rate, Count int
	// MaxInFlight bounds concurrency (default DefaultMaxInFlight): a request that would exceed
	// it is dropped and counted, so a stalled server costs drops rather than unbounded
	// goroutines.
	MaxInFlight int
	// Timeout bounds each request (default 10 s, GitHub's own webhook timeout).
	Timeout time.Duration
	// Client sends the requests (default a client whose pool holds MaxInFlight connections).
	Client *http.Client
}

// Answer is the outcome of one request.
type Answer struct {
	Index int
	// Status is the HTTP status, 0 when no answer came (Err says why).
	Status int
	Err    error
	// Body is the start of the answer's body (at most 256 bytes), whitespace trimmed.
	Body string
	// Latency runs from the request's scheduled time to the end of its answer.
	Latency time.Duration
}

// Run sums up an open-loop run.
type Run struct {
	Sent, Dropped int
	// Elapsed runs from the first scheduled send to the last answer.
	Elapsed time.Duration
	// Latencies are the sent requests', in the order their answers came.
	Latencies []time.Duration
}

// Builder makes the i-th request. It is called in order, from one goroutine, at the request's
// scheduled time, so it should be quick.
type Builder func(ctx context.Context, i int) (*http.Request, error)

// OpenLoop sends o.Count requests at o.Rate per second and waits for their answers (each within
// o.Timeout). answered, if not nil, sees every answer; its calls never overlap. Cancelling ctx
// stops the schedule and the requests in flight.
func OpenLoop(ctx context.Context, o Options, build Builder, answered func(Answer)) (Run, error) {
	if o.Rate <= 0 || o.Count < 0 {
		return Run{}, fmt.Errorf("loadgen: rate %d and count %d: want a positive rate", o.Rate, o.Count)
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	client := o.Client
	if client == nil {
		client = NewClient(o.MaxInFlight)
		defer client.CloseIdleConnections()
	}
	interval := time.Second / time.Duration(o.Rate)
	run := Run{Latencies: make([]time.Duration, 0, o.Count)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	inFlight := make(chan struct{}, o.MaxInFlight)
	start := time.Now().Add(20 * time.Millisecond)
	var buildErr error
schedule:
	for i := range o.Count {
		at := start.Add(time.Duration(i) * interval)
		select {
		case <-ctx.Done():
			break schedule
		case <-time.After(time.Until(at)):
		}
		select {
		case inFlight <- struct{}{}:
		default:
			run.Dropped++
			continue
		}
		reqCtx, cancel := context.WithTimeout(ctx, o.Timeout)
		req, err := build(reqCtx, i)
		if err != nil {
			cancel()
			<-inFlight
			buildErr = fmt.Errorf("loadgen: build request %d: %w", i, err)
			break
		}
		run.Sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-inFlight }()
			defer cancel()
			a := send(client, req, i)
			a.Latency = time.Since(at)
			mu.Lock()
			defer mu.Unlock()
			run.Latencies = append(run.Latencies, a.Latency)
			if answered != nil {
				answered(a)
			}
		}()
	}
	wg.Wait()
	run.Elapsed = time.Since(start)
	return run, buildErr
}

func send(client *http.Client, req *http.Request, i int) Answer {
	resp, err := client.Do(req)
	if err != nil {
		return Answer{Index: i, Err: err}
	}
	defer resp.Body.Close()
	head, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return Answer{Index: i, Status: resp.StatusCode, Err: err, Body: string(bytes.TrimSpace(head))}
}

// NewClient is an HTTP client whose pool keeps maxConns connections, so an open loop reuses
// them instead of opening (and leaving in TIME_WAIT) one per request.
func NewClient(maxConns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = maxConns, maxConns
	return &http.Client{Transport: t}
}

// Percentile returns the p-th percentile (0..100) of ds by the nearest-rank method; 0 for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[min(max(rank, 0), len(s)-1)]
}
