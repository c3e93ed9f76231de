#!/usr/bin/env bash
# run-tests.sh KIND DIR TEST...: run Check test programs from DIR one after
# another, show their output (each prints Check's summary line), and end
# with one plain "N passed, N failed" line over all suites.  Exit non-zero
# if any suite failed or could not run.
set -u
kind=$1 dir=$2
shift 2
passed=0 failed=0 failed_names=()
for t in "$@"; do
	echo "== $kind: $t"
	if "$dir/$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names+=("$t")
	fi
done
echo "== $kind suites: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
	echo "failed suites: ${failed_names[*]}" >&2
	exit 1
fi
