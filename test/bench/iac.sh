#!/usr/bin/env bash
# Benchmark fourc's AWS infrastructure-as-code scanner against tfsec on real Terraform: the .tf
# files shipped in pinned Go modules (security test cases, examples, test fixtures), fetched
# through the module proxy. Prints a Markdown report: throughput, memory, recall of tfsec's
# findings in the rule families fourc covers, and fourc's findings tfsec lacks. Triage samples
# go to $work/results/samples.txt.
#
#   test/bench/iac.sh [RUNS]        RUNS interleaved timed runs per tool (default 3)
#
# Environment: IAC_BENCH_WORK (default .cache/bench/iac), TFSEC_VERSION (default v1.26.0, what
# @latest resolves to on this module proxy; pinned so results reproduce).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${IAC_BENCH_WORK:-$repo/.cache/bench/iac}
runs=${1:-3}
bin=$repo/.cache/bin
tfsec_version=${TFSEC_VERSION:-v1.26.0}

# Module@version and the directory inside it that holds Terraform.
sources=(
  "kics=github.com/Checkmarx/kics@v1.7.13=assets/queries/terraform/aws"
  "terratest=github.com/gruntwork-io/terratest@v0.46.8=examples"
  "tfsec=github.com/aquasecurity/tfsec@v1.26.0=."
  "terraform-provider-aws=github.com/hashicorp/terraform-provider-aws@v1.60.0=examples"
  "trivy=github.com/aquasecurity/trivy@v0.50.0=."
)

log() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time for peak-memory measurements"
  apt-get install -y time >&2
fi

mkdir -p "$bin"
if [[ ! -x $bin/tfsec ]] || ! grep -qx "$tfsec_version" "$bin/tfsec.version" 2>/dev/null; then
  log "installing tfsec $tfsec_version"
  GOBIN=$bin go install "github.com/aquasecurity/tfsec/cmd/tfsec@$tfsec_version"
  echo "$tfsec_version" >"$bin/tfsec.version"
fi
log "building the fourc driver"
(cd "$repo" && go build -o "$bin/iacbench" ./test/bench/iacbench)

stamp=$(printf '%s\n' "${sources[@]}" | sha256sum | cut -c1-16)
if ! grep -qx "$stamp" "$work/corpus.stamp" 2>/dev/null; then
  log "downloading modules through the module proxy"
  args=()
  scratch=$(mktemp -d) # outside any module, so no go.mod is touched
  for s in "${sources[@]}"; do
    IFS='=' read -r label module sub <<<"$s"
    dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n $dir ]] || { log "no directory for $module"; exit 1; }
    args+=("$label=$dir/$sub")
  done
  rmdir "$scratch"
  mkdir -p "$work"
  "$bin/iacbench" corpus -out "$work/corpus" "${args[@]}"
  echo "$stamp" >"$work/corpus.stamp"
fi

corpus=$(cd "$work/corpus" && pwd)
results=$work/results
rm -rf "$results"
mkdir -p "$results"

# tfsec flags: JSON like fourc's output; --force-all-dirs because tfsec otherwise skips most
# directories of a tree it takes for a collection of modules; --ignore-hcl-errors because one
# file it cannot parse (tfsec's own testdata has some) otherwise aborts the whole scan;
# --no-module-downloads because the machine has no registry access and fourc downloads nothing.
tfsec_flags=(--format json --no-color --soft-fail --no-module-downloads --force-all-dirs --ignore-hcl-errors)

# Runs alternate between the tools so that load from other processes falls on both alike.
log "load before timing: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  log "run $i/$runs"
  /usr/bin/time -v -o "$results/time-fourc-$i.txt" "$bin/iacbench" scan -root "$corpus" -out "$results/fourc.json"
  /usr/bin/time -v -o "$results/time-tfsec-$i.txt" "$bin/tfsec" "$corpus" "${tfsec_flags[@]}" >"$results/tfsec.json" 2>"$results/tfsec.stderr"
  [[ -s $results/tfsec.json ]] || { log "tfsec produced nothing; see $results/tfsec.stderr"; exit 1; }
done
log "load after timing: $(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "## fourc iac scanner vs tfsec $tfsec_version"
  echo
  echo "Machine: $(nproc) cores, $(go version | cut -d' ' -f3). Wall and CPU times are medians of $runs interleaved runs of each tool over the whole corpus; the machine may be shared."
  echo
  "$bin/iacbench" compare -work "$work" -samples "$results/samples.txt"
} | tee "$results/report.md"
