// Command appbench benchmarks the GitHub App on loopback and prints Markdown tables;
// test/bench/app.sh drives it. It measures:
//
//   - the webhook handler under an open-loop load (test/loadgen: a fixed schedule of -rate
//     requests per second for -duration, bounded in count, time and concurrency; -forged and
//     -duplicates of them forged or re-sent) with the bbolt store and with DynamoDB on
//     dynalite, against the fake GitHub: the answers by kind, latency percentiles of the valid
//     deliveries from each request's scheduled time (so a stall cannot hide queued requests),
//     throughput, and the time the handler spends in the store's dedupe write and in the
//     fake's check-run creation;
//   - the end-to-end time from a pull-request webhook to the completed check, with the
//     examples/demo tree as the pull request's commit;
//   - the webhook bootstrap's size (linux/arm64 and linux/amd64, -s -w) and its cold start
//     through the Lambda Runtime API stand-in (process start to the first event handled).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

type options struct {
	rate      int
	duration  time.Duration
	e2eRuns   int
	coldRuns  int
	repo      string
	skipLoad  bool
	skipBuild bool
	skipE2E   bool
	repeat    int
	stores    string
	profile   string
	// forged and duplicates are the load's shares of forged and re-sent deliveries.
	forged, duplicates float64
}

func main() {
	var o options
	testingInit() // the fake GitHub and dynalite harnesses read testing's flags
	flag.IntVar(&o.rate, "rate", 200, "webhook requests per second")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "length of each load run")
	flag.IntVar(&o.e2eRuns, "e2e-runs", 5, "end-to-end runs per store")
	flag.IntVar(&o.coldRuns, "cold-runs", 5, "cold starts of the webhook bootstrap")
	flag.StringVar(&o.repo, "repo", ".", "fourc's repository root")
	flag.BoolVar(&o.skipLoad, "skip-load", false, "skip the load runs")
	flag.BoolVar(&o.skipBuild, "skip-lambda", false, "skip the bootstrap size and cold start")
	flag.BoolVar(&o.skipE2E, "skip-e2e", false, "skip the end-to-end runs")
	flag.IntVar(&o.repeat, "repeat", 1, "load runs per store, alternating stores (each reported with the machine's stall)")
	flag.StringVar(&o.stores, "stores", "bolt,dynalite", "stores to measure, comma-separated")
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the load runs to this file")
	flag.Float64Var(&o.forged, "forged", 0.15, "share of forged deliveries in the load")
	flag.Float64Var(&o.duplicates, "duplicates", 0.15, "share of deliveries re-sending one already answered")
	flag.Parse()
	if o.rate <= 0 || o.rate > 5000 || o.duration <= 0 || o.duration > 10*time.Minute || o.repeat < 1 || o.repeat > 10 ||
		o.forged < 0 || o.duplicates < 0 || o.forged+o.duplicates >= 1 {
		fmt.Fprintln(os.Stderr, "appbench: -rate must be 1..5000, -duration at most 10m, -repeat 1..10, -forged and -duplicates shares summing below 1")
		os.Exit(2)
	}
	tb := newTB("appbench")
	defer tb.cleanup()
	if err := run(tb, o); err != nil {
		tb.cleanup()
		fmt.Fprintln(os.Stderr, "appbench:", err)
		os.Exit(1)
	}
}

func run(tb *benchTB, o options) error {
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("## fourc GitHub App benchmarks\n\n")
	fmt.Printf("Machine: %d cores, %s, %s/%s; load average before: %s.\n\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	w, err := newWorld(tb, o.repo)
	if err != nil {
		return err
	}
	if !o.skipLoad {
		if err := benchWebhook(tb, w, o); err != nil {
			return err
		}
	}
	if !o.skipE2E {
		if err := benchEndToEnd(tb, w, o); err != nil {
			return err
		}
	}
	if !o.skipBuild {
		if err := benchLambda(tb, w, o); err != nil {
			return err
		}
	}
	if v := w.gh.Violations(); len(v) > 0 {
		return fmt.Errorf("the fake GitHub saw %d contract violations, first: %s", len(v), v[0])
	}
	return nil
}
