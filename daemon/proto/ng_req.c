// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "bencode.h"
#include "ng_req.h"
#include "srtp.h"

int ng_split(const char *dgram, size_t len, struct ng_str *cookie, const char **body,
	     size_t *body_len)
{
	const char *sp = memchr(dgram, ' ', len);

	if (!sp || sp == dgram)
		return -EINVAL;
	cookie->s = dgram;
	cookie->len = (size_t)(sp - dgram);
	*body = sp + 1;
	*body_len = len - cookie->len - 1;
	return 0;
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(s, lit, n);
}

static bool prefix(const char *s, size_t n, const char *lit, size_t *plen)
{
	*plen = strlen(lit);
	return n > *plen && !memcmp(s, lit, *plen);
}

/* Names an ignored flag in the reply's warning; bytes outside printable ASCII as \xHH. */
static void warn(struct ng_req *q, const char *what, const char *s, size_t n)
{
	size_t used = strlen(q->warning), room = sizeof(q->warning) - used;
	char *w = q->warning + used;
	int k;

	if (used + 4 * n + 32 >= sizeof(q->warning))
		return;
	k = snprintf(w, room, "%s%s'", used ? ", " : "ignored ", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		k += c >= 0x20 && c < 0x7f && c != '\\' ?
			     snprintf(w + k, room - (size_t)k, "%c", c) :
			     snprintf(w + k, room - (size_t)k, "\\x%02x", c);
	}
	snprintf(w + k, room - (size_t)k, "'");
}

static const struct {
	const char *name;
	enum ng_proto proto;
} protos[] = {
	{ "RTP/AVP", NG_PROTO_RTP_AVP },
	{ "RTP/SAVP", NG_PROTO_RTP_SAVP },
	{ "RTP/AVPF", NG_PROTO_RTP_AVPF },
	{ "RTP/SAVPF", NG_PROTO_RTP_SAVPF },
	{ "UDP/TLS/RTP/SAVP", NG_PROTO_UDP_TLS_RTP_SAVP },
	{ "UDP/TLS/RTP/SAVPF", NG_PROTO_UDP_TLS_RTP_SAVPF },
};

static bool set_proto(struct ng_req *q, const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (eq(s, n, protos[i].name)) {
			q->proto = protos[i].proto;
			return true;
		}
	return false;
}

static bool set_ice(struct ng_req *q, const char *s, size_t n)
{
	if (eq(s, n, "force"))
		q->ice = NG_ICE_FORCE;
	else if (eq(s, n, "remove"))
		q->ice = NG_ICE_REMOVE;
	else if (eq(s, n, "default"))
		q->ice = NG_ICE_DEFAULT;
	else if (eq(s, n, "force-relay") || eq(s, n, "force_relay"))
		q->ice = NG_ICE_FORCE_RELAY;
	else if (eq(s, n, "optional"))
		q->ice = NG_ICE_OPTIONAL;
	else
		return false;
	return true;
}

static bool set_dtls(struct ng_req *q, const char *s, size_t n)
{
	if (eq(s, n, "off") || eq(s, n, "no") || eq(s, n, "disable"))
		q->dtls = NG_DTLS_OFF;
	else if (eq(s, n, "passive"))
		q->dtls = NG_DTLS_PASSIVE;
	else if (eq(s, n, "active"))
		q->dtls = NG_DTLS_ACTIVE;
	else
		return false;
	return true;
}

static bool set_rtcp_mux(struct ng_req *q, const char *s, size_t n)
{
	if (eq(s, n, "offer"))
		q->rtcp_mux_offer = true;
	else if (eq(s, n, "demux"))
		q->rtcp_mux_demux = true;
	else if (eq(s, n, "accept"))
		q->rtcp_mux_accept = true;
	else if (eq(s, n, "reject"))
		q->rtcp_mux_reject = true;
	else if (eq(s, n, "require"))
		q->rtcp_mux_require = true;
	else
		return false;
	return true;
}

static bool set_sdes(struct ng_req *q, const char *s, size_t n)
{
	const struct srtp_suite *suite;
	size_t p;

	if (eq(s, n, "off") || eq(s, n, "no") || eq(s, n, "disable")) {
		q->sdes_off = true;
		return true;
	}
	if (prefix(s, n, "no-", &p) || prefix(s, n, "only-", &p)) {
		suite = srtp_suite_by_name(s + p, (uint32_t)(n - p));
		if (!suite)
			return false;
		if (s[0] == 'n')
			q->sdes_no |= 1u << suite->id;
		else
			q->sdes_only |= 1u << suite->id;
		return true;
	}
	return false;
}

