# tests/bench
# Benchmarks: Check-free programs that print a markdown table
# (tools/run-bench.sh collects them into $(BUILD)/bench/results.md).
$(eval $(call bench_program,hv_bench,\
	tests/bench/hv_bench.c tests/lib/harness.c tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,))
$(BUILD)/tests/hv_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)
