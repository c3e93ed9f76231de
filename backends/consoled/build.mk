# backends/consoled: xylem-consoled, the console backend (docs/consoled.md).
# One file per line, sorted.
CONSOLED_SRCS := \
	backends/consoled/dom.c \
	backends/consoled/loop.c \
	backends/consoled/main.c \
	backends/consoled/pty.c \
	backends/consoled/ring.c \
	backends/consoled/xs.c

$(eval $(call host_program,xylem-consoled,$(CONSOLED_SRCS) $(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
