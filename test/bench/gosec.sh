#!/usr/bin/env bash
# Benchmarks fourc's Go analyzers against gosec and prints a Markdown report:
#
#  (a) recall per rule class on the bundled corpus of vulnerable handlers (test/bench/corpus, where
#      every line that should be reported ends in `// expect: CLASS`), and the findings on its
#      safe variants;
#  (b) on a large real module (prometheus/alertmanager, downloaded through the module proxy):
#      findings per class, a triage of a fixed sample of each tool's findings (verdicts in
#      test/bench/gosec-verdicts.tsv) for a false-positive estimate, and wall time, CPU time and
#      peak RSS with a cold build cache (an empty GOCACHE; the module cache stays warm) and a warm
#      one, plus fourc's loader alone in its three possible modes.
#
#   test/bench/gosec.sh
#
# Environment: RUNS (warm runs per tool, median reported; default 3), COLD_RUNS (default 1),
# GOSEC_VERSION (default latest), MODULE (default github.com/prometheus/alertmanager@v0.27.0),
# SKIP_COLD=1 to skip the cold runs (gosec needs minutes for them), NICE=-10 to run both tools at
# a higher CPU priority on a machine shared with other work (needs root), KEEP=1 to keep the
# scratch directory with every tool's output, REPORT_ONLY=DIR to print the report again from such a
# kept directory without measuring. The report is also written to .cache/bench/gosec/report.md
# (docs/bench.md summarises it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
cache="$repo/.cache"
bin="$cache/bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local

RUNS=${RUNS:-3}
COLD_RUNS=${COLD_RUNS:-1}
GOSEC_VERSION=${GOSEC_VERSION:-latest}
MODULE=${MODULE:-github.com/prometheus/alertmanager@v0.27.0}