static bool set_family(struct ng_req *q, const char *s, size_t n)
{
	if (eq(s, n, "IP4"))
		q->addr_family = AF_INET;
	else if (eq(s, n, "IP6"))
		q->addr_family = AF_INET6;
	else
		return false;
	return true;
}

/* "key=value" forms inside flags / rtpp-flags for the keys that are strings. */
static bool set_kv(struct ng_req *q, const char *k, size_t kn, const char *v, size_t vn)
{
	struct ng_str val = { v, vn };

	if (eq(k, kn, "ICE"))
		return set_ice(q, v, vn);
	if (eq(k, kn, "DTLS"))
		return set_dtls(q, v, vn);
	if (eq(k, kn, "DTLS-reverse")) {
		q->dtls_reverse = true;
		return true;
	}
	if (eq(k, kn, "transport-protocol"))
		return set_proto(q, v, vn);
	if (eq(k, kn, "address-family"))
		return set_family(q, v, vn);
	if (eq(k, kn, "media-address")) {
		q->media_address = val;
		return true;
	}
	if (eq(k, kn, "label")) {
		q->label = val;
		return true;
	}
	if (eq(k, kn, "via-branch")) {
		q->via_branch = val;
		return true;
	}
	if (eq(k, kn, "direction")) {
		q->direction[q->direction[0].len ? 1 : 0] = val;
		return true;
	}
	if (eq(k, kn, "SDES"))
		return set_sdes(q, v, vn);
	if (eq(k, kn, "rtcp-mux"))
		return set_rtcp_mux(q, v, vn);
	return false;
}

static void apply_flag(struct ng_req *q, const char *s, size_t n)
{
	const char *eqs = memchr(s, '=', n);
	size_t p;
	bool ok = true;

	if (!n)
		return;
	if (eqs) {
		ok = set_kv(q, s, (size_t)(eqs - s), eqs + 1, n - (size_t)(eqs - s) - 1);
	} else if (eq(s, n, "replace-origin")) {
		q->replace_origin = true;
	} else if (eq(s, n, "replace-session-connection")) {
		q->replace_session_connection = true;
	} else if (eq(s, n, "replace-zero-address")) {
		q->replace_zero_address = true;
	} else if (prefix(s, n, "rtcp-mux-", &p)) {
		ok = set_rtcp_mux(q, s + p, n - p);
	} else if (prefix(s, n, "SDES-", &p)) {
		ok = set_sdes(q, s + p, n - p);
	} else if (eq(s, n, "strict-source")) {
		q->strict_source = true;
	} else if (eq(s, n, "symmetric")) {
		q->symmetric = true;
	} else if (eq(s, n, "asymmetric")) {
		q->asymmetric = true;
	} else if (eq(s, n, "trust-address")) {
		q->trust_address = true;
	} else if (eq(s, n, "generate-mid")) {
		q->generate_mid = true;
	} else if (eq(s, n, "port-latching")) {
		q->port_latching = true;
	} else if (eq(s, n, "record-call")) {
		q->record_call = true;
	} else if (eq(s, n, "IP4") || eq(s, n, "IP6")) {
		set_family(q, s, n);
	} else if (!set_proto(q, s, n)) {
		ok = false;
	}
	if (!ok)
		warn(q, "flag ", s, n);
}

/* Each element of a list of strings through fn; non-strings are refused. */
static int each_str(struct ng_req *q, const struct bval *v, const char *key,
		    bool (*fn)(struct ng_req *, const char *, size_t), char *err, size_t errlen)
{
	char what[48];

	snprintf(what, sizeof(what), "%s ", key);
	if (v->type == BV_STR) {
		if (!fn(q, v->s, v->len))
			warn(q, what, v->s, v->len);
		return 0;
	}
	if (v->type != BV_LIST) {
		snprintf(err, errlen, "'%s' must be a list of strings", key);
		return -EINVAL;
	}
	for (const struct bval *e = v->child; e; e = e->next) {
		if (e->type != BV_STR) {
			snprintf(err, errlen, "'%s' must be a list of strings", key);
			return -EINVAL;
		}
		if (!fn(q, e->s, e->len))
			warn(q, what, e->s, e->len);
	}
	return 0;
}

