# tests/fuzz/build.mk: libFuzzer targets, built with clang by `make fuzz`
# (not part of `make` or `make check`; svi_fuzz_check and
# svifront_fuzz_check run the svi targets under Check without libFuzzer).
# Run: build/fuzz/svi_index_fuzz -max_len=200000 -max_total_time=60 [corpus]
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	$(XEN_DEFS) -D_GNU_SOURCE -Iinclude
FUZZERS := $(BUILD)/fuzz/svi_index_fuzz $(BUILD)/fuzz/svifront_fuzz

$(BUILD)/fuzz/svi_index_fuzz: tests/fuzz/svi_index_fuzz.c $(LIBSVI_SRCS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Idom0-tools/libsvi -o $@ $^ $(ZLIB_LIBS)

$(BUILD)/fuzz/svifront_fuzz: tests/fuzz/svifront_fuzz.c \
		frontends/svi/svifront.c frontends/svi/svifront_crc.c \
		frontends/svi/svifront_inflate.c
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ifrontends/include \
		-include tests/unit/frontends/harness.h -o $@ $^

.PHONY: fuzz
fuzz: $(FUZZERS)

# xylem-xenstored's wire parser (xs helper).  `make fuzz-xenstored` builds
# and runs it for FUZZ_SECONDS (default 60).
$(BUILD)/fuzz/xs_wire_fuzz: tests/fuzz/xs_wire_fuzz.c \
		dom0-tools/xenstored/wire.c $(XENSTORED_STORE_SRCS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Idom0-tools/xenstored -o $@ $^
fuzz: $(BUILD)/fuzz/xs_wire_fuzz
FUZZ_SECONDS ?= 60

.PHONY: fuzz-xenstored
fuzz-xenstored: $(BUILD)/fuzz/xs_wire_fuzz
	@mkdir -p $(BUILD)/fuzz/xs_wire_corpus
	$(BUILD)/fuzz/xs_wire_fuzz -max_len=8192 \
		-max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/xs_wire_corpus

# The guest's xenstore reply path (xb helper): xenbus_wire.c as host code.
$(BUILD)/fuzz/xenbus_rx_fuzz: tests/fuzz/xenbus_rx_fuzz.c \
		frontends/kernel/xenbus_wire.c
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ifrontends/include \
		-include tests/unit/frontends/harness.h -o $@ $^
fuzz: $(BUILD)/fuzz/xenbus_rx_fuzz

# blkback's ring and request parser together (blk helper).
$(BUILD)/fuzz/blkif_fuzz: tests/fuzz/blkif_fuzz.c backends/lib/ring.c \
		backends/blkback/request.c
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ibackends/blkback -Ibackends/lib \
		-Idom0-tools/libxylemctl -Idom0-tools/common -o $@ $^
fuzz: $(BUILD)/fuzz/blkif_fuzz

# netback's TX ring and packet parser together (net helper).
$(BUILD)/fuzz/netif_fuzz: tests/fuzz/netif_fuzz.c backends/lib/ring.c \
		backends/netback/tx_parse.c
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Ibackends/netback -Ibackends/lib \
		-Idom0-tools/libxylemctl -Idom0-tools/common -o $@ $^
fuzz: $(BUILD)/fuzz/netif_fuzz
