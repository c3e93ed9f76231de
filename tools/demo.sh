#!/usr/bin/env bash
# demo.sh BUILD: the `make run` demo.  Starts the host services in a
# private XYLEM_RUNDIR, boots examples/demo.cfg with its console attached,
# and stops everything again, whatever happens.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top/$build/bin:$PATH"
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: this machine cannot run KVM guests" >&2
	exit 1
fi
rundir=$(mktemp -d /tmp/xylem-demo.XXXXXX)
export XYLEM_RUNDIR=$rundir
cleanup() {
	xyl host stop >/dev/null 2>&1
	rm -rf "$rundir"
}
trap cleanup EXIT INT TERM
echo "demo: host services in $rundir"
xyl host start || exit 1
echo "demo: booting examples/demo.cfg (console follows)"
xyl create "$top/examples/demo.cfg" -c
status=$?
echo "demo: guest finished with status $status"
xyl dmesg | tail -n 5
exit $status