static bool flag_fn(struct ng_req *q, const char *s, size_t n)
{
	apply_flag(q, s, n);
	return true;
}

static bool replace_fn(struct ng_req *q, const char *s, size_t n)
{
	if (eq(s, n, "origin"))
		q->replace_origin = true;
	else if (eq(s, n, "session-connection") || eq(s, n, "session connection"))
		q->replace_session_connection = true;
	else if (eq(s, n, "zero-address") || eq(s, n, "zero address"))
		q->replace_zero_address = true;
	else
		return false;
	return true;
}

static bool direction_fn(struct ng_req *q, const char *s, size_t n)
{
	if (q->direction[1].len)
		return false;
	q->direction[q->direction[0].len ? 1 : 0] = (struct ng_str){ s, n };
	return true;
}

static const struct {
	const char *key;
	size_t off;
} str_keys[] = {
	{ "call-id", offsetof(struct ng_req, call_id) },
	{ "from-tag", offsetof(struct ng_req, from_tag) },
	{ "to-tag", offsetof(struct ng_req, to_tag) },
	{ "via-branch", offsetof(struct ng_req, via_branch) },
	{ "sdp", offsetof(struct ng_req, sdp) },
	{ "media-address", offsetof(struct ng_req, media_address) },
	{ "label", offsetof(struct ng_req, label) },
};

static const struct {
	const char *name;
	unsigned int needs;	/* NG_NEEDS_* */
} commands[NG_CMD_COUNT] = {
	[NG_CMD_UNKNOWN] = { "unknown", 0 },
#define X(e, n, needs) [NG_CMD_##e] = { n, needs },
	NG_COMMANDS(X)
#undef X
};

const char *ng_cmd_name(unsigned int cmd)
{
	return commands[cmd < NG_CMD_COUNT ? cmd : NG_CMD_UNKNOWN].name;
}

static int string_value(const struct bval *v, const char *key, struct ng_str *out, char *err,
			size_t errlen)
{
	if (v->type != BV_STR) {
		snprintf(err, errlen, "'%s' must be a string", key);
		return -EINVAL;
	}
	*out = (struct ng_str){ v->s, v->len };
	return 0;
}

/* One dictionary entry. */
static int parse_entry(struct ng_req *q, const struct bval *k, const struct bval *v, char *err,
		       size_t errlen)
{
	char key[32];
	struct ng_str s;

	if (k->len >= sizeof(key) || memchr(k->s, '\0', k->len))
		return 0;	/* not a key of ours */
	memcpy(key, k->s, k->len);
	key[k->len] = '\0';
	/* rtpengine takes "from tag" for "from-tag", "transport protocol" for ...: so do we. */
	for (char *c = key; (c = strchr(c, ' ')); )
		*c = '-';
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++)
		if (!strcmp(key, str_keys[i].key))
			return string_value(v, key, (struct ng_str *)((char *)q + str_keys[i].off),
					    err, errlen);
	if (!strcmp(key, "flags"))
		return each_str(q, v, key, flag_fn, err, errlen);
	if (!strcmp(key, "replace"))
		return each_str(q, v, key, replace_fn, err, errlen);
	if (!strcmp(key, "rtcp-mux"))
		return each_str(q, v, key, set_rtcp_mux, err, errlen);
	if (!strcmp(key, "SDES"))
		return each_str(q, v, key, set_sdes, err, errlen);
	if (!strcmp(key, "direction"))
		return each_str(q, v, key, direction_fn, err, errlen);
	if (!strcmp(key, "received-from")) {
		if (v->type != BV_LIST || v->count != 2 || v->child->type != BV_STR ||
		    v->child->next->type != BV_STR) {
			snprintf(err, errlen, "'received-from' must be [family, address]");
			return -EINVAL;
		}
		q->received_from_family = (struct ng_str){ v->child->s, v->child->len };
		q->received_from_addr = (struct ng_str){ v->child->next->s, v->child->next->len };
		return 0;
	}
	if (!strcmp(key, "limit")) {
		if (v->type != BV_INT) {
			snprintf(err, errlen, "'limit' must be an integer");
			return -EINVAL;
		}
		q->limit = v->i;
		return 0;
	}
	if (!strcmp(key, "transport-protocol") || !strcmp(key, "ICE") || !strcmp(key, "DTLS") ||
	    !strcmp(key, "address-family") || !strcmp(key, "DTLS-reverse")) {
		if (string_value(v, key, &s, err, errlen))
			return -EINVAL;
		if (!set_kv(q, key, strlen(key), s.s, s.len))
			warn(q, key[0] == 't' ? "transport-protocol " : "value ", s.s, s.len);
		return 0;
	}
	if (!strcmp(key, "rtpp-flags")) {
		const char *p, *end;

		if (string_value(v, key, &s, err, errlen))
			return -EINVAL;
		for (p = s.s, end = s.s + s.len; p < end;) {
			const char *w = p;

			while (w < end && *w != ' ' && *w != '\t' && *w != ';')
				w++;
			apply_flag(q, p, (size_t)(w - p));
			p = w + 1;
		}
		return 0;
	}
	return 0;	/* "supports", "record call" and anything else: not ours to refuse */
}

