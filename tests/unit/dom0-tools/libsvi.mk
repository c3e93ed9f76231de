# tests/unit/dom0-tools/libsvi.mk: the svi reader/writer (dom0-tools/libsvi).
#   svi_test          round trips and every corruption case
#   svi_fuzz_check    the fuzz target (tests/fuzz/svi_index_fuzz.c) over a
#                     generated corpus plus mutations for a few seconds
INC_tests += -Idom0-tools/libsvi
$(eval $(call unit_test,svi_test,\
	tests/unit/dom0-tools/libsvi/svi_test.c tests/lib/test_dir.c,\
	$(BUILD)/lib/libsvi.a,$(ZLIB_LIBS)))
$(eval $(call unit_test,svi_fuzz_check,\
	tests/fuzz/svi_fuzz_check.c tests/fuzz/svi_index_fuzz.c,\
	$(BUILD)/lib/libsvi.a,$(ZLIB_LIBS)))
#   svifront_fuzz_check  the same runner over the guest extractor's target
#                     (tests/fuzz/svifront_fuzz.c; frontends/svi as host code)
$(BUILD)/obj/tests/fuzz/svifront_fuzz.o: INC_tests += -Ifrontends/include \
	-include tests/unit/frontends/harness.h
$(eval $(call unit_test,svifront_fuzz_check,\
	tests/fuzz/svi_fuzz_check.c tests/fuzz/svifront_fuzz.c \
	frontends/svi/svifront.c frontends/svi/svifront_crc.c \
	frontends/svi/svifront_inflate.c,\
	$(BUILD)/lib/libsvi.a,$(ZLIB_LIBS)))
