# dom0-tools/libsvi: reader and writer of single-volume images
# (include/xylem/svi.h; docs/svi-format.md).  One file per line, sorted.
INC_dom0-tools += -Idom0-tools/libsvi
LIBSVI_SRCS := \
	dom0-tools/libsvi/svi_index.c \
	dom0-tools/libsvi/svi_read.c \
	dom0-tools/libsvi/svi_write.c
$(eval $(call host_library,svi,$(LIBSVI_SRCS)))
