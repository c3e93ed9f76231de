# dom0-tools/systemd: systemd units for the host services (xylem-hv,
# xylem-xenstored, the backends) and xylem.target, which starts them in
# order.  `make install` installs them (with @SBINDIR@ filled in), xyl's
# bash completion and an empty hooks directory.
SYSTEMD_UNITS_IN := \
	dom0-tools/systemd/xylem-blkback.service.in \
	dom0-tools/systemd/xylem-consoled.service.in \
	dom0-tools/systemd/xylem-hv.service.in \
	dom0-tools/systemd/xylem-sharedtimer.service.in \
	dom0-tools/systemd/xylem-xenstored.service.in
SYSTEMD_TARGETS := dom0-tools/systemd/xylem.target
SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
BASH_COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

.PHONY: install-systemd install-xyl-extras
install: install-systemd install-xyl-extras

install-systemd:
	install -d $(DESTDIR)$(SYSTEMD_UNITDIR)
	for u in $(SYSTEMD_UNITS_IN); do \
		n=$$(basename $$u .in); \
		sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $$u > $(DESTDIR)$(SYSTEMD_UNITDIR)/$$n || exit 1; \
		chmod 0644 $(DESTDIR)$(SYSTEMD_UNITDIR)/$$n; done
	install -m 0644 $(SYSTEMD_TARGETS) $(DESTDIR)$(SYSTEMD_UNITDIR)/

install-xyl-extras:
	install -d $(DESTDIR)$(BASH_COMPLETIONDIR) $(DESTDIR)$(SYSCONFDIR)/xylem/hooks.d
	install -m 0644 dom0-tools/xyl/xyl.bash-completion $(DESTDIR)$(BASH_COMPLETIONDIR)/xyl
