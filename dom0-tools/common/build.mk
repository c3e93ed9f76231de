# dom0-tools/common: code shared by dom0 host programs (the logger, the
# daemons' pid file and signals).
# Programs add $(DOM0_COMMON_SRCS) to their source list.
DOM0_COMMON_SRCS := \
	dom0-tools/common/daemon.c \
	dom0-tools/common/log.c
