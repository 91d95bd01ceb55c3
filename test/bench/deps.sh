#!/usr/bin/env bash
# Benchmark fourc's dependency scanner against govulncheck on real modules at versions with
# known vulnerabilities, fetched through the module proxy, both reading the same snapshot of the
# Go vulnerability database (turned into a v1 database by `depsbench vulndb`). Prints Markdown:
# the vulnerability ids each tool reports at each level (symbol = called, package = imported,
# module = required) and the differences, wall time and peak memory, and what loading the
# snapshot and matching a 300-module build list costs.
#
#   test/bench/deps.sh [RUNS]     RUNS timed runs per tool, module and configuration (default 3)
#
# Two configurations, because the tools pick the standard library's version differently:
#   toolchain  the Go that runs the scan (govulncheck's choice; fourc given -stdlib)
#   go.mod     go.mod's toolchain or go line (fourc's choice; govulncheck given GOVERSION)
#
# Environment: DEPS_BENCH_WORK (default .cache/bench/deps), DEPS_BENCH_OSV (default
# ../shared/vulndb/osv beside the repository), GOVULNCHECK_VERSION (default v1.9.0, what @latest
# resolved to when this was written; pinned so results reproduce). The report is also written to
# $DEPS_BENCH_WORK/report.md (docs/bench.md summarises it; test/bench/deps-results.md is a
# committed copy of an earlier one).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${DEPS_BENCH_WORK:-$repo/.cache/bench/deps}
osvdir=${DEPS_BENCH_OSV:-$repo/../shared/vulndb/osv}
runs=${1:-3}
bin=$repo/.cache/bin
govulncheck_version=${GOVULNCHECK_VERSION:-v1.9.0}

# label=module@version: a command with a large dependency graph, libraries (entered through
# their exported API), and a small client library.
modules=(
  alertmanager=github.com/prometheus/alertmanager@v0.25.0
  blackbox_exporter=github.com/prometheus/blackbox_exporter@v0.19.0
  echo=github.com/labstack/echo/v4@v4.1.17
  gin=github.com/gin-gonic/gin@v1.7.0
  resty=github.com/go-resty/resty/v2@v2.7.0
)
# The build list matched in the 300-module measurement (only go.mod files are fetched).
buildlist_module=github.com/argoproj/argo-cd/v3@v3.2.0

log() { printf '%s\n' "$*" >&2; }

[[ -d $osvdir ]] || { log "no OSV snapshot at $osvdir (set DEPS_BENCH_OSV)"; exit 1; }
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time for peak-memory measurements"
  apt-get install -y time >&2
fi
export GOTOOLCHAIN=local
mkdir -p "$bin" "$work"
if [[ ! -x $bin/govulncheck ]] || ! grep -qx "$govulncheck_version" "$bin/govulncheck.version" 2>/dev/null; then
  log "installing govulncheck $govulncheck_version"
  GOBIN=$bin go install "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version"
  echo "$govulncheck_version" >"$bin/govulncheck.version"
fi
log "building the fourc driver"
(cd "$repo" && go build -o "$bin/depsbench" ./test/bench/depsbench)

db=$work/vulndb
stamp=$( (ls "$osvdir" | sha256sum; sha256sum "$repo/analyzers/deps/osv/v1.go") | sha256sum | cut -c1-16)
if ! grep -qx "$stamp" "$db.stamp" 2>/dev/null; then
  rm -rf "$db"
  "$bin/depsbench" vulndb -src "$osvdir" -out "$db"
  echo "$stamp" >"$db.stamp"
fi

