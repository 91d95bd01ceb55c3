#!/usr/bin/env bash
# Writes docs/bench.md and docs/bench-pr-size.svg, the one report of `make bench`:
#
#  - scan time, CPU time and peak memory of the real bin/fourc on pull requests of 1, 10 and 100
#    changed Go files and on a manifest-only one, and a full scan, in a real repository
#    (prometheus/alertmanager, fetched through the module proxy and committed into a scratch git
#    repository under .cache/bench/prsize; test/bench/prsize measures it);
#  - the webhook latency of the GitHub App, read from test/bench/app.sh's report;
#  - the key rows of the peer comparisons (secrets, k8s, iac, gosec, deps .sh), read from the
#    reports those scripts leave in .cache/bench.
#
#   test/bench/prsize.sh        (after `make build`; `make bench` does both)
#
# Environment:
#   BENCH_RUNS     timed runs per scenario, median reported (default 3)
#   BENCH_MODULE   module@version to scan (default github.com/prometheus/alertmanager@v0.27.0)
#   BENCH_PEERS    1: run every peer script first (each installs its tool on first use; long);
#                  0: only read the reports that exist; unset: run a peer script only when its
#                  tool is installed and its report missing, and app.sh (short) when its report
#                  is missing
#   BENCH_VULNDB   directory of OSV files (default ../shared/vulndb/osv beside the repository), so
#                  that the dependency scanner reads no network
#   BENCH_REPORT_ONLY=1  write the report again from the last measurements without measuring
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
export GOTOOLCHAIN=local
bin=$repo/.cache/bin
work=$repo/.cache/bench/prsize
runs=${BENCH_RUNS:-3}
module=${BENCH_MODULE:-github.com/prometheus/alertmanager@v0.27.0}
vulndb=${BENCH_VULNDB:-$repo/../shared/vulndb/osv}

log() { echo "prsize.sh: $*" >&2; }

case ${BENCH_PEERS:-} in
  1) run=all ;;
  0) run=none ;;
  "") run=missing ;;
  *) log "BENCH_PEERS=$BENCH_PEERS: want 1, 0 or unset"; exit 2 ;;
esac

[[ -x $repo/bin/fourc ]] || { log "no bin/fourc: run make build first"; exit 1; }
[[ -d $vulndb ]] || { log "no OSV snapshot at $vulndb (set BENCH_VULNDB)"; exit 1; }
mkdir -p "$bin" "$work"

log "building the driver"
# -mod=readonly: the driver is built from the repository, whose go.mod must never be rewritten.
go build -mod=readonly -o "$bin/prsize" ./test/bench/prsize

if [[ ${BENCH_REPORT_ONLY:-} != 1 ]]; then
  "$bin/prsize" measure -repo "$repo" -fourc "$repo/bin/fourc" -vulndb "$vulndb" -module "$module" \
    -runs "$runs" -work "$work" -out "$work/results.json"
fi
"$bin/prsize" report -repo "$repo" -results "$work/results.json" -run "$run" \
  -out "$repo/docs/bench.md" -svg "$repo/docs/bench-pr-size.svg"
