#!/usr/bin/env bash
# run-tests.sh KIND DIR TEST...: run Check test programs from DIR one after
# another, show their output (each prints Check's summary line), and end
# with one plain "KIND: N passed, N failed" line over all their checks.
# Exit non-zero if any suite failed or could not run.
set -u
kind=$1 dir=$2
shift 2
checks=0 failures=0 failed_suites=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	echo "== $kind: $t"
	"$dir/$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# "100%: Checks: 11, Failures: 0, Errors: 0"
	summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
	if [ -n "$summary" ]; then
		c=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$summary")
		f=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$summary")
		checks=$((checks + c))
		failures=$((failures + f))
	fi
	if [ "$rc" -ne 0 ]; then
		failed_suites+=("$t")
		[ -z "$summary" ] && failures=$((failures + 1))
	fi
done
if [ "${#failed_suites[@]}" -ne 0 ]; then
	echo "$kind: failed suites: ${failed_suites[*]}"
fi
echo "$kind: $((checks - failures)) passed, $failures failed"
[ "${#failed_suites[@]}" -eq 0 ]
