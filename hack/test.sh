#!/usr/bin/env bash
# The project's test command (README): vet, generated code fresh, every test with -race (the crash
# trials among them), and a short run of every fuzz target. Under CI=true a skipped test is a failure:
# CI machines have every capability the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-10s}
mkdir -p .cache
log=.cache/test.log

echo "== go vet"
go vet ./...
(cd e2e && go vet ./...)

echo "== generated deep copies are fresh"
for pkg in $(grep -rl --include=doc.go 'go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen' . | xargs -r -n1 dirname | sort); do
	(cd "$pkg" && go run github.com/skiff-io/skiff/cmd/deepcopy-gen -verify)
done

echo "== go test -race ./... (and the client-go module in e2e/)"
set +e
{ go test -race -count=1 -v ./... && (cd e2e && go test -race -count=1 -v ./...); } >"$log" 2>&1
status=$?
set -e
grep -E '^(ok|FAIL|---|panic:)|^\s+--- FAIL' "$log" | grep -v -E '^\s*--- (PASS|SKIP)' || true
if [ $status -ne 0 ]; then
	echo "tests failed; the whole log is in $log"
	grep -n -B2 -A20 -E -- '--- FAIL' "$log" | head -200 || true
	exit $status
fi
skips=$(grep -E -- '--- SKIP' "$log" || true)
if [ -n "$skips" ]; then
	echo "skipped tests:"
	grep -E -A3 -- '--- SKIP' "$log"
	if [ "${CI:-}" = "true" ]; then
		echo "CI=true: no test may skip on a CI machine"
		exit 1
	fi
fi

echo "== fuzz, $FUZZTIME per target"
# Every Fuzz function in the repo, run one at a time (go test -fuzz takes one target per package).
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sort | while read -r file; do
	dir=$(dirname "$file")
	for target in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
		echo "-- $dir $target"
		go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" "$dir" >"$log.fuzz" 2>&1 || { cat "$log.fuzz"; exit 1; }
	done
done
echo "== all tests passed"
