/*
 * svi/svifront_inflate.c: a small one-shot inflater for the guest: zlib
 * wrapper (RFC 1950) around deflate (RFC 1951: stored, fixed and dynamic
 * Huffman blocks).  Input and output are whole buffers, so the output is
 * its own window.  The stream is hostile: every code, length, distance and
 * size is checked, and nothing is read or written outside the buffers.
 */
#include "svifront.h"

#define MAX_BITS  15  /* longest Huffman code */
#define NR_LITLEN 288 /* literal/length symbols incl. the 2 invalid ones */
#define NR_DIST	  32
#define NR_CLEN	  19
#define FAST_BITS 9 /* codes this short decode with one table look-up */
#define FAST_SIZE (1u << FAST_BITS)

/* Bit reader: deflate packs bits from the least significant end. */
struct bits {
	const uint8_t *in;
	size_t len;
	size_t pos;
	uint64_t acc;
	unsigned int nr_acc;
};

/* Canonical Huffman code: count[l] codes of length l; sym[] holds the
 * symbols ordered by code.  fast[] maps the next FAST_BITS input bits to
 * symbol << 4 | length for codes of at most FAST_BITS bits (0: longer or
 * no code; the bit-by-bit decoder decides). */
struct huff {
	uint16_t count[MAX_BITS + 1];
	uint16_t sym[NR_LITLEN];
	uint16_t fast[FAST_SIZE];
};

struct inflate {
	struct bits b;
	uint8_t *out;
	size_t out_len;
	size_t out_pos;
	const char *why;
	struct huff lit;
	struct huff dist;
};

/* Length codes 257..285 and distance codes 0..29 (RFC 1951 3.2.5). */
static const uint16_t len_base[29] = {
	3,  4,	5,  6,	7,  8,	9,  10, 11,  13,  15,  17,  19,	 23, 27,
	31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
				      1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
				      4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
	1,    2,    3,	  4,	5,    7,    9,	  13,	 17,	25,
	33,   49,   65,	  97,	129,  193,  257,  385,	 513,	769,
	1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0,	 0,  1,	 1,  2,	 2,  3,	 3,
				       4, 4, 5,	 5,  6,	 6,  7,	 7,  8,	 8,
				       9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* The order code-length code lengths are sent in (RFC 1951 3.2.7). */
static const uint8_t clen_order[NR_CLEN] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					    11, 4,  12, 3, 13, 2, 14, 1, 15};

static int
bad(struct inflate *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return -EBADMSG;
}

/* Take n (<= 32) bits; -EBADMSG if the input ends first. */
static int
bits_get(struct inflate *s, unsigned int n, uint32_t *v)
{
	struct bits *b = &s->b;

	while (b->nr_acc < n) {
		if (b->pos >= b->len)
			return bad(s, "zlib stream ends early");
		b->acc |= (uint64_t)b->in[b->pos++] << b->nr_acc;
		b->nr_acc += 8;
	}
	*v = (uint32_t)(b->acc & ((1ull << n) - 1));
	b->acc >>= n;
	b->nr_acc -= n;
	return 0;
}

/* Fill h->fast from the code lengths (already checked not to be
 * over-subscribed): symbol i of length l gets the next code of that
 * length; deflate sends codes from their most significant bit, and the
 * bit reader hands out the first bit sent lowest, so the table is
 * indexed by the code reversed, every combination of the bits after it
 * included. */
static void
huff_build_fast(struct huff *h, const uint8_t *lengths, unsigned int n)
{
	uint32_t code[MAX_BITS + 1], c, rev, j;
	unsigned int i, l, k;

	for (j = 0; j < FAST_SIZE; j++)
		h->fast[j] = 0;
	code[0] = 0;
	for (l = 1; l <= MAX_BITS; l++)
		code[l] = (code[l - 1] + h->count[l - 1]) << 1;
	for (i = 0; i < n; i++) {
		l = lengths[i];
		if (!l)
			continue;
		c = code[l]++;
		if (l > FAST_BITS)
			continue;
		for (rev = 0, k = 0; k < l; k++)
			rev |= ((c >> k) & 1) << (l - 1 - k);
		for (j = rev; j < FAST_SIZE; j += 1u << l)
			h->fast[j] = (uint16_t)(i << 4 | l);
	}
}

/* Build a code from lengths[0..n).  Over-subscribed sets are refused;
 * incomplete ones are allowed (a lone distance code is legal) and a
 * missing code then fails at decode time. */
