// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "sdes.h"
#include "sdes_key.h"

const uint8_t sdes_default_suites[] = {
	SRTP_AEAD_AES_256_GCM,        SRTP_AEAD_AES_128_GCM,
	SRTP_AES_256_CM_HMAC_SHA1_80, SRTP_AES_256_CM_HMAC_SHA1_32,
	SRTP_AES_192_CM_HMAC_SHA1_80, SRTP_AES_192_CM_HMAC_SHA1_32,
	SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_AES_CM_128_HMAC_SHA1_32,
};
const unsigned int sdes_n_default_suites = sizeof(sdes_default_suites);

static size_t span(const char *p, const char *end, const char *stop)
{
	size_t n = 0;

	while (p + n < end && !strchr(stop, p[n]))
		n++;
	return n;
}

static bool word_is(const char *p, size_t n, const char *w)
{
	return n == strlen(w) && !memcmp(p, w, n);
}

/* RFC 4568 6.3 session parameters. */
static int parse_params(const char *p, const char *end, struct srtp_policy *pol, char *err,
			size_t errlen)
{
	while (p < end) {
		size_t n;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		n = span(p, end, " \t");
		if (!n)
			break;
		if (word_is(p, n, "UNENCRYPTED_SRTP")) {
			pol->flags |= SRTP_POLICY_UNENCRYPTED_SRTP;
		} else if (word_is(p, n, "UNENCRYPTED_SRTCP")) {
			pol->flags |= SRTP_POLICY_UNENCRYPTED_SRTCP;
		} else if (word_is(p, n, "UNAUTHENTICATED_SRTP")) {
			pol->flags |= SRTP_POLICY_UNAUTHENTICATED_SRTP;
		} else if (n > 4 && !memcmp(p, "KDR=", 4)) {
			unsigned int v = 0;

			for (size_t i = 4; i < n; i++) {
				if (p[i] < '0' || p[i] > '9' || v > 100)
					goto bad;
				v = v * 10 + (unsigned int)(p[i] - '0');
			}
			if (v > SRTP_MAX_KDR_LOG2)
				goto bad;
			if (v) {
				pol->flags |= SRTP_POLICY_KDR;
				pol->kdr_log2 = (uint8_t)v;	/* KDR=n: 2^n (RFC 4568 6.3.1) */
			}
		} else if (n > 4 && !memcmp(p, "WSH=", 4)) {
			/* A window size hint: ours (SRTP_REPLAY_WINDOW) is at least 64. */
		} else {
			snprintf(err, errlen, "unsupported session parameter '%.*s'",
				 (int)(n > 40 ? 40 : n), p);
			return -ENOTSUP;
		}
		p += n;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad session parameter '%.*s'", (int)(span(p, end, " \t") > 40 ? 40 :
								    span(p, end, " \t")), p);
	return -EINVAL;
}

int sdes_parse_line(const char *v, size_t len, struct sdes_line *out, char *err, size_t errlen)
{
	const char *p = v, *end = v + len;
	const struct srtp_suite *suite;
	struct sdes_key key;
	uint32_t tag = 0;
	size_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	n = span(p, end, " \t");
	if (!n || n > 9)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			goto bad;
		tag = tag * 10 + (uint32_t)(p[i] - '0');
	}
	p += n;
	while (p < end && *p == ' ')
		p++;
	n = span(p, end, " \t");
	if (!n)
		goto bad;
	suite = srtp_suite_by_name(p, (uint32_t)n);
	if (!suite) {
		snprintf(err, errlen, "unsupported crypto suite '%.*s'", (int)(n > 40 ? 40 : n), p);
		return -ENOTSUP;
	}
	p += n;
	while (p < end && *p == ' ')
		p++;
	n = span(p, end, " \t");
	if (memchr(p, ';', n)) {
		snprintf(err, errlen, "more than one key in one a=crypto line is not supported");
		return -ENOTSUP;
	}
	ret = sdes_key_parse(p, n, suite, &key, err, errlen);
	if (ret)
		return ret;
	out->tag = tag;
	out->pol.suite = suite->id;
	memcpy(out->pol.key, key.key, key.key_len);
	memcpy(out->pol.salt, key.salt, key.salt_len);
	out->pol.mki_len = key.mki_len;
	memcpy(out->pol.mki, key.mki, key.mki_len);
	sdes_key_wipe(&key);
	ret = parse_params(p + n, end, &out->pol, err, errlen);
	if (ret)
		explicit_bzero(out, sizeof(*out));
	return ret;
