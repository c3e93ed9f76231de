#!/usr/bin/env bash
# demo.sh BUILD: the `make run` demo.  In a private XYLEM_RUNDIR and a
# private network namespace (bridge xenbr0, 10.99.0.1/24, no route out),
# start the host services, boot examples/demo.cfg with a fresh disk image
# and its console attached, and stop everything again, whatever happens.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in
/*) bin=$build/bin ;;
*) bin=$top/$build/bin ;;
esac
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: this machine cannot run KVM guests" >&2
	exit 1
fi
rundir=$(mktemp -d /tmp/xylem-demo.XXXXXX)
ns=xylem-demo-$$
export XYLEM_RUNDIR=$rundir
# Not installed: netback finds vif-bridge in the source tree.
export XYLEM_SCRIPTS_DIR=$top/dom0-tools/hotplug
in_ns() { ip netns exec "$ns" "$@"; }
cleanup() {
	in_ns "$bin/xyl" host stop >/dev/null 2>&1
	ip netns del "$ns" 2>/dev/null
	rm -rf "$rundir"
}
trap cleanup EXIT INT TERM

ip netns add "$ns" || exit 1
in_ns ip link set lo up
in_ns ip link add xenbr0 type bridge
in_ns ip addr add 10.99.0.1/24 dev xenbr0
in_ns ip link set xenbr0 up
truncate -s 64M "$rundir/demo.img"
echo "demo: host services in $rundir, network namespace $ns"
in_ns "$bin/xyl" host start >/dev/null || exit 1
echo "demo: booting examples/demo.cfg (console follows)"
in_ns "$bin/xyl" create "$top/examples/demo.cfg" -c \
	"disk=['$rundir/demo.img,raw,xvda,w']"
status=$?
echo "demo: guest finished with status $status"
echo "demo: xylem-blkback wrote $(od -An -tx1 -N8 "$rundir/demo.img" | tr -s ' ') ... to $rundir/demo.img"
echo "demo: what xylem-hv logged about the guest (xyl dmesg):"
in_ns "$bin/xyl" dmesg | grep -F '(demo)' | sed 's/^/  /'
exit $status
