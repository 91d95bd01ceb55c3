#!/usr/bin/env bash
# Benchmarks the GitHub App on loopback and prints a Markdown report (test/bench/appbench):
# webhook handler latency and throughput under an open-loop load (test/loadgen, the generator
# of the load tests) of valid, forged and re-sent deliveries with the bbolt store and with
# DynamoDB on dynalite, against the fake GitHub; webhook-to-completed-check time on
# examples/demo; the webhook bootstrap's size (linux/arm64, linux/amd64) and cold start through
# the Lambda Runtime API stand-in.
#
#   test/bench/app.sh [RATE [DURATION]]     default 200 requests/s for 30s
#
# Environment: APP_BENCH_REPEAT (load runs per store, alternating; default 1), APP_BENCH_E2E_RUNS
# (default 5), APP_BENCH_COLD_RUNS (default 5), APP_BENCH_FORGED and APP_BENCH_DUPLICATES (the
# load's shares of forged and re-sent deliveries; default 0.15 each). Needs node (for
# dynalite; `npm ci --prefix infra` runs on first use). The report is also written to
# .cache/bench/app/report.md.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
export GOTOOLCHAIN=local
rate=${1:-200}
duration=${2:-30s}
out=$repo/.cache/bench/app
mkdir -p "$out" "$repo/.cache/bin"

echo "building the driver" >&2
go build -o "$repo/.cache/bin/appbench" ./test/bench/appbench
"$repo/.cache/bin/appbench" -repo "$repo" -rate "$rate" -duration "$duration" -repeat "${APP_BENCH_REPEAT:-1}" \
  -forged "${APP_BENCH_FORGED:-0.15}" -duplicates "${APP_BENCH_DUPLICATES:-0.15}" \
  -e2e-runs "${APP_BENCH_E2E_RUNS:-5}" -cold-runs "${APP_BENCH_COLD_RUNS:-5}" | tee "$out/report.md"
