# tests/unit/frontends/build.mk: the guest kernel's units that touch no
# hardware (lib/printf.c, kernel/cmdline.c, kernel/page_alloc.c,
# kernel/evtchn.c) built as host code with harness.h force-included, and
# run under Check (and ASan+UBSan in make check).
INC_frontends := -Ifrontends/include -include tests/unit/frontends/harness.h
$(BUILD)/obj/tests/unit/frontends/%.o: INC_tests += -Ifrontends/include \
	-include tests/unit/frontends/harness.h

$(eval $(call unit_test,gk_cmdline_test,\
	frontends/kernel/cmdline.c \
	tests/unit/frontends/kernel/cmdline_test.c,,))
$(eval $(call unit_test,gk_evtchn_test,\
	frontends/kernel/evtchn.c \
	tests/unit/frontends/kernel/evtchn_test.c,,))
$(eval $(call unit_test,gk_page_alloc_test,\
	frontends/kernel/page_alloc.c \
	tests/unit/frontends/kernel/page_alloc_test.c,,))
$(eval $(call unit_test,gk_printf_test,\
	frontends/lib/printf.c \
	tests/unit/frontends/lib/printf_test.c,,))
$(eval $(call unit_test,gk_xenbus_wire_test,\
	frontends/kernel/xenbus_wire.c \
	tests/unit/frontends/kernel/xenbus_wire_test.c,,))
$(eval $(call unit_test,gk_consfront_ring_test,\
	frontends/kernel/consfront_ring.c \
	tests/unit/frontends/kernel/consfront_ring_test.c,,))

# svifront_test: the guest's svi extractor (frontends/svi/) against volumes
# made by dom0's writer (libsvi, which the test links for that only).
$(eval $(call unit_test,svifront_test,\
	frontends/svi/svifront.c \
	frontends/svi/svifront_crc.c \
	frontends/svi/svifront_inflate.c \
	tests/lib/test_dir.c \
	tests/unit/frontends/svi/svifront_test.c,\
	$(BUILD)/lib/libsvi.a,$(ZLIB_LIBS)))

# blkfront_ring_test (blkf): the guest blkfront's ring logic, hostile
# backends included.
$(eval $(call unit_test,gk_blkfront_ring_test,\
	frontends/kernel/blkfront_ring.c \
	tests/unit/frontends/kernel/blkfront_ring_test.c,,))

# netfront's ring logic and the guest IPv4 stack's parsers (net).
$(eval $(call unit_test,gk_netfront_ring_test,\
	frontends/kernel/netfront_ring.c \
	tests/unit/frontends/kernel/netfront_ring_test.c,,))
$(eval $(call unit_test,gk_net_parse_test,\
	frontends/net/net_parse.c \
	tests/unit/frontends/net/net_parse_test.c,,))
