// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "options.h"

enum opt_kind { OPT_UINT, OPT_INT, OPT_BOOL, OPT_PATH, OPT_ENDPOINT, OPT_IFACE, OPT_ENUM };

struct opt {
	const char *name;
	enum opt_kind kind;
	size_t off;		/* into struct config */
	union {
		size_t size;	/* of a path buffer */
		const char *const *names;	/* OPT_ENUM: its values, stored as their index */
	};
	long min, max;		/* numbers */
	const char *help;
};

#define F(field) offsetof(struct config, field)
#define P(field) F(field), { sizeof(((struct config *)0)->field) }

static const char *const el_names[EL_COUNT + 1] = { "delayed", "immediate", "off", "heuristic",
						     NULL };

/* The single table both the command line and the config file read. */
static const struct opt opts[] = {
	{ "interface", OPT_IFACE, F(iface), { 0 }, 0, 0,
	  "[NAME/]ADDRESS[!ADVERTISED]  local media address (repeatable)" },
	{ "listen-ng", OPT_ENDPOINT, F(listen_ng), { 0 }, 0, 0,
	  "[ADDR:]PORT  ng control protocol over UDP (default 127.0.0.1:2223)" },
	{ "listen-tcp-ng", OPT_ENDPOINT, F(listen_tcp_ng), { 0 }, 0, 0,
	  "[ADDR:]PORT  ng control protocol over TCP (default: none)" },
	{ "listen-http", OPT_ENDPOINT, F(listen_http), { 0 }, 0, 0,
	  "[ADDR:]PORT  Prometheus metrics at /metrics" },
	{ "port-min", OPT_UINT, F(port_min), { 0 }, 1024, 65535, "lowest media port (30000)" },
	{ "port-max", OPT_UINT, F(port_max), { 0 }, 1024, 65535, "highest media port (40000)" },
	{ "table", OPT_INT, F(table), { 0 }, -1, INT_MAX,
	  "N  kernel offload (srtprelay.ko); -1 = userspace only (0)" },
	{ "foreground", OPT_BOOL, F(foreground), { 0 }, 0, 1, "stay in the foreground" },
	{ "timeout", OPT_UINT, F(timeout), { 0 }, 0, 86400,
	  "SECS  end a call after this long without media (60; 0 = never)" },
	{ "silent-timeout", OPT_UINT, F(silent_timeout), { 0 }, 0, 86400,
	  "SECS  the same for calls on hold (3600)" },
	{ "final-timeout", OPT_UINT, F(final_timeout), { 0 }, 0, 864000,
	  "SECS  end any call after this long (0 = never)" },
	{ "consent-timeout", OPT_UINT, F(consent_timeout), { 0 }, 0, 3600,
	  "SECS  no media to an ICE endpoint whose checks stopped this long ago (30; 0 = off)" },
	{ "endpoint-learning", OPT_ENUM, F(endpoint_learning), { .names = el_names }, 0, 0,
	  "MODE  delayed, immediate, off or heuristic (heuristic): see srtprelayd(8)" },
	{ "delete-delay", OPT_UINT, F(delete_delay), { 0 }, 0, 3600,
	  "SECS  accepted for rtpengine compatibility; deletes are immediate" },
	{ "max-sessions", OPT_UINT, F(max_calls), { 0 }, 0, 10000000, "N  refuse new calls beyond N" },
	{ "reply-cache-mb", OPT_UINT, F(reply_cache_mb), { 0 }, 0, 65536,
	  "MB  ng replies kept for retransmits, oldest out first (64; 0 = none)" },
	{ "log-level", OPT_INT, F(log_level), { 0 }, 0, 7, "N  syslog level, 0-7 (5)" },
	{ "log-stderr", OPT_BOOL, F(log_stderr), { 0 }, 0, 1, "log to stderr instead of syslog" },
	{ "pidfile", OPT_PATH, P(pidfile), 0, 0, "PATH  write the process id here" },
	{ "dtls-certificate", OPT_PATH, P(dtls_cert), 0, 0,
	  "PATH  PEM certificate and key for DTLS (default: generated at start)" },
	{ "config-file", OPT_PATH, P(config_file), 0, 0, "PATH  INI file with these keys" },
	{ "config-section", OPT_PATH, P(config_section), 0, 0,
	  "NAME  section to read (default: [srtprelay] and [rtpengine])" },
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	addr_parse("127.0.0.1:2223", &c->listen_ng, true);
	c->port_min = 30000;
	c->port_max = 40000;
	c->timeout = 60;
	c->silent_timeout = 3600;
	c->consent_timeout = OPT_CONSENT_TIMEOUT;
	c->endpoint_learning = EL_HEURISTIC;
	c->reply_cache_mb = 64;
	c->log_level = LOG_NOTICE;
}

