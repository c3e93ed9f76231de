# backends/lib: the shared backend library (prefix be_): rings, grants,
# event channels, xenbus, counters, the shared daemon loop.  Backends add
# $(BE_LIB_SRCS) to their source list.  One file per line, sorted.
BE_LIB_SRCS := \
	backends/lib/backend.c \
	backends/lib/evtchn.c \
	backends/lib/grant.c \
	backends/lib/profile.c \
	backends/lib/ring.c \
	backends/lib/stats.c \
	backends/lib/xenbus.c
