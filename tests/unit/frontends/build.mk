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