static int
huff_build(struct inflate *s, struct huff *h, const uint8_t *lengths,
	   unsigned int n)
{
	uint16_t next[MAX_BITS + 1];
	int left = 1;
	unsigned int i, l;

	for (l = 0; l <= MAX_BITS; l++)
		h->count[l] = 0;
	for (i = 0; i < n; i++)
		h->count[lengths[i]]++;
	h->count[0] = 0;
	for (l = 1; l <= MAX_BITS; l++) {
		left = left * 2 - h->count[l];
		if (left < 0)
			return bad(s, "over-subscribed Huffman code");
	}
	next[1] = 0;
	for (l = 1; l < MAX_BITS; l++)
		next[l + 1] = (uint16_t)(next[l] + h->count[l]);
	for (i = 0; i < n; i++)
		if (lengths[i])
			h->sym[next[lengths[i]]++] = (uint16_t)i;
	huff_build_fast(h, lengths, n);
	return 0;
}

/* Decode one symbol, one bit at a time: codes of each length are
 * consecutive integers, so a code of length l is valid when it falls in
 * [first, first + count[l]). */
static int
huff_decode(struct inflate *s, const struct huff *h, unsigned int *sym)
{
	uint32_t code = 0, first = 0, index = 0, bit;
	struct bits *b = &s->b;
	unsigned int l;
	uint16_t e;

	/* Fast path: a short code whose bits are all in the accumulator. */
	while (b->nr_acc < FAST_BITS && b->pos < b->len) {
		b->acc |= (uint64_t)b->in[b->pos++] << b->nr_acc;
		b->nr_acc += 8;
	}
	e = h->fast[b->acc & (FAST_SIZE - 1)];
	if (e && (e & 15u) <= b->nr_acc) {
		*sym = e >> 4;
		b->acc >>= e & 15u;
		b->nr_acc -= e & 15u;
		return 0;
	}
	for (l = 1; l <= MAX_BITS; l++) {
		if (bits_get(s, 1, &bit) < 0)
			return -EBADMSG;
		code |= bit;
		if (code - first < h->count[l]) {
			*sym = h->sym[index + code - first];
			return 0;
		}
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
	return bad(s, "invalid Huffman code");
}

static int
put_byte(struct inflate *s, uint8_t c)
{
	if (s->out_pos >= s->out_len)
		return bad(s, "inflates past its size (decompression bomb)");
	s->out[s->out_pos++] = c;
	return 0;
}

static int
copy_match(struct inflate *s, uint32_t len, uint32_t dist)
{
	size_t from;

	if (dist > s->out_pos)
		return bad(s, "distance reaches before the output");
	if (len > s->out_len - s->out_pos)
		return bad(s, "inflates past its size (decompression bomb)");
	from = s->out_pos - dist;
	/* Eight bytes a step when the source ends before the destination
	 * starts (dist >= 8); byte by byte otherwise, as the source may
	 * overlap what is being written. */
	if (dist >= 8)
		for (; len >= 8; len -= 8, from += 8, s->out_pos += 8)
			__builtin_memcpy(s->out + s->out_pos, s->out + from, 8);
	while (len--)
		s->out[s->out_pos++] = s->out[from++];
	return 0;
}

/* Literal/length and distance codes until end of block (256). */
static int
inflate_codes(struct inflate *s)
{
	unsigned int sym;
	uint32_t len, dist, extra;

	for (;;) {
		if (huff_decode(s, &s->lit, &sym) < 0)
			return -EBADMSG;
		if (sym < 256) {
			if (put_byte(s, (uint8_t)sym) < 0)
				return -EBADMSG;
			continue;
		}
		if (sym == 256)
			return 0;
		if (sym > 285)
			return bad(s, "invalid length symbol");
		sym -= 257;
		if (bits_get(s, len_extra[sym], &extra) < 0)
			return -EBADMSG;
		len = len_base[sym] + extra;
		if (huff_decode(s, &s->dist, &sym) < 0)
			return -EBADMSG;
		if (sym > 29)
			return bad(s, "invalid distance symbol");
		if (bits_get(s, dist_extra[sym], &extra) < 0)
			return -EBADMSG;
		dist = dist_base[sym] + extra;
		if (copy_match(s, len, dist) < 0)
			return -EBADMSG;
	}
}

static int
inflate_stored(struct inflate *s)
{
	struct bits *b = &s->b;
	uint32_t len, nlen;

	/* Drop the partial byte; whole bytes may still sit in acc. */
	b->acc >>= b->nr_acc & 7;
	b->nr_acc &= ~7u;
	if (bits_get(s, 16, &len) < 0 || bits_get(s, 16, &nlen) < 0)
		return -EBADMSG;
	if (len != (~nlen & 0xffff))
		return bad(s, "stored block length check fails");
	while (len--) {
		uint32_t c;

		if (bits_get(s, 8, &c) < 0 || put_byte(s, (uint8_t)c) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int
inflate_fixed(struct inflate *s)
{
	uint8_t lengths[NR_LITLEN];
	unsigned int i;

	for (i = 0; i < NR_LITLEN; i++)
		lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	if (huff_build(s, &s->lit, lengths, NR_LITLEN) < 0)
		return -EBADMSG;
	for (i = 0; i < NR_DIST; i++)
		lengths[i] = 5;
	if (huff_build(s, &s->dist, lengths, NR_DIST) < 0)
		return -EBADMSG;
	return inflate_codes(s);
}

/* Read the literal/length and distance code lengths of a dynamic block,
 * themselves coded with the code-length code. */
static int
read_lengths(struct inflate *s, uint8_t *lengths, unsigned int total)
{
	unsigned int i = 0, sym;
	uint32_t rep, extra;
	uint8_t val;

	while (i < total) {
		if (huff_decode(s, &s->dist, &sym) < 0) /* dist: clen code */
			return -EBADMSG;
		if (sym < 16) {
			lengths[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return bad(s, "repeat with no length before");
			val = lengths[i - 1];
			if (bits_get(s, 2, &extra) < 0)
				return -EBADMSG;
			rep = 3 + extra;
		} else {
			val = 0;
			if (bits_get(s, sym == 17 ? 3 : 7, &extra) < 0)
				return -EBADMSG;
			rep = (sym == 17 ? 3 : 11) + extra;
		}
		if (rep > total - i)
			return bad(s, "code lengths overrun");
		while (rep--)
			lengths[i++] = val;
	}
	return 0;
}

static int
inflate_dynamic(struct inflate *s)
{
	uint8_t lengths[NR_LITLEN + NR_DIST];
	uint32_t nlit, ndist, nclen, v;
	unsigned int i;

	if (bits_get(s, 5, &nlit) < 0 || bits_get(s, 5, &ndist) < 0 ||
	    bits_get(s, 4, &nclen) < 0)
		return -EBADMSG;
	nlit += 257;
	ndist += 1;
	nclen += 4;
	if (nlit > 286 || ndist > 30)
		return bad(s, "too many length or distance codes");
	for (i = 0; i < NR_CLEN; i++) {
		v = 0;
		if (i < nclen && bits_get(s, 3, &v) < 0)
			return -EBADMSG;
		lengths[clen_order[i]] = (uint8_t)v;
	}
	if (huff_build(s, &s->dist, lengths, NR_CLEN) < 0 ||
	    read_lengths(s, lengths, nlit + ndist) < 0)
		return -EBADMSG;
	if (lengths[256] == 0)
		return bad(s, "no end-of-block code");
	if (huff_build(s, &s->lit, lengths, nlit) < 0 ||
	    huff_build(s, &s->dist, lengths + nlit, ndist) < 0)
		return -EBADMSG;
	return inflate_codes(s);
}

static uint32_t
adler32(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;
	size_t n;

	/* 5552 bytes is the most that cannot overflow b before the mod. */
	while (len) {
		n = len < 5552 ? len : 5552;
		len -= n;
		while (n--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static int
inflate_blocks(struct inflate *s)
{
	uint32_t last, type;
	int r;

	do {
		if (bits_get(s, 1, &last) < 0 || bits_get(s, 2, &type) < 0)
			return -EBADMSG;
		if (type == 0)
			r = inflate_stored(s);
		else if (type == 1)
			r = inflate_fixed(s);
		else if (type == 2)
			r = inflate_dynamic(s);
		else
			r = bad(s, "invalid block type");
		if (r < 0)
			return r;
	} while (!last);
	return 0;
}

int
svifront_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
		 const char **why)
{
	struct inflate st; /* ~3.3 KiB of the 64 KiB kernel stack */
	struct inflate *s = &st;
	uint32_t adler = 0, byte;
	int i;

	*s = (struct inflate){
		.b = {.in = in, .len = in_len}, .out = out, .out_len = out_len};
	if (in_len < 6 || (in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 ||
	    ((unsigned int)in[0] << 8 | in[1]) % 31 || (in[1] & 0x20)) {
		*why = "bad zlib header";
		return -EBADMSG;
	}
	s->b.pos = 2;
	if (inflate_blocks(s) < 0)
		goto fail;
	s->b.acc >>= s->b.nr_acc & 7; /* the trailer is byte-aligned */
	s->b.nr_acc &= ~7u;
	for (i = 0; i < 4; i++) {
		if (bits_get(s, 8, &byte) < 0)
			goto fail;
		adler = adler << 8 | byte;
	}
	if (s->b.nr_acc || s->b.pos != in_len)
		bad(s, "data after the end of the zlib stream");
	else if (s->out_pos != out_len)
		bad(s, "inflates to fewer bytes than its size");
	else if (adler != adler32(out, out_len))
		bad(s, "zlib Adler-32 mismatch");
	if (!s->why)
		return 0;
fail:
	*why = s->why;
	return -EBADMSG;
}
