// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Flows and counters as text: one line of words per flow for people, or one JSON object per
 * line for scripts. Keys never appear (the kernel does not return them either).
 */
#include "ctl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "srtp.h"

static const char *const media_names[] = { "rtp", "rtcp", "mux" };

static const struct { uint32_t bit; const char *name; } flow_flags[] = {
	{ SRTPRELAY_FLOW_F_LEARN_SOURCE, "learn" },
	{ SRTPRELAY_FLOW_F_AUTH_FAIL_PASS, "auth-fail-pass" },
	{ SRTPRELAY_FLOW_F_SOURCE_PASS, "source-pass" },
}, crypto_flags[] = {
	{ SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP, "unencrypted-srtp" },
	{ SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP, "unencrypted-srtcp" },
	{ SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP, "unauthenticated-srtp" },
};

void ctl_format_addr(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN], zone[IF_NAMESIZE + 1] = "";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		char name[IF_NAMESIZE];

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		if (in6->sin6_scope_id && if_indextoname(in6->sin6_scope_id, name))
			snprintf(zone, sizeof(zone), "%%%s", name);
		else if (in6->sin6_scope_id)
			snprintf(zone, sizeof(zone), "%%%u", in6->sin6_scope_id);
		snprintf(buf, size, "[%s%s]:%u", host, zone, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, size, "-");
	}
}

const char *ctl_suite_name(uint32_t id)
{
	const struct srtp_suite *s = srtp_suite_get(id);

	return s ? s->name : NULL;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_addr(FILE *out, const char *key, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 16];

	fprintf(out, "\"%s\":", key);
	if (ss->ss_family == AF_UNSPEC) {
		fputs("null", out);
		return;
	}
	ctl_format_addr(ss, a, sizeof(a));
	json_str(out, a);
}

/* Flag names separated by sep (',' for words, '","' inside a JSON array). */
static void print_flags(FILE *out, uint32_t flags, bool crypto, const char *sep)
{
	size_t n = crypto ? sizeof(crypto_flags) / sizeof(crypto_flags[0]) :
			    sizeof(flow_flags) / sizeof(flow_flags[0]);
	const char *first = "";

	for (size_t i = 0; i < n; i++) {
		uint32_t bit = crypto ? crypto_flags[i].bit : flow_flags[i].bit;

		if (flags & bit) {
			fprintf(out, "%s%s", first, crypto ? crypto_flags[i].name : flow_flags[i].name);
			first = sep;
			flags &= ~bit;
		}
	}
	if (flags)	/* bits a newer module knows */
		fprintf(out, "%s0x%x", first, flags);
}

static void print_suite(FILE *out, uint32_t suite, bool json)
{
	const char *name = ctl_suite_name(suite);

	if (name)
		fprintf(out, json ? "\"%s\"" : "%s", name);
	else
		fprintf(out, json ? "%u" : "suite-%u", suite);
}

static void print_crypto_words(FILE *out, const char *dir, const struct kflow_crypto *c)
{
	fprintf(out, " %s ", dir);
	print_suite(out, c->suite, false);
	if (c->mki_len) {
		fputs(" mki ", out);
		for (unsigned int i = 0; i < c->mki_len; i++)
			fprintf(out, "%02x", c->mki[i]);
	}
	if (c->flags) {
		fputs(" flags ", out);
		print_flags(out, c->flags, true, ",");
	}
	for (unsigned int i = 0; i < c->nssrc; i++) {
		const struct kflow_ssrc *s = &c->ssrc[i];

		fprintf(out, " ssrc 0x%08x roc %u", s->id, s->roc);
		if (s->has & KFLOW_SSRC_HAS_SEQ)
			fprintf(out, " seq %u", s->seq);
		if (s->has & KFLOW_SSRC_HAS_RTCP_INDEX)
			fprintf(out, " rtcp-index %u", s->rtcp_index);
	}
	if (c->driver[0]) {
		/* Quoted, and kept on one line whatever the kernel sent. */
		fputs(" driver \"", out);
		for (const char *p = c->driver; *p; p++)
			fputc(*p == '"' || (unsigned char)*p < 0x20 ? '?' : *p, out);
		fputc('"', out);
	}
}

static void print_crypto_json(FILE *out, const char *dir, const struct kflow_crypto *c)
{
	fprintf(out, ",\"%s\":", dir);
	if (!c->present) {
		fputs("null", out);
		return;
	}
	fputs("{\"suite\":", out);
	print_suite(out, c->suite, true);
	fputs(",\"mki\":", out);
	if (c->mki_len) {
		fputc('"', out);
		for (unsigned int i = 0; i < c->mki_len; i++)
			fprintf(out, "%02x", c->mki[i]);
		fputc('"', out);
	} else {
		fputs("null", out);
	}
	fputs(",\"flags\":[", out);
	if (c->flags) {
		fputc('"', out);
		print_flags(out, c->flags, true, "\",\"");
		fputc('"', out);
	}
	fputs("],\"ssrcs\":[", out);
	for (unsigned int i = 0; i < c->nssrc; i++) {
		const struct kflow_ssrc *s = &c->ssrc[i];

		fprintf(out, "%s{\"ssrc\":%u,\"roc\":%u", i ? "," : "", s->id, s->roc);
		if (s->has & KFLOW_SSRC_HAS_SEQ)
			fprintf(out, ",\"seq\":%u", s->seq);
		if (s->has & KFLOW_SSRC_HAS_RTCP_INDEX)
			fprintf(out, ",\"rtcp_index\":%u", s->rtcp_index);
		fputc('}', out);
	}
	fputs("],\"driver\":", out);
	json_str(out, c->driver);
	fputc('}', out);
}

