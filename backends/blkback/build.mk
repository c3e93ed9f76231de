# backends/blkback: xylem-blkback, the blkif backend (docs/blkback.md).
# One file per line, sorted.
BLKBACK_SRCS := \
	backends/blkback/backend.c \
	backends/blkback/connect.c \
	backends/blkback/device.c \
	backends/blkback/image.c \
	backends/blkback/io_uring.c \
	backends/blkback/main.c \
	backends/blkback/queue.c \
	backends/blkback/request.c

$(eval $(call host_program,xylem-blkback,$(BLKBACK_SRCS) $(BE_LIB_SRCS) \
	$(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,\
	$(XENSTORE_LIBS) $(URING_LIBS)))
