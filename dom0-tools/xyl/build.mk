# xyl: the xl-style toolstack CLI.  One file per verb (cmd_*.c), the
# config parser (config*.c), the life-cycle helpers.  One file per line,
# sorted.
XYL_SRCS := \
	dom0-tools/xyl/cmd_create.c \
	dom0-tools/xyl/cmd_destroy.c \
	dom0-tools/xyl/cmd_dmesg.c \
	dom0-tools/xyl/cmd_host.c \
	dom0-tools/xyl/cmd_info.c \
	dom0-tools/xyl/cmd_list.c \
	dom0-tools/xyl/cmd_pause.c \
	dom0-tools/xyl/cmd_shutdown.c \
	dom0-tools/xyl/config.c \
	dom0-tools/xyl/config_json.c \
	dom0-tools/xyl/config_keys.c \
	dom0-tools/xyl/config_src.c \
	dom0-tools/xyl/ctl.c \
	dom0-tools/xyl/host.c \
	dom0-tools/xyl/lifecycle.c \
	dom0-tools/xyl/main.c \
	dom0-tools/xyl/monitor.c

# The config parser alone (no hypervisor needed): what the unit tests link.
XYL_CONFIG_SRCS := \
	dom0-tools/xyl/config.c \
	dom0-tools/xyl/config_json.c \
	dom0-tools/xyl/config_keys.c \
	dom0-tools/xyl/config_src.c

$(eval $(call host_program,xyl,$(XYL_SRCS) $(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,$(XLUTIL_LIBS) $(JSONC_LIBS)))
