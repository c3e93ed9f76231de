# tests/unit/backends/lib.mk: unit suites of the shared backend library
# (backends/lib) and of blkback's request parser.
#   be_grant_test   grant.c against fake guest memory (a memfd)
#   be_profile_test profile.c: stamp bounds, snapshot checks, the file
#   be_ring_test    ring.c against Xen's own front-ring macros
#   be_xenbus_test  xenbus.c's strict parsers
#   blkback_request_test  backends/blkback/request.c
$(eval $(call unit_test,be_grant_test,\
	tests/unit/backends/lib/grant_test.c backends/lib/grant.c,\
	$(BUILD)/lib/libxylemctl.a,))

$(eval $(call unit_test,be_profile_test,\
	tests/unit/backends/lib/profile_test.c backends/lib/profile.c \
	backends/lib/grant.c backends/lib/stats.c,\
	$(BUILD)/lib/libxylemctl.a,))

$(eval $(call unit_test,be_ring_test,\
	tests/unit/backends/lib/ring_test.c backends/lib/ring.c,,))

$(eval $(call unit_test,be_xenbus_test,\
	tests/unit/backends/lib/xenbus_test.c backends/lib/xenbus.c,,\
	$(XENSTORE_LIBS)))

$(eval $(call unit_test,blkback_request_test,\
	tests/unit/backends/blkback/request_test.c \
	backends/blkback/request.c,,))
$(BUILD)/obj/tests/unit/backends/blkback/request_test.o: HOST_CFLAGS += \
	-Ibackends/blkback

# blkif_fuzz_check: the blkif fuzz target (tests/fuzz/blkif_fuzz.c: ring.c
# and request.c together) under Check, seeded mutations for 2 s.
$(eval $(call unit_test,blkif_fuzz_check,\
	tests/fuzz/blkif_fuzz_check.c tests/fuzz/blkif_fuzz.c \
	backends/lib/ring.c backends/blkback/request.c,,))
$(BUILD)/obj/tests/fuzz/blkif_fuzz_check.o \
$(BUILD)/obj/tests/fuzz/blkif_fuzz.o: HOST_CFLAGS += -Ibackends/blkback \
	-Ibackends/lib -Idom0-tools/libxylemctl -Idom0-tools/common
