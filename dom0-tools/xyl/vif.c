/*
 * dom0-tools/xyl/vif.c: xl vif spec parsing for the toolstack (the keys
 * of xl-network-configuration(5); unknown keys are refused as xl does).
 * Trust boundary: config files and command lines; every value is bounded
 * and checked here before it reaches xenstore (vif_xs.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vif.h"

static int
vif_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 ||
	    strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	/* A multicast address cannot be a NIC's. */
	return (mac[0] & 1) ? -EINVAL : 0;
}

static int
vif_set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = strdup(v);
	return *slot ? 0 : -ENOMEM;
}

static int
vif_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == n;
}

/* One key=value token. */
static int
vif_parse_kv(struct vif_spec *v, const char *key, const char *val, FILE *report,
	     const char *where)
{
	char *end;
	long n;

	if (strcmp(key, "mac") == 0) {
		if (vif_parse_mac(val, v->mac) < 0)
			goto bad;
		v->has_mac = 1;
		return 0;
	}
	if (strcmp(key, "bridge") == 0)
		return vif_name_ok(val) ? vif_set_str(&v->bridge, val)
					: -EINVAL;
	if (strcmp(key, "vifname") == 0)
		return vif_name_ok(val) ? vif_set_str(&v->vifname, val)
					: -EINVAL;
	if (strcmp(key, "ip") == 0)
		return vif_set_str(&v->ip, val);
	if (strcmp(key, "script") == 0)
		return vif_set_str(&v->script, val);
	if (strcmp(key, "rate") == 0)
		return vif_set_str(&v->rate, val);
	if (strcmp(key, "mtu") == 0 || strcmp(key, "devid") == 0) {
		errno = 0;
		n = strtol(val, &end, 10);
		if (errno || *end || n < 0 ||
		    (key[0] == 'm' && (n < 68 || n > 9000)) || n > 65535)
			goto bad;
		if (key[0] == 'm')
			v->mtu = (uint32_t)n;
		else
			v->devid = (int)n;
		return 0;
	}
	if (strcmp(key, "type") == 0 || strcmp(key, "model") == 0 ||
	    strcmp(key, "accel") == 0)
		return 0; /* PV vifs only: accepted and ignored, as xl does */
	if (strcmp(key, "backend") == 0) {
		if (strcmp(val, "0") && strcmp(val, "Domain-0"))
			goto bad;
		return 0;
	}
	fprintf(report, "%s: unrecognized argument `%s'\n", where, key);
	return -EINVAL;
bad:
	fprintf(report, "%s: invalid %s \"%s\"\n", where, key, val);
	return -EINVAL;
}

int
vif_parse(const char *spec, FILE *report, const char *where,
	  struct vif_spec *out)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->devid = -1;
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq) {
			if (strcmp(tok, "trusted") &&
			    strcmp(tok, "untrusted")) {
				fprintf(report,
					"%s: unrecognized argument `%s'\n",
					where, tok);
				rc = -EINVAL;
			}
			continue;
		}
		*eq = '\0';
		rc = vif_parse_kv(out, tok, eq + 1, report, where);
		if (rc == -EINVAL && !strcmp(tok, "bridge"))
			fprintf(report, "%s: invalid bridge name\n", where);
	}
	free(copy);
	if (rc == 0 && !out->bridge)
		rc = vif_set_str(&out->bridge, VIF_DEFAULT_BRIDGE);
	if (rc == 0 && !out->script)
		rc = vif_set_str(&out->script, VIF_DEFAULT_SCRIPT);
	if (rc)
		vif_spec_free(out);
	return rc;
}

void
vif_spec_free(struct vif_spec *v)
{
	free(v->bridge);
	free(v->ip);
	free(v->script);
	free(v->vifname);
	free(v->rate);
	memset(v, 0, sizeof(*v));
}
