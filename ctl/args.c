// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Command line words to addresses, numbers and flows; no sockets, so it is unit-tested. */
#include "ctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdes_key.h"
#include "srtp.h"

int ctl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (d > max || v > (max - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_port(const char *s, bool zero_ok, uint16_t *port)
{
	uint64_t v;

	if (ctl_parse_u64(s, 65535, &v) || (!v && !zero_ok))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* The IPv6 part of "[addr%zone]": the zone is an interface name or index. */
static int parse_in6(char *host, struct sockaddr_in6 *in6)
{
	char *zone = strchr(host, '%');
	uint64_t idx;

	if (zone)
		*zone++ = '\0';
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
		return -EINVAL;
	if (!zone)
		return 0;
	if (!ctl_parse_u64(zone, UINT32_MAX, &idx))
		in6->sin6_scope_id = (uint32_t)idx;
	else
		in6->sin6_scope_id = if_nametoindex(zone);
	return in6->sin6_scope_id ? 0 : -ENODEV;
}

int ctl_parse_addr(const char *s, bool port_optional, struct sockaddr_storage *ss, char *err,
		   size_t errlen)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *h = s, *port, *end;
	bool bracketed = s[0] == '[';
	uint16_t p = 0;
	int ret = -EINVAL;

	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		h = s + 1;
		end = strchr(h, ']');
		if (!end || (end[1] && end[1] != ':'))
			goto bad;
		port = end[1] ? end + 2 : NULL;
	} else {
		end = strchr(s, ':');
		if (end && strchr(end + 1, ':')) {
			snprintf(err, errlen, "'%s': IPv6 addresses need brackets: [ADDR]:PORT", s);
			return -EINVAL;
		}
		port = end ? end + 1 : NULL;
		end = end ? end : s + strlen(s);
	}
	if ((size_t)(end - h) >= sizeof(host))
		goto bad;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	if ((!port && !port_optional) || (port && parse_port(port, port_optional, &p))) {
		snprintf(err, errlen, "'%s': expected ADDR:PORT with a port of 1 to 65535", s);
		return -EINVAL;
	}
	if (!bracketed && inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(p);
		return 0;
	}
	if (bracketed)
		ret = parse_in6(host, in6);
	if (!ret) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		return 0;
	}
	if (ret == -ENODEV) {
		memset(ss, 0, sizeof(*ss));
		snprintf(err, errlen, "'%s': no such interface for the IPv6 zone", s);
		return -EINVAL;
	}
bad:
	memset(ss, 0, sizeof(*ss));
	snprintf(err, errlen, "'%s' is not an address: expected A.B.C.D:PORT or [IPV6]:PORT", s);
	return -EINVAL;
}

int ctl_parse_ports(const char *s, uint16_t *min, uint16_t *max, char *err, size_t errlen)
{
	const char *dash = strchr(s, '-');
	char first[8];

	if (!dash) {
		if (parse_port(s, false, min))
			goto bad;
		*max = *min;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(first))
		goto bad;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (parse_port(first, false, min) || parse_port(dash + 1, false, max) || *min > *max)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "bad port range '%s': expected MIN-MAX with 1 <= MIN <= MAX <= 65535",
		 s);
	return -EINVAL;
}

/* --- flow add --- */

struct flow_args {
	int argc, i;
	char **argv;
	struct kflow *f;
	struct kflow_crypto *cur;	/* the context that ssrc & co. apply to */
	bool have_peer, have_source;
	char *err;
	size_t errlen;
};

/* The word after argv[i], or NULL with err set. */
static const char *arg_value(struct flow_args *a, const char *what)
{
	if (a->i + 1 >= a->argc) {
		snprintf(a->err, a->errlen, "'%s' needs %s", a->argv[a->i], what);
		return NULL;
	}
	return a->argv[++a->i];
}

static int known_suites(char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int id = 1; ctl_suite_name(id) && at < size; id++) {
		int n = snprintf(buf + at, size - at, "%s%s", id > 1 ? ", " : "",
				 ctl_suite_name(id));

		if (n < 0)
			return -EINVAL;
		at += (size_t)n;
	}
	return 0;
}