scratch=$(mktemp -d) # outside any module, so no go.mod is touched
trap 'rm -rf "$scratch"' EXIT
download() { (cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'); }

# Each tool gets its own copy: go list -mod=mod may add missing go.sum lines, and neither tool
# may see the other's edits.
labels=()
declare -A goversion
for entry in "${modules[@]}"; do
  label=${entry%%=*}
  mod=${entry#*=}
  labels+=("$label")
  src=$(download "$mod")
  [[ -n $src ]] || { log "no directory for $mod"; exit 1; }
  for tool in fourc govulncheck; do
    rm -rf "$work/src/$tool/$label"
    mkdir -p "$work/src/$tool"
    cp -r "$src" "$work/src/$tool/$label"
    chmod -R u+w "$work/src/$tool/$label"
  done
  line=$(sed -n 's/^toolchain \(go[0-9.a-z]*\).*/\1/p' "$src/go.mod")
  [[ -n $line ]] || line=go$(sed -n 's/^go \([0-9.a-z]*\).*/\1/p' "$src/go.mod")
  goversion[$label]=$line
done
local_go=$(go env GOVERSION)

results=$work/results
rm -rf "$results"
mkdir -p "$results"

# fourc and govulncheck on one module in one configuration; levels and time -f output are kept.
run_fourc() { # label config
  local stdlib=()
  [[ $2 == toolchain ]] && stdlib=(-stdlib "$local_go")
  /usr/bin/time -f '%e %M' -o "$results/$1.$2.fourc.time" \
    "$bin/depsbench" scan -db "$db" -dir "$work/src/fourc/$1" "${stdlib[@]}" -out "$results/$1.$2.fourc.json" \
    2>"$results/$1.$2.fourc.log"
}
run_govulncheck() { # label config
  local env=()
  [[ $2 == go.mod ]] && env=(GOVERSION="${goversion[$1]}")
  (cd "$work/src/govulncheck/$1" && env "${env[@]}" GOFLAGS=-mod=mod /usr/bin/time -f '%e %M' -o "$results/$1.$2.govulncheck.time" \
    "$bin/govulncheck" -db "file://$db" -format json ./... >"$results/$1.$2.govulncheck.out" 2>"$results/$1.$2.govulncheck.log") || true
  "$bin/depsbench" govulncheck -in "$results/$1.$2.govulncheck.out" -out "$results/$1.$2.govulncheck.json"
}

log "warming the module and build caches"
for label in "${labels[@]}"; do
  run_fourc "$label" toolchain
  run_govulncheck "$label" toolchain
done

# Runs alternate between the tools so that load from other processes falls on both alike.
for r in $(seq 1 "$runs"); do
  for label in "${labels[@]}"; do
    for config in toolchain go.mod; do
      log "run $r/$runs: $label ($config)"
      if ((r % 2)); then
        run_fourc "$label" "$config"; run_govulncheck "$label" "$config"
      else
        run_govulncheck "$label" "$config"; run_fourc "$label" "$config"
      fi
      for tool in fourc govulncheck; do
        cat "$results/$label.$config.$tool.time" >>"$results/$label.$config.$tool.times"
      done
    done
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Written to a temporary name first, so that a failed run leaves the previous report in place.
{
echo "# fourc deps vs govulncheck $govulncheck_version"
echo
echo "Go $local_go; database: $(ls "$osvdir" | wc -l) OSV entries from $osvdir; $runs timed runs, medians; $(nproc) cores."
echo
echo "## Vulnerability ids by level"
echo
echo "| module | stdlib | level | fourc | govulncheck | both | only fourc | only govulncheck |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
differences=()
for label in "${labels[@]}"; do
  for config in toolchain go.mod; do
    std=$local_go
    [[ $config == go.mod ]] && std=${goversion[$label]}
    "$bin/depsbench" compare -label "$label | $std" -dir "$work/src/fourc/$label" \
      "$results/$label.$config.fourc.json" "$results/$label.$config.govulncheck.json" >"$results/$label.$config.compare"
    grep '^|' "$results/$label.$config.compare"
    differences+=("$results/$label.$config.compare")
  done
done
echo
echo "### Differences"
echo
for f in "${differences[@]}"; do
  grep '^- ' "$f" || true
done
echo
echo "## Time and peak memory"
echo
echo "| module | stdlib | fourc s | govulncheck s | time ratio | fourc MiB | govulncheck MiB | memory ratio |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for label in "${labels[@]}"; do
  for config in toolchain go.mod; do
    std=$local_go
    [[ $config == go.mod ]] && std=${goversion[$label]}
    ft=$(cut -d' ' -f1 "$results/$label.$config.fourc.times" | median)
    gt=$(cut -d' ' -f1 "$results/$label.$config.govulncheck.times" | median)
    fm=$(cut -d' ' -f2 "$results/$label.$config.fourc.times" | median)
    gm=$(cut -d' ' -f2 "$results/$label.$config.govulncheck.times" | median)
    awk -v l="$label" -v s="$std" -v ft="$ft" -v gt="$gt" -v fm="$fm" -v gm="$gm" \
      'BEGIN {printf "| %s | %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f |\n", l, s, ft, gt, ft/gt, fm/1024, gm/1024, fm/gm}'
  done
done
echo
echo "fourc phases (last run):"
echo
for label in "${labels[@]}"; do
  for config in toolchain go.mod; do
    grep -h 'packages,' "$results/$label.$config.fourc.log" | sed "s|^go.mod|- $label ($config)|" || true
  done
done
echo
echo "## Loading the snapshot and matching a build list"
echo
mkdir -p "$work/buildlist"
src=$(download "$buildlist_module")
cp "$src/go.mod" "$src/go.sum" "$work/buildlist/" && chmod u+w "$work/buildlist/go.mod" "$work/buildlist/go.sum"
(cd "$work/buildlist" && GOFLAGS=-mod=mod go list -m -json all >"$results/buildlist.json")
echo "| database | build list | matches | load | load + match |"
echo "|---|---|---:|---:|---:|"
"$bin/depsbench" match -db "$osvdir" -buildlist "$results/buildlist.json" -n 300 -runs 5
echo
echo "(build list: the first 300 modules of $buildlist_module's)"
} | tee "$work/report.md.tmp"
mv "$work/report.md.tmp" "$work/report.md"
