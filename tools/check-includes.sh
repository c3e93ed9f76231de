#!/usr/bin/env bash
# check-includes.sh: enforce the dependency edges of STYLE.md 3.9 on the
# sources.  A quoted #include that crosses a forbidden edge fails the build.
set -u
cd "$(dirname "$0")/.."
bad=0
check() { # dir forbidden-pattern reason
	local hits
	hits=$(grep -rnE "^#[[:space:]]*include[[:space:]]+\"($2)" "$1" \
		--include='*.c' --include='*.h' 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "check-includes: $1 may not include $3:" >&2
		echo "$hits" >&2
		bad=1
	fi
}
check hypervisor 'dom0-tools|backends|frontends|\.\./' 'dom0-tools, backends or frontends'
check dom0-tools 'hypervisor|backends|frontends|\.\./\.\./hypervisor' 'hypervisor, backends or frontends'
check backends 'hypervisor|frontends|\.\./\.\./hypervisor' 'hypervisor or frontends'
check frontends 'hypervisor|dom0-tools|backends' 'host-side code'
# frontends are freestanding: no libc headers.
hits=$(grep -rnE '^#[[:space:]]*include[[:space:]]+<(stdio|stdlib|string|unistd|pthread|errno|fcntl)\.h>' \
	frontends --include='*.c' --include='*.h' 2>/dev/null)
if [ -n "$hits" ]; then
	echo "check-includes: frontends are freestanding, no libc headers:" >&2
	echo "$hits" >&2
	bad=1
fi
[ "$bad" -eq 0 ] && echo "check-includes: dependency edges OK"
exit $bad