static int parse_crypto(struct flow_args *a, struct kflow_crypto *c)
{
	const char *dir = a->argv[a->i], *name, *param;
	const struct srtp_suite *s;
	char why[SDES_KEY_ERR_MAX], list[300];
	struct sdes_key k;

	if (c->present) {
		snprintf(a->err, a->errlen, "'%s' given twice", dir);
		return -EINVAL;
	}
	name = arg_value(a, "a crypto suite and a key");
	if (!name)
		return -EINVAL;
	s = srtp_suite_by_name(name, (uint32_t)strlen(name));
	if (!s) {
		known_suites(list, sizeof(list));
		snprintf(a->err, a->errlen, "unknown crypto suite '%s' (known: %s)", name, list);
		return -EINVAL;
	}
	param = arg_value(a, "a crypto suite and a key");
	if (!param)
		return -EINVAL;
	if (sdes_key_parse(param, strlen(param), s, &k, why, sizeof(why))) {
		snprintf(a->err, a->errlen, "%s key: %s", dir, why);
		return -EINVAL;
	}
	c->present = true;
	c->suite = s->id;
	c->key_len = k.key_len;
	memcpy(c->key, k.key, k.key_len);
	c->salt_len = k.salt_len;
	memcpy(c->salt, k.salt, k.salt_len);
	c->mki_len = k.mki_len;
	memcpy(c->mki, k.mki, k.mki_len);
	sdes_key_wipe(&k);
	a->cur = c;
	return 0;
}

static int parse_ssrc(struct flow_args *a)
{
	struct kflow_crypto *c = a->cur;
	const char *v;
	uint64_t id, roc = 0;

	if (!c) {
		snprintf(a->err, a->errlen, "'ssrc' must follow 'decrypt' or 'encrypt'");
		return -EINVAL;
	}
	v = arg_value(a, "an SSRC");
	if (!v)
		return -EINVAL;
	if (ctl_parse_u64(v, UINT32_MAX, &id)) {
		snprintf(a->err, a->errlen, "bad SSRC '%s': expected 0 to 0xffffffff", v);
		return -EINVAL;
	}
	if (a->i + 1 < a->argc && !strcmp(a->argv[a->i + 1], "roc")) {
		a->i++;
		v = arg_value(a, "a rollover counter");
		if (!v || ctl_parse_u64(v, UINT32_MAX, &roc)) {
			if (v)
				snprintf(a->err, a->errlen, "bad ROC '%s': expected 0 to 0xffffffff", v);
			return -EINVAL;
		}
	}
	for (unsigned int i = 0; i < c->nssrc; i++) {
		if (c->ssrc[i].id == id) {
			snprintf(a->err, a->errlen, "SSRC %llu given twice", (unsigned long long)id);
			return -EINVAL;
		}
	}
	if (c->nssrc == SRTPRELAY_MAX_SSRCS) {
		snprintf(a->err, a->errlen, "at most %d SSRCs per crypto context",
			 SRTPRELAY_MAX_SSRCS);
		return -EINVAL;
	}
	c->ssrc[c->nssrc].id = (uint32_t)id;
	c->ssrc[c->nssrc++].roc = (uint32_t)roc;
	return 0;
}

static int parse_pts(struct flow_args *a)
{
	const char *v = arg_value(a, "a list of payload types such as 0,8,101");
	bool seen[128] = { false };
	uint64_t pt;
	char one[8];

	if (!v)
		return -EINVAL;
	a->f->npt = 0;
	while (*v) {
		size_t n = strcspn(v, ",");

		if (!n || n >= sizeof(one))
			goto bad;
		memcpy(one, v, n);
		one[n] = '\0';
		if (ctl_parse_u64(one, 127, &pt) || seen[pt])
			goto bad;
		seen[pt] = true;
		a->f->pt[a->f->npt++] = (uint8_t)pt;
		v += n;
		if (*v == ',' && !*++v)
			goto bad;
	}
	if (a->f->npt)
		return 0;
bad:
	snprintf(a->err, a->errlen, "bad payload type list '%s': expected distinct numbers "
		 "0 to 127 separated by commas", a->argv[a->i]);
	return -EINVAL;
}

static int parse_addr_word(struct flow_args *a, struct sockaddr_storage *ss, bool *have,
			   bool port_optional)
{
	const char *w = a->argv[a->i], *v;

	if (*have) {
		snprintf(a->err, a->errlen, "'%s' given twice", w);
		return -EINVAL;
	}
	v = arg_value(a, "an address");
	if (!v || ctl_parse_addr(v, port_optional, ss, a->err, a->errlen))
		return -EINVAL;
	*have = true;
	return 0;
}

static int parse_media(struct flow_args *a)
{
	static const char *const names[] = { "rtp", "rtcp", "mux" };
	const char *v = arg_value(a, "rtp, rtcp or mux");

	if (!v)
		return -EINVAL;
	for (uint32_t m = 0; m < 3; m++) {
		if (!strcmp(v, names[m])) {
			a->f->media = m;
			return 0;
		}
	}
	snprintf(a->err, a->errlen, "unknown media '%s': expected rtp, rtcp or mux", v);
	return -EINVAL;
}

