# dom0-tools/hotplug: vif hotplug scripts run by xylem-netback
# (docs/netback.md).  `make install` puts them in $(SYSCONFDIR)/xylem/scripts,
# where xylem-netback looks for a relative script name.
SYSCONFDIR ?= /etc
HOTPLUG_SCRIPTS := dom0-tools/hotplug/vif-bridge

.PHONY: install-hotplug
install: install-hotplug
install-hotplug:
	install -d $(DESTDIR)$(SYSCONFDIR)/xylem/scripts
	install -m 0755 $(HOTPLUG_SCRIPTS) $(DESTDIR)$(SYSCONFDIR)/xylem/scripts/
