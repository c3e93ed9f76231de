#!/usr/bin/env bash
# frontends/tools/check-ring0.sh: checks the ring-0 code of the guest image
# (the boot stub gk_entry32..iretq and the trap trampolines) against
# DESIGN.md 2a: no instruction PVM's emulator cannot run at CPL0, no
# SSE/x87, and no loop (no backward branch).  Usage: check-ring0.sh ELF
set -u
elf=${1:?usage: check-ring0.sh build/guest/xylem-guest.elf}
bad=0
# The ring-0 functions: everything in .text.boot and .text.traps.
dis=$(objdump -d --no-show-raw-insn -j .text "$elf" |
	awk '/^[0-9a-f]+ <gk_(entry32|entry64|entry64_ap|trap_[0-9]+|trap_common)>:/ {on=1; print; next}
	     /^[0-9a-f]+ <.*>:/ {on=0} on && NF')
if [ -z "$dis" ]; then
	echo "check-ring0: no ring-0 code found in $elf" >&2
	exit 1
fi
forbidden='^(int|int3|int1|into|sysenter|syscall|vmcall|vmmcall|cmpxchg16b|popcnt|crc32|lar|lsl|rdtscp|xgetbv|xsave.*|xrstor.*|invpcid|monitor|mwait|hlt|fwait|wait|ldmxcsr|stmxcsr|fxsave.*|fxrstor.*|clac|stac|f[a-z0-9]+)$'
while IFS=$'\t' read -r addr insn; do
	addr=${addr//[: ]/}
	mnem=${insn%% *}
	ops=${insn#"$mnem"}
	ops=${ops#"${ops%%[![:space:]]*}"}
	if [[ $mnem =~ $forbidden || $ops == *%[xy]mm* ]]; then
		echo "check-ring0: forbidden instruction at CPL0: $addr $insn" >&2
		bad=1
	fi
	# A branch to a lower address inside ring-0 code is a loop.
	if [[ $mnem == j* && ${ops%% *} =~ ^[0-9a-f]+$ ]] &&
		(( 16#${ops%% *} <= 16#$addr )); then
		echo "check-ring0: backward branch (loop) at CPL0: $addr $insn" >&2
		bad=1
	fi
done < <(printf '%s\n' "$dis" | grep -E '^\s+[0-9a-f]+:')
n=$(printf '%s\n' "$dis" | grep -cE '^\s+[0-9a-f]+:')
[ "$bad" -eq 0 ] && echo "check-ring0: $n ring-0 instructions, no loop, none forbidden"
exit $bad
