/*
 * lib/printf.c: bounded formatted output for the freestanding kernel.  All
 * output goes through struct out, which counts every byte but stores only
 * what fits, so a result can never overrun its buffer.
 */
#include <stdint.h>

#include "gk/printf.h"

/* Widths and precisions are capped: a hostile format cannot make one
 * conversion produce more than this many padding bytes. */
#define GK_PRINTF_MAX_WIDTH 4096

struct out {
	char *buf;
	size_t size;
	size_t len; /* bytes the full output has so far */
};

struct spec {
	int left;  /* '-' */
	int zero;  /* '0' */
	int plus;  /* '+' */
	int space; /* ' ' */
	int alt;   /* '#' */
	int width;
	int prec; /* -1 = none */
	int len;  /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size */
};

static void
out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void
out_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		out_pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', sp->width - n);
}

/* Digits of v in base, least significant first; returns the count. */
static int
to_digits(char *tmp, uint64_t v, unsigned int base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	return n;
}

static void
out_num(struct out *o, const struct spec *sp, uint64_t v, int neg,
	unsigned int base, int upper, const char *prefix)
{
	char tmp[24];
	int nd = to_digits(tmp, v, base, upper);
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int plen = 0, zeros = 0, total;

	while (prefix && prefix[plen])
		plen++;
	if (sp->prec == 0 && v == 0)
		nd = 0;
	if (sp->prec > nd)
		zeros = sp->prec - nd;
	total = nd + zeros + plen + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		out_pad(o, ' ', sp->width - total);
	if (sign)
		out_char(o, sign);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	out_pad(o, '0', zeros);
	while (nd > 0)
		out_char(o, tmp[--nd]);
	if (sp->left)
		out_pad(o, ' ', sp->width - total);
}

/* Parse flags, width, precision and length at *fmt; advances it. */
static void
parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;

	*sp = (struct spec){.prec = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f == '+')
			sp->plus = 1;
		else if (*f == ' ')
			sp->space = 1;
		else if (*f == '#')
			sp->alt = 1;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = sp->width < -GK_PRINTF_MAX_WIDTH
					    ? GK_PRINTF_MAX_WIDTH
					    : -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++) {
		if (sp->width < GK_PRINTF_MAX_WIDTH)
			sp->width = sp->width * 10 + (*f - '0');
	}
	if (sp->width > GK_PRINTF_MAX_WIDTH)
		sp->width = GK_PRINTF_MAX_WIDTH;
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++) {
			if (sp->prec < GK_PRINTF_MAX_WIDTH)
				sp->prec = sp->prec * 10 + (*f - '0');
		}
		if (sp->prec > GK_PRINTF_MAX_WIDTH)
			sp->prec = GK_PRINTF_MAX_WIDTH;
		if (sp->prec < 0)
			sp->prec = -1;
	}
	for (;; f++) {
		if (*f == 'l')
			sp->len = sp->len == 1 ? 2 : 1;
		else if (*f == 'h')
			sp->len = sp->len == -1 ? -2 : -1;
		else if (*f == 'z' || *f == 't' || *f == 'j')
			sp->len = 3;
		else
			break;
	}
	*fmt = f;
}

static int64_t
arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2:
		return (signed char)va_arg(*ap, int);
	case -1:
		return (short)va_arg(*ap, int);
	case 0:
		return va_arg(*ap, int);
	default:
		return va_arg(*ap, long long);
	}
}

static uint64_t
arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case -2:
		return (unsigned char)va_arg(*ap, unsigned int);
	case -1:
		return (unsigned short)va_arg(*ap, unsigned int);
	case 0:
		return va_arg(*ap, unsigned int);
	default:
		return va_arg(*ap, unsigned long long);
	}
}

static void
format_one(struct out *o, char conv, const struct spec *sp, va_list *ap)
{
	struct spec s = *sp;
	char c;

	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(sp, ap);
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

		out_num(o, sp, mag, v < 0, 10, 0, 0);
		break;
	}
	case 'u':
		out_num(o, sp, arg_unsigned(sp, ap), 0, 10, 0, 0);
		break;
	case 'x':
	case 'X': {
		uint64_t v = arg_unsigned(sp, ap);
		const char *pre = !sp->alt || !v ? 0
				  : conv == 'X'	 ? "0X"
						 : "0x";

		out_num(o, sp, v, 0, 16, conv == 'X', pre);
		break;
	}
	case 'o':
		out_num(o, sp, arg_unsigned(sp, ap), 0, 8, 0, 0);
		break;
	case 'p':
		s.prec = -1;
		out_num(o, &s, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x");
		break;
	case 's':
		out_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		s.prec = -1;
		if (!s.left)
			out_pad(o, ' ', s.width - 1);
		out_char(o, c);
		if (s.left)
			out_pad(o, ' ', s.width - 1);
		break;
	case '%':
		out_char(o, '%');
		break;
	default: /* unknown conversion: print it as it was */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
		break;
	}
}

int
gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &sp, &aq);
		format_one(&o, *fmt, &sp, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int
gk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = gk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