bad:
	snprintf(err, errlen, "malformed a=crypto line");
	return -EINVAL;
}

void sdes_format_line(const struct sdes_line *l, struct strbuf *sb)
{
	const struct srtp_suite *s = srtp_suite_get(l->pol.suite);
	struct sdes_key k = { 0 };
	char param[128];

	if (!s)
		return;
	memcpy(k.key, l->pol.key, s->key_len);
	k.key_len = s->key_len;
	memcpy(k.salt, l->pol.salt, s->salt_len);
	k.salt_len = s->salt_len;
	k.mki_len = l->pol.mki_len;
	memcpy(k.mki, l->pol.mki, l->pol.mki_len);
	if (sdes_key_format(&k, param, sizeof(param)) > 0)
		sb_addf(sb, "crypto:%u %s %s", l->tag, s->name, param);
	if (l->pol.flags & SRTP_POLICY_UNENCRYPTED_SRTP)
		sb_adds(sb, " UNENCRYPTED_SRTP");
	if (l->pol.flags & SRTP_POLICY_UNENCRYPTED_SRTCP)
		sb_adds(sb, " UNENCRYPTED_SRTCP");
	if (l->pol.flags & SRTP_POLICY_UNAUTHENTICATED_SRTP)
		sb_adds(sb, " UNAUTHENTICATED_SRTP");
	if (l->pol.flags & SRTP_POLICY_KDR)
		sb_addf(sb, " KDR=%u", l->pol.kdr_log2);
	sdes_key_wipe(&k);
	explicit_bzero(param, sizeof(param));
}

int sdes_generate(struct sdes_line *l, uint32_t tag, unsigned int suite)
{
	const struct srtp_suite *s = srtp_suite_get(suite);

	memset(l, 0, sizeof(*l));
	if (!s)
		return -EINVAL;
	l->tag = tag;
	l->pol.suite = (uint8_t)suite;
	if (RAND_bytes(l->pol.key, s->key_len) != 1 || RAND_bytes(l->pol.salt, s->salt_len) != 1)
		return -EIO;
	return 0;
}

int sdes_find(const struct sdes_line *lines, unsigned int n, uint32_t tag, unsigned int suite)
{
	for (unsigned int i = 0; i < n; i++)
		if (lines[i].tag == tag && lines[i].pol.suite == suite)
			return (int)i;
	return -1;
}

static bool allowed(unsigned int suite, uint32_t no, uint32_t only)
{
	const struct srtp_suite *s = srtp_suite_get(suite);

	if (!s || (no & (1u << suite)) || (only && !(only & (1u << suite))))
		return false;
	/* NULL-cipher suites only when asked for by name. */
	return s->cipher != SRTP_CIPHER_NULL || (only & (1u << suite));
}

static bool has_suite(const struct sdes_line *l, unsigned int n, unsigned int suite)
{
	for (unsigned int i = 0; i < n; i++)
		if (l[i].pol.suite == suite)
			return true;
	return false;
}

/* Adds (tag, suite) to list, keeping our old key for that suite if we had one. */
static void add_line(struct sdes_line *list, unsigned int *n, const struct sdes_state *old,
		     uint32_t tag, unsigned int suite)
{
	for (unsigned int i = 0; i < old->n_ours; i++)
		if (old->ours[i].pol.suite == suite) {
			list[*n] = old->ours[i];
			list[*n].tag = tag;
			(*n)++;
			return;
		}
	if (!sdes_generate(&list[*n], tag, suite))
		(*n)++;
}

