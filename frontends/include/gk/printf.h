/*
 * gk/printf.h: freestanding formatted output into a bounded buffer
 * (lib/printf.c).  Supports %d %i %u %x %X %o %p %s %c %% with the flags
 * '-' '0' '+' ' ', a width, a precision, '*', and the length modifiers
 * hh h l ll z t j.  Output is always NUL-terminated when size > 0.
 */
#ifndef GK_PRINTF_H
#define GK_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Returns the length the full output would have (like C's vsnprintf). */
int gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int gk_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
