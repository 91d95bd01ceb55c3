#!/usr/bin/env bash
# Benchmarks fourc's secrets scanner against gitleaks on a large real tree and prints a Markdown
# report: tree size, wall time, throughput, peak RSS and findings of each tool, and a triage of
# the findings only one of them reports.
#
#   test/bench/secrets.sh [TREE]
#
# Without TREE it builds one under .cache/secrets-bench/tree from Go modules (downloaded into the
# module cache first, then hard-linked or copied): golang.org/x/{tools,net,crypto,text,sys} and
# the credential-related parts of github.com/aws/aws-sdk-go v1 (its aws/ and private/ runtime, a
# few services and their API examples), about 75 MB in 4,500 files: gitleaks, at 1 to 4 MB/s
# here, needs under a minute for it. Set BENCH_MODULES (module@version[/subdir], separated by
# blanks) to choose others; the whole of aws-sdk-go takes gitleaks over three minutes.
#
# Environment: RUNS (fourc runs, median reported; default 3), GITLEAKS_RUNS (default 1),
# GITLEAKS_VERSION (default latest), KEEP=1 to keep the scratch directory with both tools' output.
# The report is also written to .cache/bench/secrets/report.md (docs/bench.md summarises it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
cache="$repo/.cache"
bin="$cache/bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local