static bool has_tag(const struct sdes_line *l, unsigned int n, uint32_t tag)
{
	for (unsigned int i = 0; i < n; i++)
		if (l[i].tag == tag)
			return true;
	return false;
}

unsigned int sdes_build_offer(const struct sdes_state *offerer, uint32_t no, uint32_t only,
			      struct sdes_state *ours)
{
	struct sdes_line list[SDES_MAX_LINES];
	unsigned int n = 0;
	uint32_t next_tag = 1;

	/* A re-offer after the side answered: the line in use keeps the first place, its tag
	 * and its key, so that a phone taking the first suite it supports stays on it. */
	for (unsigned int i = 0; ours->n_remote && i < ours->n_ours && n < SDES_MAX_LINES; i++) {
		const struct sdes_line *o = &ours->ours[i];

		if (!allowed(o->pol.suite, no, only) || has_suite(list, n, o->pol.suite))
			continue;
		list[n++] = *o;
		if (o->tag >= next_tag)
			next_tag = o->tag + 1;
	}
	if (offerer)
		for (unsigned int i = 0; i < offerer->n_remote && n < SDES_MAX_LINES; i++) {
			const struct sdes_line *r = &offerer->remote[i];
			uint32_t tag = has_tag(list, n, r->tag) ? next_tag : r->tag;

			if (!allowed(r->pol.suite, no, only) || has_suite(list, n, r->pol.suite))
				continue;
			add_line(list, &n, ours, tag, r->pol.suite);
			if (tag >= next_tag)
				next_tag = tag + 1;
		}
	for (unsigned int i = 0; i < sdes_n_default_suites && n < SDES_MAX_LINES; i++) {
		unsigned int s = sdes_default_suites[i];

		if (!allowed(s, no, only) || has_suite(list, n, s))
			continue;
		add_line(list, &n, ours, next_tag++, s);
	}
	/* SDES-only may name a NULL suite that is not among the defaults. */
	for (unsigned int s = 1; s < SRTP_SUITE_COUNT && n < SDES_MAX_LINES; s++)
		if ((only & (1u << s)) && allowed(s, no, only) && !has_suite(list, n, s))
			add_line(list, &n, ours, next_tag++, s);
	explicit_bzero(ours->ours, sizeof(ours->ours));
	memcpy(ours->ours, list, sizeof(list[0]) * n);
	ours->n_ours = n;
	explicit_bzero(list, sizeof(list));
	return n;
}

int sdes_answer(struct sdes_state *st, uint32_t no, uint32_t only)
{
	for (unsigned int i = 0; i < st->n_remote; i++) {
		const struct sdes_line *r = &st->remote[i];
		struct sdes_line line;
		unsigned int n = 0;

		if ((no & (1u << r->pol.suite)) || (only && !(only & (1u << r->pol.suite))))
			continue;
		add_line(&line, &n, st, r->tag, r->pol.suite);
		if (!n)
			return -1;
		/* Session parameters apply to both directions: mirror the offerer's. */
		line.pol.flags = r->pol.flags;
		line.pol.kdr_log2 = r->pol.kdr_log2;
		/*
		 * An offerer that puts an MKI in its packets gets one of the same length in ours
		 * (value 1, as rtpengine writes it): endpoints that run one SRTP policy for both
		 * directions expect it. A key kept from an earlier answer keeps its MKI.
		 */
		if (line.pol.mki_len != r->pol.mki_len) {
			line.pol.mki_len = r->pol.mki_len;
			memset(line.pol.mki, 0, sizeof(line.pol.mki));
			if (r->pol.mki_len)
				line.pol.mki[r->pol.mki_len - 1] = 1;
		}
		explicit_bzero(st->ours, sizeof(st->ours));
		st->ours[0] = line;
		st->n_ours = 1;
		explicit_bzero(&line, sizeof(line));
		return (int)i;
	}
	return -1;
}

bool sdes_policy_equal(const struct srtp_policy *a, const struct srtp_policy *b)
{
	return !memcmp(a, b, sizeof(*a));
}
