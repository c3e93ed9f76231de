# backends/netback: xylem-netback, the netif backend (docs/netback.md).
# One file per line, sorted.
NETBACK_SRCS := \
	backends/netback/backend.c \
	backends/netback/connect.c \
	backends/netback/datapath.c \
	backends/netback/main.c \
	backends/netback/rate.c \
	backends/netback/rate_parse.c \
	backends/netback/tap.c \
	backends/netback/tx_parse.c \
	backends/netback/vif.c

$(eval $(call host_program,xylem-netback,$(NETBACK_SRCS) $(BE_LIB_SRCS) \
	$(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