RUNS=${RUNS:-3}
GITLEAKS_RUNS=${GITLEAKS_RUNS:-1}
GITLEAKS_VERSION=${GITLEAKS_VERSION:-latest}
BENCH_MODULES=${BENCH_MODULES:-"golang.org/x/tools@v0.52.0 golang.org/x/net@v0.47.0 golang.org/x/crypto@v0.45.0 golang.org/x/text@v0.42.0 golang.org/x/sys@v0.49.0
	github.com/aws/aws-sdk-go@v1.55.8/aws github.com/aws/aws-sdk-go@v1.55.8/private github.com/aws/aws-sdk-go@v1.55.8/service/s3 github.com/aws/aws-sdk-go@v1.55.8/service/iam github.com/aws/aws-sdk-go@v1.55.8/service/sts github.com/aws/aws-sdk-go@v1.55.8/service/kms github.com/aws/aws-sdk-go@v1.55.8/service/secretsmanager github.com/aws/aws-sdk-go@v1.55.8/service/ssooidc github.com/aws/aws-sdk-go@v1.55.8/models/apis/iam github.com/aws/aws-sdk-go@v1.55.8/models/apis/kms github.com/aws/aws-sdk-go@v1.55.8/models/apis/sso-oidc github.com/aws/aws-sdk-go@v1.55.8/models/apis/secretsmanager github.com/aws/aws-sdk-go@v1.55.8/models/apis/cognito-idp"}

log() { echo "secrets.sh: $*" >&2; }

# /usr/bin/time -v gives the peak RSS of a process, jq reads the JSON; install them when missing.
if [[ ! -x /usr/bin/time ]]; then
	log "installing GNU time"
	apt-get install -y time >/dev/null
fi
if ! command -v jq >/dev/null; then
	log "installing jq"
	apt-get install -y jq >/dev/null
fi

log "building the fourc bench binary"
go build -o "$bin/secretsbench" ./test/bench/secretsbench

gitleaks="$bin/gitleaks"
if [[ ! -x $gitleaks ]]; then
	if command -v gitleaks >/dev/null; then
		gitleaks=$(command -v gitleaks)
	else
		log "installing gitleaks@$GITLEAKS_VERSION into $bin"
		GOBIN="$bin" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
	fi
fi

tree=${1:-}
if [[ -z $tree ]]; then
	tree="$cache/secrets-bench/tree"
	stamp="$cache/secrets-bench/modules"
	if [[ ! -d $tree || "$(cat "$stamp" 2>/dev/null)" != "$BENCH_MODULES" ]]; then
		log "preparing the tree in $tree"
		if [[ -d $tree ]]; then
			# Directories only: the files may be hard links into the read-only module cache.
			find "$tree" -type d -exec chmod u+w {} + && rm -rf "$tree"
		fi
		mkdir -p "$tree"
		modcache=$(go env GOMODCACHE)
		scratch_mod=$(mktemp -d)
		for spec in $BENCH_MODULES; do
			module=${spec%%@*}
			rest=${spec#*@}
			version=${rest%%/*}
			subdir=""
			[[ $rest == */* ]] && subdir=${rest#*/}
			# Outside any module, so that the repository's go.mod is left alone.
			dir=$(cd "$scratch_mod" && go mod download -json "$module@$version" | jq -r .Dir)
			[[ -d $dir ]] || { log "cannot download $module@$version"; exit 1; }
			src="$dir${subdir:+/$subdir}"
			dst="$tree/${dir#"$modcache"/}${subdir:+/$subdir}"
			mkdir -p "$(dirname "$dst")"
			# Hard links cost nothing; the module cache is read-only, so only the copied
			# directories are made writable (chmod on a linked file would change the cache's).
			cp -rl "$src" "$dst" 2>/dev/null || cp -r "$src" "$dst"
			find "$dst" -type d -exec chmod u+w {} +
		done
		rmdir "$scratch_mod"
		echo "$BENCH_MODULES" >"$stamp"
	fi
fi
tree=$(cd "$tree" && pwd)

work=$(mktemp -d)
if [[ ${KEEP:-} != 1 ]]; then
	trap 'rm -rf "$work"' EXIT
else
	log "keeping output in $work"
fi

# Warm the page cache so that neither tool pays for the first read of the tree.
find "$tree" -type f -print0 | xargs -0 cat >/dev/null

# measure OUT CMD…: runs CMD under /usr/bin/time -v and appends "wall_seconds rss_kb exit_code" to OUT.
measure() {
	local out=$1
	shift
	local t="$work/time.txt"
	local code=0
	/usr/bin/time -v -o "$t" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt" || code=$?
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$t")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
	echo "$wall $rss $code" >>"$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

log "running fourc $RUNS times"
for _ in $(seq "$RUNS"); do
	measure "$work/fourc.runs" "$bin/secretsbench" scan -findings "$work/fourc.jsonl" "$tree"
	cp "$work/stdout.txt" "$work/fourc.summary.json"
	[[ $(tail -1 "$work/fourc.runs" | cut -d' ' -f3) == 0 ]] || { cat "$work/stderr.txt" >&2; exit 1; }
done

log "running gitleaks $GITLEAKS_RUNS time(s)"
for _ in $(seq "$GITLEAKS_RUNS"); do
	# A real file as the report path: gitleaks replaces a device given there with a regular file.
	measure "$work/gitleaks.runs" "$gitleaks" dir --no-banner --exit-code 0 --report-format json \
		--report-path "$work/gitleaks.json" "$tree"
	[[ $(tail -1 "$work/gitleaks.runs" | cut -d' ' -f3) == 0 ]] || { cat "$work/stderr.txt" >&2; exit 1; }
done

files=$(jq .files "$work/fourc.summary.json")
bytes=$(jq .bytes "$work/fourc.summary.json")
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}')
fourc_wall=$(cut -d' ' -f1 "$work/fourc.runs" | median)
fourc_rss=$(cut -d' ' -f2 "$work/fourc.runs" | median)
gl_wall=$(cut -d' ' -f1 "$work/gitleaks.runs" | median)
gl_rss=$(cut -d' ' -f2 "$work/gitleaks.runs" | median)
fourc_findings=$(jq .findings "$work/fourc.summary.json")
gl_findings=$(jq length "$work/gitleaks.json")
skipped=$(jq .diagnostics "$work/fourc.summary.json")
# A go-installed gitleaks prints no version of its own; its build info has the module's.
gl_version=$(go version -m "$gitleaks" 2>/dev/null | awk '$1 == "mod" {print $3; exit}')

row() { # tool wall rss findings runs
	awk -v t="$1" -v w="$2" -v r="$3" -v f="$4" -v n="$5" -v b="$bytes" \
		'BEGIN {printf "| %s | %.2f | %.0f | %.0f | %d | %d |\n", t, w, b/1e6/w, r/1024, f, n}'
}

# Written to a temporary name first, so that a failed run leaves the previous report in place.
out="$cache/bench/secrets"
mkdir -p "$out"
{
cat <<EOF
## Secrets scan: fourc vs gitleaks

Tree: \`${tree#"$repo"/}\` — $files files, $mb MB. Machine: $(nproc) cores, $(go env GOVERSION), gitleaks ${gl_version:-of unknown version}.
Page cache warm; wall time and peak RSS of the whole process from \`/usr/bin/time -v\` (median of the runs).

| tool | wall s | MB/s | peak RSS MiB | findings | runs |
|---|---:|---:|---:|---:|---:|
$(row "fourc secrets" "$fourc_wall" "$fourc_rss" "$fourc_findings" "$RUNS")
$(row "gitleaks dir" "$gl_wall" "$gl_rss" "$gl_findings" "$GITLEAKS_RUNS")

fourc did not read $skipped file(s) over its 2 MiB limit (reported as diagnostics); gitleaks reads every size.
EOF
"$bin/secretsbench" triage -root "$tree" -fourc "$work/fourc.jsonl" -gitleaks "$work/gitleaks.json"
} | tee "$out/report.md.tmp"
mv "$out/report.md.tmp" "$out/report.md"
