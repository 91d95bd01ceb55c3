#!/usr/bin/env bash
# Benchmark fourc's Kubernetes scanner against kube-score on real manifests: the YAML shipped in
# pinned Go modules, fetched through the module proxy. Prints a Markdown report: throughput,
# memory, kube-score's security findings that fourc also reports, and fourc's findings that
# kube-score lacks. Triage samples go to $work/results/samples.txt.
#
#   test/bench/k8s.sh [RUNS]        RUNS interleaved timed runs per tool (default 5)
#
# Environment: K8S_BENCH_WORK (default .cache/bench/k8s), KUBE_SCORE_VERSION (default v1.20.0,
# the release @latest resolved to when this was written; pinned so results reproduce).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${K8S_BENCH_WORK:-$repo/.cache/bench/k8s}
runs=${1:-5}
bin=$repo/.cache/bin
kube_score_version=${KUBE_SCORE_VERSION:-v1.20.0}

# Modules whose repositories ship Kubernetes manifests (deploy files, examples, test fixtures).
modules=(
  k8s.io/kubernetes@v1.34.0
  github.com/argoproj/argo-cd/v3@v3.2.0
  github.com/kyverno/kyverno@v1.19.1
  github.com/open-policy-agent/gatekeeper/v3@v3.23.1
  github.com/fluxcd/flux2/v2@v2.9.5
  knative.dev/serving@v0.51.0
  sigs.k8s.io/cluster-api@v1.14.2
  github.com/cert-manager/cert-manager@v1.21.2
  github.com/external-secrets/external-secrets@v1.3.2
  sigs.k8s.io/metrics-server@v0.9.0
)

log() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time for peak-memory measurements"
  apt-get install -y time >&2
fi

mkdir -p "$bin"
if [[ ! -x $bin/kube-score ]] || ! grep -qx "$kube_score_version" "$bin/kube-score.version" 2>/dev/null; then
  log "installing kube-score $kube_score_version"
  GOBIN=$bin go install "github.com/zegl/kube-score/cmd/kube-score@$kube_score_version"
  echo "$kube_score_version" >"$bin/kube-score.version"
fi
log "building the fourc driver"
(cd "$repo" && go build -o "$bin/k8sbench" ./test/bench/k8sbench)

# The corpus is rebuilt only when the module list changes: copying and filtering take a while.
stamp=$(printf '%s\n' "${modules[@]}" "$kube_score_version" | sha256sum | cut -c1-16)
if ! grep -qx "$stamp" "$work/corpus.stamp" 2>/dev/null; then
  log "downloading modules through the module proxy"
  sources=()
  scratch=$(mktemp -d) # outside any module, so no go.mod is touched
  for m in "${modules[@]}"; do
    dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$m" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n $dir ]] || { log "no directory for $m"; exit 1; }
    sources+=("$m=$dir")
  done
  rmdir "$scratch"
  mkdir -p "$work"
  "$bin/k8sbench" corpus -out "$work/corpus" -kube-score "$bin/kube-score" "${sources[@]}"
  echo "$stamp" >"$work/corpus.stamp"
fi

results=$work/results
rm -rf "$results"
mkdir -p "$results/fourc" "$results/kube-score"
labels=()
for d in "$work"/corpus/*/; do
  label=$(basename "$d")
  labels+=("$label")
  (cd "$d" && find . -type f \( -name '*.yaml' -o -name '*.yml' \) | sort >"$results/kube-score/$label.files")
done

# Each tool runs once per module, as it would on each repository. Runs alternate between the
# tools so that load from other processes on the machine falls on both alike.
fourc_all() {
  for label in "${labels[@]}"; do
    "$bin/k8sbench" scan -root "$work/corpus/$label" -out "$results/fourc/$label.json"
  done
}
kube_score_all() {
  local format=$1 suffix=$2
  for label in "${labels[@]}"; do
    mapfile -t files <"$results/kube-score/$label.files"
    # kube-score exits 1 when it finds critical problems; an empty output is the real failure.
    (cd "$work/corpus/$label" && "$bin/kube-score" score --output-format "$format" "${files[@]}" >"$results/kube-score/$label.$suffix" || true)
    [[ -s $results/kube-score/$label.$suffix ]] || { log "kube-score produced nothing for $label"; exit 1; }
  done
}
export -f fourc_all kube_score_all log
export bin work results
labels_exported=$(printf '%s\n' "${labels[@]}")
export labels_exported

load_before=$(cut -d' ' -f1 /proc/loadavg)
log "load before timing: $load_before"
for i in $(seq 1 "$runs"); do
  log "run $i/$runs"
  /usr/bin/time -v -o "$results/time-fourc-$i.txt" \
    bash -c 'mapfile -t labels <<<"$labels_exported"; fourc_all'
  /usr/bin/time -v -o "$results/time-kube-score-$i.txt" \
    bash -c 'mapfile -t labels <<<"$labels_exported"; kube_score_all ci ci.txt'
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
log "load after timing: $load_after"

# Recall needs kube-score's structured output; this run is not timed.
kube_score_all json json

{
  echo "## fourc Kubernetes scanner vs kube-score $kube_score_version"
  echo
  echo "Machine: $(nproc) cores, $(go version | cut -d' ' -f3); one-minute load average $load_before before the timed runs and $load_after after. On a shared machine wall times swing with other work: they are medians of interleaved runs, and CPU times are given as the steadier measure."
  echo
  "$bin/k8sbench" compare -work "$work" -samples "$results/samples.txt"
} | tee "$results/report.md"
