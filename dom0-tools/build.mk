# dom0 tools: libxylemctl, the shared dom0 logger, xyl.
include dom0-tools/common/build.mk
include dom0-tools/libxylemctl/build.mk
include dom0-tools/libsvi/build.mk
include dom0-tools/xyl/build.mk
include dom0-tools/sharedtimer/build.mk
include dom0-tools/xenstored/build.mk
include dom0-tools/systemd/build.mk
include dom0-tools/hotplug/build.mk
