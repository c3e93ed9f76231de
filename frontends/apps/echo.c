/*
 * apps/echo.c: a console round trip.  Reads what is typed on the console
 * ring (gk_console_read), echoes each character as a terminal would, and
 * answers each line with "echo: <line>"; the line "quit" powers off.
 */
#include <stdint.h>

#include "gk/consfront.h"
#include "gk/console.h"
#include "gk/kernel.h"
#include "gk/string.h"

#define ECHO_LINE_MAX 256

struct echo {
	char line[ECHO_LINE_MAX];
	unsigned long len;
	int last_cr;
};

/* One typed byte; 1 when the line "quit" ended. */
static int
echo_byte(struct echo *e, char c)
{
	if (c == '\n' && e->last_cr) { /* the \n of a \r\n pair */
		e->last_cr = 0;
		return 0;
	}
	e->last_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		e->line[e->len] = '\0';
		gk_console_write("\n", 1);
		gk_info("echo: %s\n", e->line);
		e->len = 0;
		return strcmp(e->line, "quit") == 0;
	}
	if (c == 0x7f || c == '\b') {
		if (e->len > 0) {
			e->len--;
			gk_console_write("\b \b", 3);
		}
		return 0;
	}
	if ((unsigned char)c < 0x20 || e->len >= sizeof(e->line) - 1)
		return 0;
	e->line[e->len++] = c;
	gk_console_write(&c, 1);
	return 0;
}

int
gk_app_echo(const char *cmdline)
{
	struct echo e = {.len = 0};
	char buf[64];
	unsigned long n, i;

	(void)cmdline;
	if (!gk.consfront)
		gk_warn("echo: no console ring: nothing can be typed\n");
	gk_info("echo: ready\n");
	for (;;) {
		n = gk_console_read(buf, sizeof(buf));
		if (n == 0) {
			gk_wait_for_events();
			continue;
		}
		for (i = 0; i < n; i++)
			if (echo_byte(&e, buf[i])) {
				gk_info("echo: bye\n");
				return 0;
			}
	}
}
