// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SDP text to struct sdp: one pass over the lines, spans into the input, no allocation.
 * Only what a relay rewrites or reads is checked (v=, o=, c=, m=, a=rtcp, a=crypto,
 * a=fingerprint); other lines and attributes are kept as opaque spans, as RFC 8866 5 asks of
 * types and attributes a parser does not know.
 */
#include "sdp.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct parser {
	struct sdp *sdp;
	struct sdp_section *sec;	/* the section being read */
	struct sdp_media *m;		/* NULL in the session section */
	unsigned int lineno;
	bool have_origin;
	char *err;
	size_t errlen;
};

static const struct {
	const char *name;
	uint8_t id, drop_class;
} attr_kinds[] = {
	{ "rtcp", SDP_A_RTCP, 0 },
	{ "rtcp-mux", SDP_A_RTCP_MUX, SDP_DROP_RTCP_MUX },
	{ "rtcp-mux-only", SDP_A_RTCP_MUX_ONLY, SDP_DROP_RTCP_MUX },
	{ "sendrecv", SDP_A_SENDRECV, 0 },
	{ "sendonly", SDP_A_SENDONLY, 0 },
	{ "recvonly", SDP_A_RECVONLY, 0 },
	{ "inactive", SDP_A_INACTIVE, 0 },
	{ "crypto", SDP_A_CRYPTO, SDP_DROP_CRYPTO },
	{ "mid", SDP_A_MID, SDP_DROP_MID },
	{ "group", SDP_A_GROUP, SDP_DROP_GROUP },
	{ "ice-ufrag", SDP_A_ICE_UFRAG, SDP_DROP_ICE },
	{ "ice-pwd", SDP_A_ICE_PWD, SDP_DROP_ICE },
	{ "ice-options", SDP_A_ICE_OPTIONS, SDP_DROP_ICE },
	{ "ice-lite", SDP_A_ICE_LITE, SDP_DROP_ICE },
	{ "ice-mismatch", SDP_A_ICE_MISMATCH, SDP_DROP_ICE },
	{ "candidate", SDP_A_CANDIDATE, SDP_DROP_ICE },
	{ "end-of-candidates", SDP_A_END_OF_CANDIDATES, SDP_DROP_ICE },
	{ "remote-candidates", SDP_A_REMOTE_CANDIDATES, SDP_DROP_ICE },
	{ "fingerprint", SDP_A_FINGERPRINT, SDP_DROP_DTLS },
	{ "setup", SDP_A_SETUP, SDP_DROP_DTLS },
	{ "tls-id", SDP_A_TLS_ID, SDP_DROP_DTLS },
	{ "rtpmap", SDP_A_RTPMAP, 0 },
	{ "fmtp", SDP_A_FMTP, 0 },
	{ "rtcp-fb", SDP_A_RTCP_FB, 0 },
	{ "ptime", SDP_A_PTIME, 0 },
	{ "ssrc", SDP_A_SSRC, SDP_DROP_SSRC },
	{ "ssrc-group", SDP_A_SSRC_GROUP, SDP_DROP_SSRC },
	{ "bundle-only", SDP_A_BUNDLE_ONLY, SDP_DROP_BUNDLE_ONLY },
};

static const char *const dir_names[] = { NULL, "sendrecv", "sendonly", "recvonly", "inactive" };

const char *sdp_dir_name(unsigned int dir)
{
	return dir < sizeof(dir_names) / sizeof(dir_names[0]) ? dir_names[dir] : NULL;
}

bool sdp_str_eq(struct sdp_str s, const char *lit)
{
	return s.s && strlen(lit) == s.len && !memcmp(s.s, lit, s.len);
}

