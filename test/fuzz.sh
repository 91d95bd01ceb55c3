#!/usr/bin/env bash
# Runs every fuzz target of the module, one at a time, for FUZZTIME each (default 10s), and stops
# at the first failure, naming it. The failing input is then in the package's testdata/fuzz/NAME/:
# keep it (it becomes a regression test that plain `go test` runs) and fix the code.
#
#   test/fuzz.sh                      every target under ./...
#   test/fuzz.sh ./shared/...         only the targets of these packages
#   FUZZTIME=60s test/fuzz.sh         longer runs (make fuzz)
#
# FUZZMINIMIZETIME (default 2s) bounds how long the fuzzer shrinks an input: Go also minimizes
# every input that finds new coverage, for up to a minute each by default, and while it does no
# new input is tried, which can eat a short run whole.
set -euo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-10s}"
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-2s}"
patterns=("$@")
if [ ${#patterns[@]} -eq 0 ]; then
	patterns=(./...)
fi

# Targets are found in the test files go list reports for each package (so build constraints,
# testdata and vendored code are honoured), as "import/path FuzzName" lines.
targets=()
while read -r pkg dir files; do
	for file in $files; do
		while read -r name; do
			[ -n "$name" ] && targets+=("$pkg $name")
		done < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(.*\*testing\.F\).*/\1/p' "$dir/$file")
	done
done < <("$GO" list -e -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' "${patterns[@]}")

if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found in ${patterns[*]}" >&2
	exit 1
fi

echo "fuzz.sh: ${#targets[@]} targets, $FUZZTIME each"
# Go's fuzzing coordinator can fail a run at the end of -fuzztime with a bare "context deadline
# exceeded" and no input (golang/go#75804, fixed in Go 1.27, not in 1.26.x). Such a run wrote no
# reproducer: it is reported as the toolchain's flake, and the target passes when its seed corpus
# and everything fuzzed so far still pass a plain `go test -run`. Any run that writes an input fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$SECONDS
flakes=0
for target in "${targets[@]}"; do
	read -r pkg name <<<"$target"
	echo "==> $name ($pkg)"
	began=$SECONDS
	dir=$("$GO" list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$name
	before=$(ls "$dir" 2>/dev/null | sort || true)
	if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "$pkg" 2>&1 | tee "$log"; then
		after=$(ls "$dir" 2>/dev/null | sort || true)
		if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$log" && "$GO" test -count=1 -run "^${name}\$" "$pkg" >/dev/null; then
			echo "fuzz.sh: $name ended with Go's fuzztime deadline race (golang/go#75804), no input written; its corpus passes" >&2
			flakes=$((flakes + 1))
		else
			echo "fuzz.sh: FAIL $name in $pkg (the failing input is under that package's testdata/fuzz/$name/)" >&2
			exit 1
		fi
	fi
	echo "    $name: $((SECONDS - began))s"
done
echo "fuzz.sh: all ${#targets[@]} targets passed in $((SECONDS - started))s ($flakes ended by the toolchain's deadline race)"
