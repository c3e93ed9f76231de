/*
 * gk/console.h: the kernel console.  Lines go out through console_io
 * (CONSOLEIO_write), or byte by byte to the debug port before Xen is found.
 * Four levels, as on the host side; `loglevel=` on the cmdline picks the
 * most verbose one printed (default GK_INFO).
 */
#ifndef GK_CONSOLE_H
#define GK_CONSOLE_H

enum gk_log_level {
	GK_ERR = 0,
	GK_WARN = 1,
	GK_INFO = 2,
	GK_DEBUG = 3,
};

void gk_console_set_level(enum gk_log_level level);
/* Write raw bytes to the console. */
void gk_console_write(const char *buf, unsigned long len);
void gk_printk(enum gk_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define gk_err(...)   gk_printk(GK_ERR, __VA_ARGS__)
#define gk_warn(...)  gk_printk(GK_WARN, __VA_ARGS__)
#define gk_info(...)  gk_printk(GK_INFO, __VA_ARGS__)
#define gk_debug(...) gk_printk(GK_DEBUG, __VA_ARGS__)

#endif