bool sdp_str_caseeq(struct sdp_str s, const char *lit)
{
	return s.s && strlen(lit) == s.len && !strncasecmp(s.s, lit, s.len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool sdp_token(struct sdp_str *list, struct sdp_str *tok)
{
	const char *p = list->s, *end;

	if (!p)
		return false;
	end = p + list->len;
	while (p < end && is_space(*p))
		p++;
	tok->s = p;
	while (p < end && !is_space(*p))
		p++;
	tok->len = (size_t)(p - tok->s);
	list->len = (size_t)(end - p);
	list->s = p;
	return tok->len > 0;
}

bool sdp_bundle_has(const struct sdp *sdp, struct sdp_str mid)
{
	struct sdp_str list = sdp->bundle, tok;

	while (mid.s && sdp_token(&list, &tok))
		if (tok.len == mid.len && !memcmp(tok.s, mid.s, tok.len))
			return true;
	return false;
}

bool sdp_media_bundle_only(const struct sdp *sdp, const struct sdp_media *m)
{
	return !m->port && m->sec.bundle_only && sdp_bundle_has(sdp, m->sec.mid);
}

bool sdp_media_rejected(const struct sdp *sdp, const struct sdp_media *m)
{
	return !m->port && !sdp_media_bundle_only(sdp, m);
}

/* What is left of list after its leading spaces and without trailing ones; .s NULL if empty. */
static struct sdp_str rest_of(struct sdp_str list)
{
	struct sdp_str r = list;

	while (r.len && is_space(*r.s)) {
		r.s++;
		r.len--;
	}
	while (r.len && is_space(r.s[r.len - 1]))
		r.len--;
	if (!r.len)
		r.s = NULL;
	return r;
}

/* Decimal in [min, max] with at most max_digits digits; false otherwise. */
static bool parse_uint(struct sdp_str s, unsigned int max_digits, uint32_t min, uint32_t max,
		       uint32_t *out)
{
	uint64_t v = 0;

	if (!s.len || s.len > max_digits)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isdigit((unsigned char)s.s[i]))
			return false;
		v = v * 10 + (uint64_t)(s.s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int addr_family(struct sdp_str addrtype)
{
	if (sdp_str_caseeq(addrtype, "IP4"))
		return AF_INET;
	if (sdp_str_caseeq(addrtype, "IP6"))
		return AF_INET6;
	return 0;
}

/* "IN IP4 address": the form of c=, a=rtcp's tail and o='s tail. */
static bool parse_nettype_addr(struct sdp_str *list, struct sdp_str *nettype,
			       struct sdp_str *addrtype, struct sdp_str *addr, int *family)
{
	struct sdp_str extra;
	const char *slash;

	if (!sdp_token(list, nettype) || !sdp_token(list, addrtype) || !sdp_token(list, addr) ||
	    sdp_token(list, &extra))
		return false;
	if (!sdp_str_caseeq(*nettype, "IN") || !(*family = addr_family(*addrtype)))
		return false;
	/* A multicast address carries "/ttl[/count]". */
	slash = memchr(addr->s, '/', addr->len);
	if (slash)
		addr->len = (size_t)(slash - addr->s);
	return addr->len > 0;
}

int sdp_crypto_get(const struct sdp_attr *a, struct sdp_crypto *out)
{
	struct sdp_str list = a->value, tag;
	uint32_t v;

	memset(out, 0, sizeof(*out));
	if (!sdp_token(&list, &tag) || !parse_uint(tag, 9, 0, 999999999, &v) ||
	    !sdp_token(&list, &out->suite) || !sdp_token(&list, &out->key_params))
		return -EINVAL;
	out->tag = v;
	out->session_params = rest_of(list);
	return 0;
}

/* a=rtcp's value: "PORT" or "PORT IN IP4 address". */
static const char *parse_rtcp(const struct sdp_attr *a, struct sdp_media *m)
{
	struct sdp_str list = a->value, port, nettype, addrtype, addr = { 0 };
	int family = 0;
	uint32_t v;

	if (!sdp_token(&list, &port) || !parse_uint(port, 5, 0, 65535, &v))
		return "bad a=rtcp port";
	if (rest_of(list).s &&
	    !parse_nettype_addr(&list, &nettype, &addrtype, &addr, &family))
		return "bad a=rtcp address";
	if (m && !m->rtcp.present) {
		m->rtcp.present = true;
		m->rtcp.port = (uint16_t)v;
		m->rtcp.addr = addr;
		m->rtcp.family = family;
	}
	return NULL;
}

/* Splits "a=" text into name and value, classifies it and checks the kinds we read. */
static const char *attr_parse(struct sdp_attr *a, const char *text, size_t len)
{
	const char *colon = memchr(text, ':', len);
	struct sdp_crypto c;
	struct sdp_str list, tok;

	memset(a, 0, sizeof(*a));
	a->name.s = text;
	a->name.len = colon ? (size_t)(colon - text) : len;
	if (colon) {
		a->value.s = colon + 1;
		a->value.len = len - a->name.len - 1;
	}
	for (size_t i = 0; i < sizeof(attr_kinds) / sizeof(attr_kinds[0]); i++) {
		if (sdp_str_caseeq(a->name, attr_kinds[i].name)) {
			a->id = attr_kinds[i].id;
			a->drop_class = attr_kinds[i].drop_class;
			break;
		}
	}
	switch (a->id) {
	case SDP_A_RTCP:
		return parse_rtcp(a, NULL);
	case SDP_A_CRYPTO:
		return sdp_crypto_get(a, &c) ? "bad a=crypto" : NULL;
	case SDP_A_FINGERPRINT:
		list = a->value;
		if (!sdp_token(&list, &tok) || !sdp_token(&list, &tok))
			return "bad a=fingerprint";
		return NULL;
	default:
		return NULL;
	}
}

int sdp_attr_check(const char *text, size_t len, char *err, size_t errlen)
{
	struct sdp_attr a;
	const char *why;

	if (len > SDP_MAX_LINE - 2 || memchr(text, '\r', len) || memchr(text, '\n', len) ||
	    memchr(text, '\0', len))
		why = "not one line";
	else
		why = attr_parse(&a, text, len);
	if (why && errlen)
		snprintf(err, errlen, "%s", why);
	return why ? -EINVAL : 0;
}

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->errlen) {
		if (p->lineno)
			n = snprintf(p->err, p->errlen, "SDP line %u: ", p->lineno);
		else
			n = snprintf(p->err, p->errlen, "SDP: ");
		if (n >= 0 && (size_t)n < p->errlen) {
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static void set_once(struct sdp_str *field, struct sdp_str v)
{
	if (!field->s)
		*field = v;
}

/* What the section keeps of an attribute it has just got. */
static void digest_attr(struct parser *p, const struct sdp_attr *a)
{
	struct sdp_section *sec = p->sec;
	struct sdp_str list = a->value, tok;

	switch (a->id) {
	case SDP_A_RTCP:
		parse_rtcp(a, p->m);
		break;
	case SDP_A_RTCP_MUX:
		sec->rtcp_mux = true;
		break;
	case SDP_A_SENDRECV:
	case SDP_A_SENDONLY:
	case SDP_A_RECVONLY:
	case SDP_A_INACTIVE:
		if (!sec->dir)
			sec->dir = (uint8_t)(SDP_DIR_SENDRECV + (a->id - SDP_A_SENDRECV));
		break;
	case SDP_A_CRYPTO:
		sec->n_crypto++;
		break;
	case SDP_A_CANDIDATE:
		sec->n_candidates++;
		break;
	case SDP_A_SSRC:
		sec->n_ssrc++;
		break;
	case SDP_A_END_OF_CANDIDATES:
		sec->end_of_candidates = true;
		break;
	case SDP_A_ICE_LITE:
		sec->ice_lite = true;
		break;
	case SDP_A_BUNDLE_ONLY:
		sec->bundle_only = true;
		break;
	case SDP_A_MID:
		set_once(&sec->mid, a->value);
		break;
	case SDP_A_ICE_UFRAG:
		set_once(&sec->ice_ufrag, a->value);
		break;
	case SDP_A_ICE_PWD:
		set_once(&sec->ice_pwd, a->value);
		break;
	case SDP_A_ICE_OPTIONS:
		set_once(&sec->ice_options, a->value);
		break;
	case SDP_A_SETUP:
		set_once(&sec->setup, a->value);
		break;
	case SDP_A_TLS_ID:
		set_once(&sec->tls_id, a->value);
		break;
	case SDP_A_FINGERPRINT:
		if (!sec->fingerprint.s && sdp_token(&list, &tok)) {
			sec->fingerprint_hash = tok;
			sec->fingerprint = rest_of(list);
		}
		break;
	case SDP_A_GROUP:
		if (!p->m && !p->sdp->bundle.s && sdp_token(&list, &tok) &&
		    sdp_str_caseeq(tok, "BUNDLE")) {
			p->sdp->bundle = rest_of(list);
			if (!p->sdp->bundle.s)	/* a group of none is still a group */
				p->sdp->bundle = (struct sdp_str){ list.s, 0 };
		}
		break;
	default:
		break;
	}
}

static int line_attr(struct parser *p, const char *text, size_t len)
{
	struct sdp *sdp = p->sdp;
	struct sdp_attr *a;
	const char *why;

	if (p->sec->n_attrs >= SDP_MAX_ATTRS)
		return fail(p, "more than %d a= lines in one section", SDP_MAX_ATTRS);
	if (sdp->n_attr_pool >= SDP_MAX_ATTRS_TOTAL)
		return fail(p, "more than %d a= lines", SDP_MAX_ATTRS_TOTAL);
	a = &sdp->attr_pool[sdp->n_attr_pool];
	why = attr_parse(a, text, len);
	if (why)
		return fail(p, "%s", why);
	a->lineno = p->lineno;
	if (!p->sec->n_attrs)
		p->sec->attrs = a;
	sdp->n_attr_pool++;
	p->sec->n_attrs++;
	digest_attr(p, a);
	return 0;
}

static int line_origin(struct parser *p, struct sdp_str v)
{
	struct sdp_origin *o = &p->sdp->origin;

	if (p->m)
		return fail(p, "o= line inside a media section");
	if (p->have_origin)
		return fail(p, "more than one o= line");
	if (!sdp_token(&v, &o->username) || !sdp_token(&v, &o->sess_id) ||
	    !sdp_token(&v, &o->sess_version) ||
	    !parse_nettype_addr(&v, &o->nettype, &o->addrtype, &o->addr, &o->family))
		return fail(p, "bad o= line");
	p->have_origin = true;
	return 0;
}

static int line_conn(struct parser *p, struct sdp_str v)
{
	struct sdp_conn *c = &p->sec->conn;

	if (c->present)
		return fail(p, "more than one c= line");
	if (!parse_nettype_addr(&v, &c->nettype, &c->addrtype, &c->addr, &c->family))
		return fail(p, "bad c= line");
	c->present = true;
	return 0;
}

static int line_media(struct parser *p, const char *start, struct sdp_str v)
{
	struct sdp *sdp = p->sdp;
	struct sdp_str port, count = { 0 }, tok, fmts;
	struct sdp_media *m;
	const char *slash;
	uint32_t n, c = 1;

	if (sdp->n_media >= SDP_MAX_MEDIA)
		return fail(p, "more than %d m= lines", SDP_MAX_MEDIA);
	m = &sdp->media[sdp->n_media];
	memset(m, 0, sizeof(*m));
	if (!sdp_token(&v, &m->type) || !sdp_token(&v, &port) || !sdp_token(&v, &m->proto))
		return fail(p, "bad m= line");
	slash = memchr(port.s, '/', port.len);
	if (slash) {
		count.s = slash + 1;
		count.len = port.len - (size_t)(count.s - port.s);
		port.len = (size_t)(slash - port.s);
	}
	if (!parse_uint(port, 5, 0, 65535, &n) || (slash && !parse_uint(count, 5, 1, 65535, &c)))
		return fail(p, "bad m= port");
	m->port = (uint16_t)n;
	m->port_count = (uint16_t)c;
	m->fmts = rest_of(v);
	fmts = m->fmts;
	while (sdp_token(&fmts, &tok))
		m->n_fmts++;
	p->sec->end = start;
	p->m = m;
	p->sec = &m->sec;
	p->sec->start = start;
	p->sec->lineno = p->lineno;
	sdp->n_media++;
	return 0;
}

/* One non-empty line without its ending. */
static int parse_line(struct parser *p, const char *s, size_t len)
{
	struct sdp_str v = { s + 2, len - 2 };

	if (p->lineno == 1) {
		if (len < 2 || memcmp(s, "v=", 2))
			return fail(p, "no v= line");
		return len == 3 && s[2] == '0' ? 0 : fail(p, "unsupported SDP version");
	}
	if (len < 2 || s[1] != '=' || !isalpha((unsigned char)s[0]))
		return fail(p, "not a type=value line");
	switch (s[0]) {
	case 'v':
		return fail(p, "more than one v= line");
	case 'o':
		return line_origin(p, v);
	case 'c':
		return line_conn(p, v);
	case 'm':
		return line_media(p, s, v);
	case 'a':
		return line_attr(p, v.s, v.len);
	default:
		return 0;	/* s= i= u= e= p= b= t= r= z= k= and unknown types: opaque */
	}
}

/* Ends the line at buf[pos]: its length without ending, and *next after the ending. */
static int split_line(struct parser *p, const char *buf, size_t len, size_t pos, size_t *clen,
		      size_t *next)
{
	size_t rem = len - pos, scan = rem < SDP_MAX_LINE + 2 ? rem : SDP_MAX_LINE + 2;
	const char *s = buf + pos, *nl = memchr(s, '\n', scan);

	if (!nl && rem > SDP_MAX_LINE)
		return fail(p, "line longer than %d octets", SDP_MAX_LINE);
	*clen = nl ? (size_t)(nl - s) : rem;
	*next = nl ? pos + *clen + 1 : len;
	if (nl && *clen && s[*clen - 1] == '\r')
		(*clen)--;
	if (*clen > SDP_MAX_LINE)
		return fail(p, "line longer than %d octets", SDP_MAX_LINE);
	if (memchr(s, '\0', *clen))
		return fail(p, "NUL octet");
	if (memchr(s, '\r', *clen))
		return fail(p, "CR inside a line");
	if (p->lineno == 1)
		p->sdp->eol = nl && nl > s && nl[-1] == '\r' ? "\r\n" : nl ? "\n" : "\r\n";
	return 0;
}

/* Effective directions, once the session's own is known. */
static void finish(struct sdp *sdp)
{
	for (unsigned int i = 0; i < sdp->n_media; i++) {
		struct sdp_media *m = &sdp->media[i];

		m->dir = m->sec.dir ? m->sec.dir : sdp->session.dir ? sdp->session.dir
								   : SDP_DIR_SENDRECV;
	}
}

int sdp_parse(struct sdp *out, const char *buf, size_t len, char *err, size_t errlen)
{
	struct parser p = { .sdp = out, .sec = &out->session, .err = err, .errlen = errlen };
	const char *blank = NULL;
	unsigned int blank_line = 0;
	size_t pos = 0, clen = 0, next = 0;
	int r;

	memset(out, 0, offsetof(struct sdp, attr_pool));
	out->n_attr_pool = 0;
	out->buf = buf;
	out->len = len;
	out->eol = "\r\n";
	out->session.start = buf;
	out->session.lineno = 1;
	if (!len)
		return fail(&p, "empty");
	while (pos < len) {
		p.lineno++;
		r = split_line(&p, buf, len, pos, &clen, &next);
		if (r)
			return r;
		if (!clen) {
			if (p.lineno == 1)
				return fail(&p, "no v= line");
			if (!blank) {
				blank = buf + pos;
				blank_line = p.lineno;
			}
		} else if (blank) {
			p.lineno = blank_line;
			return fail(&p, "empty line");
		} else {
			r = parse_line(&p, buf + pos, clen);
			if (r)
				return r;
		}
		pos = next;
	}
	p.sec->end = blank ? blank : buf + len;
	if (blank)
		out->tail = (struct sdp_str){ blank, (size_t)(buf + len - blank) };
	p.lineno = 0;
	if (!p.have_origin)
		return fail(&p, "no o= line");
	finish(out);
	return 0;
}

const struct sdp_attr *sdp_attr_find(const struct sdp_section *sec, const char *name,
				     const struct sdp_attr *after)
{
	unsigned int i = after ? (unsigned int)(after - sec->attrs) + 1 : 0;

	for (; i < sec->n_attrs; i++)
		if (sdp_str_caseeq(sec->attrs[i].name, name))
			return &sec->attrs[i];
	return NULL;
}

const struct sdp_attr *sdp_attr_find_id(const struct sdp_section *sec, enum sdp_attr_id id,
					const struct sdp_attr *after)
{
	unsigned int i = after ? (unsigned int)(after - sec->attrs) + 1 : 0;

	for (; i < sec->n_attrs; i++)
		if (sec->attrs[i].id == id)
			return &sec->attrs[i];
	return NULL;
}

const struct sdp_attr *sdp_media_attr(const struct sdp *sdp, const struct sdp_media *m,
				      const char *name)
{
	const struct sdp_attr *a = sdp_attr_find(&m->sec, name, NULL);

	return a ? a : sdp_attr_find(&sdp->session, name, NULL);
}

const struct sdp_conn *sdp_media_conn(const struct sdp *sdp, const struct sdp_media *m)
{
	if (m->sec.conn.present)
		return &m->sec.conn;
	return sdp->session.conn.present ? &sdp->session.conn : NULL;
}

/* Whether a '/'-separated part of proto (only the last one if last_only) is one of a or b. */
static bool proto_part(struct sdp_str proto, bool last_only, const char *a, const char *b)
{
	const char *p = proto.s, *end = p ? p + proto.len : NULL;

	while (p && p <= end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		struct sdp_str part = { p, slash ? (size_t)(slash - p) : (size_t)(end - p) };

		if ((!last_only || !slash) &&
		    (sdp_str_caseeq(part, a) || (b && sdp_str_caseeq(part, b))))
			return true;
		p = slash ? slash + 1 : NULL;
	}
	return false;
}

bool sdp_proto_is_rtp(struct sdp_str proto)
{
	return proto_part(proto, false, "RTP", NULL);
}

bool sdp_proto_is_passthrough(struct sdp_str proto)
{
	return proto_part(proto, false, "TCP", "SCTP");
}

bool sdp_proto_is_srtp(struct sdp_str proto)
{
	return proto_part(proto, true, "SAVP", "SAVPF");
}

bool sdp_proto_is_avpf(struct sdp_str proto)
{
	return proto_part(proto, true, "AVPF", "SAVPF");
}

bool sdp_proto_is_dtls(struct sdp_str proto)
{
	return proto_part(proto, false, "TLS", "DTLS");
}
