# tests/bench
# Benchmarks: Check-free programs that print a markdown table
# (tools/run-bench.sh collects them into $(BUILD)/bench/results.md).
$(eval $(call bench_program,hv_bench,\
	tests/bench/hv_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,))
$(BUILD)/tests/hv_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# xenstored_bench (xs helper): xylem-xenstored's socket throughput and
# watch latency against raw Unix-socket round trips.
$(eval $(call bench_program,xenstored_bench,\
	tests/bench/xenstored_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/xenstored_bench: $(BUILD)/bin/xylem-xenstored \
	$(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# sched_bench (issue 8): the credit scheduler's switch cost.
$(eval $(call bench_program,sched_bench,\
	tests/bench/sched_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,))
$(BUILD)/tests/sched_bench: $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# svi_bench (issue 6): svi extraction MB/s in the guest vs `xyl svi extract`.
$(eval $(call bench_program,svi_bench,\
	tests/bench/svi_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/svi_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# blkback_bench (issue 4): xylem-blkback's request rate and notification
# suppression, with the host-side fake frontend.
$(eval $(call bench_program,blkback_bench,\
	tests/bench/blkback_bench.c tests/lib/bench.c tests/lib/blk_stack.c \
	tests/lib/fake_blkfront.c tests/lib/harness.c tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
$(BUILD)/tests/blkback_bench: $(BUILD)/bin/xylem-hv $(BUILD)/bin/xylem-blkback \
	$(BUILD)/bin/xylem-xenstored $(GUEST_IMAGES)

# blkfront_bench (blkf, issue 4): blkbench in a guest vs fio on the host
# against the same image file; notifications per request, coalescing on/off.
$(eval $(call bench_program,blkfront_bench,\
	tests/bench/blkfront_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/blkfront_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-xenstored $(BUILD)/bin/xylem-blkback $(GUEST_IMAGES)

# profile_bench (issue 7): blkbench IOPS with shared-timer profiling on vs
# off, and the timer service's CPU per period.
$(eval $(call bench_program,profile_bench,\
	tests/bench/profile_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/profile_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-sharedtimer $(BUILD)/bin/xylem-blkback $(GUEST_IMAGES)

# net_bench (net, issue 5): UDP guest->host and guest->guest through
# xylem-netback vs the host's veth path; packets per notification with
# packet clustering on and off.  Runs in network namespaces it makes.
$(eval $(call bench_program,net_bench,\
	tests/bench/net_bench.c \
	tests/lib/bench.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/net_bench: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-netback $(GUEST_IMAGES)
