/*
 * dom0-tools/xyl/config_json.c: struct config as JSON (`xyl create -n`,
 * the monitor's record) and UUID text conversion.  Works only on checked
 * values; owns nothing beyond the json-c objects it returns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "config.h"

void
config_uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
config_uuid_parse(const char *s, uint8_t u[16])
{
	size_t i, nib = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36; i++) {
		int v;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		v = hex_value(s[i]);
		if (v < 0)
			return -EINVAL;
		if (nib % 2 == 0)
			u[nib / 2] = (uint8_t)(v << 4);
		else
			u[nib / 2] |= (uint8_t)v;
		nib++;
	}
	return 0;
}

/* The disk specs as written (xl keeps them parsed; the strings are what
 * libxlutil reads back). */
static struct json_object *
json_disks(const struct config *c)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; a && i < c->nr_disks; i++)
		json_object_array_add(a, json_object_new_string(c->disks[i]));
	return a;
}

static struct json_object *
json_string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

struct json_object *
config_to_json(const struct config *c)
{
	struct json_object *o = json_object_new_object();
	char uuid[37];

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_string_or_null(c->name));
	json_object_object_add(o, "type", json_string_or_null(c->type));
	json_object_object_add(o, "kernel", json_string_or_null(c->kernel));
	json_object_object_add(o, "ramdisk", json_string_or_null(c->ramdisk));
	json_object_object_add(o, "cmdline", json_string_or_null(c->cmdline));
	json_object_object_add(o, "memory",
			       json_object_new_int64((int64_t)c->memory_mib));
	json_object_object_add(o, "maxmem",
			       json_object_new_int64((int64_t)c->maxmem_mib));
	json_object_object_add(o, "vcpus", json_object_new_int64(c->vcpus));
	if (c->has_uuid)
		config_uuid_format(c->uuid, uuid);
	json_object_object_add(o, "uuid",
			       json_string_or_null(c->has_uuid ? uuid : NULL));
	json_object_object_add(
		o, "on_poweroff",
		json_object_new_string(config_action_name(c->on_poweroff)));
	json_object_object_add(
		o, "on_reboot",
		json_object_new_string(config_action_name(c->on_reboot)));
	json_object_object_add(
		o, "on_crash",
		json_object_new_string(config_action_name(c->on_crash)));
	json_object_object_add(o, "disk", json_disks(c));
	json_object_object_add(o, "vif", json_object_new_array());
	if (c->bootloader) { /* bootloader = "svi" */
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "volume",
				       json_string_or_null(c->svi_volume));
		json_object_object_add(b, "kernel",
				       json_string_or_null(c->svi_kernel));
		json_object_object_add(b, "ramdisk",
				       json_string_or_null(c->svi_ramdisk));
		json_object_object_add(b, "cmdline",
				       json_string_or_null(c->svi_cmdline));
		json_object_object_add(o, "bootloader",
				       json_string_or_null(c->bootloader));
		json_object_object_add(o, "bootloader_args", b);
	}
	return o;
}
