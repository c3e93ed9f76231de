# xylem-xenstored: the xenstore daemon (socket for dom0, rings for
# guests).  One file per line, sorted.
XENSTORED_SRCS := \
	dom0-tools/xenstored/conn.c \
	dom0-tools/xenstored/conn_ring.c \
	dom0-tools/xenstored/conn_socket.c \
	dom0-tools/xenstored/control.c \
	dom0-tools/xenstored/daemon.c \
	dom0-tools/xenstored/domain.c \
	dom0-tools/xenstored/main.c \
	dom0-tools/xenstored/perm.c \
	dom0-tools/xenstored/quota.c \
	dom0-tools/xenstored/request.c \
	dom0-tools/xenstored/store.c \
	dom0-tools/xenstored/txn.c \
	dom0-tools/xenstored/watch.c \
	dom0-tools/xenstored/wire.c

# The data model alone (no I/O): what the unit tests link.
XENSTORED_STORE_SRCS := \
	dom0-tools/xenstored/perm.c \
	dom0-tools/xenstored/quota.c \
	dom0-tools/xenstored/store.c \
	dom0-tools/xenstored/txn.c

$(eval $(call host_program,xylem-xenstored,$(XENSTORED_SRCS) $(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,))