/*
 * Identifiers are byte strings: any octet but NUL, hashed, compared and copied over their
 * length, written back in replies as they came, escaped in logs and ctl output. A NUL is
 * refused rather than carried: every consumer downstream (syslog, Kamailio's own C strings,
 * the operator's terminal) would cut the string there, so two different ids would look alike.
 */
static const struct {
	const char *key;
	size_t off, max;	/* max: longest accepted, in octets; 0: not stored, any length */
} id_keys[] = {
	{ "call-id", offsetof(struct ng_req, call_id), CALL_ID_MAX - 1 },
	{ "from-tag", offsetof(struct ng_req, from_tag), CALL_TAG_MAX - 1 },
	{ "to-tag", offsetof(struct ng_req, to_tag), CALL_TAG_MAX - 1 },
	{ "via-branch", offsetof(struct ng_req, via_branch), 0 },
	{ "label", offsetof(struct ng_req, label), 0 },
};

static int check_ids(const struct ng_req *q, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++) {
		const struct ng_str *v = (const void *)((const char *)q + id_keys[i].off);

		if (v->len && memchr(v->s, '\0', v->len)) {
			snprintf(err, errlen, "'%s' must not contain a NUL byte", id_keys[i].key);
			return -EINVAL;
		}
		if (id_keys[i].max && v->len > id_keys[i].max) {
			snprintf(err, errlen, "'%s' is longer than %zu bytes", id_keys[i].key,
				 id_keys[i].max);
			return -EINVAL;
		}
	}
	return 0;
}

/* What the command needs, in the order rtpengine reports what is missing. */
static int check_needs(const struct ng_req *q, unsigned int needs, char *err, size_t errlen)
{
	static const struct {
		unsigned int bit;
		size_t off;
		const char *missing;
	} fields[] = {
		{ NG_NEEDS_CALL_ID, offsetof(struct ng_req, call_id), "Missing call-id" },
		{ NG_NEEDS_FROM_TAG, offsetof(struct ng_req, from_tag), "Missing from-tag" },
		{ NG_NEEDS_TO_TAG, offsetof(struct ng_req, to_tag), "Missing to-tag" },
		{ NG_NEEDS_SDP, offsetof(struct ng_req, sdp), "No SDP body" },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct ng_str *v = (const void *)((const char *)q + fields[i].off);

		if ((needs & fields[i].bit) && !v->len) {
			snprintf(err, errlen, "%s", fields[i].missing);
			return -EINVAL;
		}
	}
	return 0;
}

int ng_req_parse(const struct bval *dict, struct ng_req *q, char *err, size_t errlen)
{
	const struct bval *cmd;

	memset(q, 0, sizeof(*q));
	if (!dict || dict->type != BV_DICT) {
		snprintf(err, errlen, "Request is not a dictionary");
		return -EINVAL;
	}
	cmd = bv_dict_get(dict, "command");
	if (!cmd || cmd->type != BV_STR) {
		snprintf(err, errlen, "No command given");
		return -EINVAL;
	}
	q->cmd_name = (struct ng_str){ cmd->s, cmd->len };
	for (unsigned int i = NG_CMD_UNKNOWN + 1; i < NG_CMD_COUNT; i++)
		if (eq(cmd->s, cmd->len, commands[i].name))
			q->cmd = (enum ng_cmd)i;
	for (const struct bval *k = dict->child; k && k->next; k = k->next->next) {
		int ret = parse_entry(q, k, k->next, err, errlen);

		if (ret)
			return ret;
	}
	if (check_ids(q, err, errlen))
		return -EINVAL;
	return check_needs(q, commands[q->cmd].needs, err, errlen);
}