/* Counters: every one in JSON (age null when there was no packet), the non-zero in words. */
static void print_stats(FILE *out, const struct kflow_stats *s, bool json)
{
	const char *sep = "";

	if (json)
		fputs("{", out);
	for (unsigned int i = 1; i < __SRTPRELAY_A_STATS_MAX; i++) {
		const char *name = kflow_stat_name(i);
		bool none = i == SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS && s->c[i] == UINT64_MAX;

		if (!name)
			continue;
		if (json && none)
			fprintf(out, "%s\"%s\":null", sep, name);
		else if (json)
			fprintf(out, "%s\"%s\":%" PRIu64, sep, name, s->c[i]);
		else if (s->c[i] && !none)
			fprintf(out, " %s %" PRIu64, name, s->c[i]);
		sep = ",";
	}
	if (json)
		fputs("}", out);
}

static void print_flow_words(FILE *out, const struct kflow *f)
{
	char a[3][INET6_ADDRSTRLEN + IF_NAMESIZE + 16];

	ctl_format_addr(&f->local, a[0], sizeof(a[0]));
	ctl_format_addr(&f->source, a[1], sizeof(a[1]));
	ctl_format_addr(&f->peer, a[2], sizeof(a[2]));
	fprintf(out, "%s to %s from %s", a[0], a[2], a[1]);
	if (f->expect.ss_family != AF_UNSPEC) {
		ctl_format_addr(&f->expect, a[0], sizeof(a[0]));
		fprintf(out, " expect %s", a[0]);
	}
	if (f->media < 3)
		fprintf(out, " media %s", media_names[f->media]);
	else
		fprintf(out, " media %u", f->media);
	if (f->flags) {
		fputs(" flags ", out);
		print_flags(out, f->flags, false, ",");
	}
	for (unsigned int i = 0; i < f->npt; i++)
		fprintf(out, "%s%u", i ? "," : " pt ", f->pt[i]);
	if (f->has_cookie)
		fprintf(out, " cookie %" PRIu64, f->cookie);
	if (f->decrypt.present)
		print_crypto_words(out, "decrypt", &f->decrypt);
	if (f->encrypt.present)
		print_crypto_words(out, "encrypt", &f->encrypt);
	if (f->stats.present)
		print_stats(out, &f->stats, false);
	fputc('\n', out);
}

static void print_flow_json(FILE *out, const struct kflow *f)
{
	fputc('{', out);
	json_addr(out, "local", &f->local);
	fputc(',', out);
	json_addr(out, "source", &f->source);
	fputc(',', out);
	json_addr(out, "peer", &f->peer);
	fputc(',', out);
	json_addr(out, "expect", &f->expect);
	if (f->media < 3)
		fprintf(out, ",\"media\":\"%s\"", media_names[f->media]);
	else
		fprintf(out, ",\"media\":%u", f->media);
	fputs(",\"flags\":[", out);
	if (f->flags) {
		fputc('"', out);
		print_flags(out, f->flags, false, "\",\"");
		fputc('"', out);
	}
	fputs("],\"payload_types\":", out);
	if (!f->npt)
		fputs("null", out);
	for (unsigned int i = 0; i < f->npt; i++)
		fprintf(out, "%s%u", i ? "," : "[", f->pt[i]);
	if (f->npt)
		fputc(']', out);
	if (f->has_cookie)
		fprintf(out, ",\"cookie\":%" PRIu64, f->cookie);
	else
		fputs(",\"cookie\":null", out);
	print_crypto_json(out, "decrypt", &f->decrypt);
	print_crypto_json(out, "encrypt", &f->encrypt);
	fputs(",\"stats\":", out);
	if (f->stats.present)
		print_stats(out, &f->stats, true);
	else
		fputs("null", out);
	fputs("}\n", out);
}

void ctl_print_flow(FILE *out, const struct kflow *f, bool json)
{
	if (json)
		print_flow_json(out, f);
	else
		print_flow_words(out, f);
}

void ctl_print_global(FILE *out, const struct kflow_global *g, bool json)
{
	if (json) {
		fprintf(out, "{\"flows\":%u,\"stats\":", g->flows);
		print_stats(out, &g->stats, true);
		fputs(",\"drivers\":{\"ctr\":", out);
		json_str(out, g->driver_ctr);
		fputs(",\"hmac\":", out);
		json_str(out, g->driver_hmac);
		fputs(",\"gcm\":", out);
		json_str(out, g->driver_gcm);
		fputs("}}\n", out);
		return;
	}
	fprintf(out, "flows %u\n", g->flows);
	for (unsigned int i = 1; i < __SRTPRELAY_A_STATS_MAX; i++)
		if (kflow_stat_name(i) && i != SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS)
			fprintf(out, "%-18s %" PRIu64 "\n", kflow_stat_name(i), g->stats.c[i]);
	fprintf(out, "driver ctr(aes)    %s\n", g->driver_ctr[0] ? g->driver_ctr : "-");
	fprintf(out, "driver hmac(sha1)  %s\n", g->driver_hmac[0] ? g->driver_hmac : "-");
	fprintf(out, "driver gcm(aes)    %s\n", g->driver_gcm[0] ? g->driver_gcm : "-");
}
