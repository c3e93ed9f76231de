# Tests: unit suites (Check, also built with ASan+UBSan), integration
# suites that boot guests, benchmarks.  One fragment per area.
include tests/unit/hypervisor/core.mk
include tests/unit/hypervisor/events.mk
include tests/unit/hypervisor/control.mk
include tests/unit/dom0-tools/libxylemctl.mk
include tests/unit/dom0-tools/libsvi.mk
include tests/unit/dom0-tools/xyl.mk
include tests/unit/backends/lib.mk
include tests/unit/dom0-tools/sharedtimer.mk
include tests/unit/dom0-tools/xenstored.mk
include tests/unit/backends/consoled.mk
include tests/unit/backends/netback.mk
include tests/unit/frontends/build.mk
include tests/unit/xenstore-schema/build.mk
include tests/integration/build.mk
include tests/integration/sched.mk
include tests/bench/build.mk
include tests/fuzz/build.mk
