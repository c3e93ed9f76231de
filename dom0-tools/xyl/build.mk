# xyl: the xl-style toolstack CLI.  One file per verb (cmd_*.c), the
# config parser (config*.c), the life-cycle helpers.  One file per line,
# sorted.
XYL_SRCS := \
	dom0-tools/xyl/block.c \
	dom0-tools/xyl/block_xs.c \
	dom0-tools/xyl/cmd_block.c \
	dom0-tools/xyl/cmd_console.c \
	dom0-tools/xyl/cmd_create.c \
	dom0-tools/xyl/cmd_destroy.c \
	dom0-tools/xyl/cmd_dmesg.c \
	dom0-tools/xyl/cmd_domid.c \
	dom0-tools/xyl/cmd_events.c \
	dom0-tools/xyl/cmd_host.c \
	dom0-tools/xyl/cmd_info.c \
	dom0-tools/xyl/cmd_list.c \
	dom0-tools/xyl/cmd_mem.c \
	dom0-tools/xyl/cmd_network.c \
	dom0-tools/xyl/cmd_pause.c \
	dom0-tools/xyl/cmd_profile.c \
	dom0-tools/xyl/cmd_reboot.c \
	dom0-tools/xyl/cmd_rename.c \
	dom0-tools/xyl/cmd_sched.c \
	dom0-tools/xyl/cmd_shutdown.c \
	dom0-tools/xyl/cmd_svi.c \
	dom0-tools/xyl/cmd_top.c \
	dom0-tools/xyl/cmd_uptime.c \
	dom0-tools/xyl/cmd_vcpu.c \
	dom0-tools/xyl/config.c \
	dom0-tools/xyl/config_json.c \
	dom0-tools/xyl/config_keys.c \
	dom0-tools/xyl/config_src.c \
	dom0-tools/xyl/console_attach.c \
	dom0-tools/xyl/console_setup.c \
	dom0-tools/xyl/ctl.c \
	dom0-tools/xyl/dev_xs.c \
	dom0-tools/xyl/devstats.c \
	dom0-tools/xyl/evlog.c \
	dom0-tools/xyl/hooks.c \
	dom0-tools/xyl/host.c \
	dom0-tools/xyl/host_daemons.c \
	dom0-tools/xyl/lifecycle.c \
	dom0-tools/xyl/main.c \
	dom0-tools/xyl/monitor.c \
	dom0-tools/xyl/svi_boot.c \
	dom0-tools/xyl/top_io.c \
	dom0-tools/xyl/vif.c \
	dom0-tools/xyl/vif_xs.c \
	dom0-tools/xyl/xs_domain.c

# The config parser alone (no hypervisor needed): what the unit tests link.
XYL_CONFIG_SRCS := \
	dom0-tools/xyl/block.c \
	dom0-tools/xyl/config.c \
	dom0-tools/xyl/config_json.c \
	dom0-tools/xyl/config_keys.c \
	dom0-tools/xyl/config_src.c \
	dom0-tools/xyl/vif.c

$(eval $(call host_program,xyl,$(XYL_SRCS) $(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a $(BUILD)/lib/libsvi.a,$(XLUTIL_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS) $(XENSTORE_LIBS)))
