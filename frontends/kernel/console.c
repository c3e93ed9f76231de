/*
 * kernel/console.c: printk.  Formats into a bounded line buffer and writes
 * it with console_io, or byte by byte to the debug port when the boot stub
 * found no Xen (each byte is then one exit: a last resort).
 */
#include <stdarg.h>

#include "gk/consfront.h"
#include "gk/console.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/boot.h"
#include "gk/printf.h"
#include "gk/string.h"

#define GK_PRINTK_MAX 512

void
gk_console_set_level(enum gk_log_level level)
{
	gk.console_level = level;
}

static void
gk_debugcon_write(const char *buf, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		__asm__ volatile("outb %b0, %w1"
				 :
				 : "a"(buf[i]), "Nd"(XYL_DEBUGCON_IO_PORT));
}

void
gk_console_write(const char *buf, unsigned long len)
{
	unsigned long done = consfront_write(buf, len);

	buf += done;
	len -= done;
	if (len == 0)
		return;
	if (!(gk_boot_flags & GK_BOOT_XEN) || gk_hc_console_write(buf, len) < 0)
		gk_debugcon_write(buf, len);
}

void
gk_printk(enum gk_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {"error: ", "warning: ", "",
					     "debug: "};
	char line[GK_PRINTK_MAX];
	va_list ap;
	int n;

	if ((int)level > gk.console_level)
		return;
	n = gk_snprintf(line, sizeof(line), "%s", prefix[level]);
	va_start(ap, fmt);
	gk_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	gk_console_write(line, strnlen(line, sizeof(line)));
}
