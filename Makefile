# Xylem top-level Makefile.  One build, no recursion except for the
# sanitizer variant.  Each part lists its sources in its own build.mk
# fragment (one file per line, sorted); this file holds the rules.
#
#   make            build everything into build/
#   make check      unit tests under ASan+UBSan, then integration tests
#   make bench      benchmarks, table in build/bench/results.md
#   make run        the demo: host services, boot examples/demo.cfg, stop
#   make deps       install the Debian packages the project needs
#   make install    PREFIX=/usr/local DESTDIR=

include Config.mk

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

ifeq ($(V),1)
Q :=
else
Q := @
endif

PROGRAMS :=
HOST_LIBS :=
UNIT_TESTS :=
INTEGRATION_TESTS :=
BENCHES :=
GUEST_IMAGES :=
MAN_PAGES :=

# Each top-level part may include only what its -I list names (STYLE.md 3.9);
# tools/check-includes.sh enforces the same edges on the sources.
INC_hypervisor := -Ihypervisor
INC_dom0-tools := -Idom0-tools/libxylemctl -Idom0-tools/common $(JSONC_CFLAGS)
INC_backends   := -Ibackends/lib -Idom0-tools/libxylemctl -Idom0-tools/common
INC_tests      := -Itests/lib -Ihypervisor -Idom0-tools/libxylemctl \
	-Idom0-tools/common -Idom0-tools/xyl -Ibackends/lib $(CHECK_CFLAGS) \
	$(JSONC_CFLAGS)
part = $(firstword $(subst /, ,$(1)))

# host_objs: object files of a list of host sources.
host_objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# $(call host_program,NAME,SOURCES,STATIC-LIBS,LDLIBS)
define host_program
$(BUILD)/bin/$(1): $(call host_objs,$(2)) $(3)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(HOSTCC) $$(HOST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(3) $(4)
PROGRAMS += $(BUILD)/bin/$(1)
endef

# $(call host_library,NAME,SOURCES)  ->  $(BUILD)/lib/libNAME.a
define host_library
$(BUILD)/lib/lib$(1).a: $(call host_objs,$(2))
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
HOST_LIBS += $(BUILD)/lib/lib$(1).a
endef

# $(call unit_test,NAME,SOURCES,STATIC-LIBS,LDLIBS)  ->  $(BUILD)/tests/NAME
define unit_test
$(BUILD)/tests/$(1): $(call host_objs,$(2)) $(3)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(HOSTCC) $$(HOST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(3) $(4) $$(CHECK_LIBS)
UNIT_TESTS += $(BUILD)/tests/$(1)
endef

# Integration tests and benchmarks are Check programs too, but they boot
# guests, so they run against the normal (unsanitized) build.
define integration_test
$(BUILD)/tests/$(1): $(call host_objs,$(2)) $(3)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(HOSTCC) $$(HOST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(3) $(4) $$(CHECK_LIBS)
INTEGRATION_TESTS += $(BUILD)/tests/$(1)
endef

define bench_program
$(BUILD)/tests/$(1): $(call host_objs,$(2)) $(3)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(HOSTCC) $$(HOST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(3) $(4)
BENCHES += $(BUILD)/tests/$(1)
endef

include hypervisor/build.mk
include dom0-tools/build.mk
include backends/build.mk
include frontends/build.mk
include xenstore-schema/build.mk
include tests/build.mk
include docs/build.mk

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(INC_$(call part,$<)) -MMD -MP -c -o $@ $<

all: $(PROGRAMS) $(HOST_LIBS) $(GUEST_IMAGES)

tests: $(UNIT_TESTS) $(INTEGRATION_TESTS) $(BENCHES)

# The sanitized variant builds only what the unit tests need.
unit-tests: $(UNIT_TESTS)

.PHONY: all tests unit-tests check check-unit check-integration check-style \
	bench run deps install clean format

check: all tests check-style
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/san unit-tests
	$(Q)tools/run-tests.sh unit $(BUILD)/san/tests $(UNIT_TESTS:$(BUILD)/tests/%=%)
	$(Q)tools/run-tests.sh integration $(BUILD)/tests $(INTEGRATION_TESTS:$(BUILD)/tests/%=%)

check-unit: tests
	$(Q)tools/run-tests.sh unit $(BUILD)/tests $(UNIT_TESTS:$(BUILD)/tests/%=%)

check-integration: all tests
	$(Q)tools/run-tests.sh integration $(BUILD)/tests $(INTEGRATION_TESTS:$(BUILD)/tests/%=%)

check-style:
	$(Q)tools/check-includes.sh

bench: all tests
	$(Q)mkdir -p $(BUILD)/bench
	$(Q)tools/run-bench.sh $(BUILD) $(BENCHES:$(BUILD)/tests/%=%)

run: all
	$(Q)tools/demo.sh $(BUILD)

deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PACKAGES)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
		$(DESTDIR)$(PREFIX)/lib/xylem $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/include/xylem
	install -m 0755 $(BUILD)/bin/xyl $(DESTDIR)$(PREFIX)/bin/
	for p in $(filter-out $(BUILD)/bin/xyl,$(PROGRAMS)); do \
		install -m 0755 $$p $(DESTDIR)$(PREFIX)/sbin/ || exit 1; done
	install -m 0644 $(GUEST_IMAGES) $(DESTDIR)$(PREFIX)/lib/xylem/
	install -m 0644 $(HOST_LIBS) $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 include/xylem/*.h dom0-tools/libxylemctl/xylctl.h \
		$(DESTDIR)$(PREFIX)/include/xylem/
	for m in $(MAN_PAGES); do \
		sec=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$sec/ || exit 1; done

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