static int set_iface(struct config *c, const char *v, char *err, size_t errlen)
{
	struct config_iface *i;
	const char *slash, *bang, *addr;
	char buf[160];

	if (c->n_iface >= CONFIG_MAX_IFACES) {
		snprintf(err, errlen, "interface: at most %d interfaces", CONFIG_MAX_IFACES);
		return -EINVAL;
	}
	if (strlen(v) >= sizeof(buf))
		goto bad;
	i = &c->iface[c->n_iface];
	memset(i, 0, sizeof(*i));
	slash = strchr(v, '/');
	addr = v;
	if (slash) {
		if (slash == v || (size_t)(slash - v) >= sizeof(i->name))
			goto bad;
		memcpy(i->name, v, (size_t)(slash - v));
		addr = slash + 1;
	} else {
		snprintf(i->name, sizeof(i->name), "default");
	}
	snprintf(buf, sizeof(buf), "%s", addr);
	bang = strchr(buf, '!');
	if (bang)
		buf[bang - buf] = '\0';
	if (addr_parse_ip(buf, strlen(buf), &i->local))
		goto bad;
	if (bang) {
		if (addr_parse_ip(bang + 1, strlen(bang + 1), &i->advertised) ||
		    i->advertised.ss_family != i->local.ss_family)
			goto bad;
	} else {
		i->advertised = i->local;
	}
	c->n_iface++;
	return 0;
bad:
	snprintf(err, errlen, "interface: '%s' is not [NAME/]ADDRESS[!ADVERTISED]", v);
	return -EINVAL;
}

static const struct opt *find_opt(const char *key)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (!strcmp(opts[i].name, key))
			return &opts[i];
	return NULL;
}

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct opt *o = find_opt(key);
	char *field;
	long n;

	if (!o) {
		snprintf(err, errlen, "unknown option '%s'", key);
		return -ENOENT;
	}
	field = (char *)c + o->off;
	switch (o->kind) {
	case OPT_UINT:
	case OPT_INT:
		if (parse_long(value, o->min, o->max, &n)) {
			snprintf(err, errlen, "%s: '%s' is not a number from %ld to %ld", key, value,
				 o->min, o->max);
			return -EINVAL;
		}
		if (o->kind == OPT_UINT)
			*(unsigned int *)(void *)field = (unsigned int)n;
		else
			*(int *)(void *)field = (int)n;
		return 0;
	case OPT_BOOL:
		if (!*value || !strcmp(value, "1") || !strcasecmp(value, "true") ||
		    !strcasecmp(value, "yes") || !strcasecmp(value, "on")) {
			*(bool *)field = true;
		} else if (!strcmp(value, "0") || !strcasecmp(value, "false") ||
			   !strcasecmp(value, "no") || !strcasecmp(value, "off")) {
			*(bool *)field = false;
		} else {
			snprintf(err, errlen, "%s: '%s' is not true or false", key, value);
			return -EINVAL;
		}
		return 0;
	case OPT_PATH:
		if (strlen(value) >= o->size) {
			snprintf(err, errlen, "%s: longer than %zu characters", key, o->size - 1);
			return -EINVAL;
		}
		strcpy(field, value);
		return 0;
	case OPT_ENDPOINT:
		if (addr_parse(value, (struct sockaddr_storage *)(void *)field, true)) {
			snprintf(err, errlen, "%s: '%s' is not [ADDRESS:]PORT", key, value);
			return -EINVAL;
		}
		return 0;
	case OPT_ENUM: {
		size_t used;

		for (unsigned int i = 0; o->names[i]; i++)
			if (!strcasecmp(value, o->names[i])) {
				*(unsigned int *)(void *)field = i;
				return 0;
			}
		used = (size_t)snprintf(err, errlen, "%s: '%s' is not one of:", key, value);
		for (unsigned int i = 0; o->names[i] && used < errlen; i++)
			used += (size_t)snprintf(err + used, errlen - used, " %s", o->names[i]);
		return -EINVAL;
	}
	case OPT_IFACE: {
		/* A config file lists interfaces separated by ';'. */
		char list[512], *save = NULL, *tok;
		int r;

		if (strlen(value) >= sizeof(list)) {
			snprintf(err, errlen, "%s: value too long", key);
			return -EINVAL;
		}
		strcpy(list, value);
		for (tok = strtok_r(list, "; \t", &save); tok; tok = strtok_r(NULL, "; \t", &save)) {
			r = set_iface(c, tok, err, errlen);
			if (r)
				return r;
		}
		return 0;
	}
	}
	return -EINVAL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	char line[1024], why[CONFIG_ERR_MAX];
	bool in_section = false, want_rtpengine = !c->config_section[0];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int r = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			r = -EINVAL;
			break;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1]) {
				snprintf(err, errlen, "%s:%u: bad section header", path, lineno);
				r = -EINVAL;
				break;
			}
			*close = '\0';
			if (c->config_section[0])
				in_section = !strcmp(s + 1, c->config_section);
			else
				in_section = !strcmp(s + 1, "srtprelay") ||
					     (want_rtpengine && !strcmp(s + 1, "rtpengine"));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
			r = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!in_section)
			continue;
		if (!strcmp(key, "config-file"))
			continue;
		if (config_set(c, key, val, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%u: key '%s': %s", path, lineno, key, why);
			r = -EINVAL;
			break;
		}
	}
	fclose(f);
	return r;
}

