/*
 * backends/lib/xenbus.h: the backend side of Xen's xenbus conventions
 * over libxenstore: reading and writing a device's keys, the XenbusState
 * handshake states, watches, and parsing the paths and numbers found in
 * xenstore (frontend-writable, so every value is checked here).
 */
#ifndef BE_XENBUS_H
#define BE_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenstore.h>
#include <xen/io/xenbus.h>

#define BE_XS_PATH_MAX	256
#define BE_XS_VALUE_MAX 256

/* Strict decimal (no sign, no spaces, no trailing junk, fits): 0 or
 * -EINVAL / -ERANGE. */
int be_xenbus_parse_u64(const char *s, uint64_t *out);
int be_xenbus_parse_u32(const char *s, uint32_t *out);

/* Split "/local/domain/0/backend/<type>/<domid>/<devid>[/...]" into domid
 * and devid; rest (may be NULL) points at what follows the devid ("" or
 * "/key...").  -EINVAL if path is not under that type's backend dir. */
int be_xenbus_parse_backend_path(const char *path, const char *type,
				 uint32_t *domid, uint32_t *devid,
				 const char **rest);

/* dir/key into buf: -ENOENT missing, -E2BIG longer than cap - 1, -errno
 * from xenstore. */
int be_xs_read(struct xs_handle *xs, const char *dir, const char *key,
	       char *buf, size_t cap);
/* Read and parse: -ENOENT missing, -EINVAL/-ERANGE not a number. */
int be_xs_read_u32(struct xs_handle *xs, const char *dir, const char *key,
		   uint32_t *out);
int be_xs_read_u64(struct xs_handle *xs, const char *dir, const char *key,
		   uint64_t *out);
/* Missing, empty or unparsable boolean-ish key: def; else value != 0. */
bool be_xs_read_bool(struct xs_handle *xs, const char *dir, const char *key,
		     bool def);
/* Write dir/key = printf(fmt) in transaction t (XBT_NULL: none). */
int be_xs_printf(struct xs_handle *xs, xs_transaction_t t, const char *dir,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* dir/state as a XenbusState; missing or junk reads as
 * XenbusStateUnknown. */
enum xenbus_state be_xenbus_read_state(struct xs_handle *xs, const char *dir);
/* Write dir/state. */
int be_xenbus_switch_state(struct xs_handle *xs, const char *dir,
			   enum xenbus_state state);
/* Name of a state for logs ("Connected"); "?" for unknown values. */
const char *be_xenbus_state_name(enum xenbus_state state);

#endif
