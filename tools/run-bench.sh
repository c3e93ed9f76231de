#!/usr/bin/env bash
# run-bench.sh BUILD BENCH...: run each benchmark program, which appends
# its rows to BUILD/bench/results.md, and show the table.
set -u
build=$1
shift
out=$build/bench/results.md
mkdir -p "$build/bench"
{
	echo "# Xylem benchmarks"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs," \
		"KVM: $(cat /sys/module/kvm_pvm/parameters/* >/dev/null 2>&1 && echo pvm || echo other)"
	echo
	echo "| what | measured | ceiling or peer (same run) | ratio |"
	echo "|---|---|---|---|"
} >"$out"
rc=0
for b in "$@"; do
	echo "== bench: $b"
	"$build/tests/$b" "$out" || rc=1
done
echo
cat "$out"
exit $rc