void config_usage(FILE *f)
{
	fprintf(f, "Usage: srtprelayd [OPTION]...\nSRTP media relay driven by the rtpengine ng "
		   "protocol.\n\n");
	for (size_t i = 0; i < N_OPTS; i++)
		fprintf(f, "  --%-18s %s\n", opts[i].name, opts[i].help);
	fprintf(f, "  --%-18s %s\n  --%-18s %s\n", "help", "this text", "version",
		"print the version");
}

int config_from_args(struct config *c, int argc, char **argv, char *err, size_t errlen)
{
	struct option lo[N_OPTS + 3];
	int i, r, idx;

	config_defaults(c);
	for (i = 0; i < (int)N_OPTS; i++)
		lo[i] = (struct option){ opts[i].name,
					 opts[i].kind == OPT_BOOL ? optional_argument :
								    required_argument,
					 NULL, 0 };
	lo[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[i++] = (struct option){ "version", no_argument, NULL, 'V' };
	lo[i] = (struct option){ 0 };

	/* Pass 1: only --config-file and --config-section, so the command line wins later. */
	for (int pass = 0; pass < 2; pass++) {
		optind = 0;
		opterr = 0;
		while ((r = getopt_long(argc, argv, "+", lo, &idx)) != -1) {
			const char *name;

			if (r == 'h') {
				config_usage(stdout);
				return 1;
			}
			if (r == 'V') {
				printf("srtprelayd 0.1\n");
				return 1;
			}
			if (r == '?') {
				snprintf(err, errlen, "unknown option or missing value: %s",
					 argv[optind - 1]);
				return -EINVAL;
			}
			name = lo[idx].name;
			if ((pass == 0) != (!strcmp(name, "config-file") ||
					    !strcmp(name, "config-section")))
				continue;
			if (config_set(c, name, optarg ? optarg : "", err, errlen))
				return -EINVAL;
		}
		if (optind < argc) {
			snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
			return -EINVAL;
		}
		if (pass == 0 && c->config_file[0] &&
		    config_load_file(c, c->config_file, err, errlen))
			return -EINVAL;
	}
	return config_validate(c, err, errlen);
}

int config_validate(const struct config *c, char *err, size_t errlen)
{
	if (c->port_min > c->port_max || c->port_max - c->port_min < 3) {
		snprintf(err, errlen, "port-min %u / port-max %u: need a range of at least 4 ports",
			 c->port_min, c->port_max);
		return -EINVAL;
	}
	if (!c->n_iface) {
		snprintf(err, errlen, "no --interface given: name the address media is relayed on");
		return -EINVAL;
	}
	return 0;
}