log() { echo "gosec.sh: $*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
	log "installing GNU time"
	apt-get install -y time >/dev/null
fi

log "building the fourc bench driver"
go build -o "$bin/gosecbench" ./test/bench/gosecbench

# From here on, the same locked-down build for both tools: no cgo, module mode with downloads
# allowed. (Only now: -mod=mod on the repository's own build would rewrite its go.mod.)
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off

gosec="$bin/gosec"
if [[ ! -x $gosec ]]; then
	log "installing gosec@$GOSEC_VERSION into $bin"
	GOBIN="$bin" go install "github.com/securego/gosec/v2/cmd/gosec@$GOSEC_VERSION"
fi
gosec_version=$(go version -m "$gosec" | awk '$1 == "mod" {print $3; exit}')

if [[ -n ${REPORT_ONLY:-} ]]; then
	work=$REPORT_ONLY
else
	work=$(mktemp -d)
	if [[ ${KEEP:-} != 1 ]]; then
		trap 'rm -rf "$work"' EXIT
	else
		log "keeping output in $work"
	fi
fi

# measure NAME CMD…: runs CMD under /usr/bin/time -v and appends "wall user+sys rss_kb" to
# $work/NAME.runs; a failing command stops the benchmark with its error output.
measure() {
	local name=$1
	shift
	local t="$work/time.txt" code=0
	/usr/bin/time -v -o "$t" nice -n "${NICE:-0}" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt" || code=$?
	if [[ $code != 0 ]]; then
		log "$name failed ($code):"
		cat "$work/stderr.txt" >&2
		exit 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; wall=s}
		/User time/ {cpu+=$2} /System time/ {cpu+=$2}
		/Maximum resident set size/ {rss=$2}
		END {print wall, cpu, rss}' "$t" >>"$work/$name.runs"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row NAME LABEL: one table row from the median of each column of NAME's runs.
row() {
	local f="$work/$1.runs"
	local wall cpu rss n
	wall=$(cut -d' ' -f1 "$f" | median)
	cpu=$(cut -d' ' -f2 "$f" | median)
	rss=$(cut -d' ' -f3 "$f" | median)
	n=$(wc -l <"$f")
	awk -v l="$2" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$n" \
		'BEGIN {printf "| %s | %.1f | %.1f | %.0f | %d |\n", l, w, c, r/1024, n}'
}

corpus="$repo/test/bench/corpus"
name=${MODULE%%@*}
name=${name##*/}
tree="$cache/gosec-bench/$name"

# measure_all runs every measurement into $work.
measure_all() {
	# --- (a) the corpus -----------------------------------------------------------------------------
	log "scanning the corpus"
	"$bin/gosecbench" scan -findings "$work/corpus.fourc.jsonl" "$corpus" >/dev/null
	(cd "$corpus" && "$gosec" -fmt=json -out="$work/corpus.gosec.json" -no-fail -quiet ./...)

	# --- (b) the real module ------------------------------------------------------------------------
	if [[ ! -f $tree/go.mod || "$(cat "$cache/gosec-bench/$name.version" 2>/dev/null)" != "$MODULE" ]]; then
		log "downloading $MODULE through the module proxy"
		scratch=$(mktemp -d)
		dir=$(cd "$scratch" && go mod download -json "$MODULE" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		rmdir "$scratch"
		[[ -d $dir ]] || { log "cannot download $MODULE"; exit 1; }
		rm -rf "$tree" && mkdir -p "$(dirname "$tree")"
		cp -r "$dir" "$tree"
		chmod -R u+w "$tree"
		echo "$MODULE" >"$cache/gosec-bench/$name.version"
	fi
	log "downloading $name's dependencies"
	(cd "$tree" && go mod download)

	# The commands as arrays, since /usr/bin/time runs programs, not shell functions.
	fourc_scan=("$bin/gosecbench" scan -findings "$work/real.fourc.jsonl" "$tree")
	gosec_scan=(env -C "$tree" "$gosec" -fmt=json -out="$work/real.gosec.json" -no-fail -quiet ./...)

	if [[ ${SKIP_COLD:-} != 1 ]]; then
		for _ in $(seq "$COLD_RUNS"); do
			for tool in fourc gosec; do
				log "$tool with a cold build cache"
				cold=$(mktemp -d)
				cmd="${tool}_scan[@]"
				GOCACHE=$cold measure "$tool.cold" "${!cmd}"
				chmod -R u+w "$cold" && rm -rf "$cold"
			done
			for mode in trimmed source export; do
				log "loader ($mode) with a cold build cache"
				cold=$(mktemp -d)
				GOCACHE=$cold measure "load.$mode.cold" "$bin/gosecbench" load -mode "$mode" "$tree"
				chmod -R u+w "$cold" && rm -rf "$cold"
			done
		done
	fi
	log "warming the build cache"
	"${fourc_scan[@]}" >/dev/null
	"${gosec_scan[@]}"
	"$bin/gosecbench" load -mode export "$tree" >/dev/null
	for _ in $(seq "$RUNS"); do
		for tool in fourc gosec; do
			log "$tool with a warm build cache"
			cmd="${tool}_scan[@]"
			measure "$tool.warm" "${!cmd}"
		done
		for mode in trimmed source export; do
			measure "load.$mode.warm" "$bin/gosecbench" load -mode "$mode" "$tree"
		done
	done
}

if [[ -z ${REPORT_ONLY:-} ]]; then
	measure_all
fi
lines=$(find "$tree" -name '*.go' -not -path '*/vendor/*' -print0 | xargs -0 cat | wc -l)
packages=$(cd "$tree" && go list ./... | wc -l)
log "writing the report"

# Written to a temporary name first, so that a failed run leaves the previous report in place.
out="$cache/bench/gosec"
mkdir -p "$out"
{
cat <<EOF
## Go analysis: fourc vs gosec

Machine: $(nproc) cores, $(go env GOVERSION), gosec $gosec_version, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the run${NICE:+, tools run at nice $NICE}.
Both tools run with CGO_ENABLED=0, GOFLAGS=-mod=mod, GOTOOLCHAIN=local; gosec with its defaults (no tests), fourc with every rule and tests included.

EOF
"$bin/gosecbench" corpus -dir "$corpus" -fourc "$work/corpus.fourc.jsonl" -gosec "$work/corpus.gosec.json"

cat <<EOF
### $MODULE ($lines lines of Go, $packages packages)

Wall and CPU (user+sys) seconds and peak RSS of the whole process tree from \`/usr/bin/time -v\`,
median of the runs. Cold: an empty GOCACHE (the module cache stays warm); warm: after one run.

| run | wall s | CPU s | peak RSS MiB | runs |
|---|---:|---:|---:|---:|
EOF
for tool in fourc gosec; do
	[[ -f $work/$tool.cold.runs ]] && row "$tool.cold" "$tool scan, cold"
	row "$tool.warm" "$tool scan, warm"
done
for mode in trimmed source export; do
	[[ -f $work/load.$mode.cold.runs ]] && row "load.$mode.cold" "fourc loader only, $mode, cold"
	row "load.$mode.warm" "fourc loader only, $mode, warm"
done
cat <<EOF

Loader modes: *trimmed* (what the scanner does) type-checks everything from source in-process
and drops the function bodies of code outside the module; *source* keeps them; *export* reads
dependencies from compiler export data, which \`go list -export\` must first compile.

EOF
"$bin/gosecbench" real -root "$tree" -fourc "$work/real.fourc.jsonl" -gosec "$work/real.gosec.json" \
	-verdicts "$repo/test/bench/gosec-verdicts.tsv" -sample 20
} | tee "$out/report.md.tmp"
mv "$out/report.md.tmp" "$out/report.md"