/* Words without a value: flags of the flow, of the request, or of the current context. */
static int parse_flag_word(struct flow_args *a, const char *w)
{
	static const struct { const char *name; int where; uint32_t bit; } words[] = {
		{ "learn", 0, SRTPRELAY_FLOW_F_LEARN_SOURCE },
		{ "auth-fail-pass", 0, SRTPRELAY_FLOW_F_AUTH_FAIL_PASS },
		{ "source-pass", 0, SRTPRELAY_FLOW_F_SOURCE_PASS },
		{ "create", 1, SRTPRELAY_SET_F_CREATE },
		{ "update", 1, SRTPRELAY_SET_F_UPDATE },
		{ "reset-state", 1, SRTPRELAY_SET_F_RESET_STATE },
		{ "unencrypted-srtp", 2, SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP },
		{ "unencrypted-srtcp", 2, SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP },
		{ "unauthenticated-srtp", 2, SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(w, words[i].name))
			continue;
		if (words[i].where == 0)
			a->f->flags |= words[i].bit;
		else if (words[i].where == 1)
			a->f->set_flags |= words[i].bit;
		else if (a->cur)
			a->cur->flags |= words[i].bit;
		else
			break;
		return 0;
	}
	snprintf(a->err, a->errlen, "unknown word '%s'%s", w,
		 strncmp(w, "un", 2) ? "" : " (crypto flags must follow 'decrypt' or 'encrypt')");
	return -EINVAL;
}

static int parse_word(struct flow_args *a)
{
	const char *w = a->argv[a->i], *v;
	bool have_expect = a->f->expect.ss_family != AF_UNSPEC;
	uint64_t cookie;

	if (!strcmp(w, "to"))
		return parse_addr_word(a, &a->f->peer, &a->have_peer, false);
	if (!strcmp(w, "from"))
		return parse_addr_word(a, &a->f->source, &a->have_source, false);
	if (!strcmp(w, "expect"))
		return parse_addr_word(a, &a->f->expect, &have_expect, true);
	if (!strcmp(w, "decrypt"))
		return parse_crypto(a, &a->f->decrypt);
	if (!strcmp(w, "encrypt"))
		return parse_crypto(a, &a->f->encrypt);
	if (!strcmp(w, "ssrc"))
		return parse_ssrc(a);
	if (!strcmp(w, "pt"))
		return parse_pts(a);
	if (!strcmp(w, "media"))
		return parse_media(a);
	if (!strcmp(w, "cookie")) {
		v = arg_value(a, "a number");
		if (!v || ctl_parse_u64(v, UINT64_MAX, &cookie)) {
			if (v)
				snprintf(a->err, a->errlen, "bad cookie '%s': expected a number", v);
			return -EINVAL;
		}
		a->f->has_cookie = true;
		a->f->cookie = cookie;
		return 0;
	}
	return parse_flag_word(a, w);
}

/* What the words cannot say on their own: required addresses, one family, no conflicts. */
static int check_flow(struct flow_args *a)
{
	const struct kflow *f = a->f;
	sa_family_t fam = f->local.ss_family;

	if (!a->have_peer || !a->have_source) {
		snprintf(a->err, a->errlen, "missing '%s': a flow needs LOCAL to PEER from SOURCE",
			 a->have_peer ? "from SOURCE" : "to PEER");
		return -EINVAL;
	}
	if (f->peer.ss_family != fam || f->source.ss_family != fam ||
	    (f->expect.ss_family != AF_UNSPEC && f->expect.ss_family != fam)) {
		snprintf(a->err, a->errlen, "the addresses of a flow must all be IPv4 or all IPv6");
		return -EINVAL;
	}
	if ((f->set_flags & SRTPRELAY_SET_F_CREATE) && (f->set_flags & SRTPRELAY_SET_F_UPDATE)) {
		snprintf(a->err, a->errlen, "'create' and 'update' exclude each other");
		return -EINVAL;
	}
	return 0;
}

int ctl_parse_flow(int argc, char **argv, struct kflow *f, char *err, size_t errlen)
{
	struct flow_args a = { .argc = argc, .argv = argv, .f = f, .err = err,
			       .errlen = errlen };
	int ret;

	kflow_init(f);
	if (argc < 1) {
		snprintf(err, errlen, "missing LOCAL: flow add LOCAL to PEER from SOURCE ...");
		return -EINVAL;
	}
	ret = ctl_parse_addr(argv[0], false, &f->local, err, errlen);
	for (a.i = 1; !ret && a.i < argc; a.i++)
		ret = parse_word(&a);
	if (!ret)
		ret = check_flow(&a);
	if (ret)
		kflow_wipe(f);
	return ret;
}
