# tests/unit/backends/netback.mk: xylem-netback's units (net).
#   netback_tx_parse_test  backends/netback/tx_parse.c
#   netback_rate_parse_test  backends/netback/rate_parse.c
# backends/lib comes first: hypervisor/ has headers of the same names.
$(BUILD)/obj/tests/unit/backends/netback/%.o: INC_tests := -Ibackends/netback \
	-Ibackends/lib -Idom0-tools/libxylemctl -Idom0-tools/common $(INC_tests)

$(eval $(call unit_test,netback_tx_parse_test,\
	backends/netback/tx_parse.c \
	tests/unit/backends/netback/tx_parse_test.c,,))

$(eval $(call unit_test,netback_rate_parse_test,\
	backends/netback/rate_parse.c \
	tests/unit/backends/netback/rate_parse_test.c,,))

# netif_fuzz_check: the netif fuzz target (tests/fuzz/netif_fuzz.c: be_ring
# + the TX parser) under Check, without libFuzzer.
$(BUILD)/obj/tests/fuzz/netif_fuzz.o \
$(BUILD)/obj/tests/fuzz/netif_fuzz_check.o: INC_tests := -Ibackends/netback \
	-Ibackends/lib -Idom0-tools/libxylemctl -Idom0-tools/common $(INC_tests)
$(eval $(call unit_test,netif_fuzz_check,\
	tests/fuzz/netif_fuzz_check.c tests/fuzz/netif_fuzz.c \
	backends/lib/ring.c backends/netback/tx_parse.c,,))
