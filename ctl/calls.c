// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * srtprelay-ctl list | show CALL-ID | terminate CALL-ID: the daemon's calls, over the ng
 * protocol (the daemon's --listen-ng, 127.0.0.1:2223 unless --ng ADDR:PORT says otherwise).
 * Keys are never printed: ng replies carry none.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "ctl.h"
#include "strbuf.h"

#define NG_REPLY_MAX 65536
#define NG_NODES 8192

struct ng_client {
	int fd;
	struct sockaddr_storage to;
	char *buf;
	struct bval *nodes;
	struct bdoc doc;
};

static int ng_open(struct ng_client *c, const char *where)
{
	struct timeval tv = { .tv_sec = 3 };
	char err[CTL_ERR_MAX];

	memset(c, 0, sizeof(*c));
	if (ctl_parse_addr(where, false, &c->to, err, sizeof(err)))
		return ctl_error("--ng", "%s", err);
	c->fd = socket(c->to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c->buf = malloc(NG_REPLY_MAX + 1);
	c->nodes = calloc(NG_NODES, sizeof(*c->nodes));
	if (c->fd < 0 || !c->buf || !c->nodes)
		return ctl_error("ng", "%s", strerror(errno ? errno : ENOMEM));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static void ng_close(struct ng_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c->nodes);
}

/* Sends one request (a bencoded dict in req); returns the reply dict or NULL (reported). */
static const struct bval *ng_request(struct ng_client *c, const struct strbuf *req)
{
	char cookie[32], err[128];
	struct strbuf msg = STRBUF_INIT;
	ssize_t n;
	size_t clen;
	const struct bval *root, *res;

	static unsigned int seq;

	/* Unique per request: the daemon answers a repeated cookie from its retransmit cache. */
	snprintf(cookie, sizeof(cookie), "ctl%d_%ld_%u", (int)getpid(), (long)time(NULL), seq++);
	clen = strlen(cookie);
	sb_adds(&msg, cookie);
	sb_addc(&msg, ' ');
	sb_add(&msg, req->p, req->len);
	if (msg.oom || sendto(c->fd, msg.p, msg.len, 0, (struct sockaddr *)&c->to,
			      c->to.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
							    sizeof(struct sockaddr_in)) < 0) {
		sb_free(&msg);
		ctl_error("ng", "cannot send: %s", strerror(errno));
		return NULL;
	}
	sb_free(&msg);
	for (;;) {
		n = recv(c->fd, c->buf, NG_REPLY_MAX, 0);
		if (n < 0) {
			ctl_error("ng", "no reply from the daemon (%s): is srtprelayd running "
				  "with this --listen-ng?", strerror(errno));
			return NULL;
		}
		if ((size_t)n > clen && !memcmp(c->buf, cookie, clen) && c->buf[clen] == ' ')
			break;
	}
	c->doc = (struct bdoc){ c->nodes, 0, NG_NODES };
	root = bencode_parse(&c->doc, c->buf + clen + 1, (size_t)n - clen - 1, err, sizeof(err));
	if (!root || root->type != BV_DICT) {
		ctl_error("ng", "unreadable reply: %s", root ? "not a dictionary" : err);
		return NULL;
	}
	res = bv_dict_get(root, "result");
	if (!bv_is_str(res, "ok")) {
		const struct bval *why = bv_dict_get(root, "error-reason");

		ctl_error("ng", "%.*s", why && why->type == BV_STR ? (int)why->len : 5,
			  why && why->type == BV_STR ? why->s : "error");
		return NULL;
	}
	return root;
}

static void json_str(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* A bencoded value as JSON (strings as JSON strings, integers as numbers). */
void ctl_print_json(FILE *out, const struct bval *v)
{
	const struct bval *e;

	switch (v->type) {
	case BV_STR:
		json_str(out, v->s, v->len);
		break;
	case BV_INT:
		fprintf(out, "%lld", v->i);
		break;
	case BV_LIST:
		fputc('[', out);
		for (e = v->child; e; e = e->next) {
			ctl_print_json(out, e);
			if (e->next)
				fputc(',', out);
		}
		fputc(']', out);
		break;
	case BV_DICT:
		fputc('{', out);
		for (e = v->child; e && e->next; e = e->next->next) {
			json_str(out, e->s, e->len);
			fputc(':', out);
			ctl_print_json(out, e->next);
			if (e->next->next)
				fputc(',', out);
		}
		fputc('}', out);
		break;
	}
}

static long long num(const struct bval *d, const char *key)
{
	const struct bval *v = bv_dict_get(d, key);

	return v && v->type == BV_INT ? v->i : 0;
}

static int str(const struct bval *d, const char *key, const char **s)
{
	const struct bval *v = bv_dict_get(d, key);

	if (!v || v->type != BV_STR) {
		*s = "-";
		return 1;
	}
	*s = v->s;
	return (int)v->len;
}

static void print_endpoint(FILE *out, const struct bval *ep)
{
	const char *a;
	int n;

	if (!ep) {
		fputs("-", out);
		return;
	}
	n = str(ep, "address", &a);
	if (memchr(a, ':', (size_t)n))
		fprintf(out, "[%.*s]:%lld", n, a, num(ep, "port"));
	else
		fprintf(out, "%.*s:%lld", n, a, num(ep, "port"));
}

/* An id or tag from the network, for a terminal: bytes outside printable ASCII as \xHH. */
static void print_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

/* The call of a query reply, for people: legs, media, streams, counters, mode. */
static void print_call(FILE *out, const char *id, const struct bval *r)
{
	const struct bval *tags = bv_dict_get(r, "tags"), *tot = bv_dict_get(r, "totals");

	fputs("call ", out);
	print_text(out, id, strlen(id));
	fprintf(out, "  age %llds\n", num(r, "age"));
	for (const struct bval *t = tags ? tags->child : NULL; t && t->next; t = t->next->next) {
		const struct bval *leg = t->next, *medias = bv_dict_get(leg, "medias");
		const char *peer;
		int pn = str(leg, "in dialogue with", &peer);

		fputs("  leg ", out);
		print_text(out, t->s, t->len);
		fputs(" (with ", out);
		print_text(out, peer, (size_t)pn);
		fputs(")\n", out);
		for (const struct bval *m = medias ? medias->child : NULL; m; m = m->next) {
			const struct bval *streams = bv_dict_get(m, "streams");
			const char *type, *proto, *dir, *in, *outs;
			int tn = str(m, "type", &type), prn = str(m, "protocol", &proto);
			int dn = str(m, "direction", &dir), in_n = str(m, "crypto suite in", &in);
			int on = str(m, "crypto suite out", &outs);

			fprintf(out, "    media %lld %.*s %.*s %.*s  crypto in %.*s out %.*s\n",
				num(m, "index"), tn, type, prn, proto, dn, dir, in_n, in, on, outs);
			for (const struct bval *s = streams ? streams->child : NULL; s; s = s->next) {
				const struct bval *st = bv_dict_get(s, "stats");
				const struct bval *drops = st ? bv_dict_get(st, "drops") : NULL;
				const char *mode;
				int mn = str(s, "mode", &mode);

				fprintf(out, "      %s local %lld  endpoint ",
					bv_is_str(bv_dict_get(s, "component"), "2") ? "RTCP" : "RTP ",
					num(s, "local port"));
				print_endpoint(out, bv_dict_get(s, "endpoint"));
				fprintf(out, "%s  %.*s  packets %lld bytes %lld", num(s, "confirmed") ?
					"" : " (unconfirmed)", mn, mode, num(st, "packets"),
					num(st, "bytes"));
				for (const struct bval *d = drops ? drops->child : NULL; d && d->next;
				     d = d->next->next)
					if (d->next->type == BV_INT && d->next->i)
						fprintf(out, " %.*s %lld", (int)d->len, d->s, d->next->i);
				fputc('\n', out);
			}
		}
	}
	if (tot) {
		const struct bval *rtp = bv_dict_get(tot, "RTP"), *rtcp = bv_dict_get(tot, "RTCP");

		fprintf(out, "  totals RTP packets %lld bytes %lld errors %lld, RTCP packets %lld "
			"errors %lld\n", num(rtp, "packets"), num(rtp, "bytes"), num(rtp, "errors"),
			num(rtcp, "packets"), num(rtcp, "errors"));
	}
}

static void req_cmd(struct strbuf *sb, const char *cmd, const char *call_id)
{
	sb_reset(sb);
	be_dict(sb);
	be_kstr(sb, "command", cmd);
	if (call_id)
		be_kstr(sb, "call-id", call_id);
	if (!strcmp(cmd, "list"))
		be_kint(sb, "limit", 1000000);
	be_end(sb);
}

int calls_main(int argc, char **argv)
{
	const char *ng = "127.0.0.1:2223", *cmd = argv[0], *id = NULL;
	struct strbuf req = STRBUF_INIT;
	struct ng_client c;
	const struct bval *r;
	bool json = false;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--ng") && i + 1 < argc)
			ng = argv[++i];
		else if (!strncmp(argv[i], "--ng=", 5))
			ng = argv[i] + 5;
		else if (!id && argv[i][0] != '-' && strcmp(cmd, "list"))
			id = argv[i];
		else
			return ctl_error(cmd, "unexpected argument '%s' (usage: list | show CALL-ID "
					 "| terminate CALL-ID, [--json] [--ng ADDR:PORT])", argv[i]);
	}
	if (strcmp(cmd, "list") && !id)
		return ctl_error(cmd, "which call? (%s CALL-ID)", cmd);
	if (ng_open(&c, ng)) {
		ng_close(&c);
		return 1;
	}
	req_cmd(&req, !strcmp(cmd, "list") ? "list" : !strcmp(cmd, "show") ? "query" : "delete",
		id);
	r = ng_request(&c, &req);
	if (!r) {
		ret = 1;
	} else if (json) {
		ctl_print_json(stdout, r);
		fputc('\n', stdout);
	} else if (!strcmp(cmd, "list")) {
		/* One line per call: its id, age, streams by mode and packets, from a query each. */
		const struct bval *calls = bv_dict_get(r, "calls");
		char **ids = NULL;
		size_t n = 0;

		for (const struct bval *e = calls ? calls->child : NULL; e; e = e->next)
			if (e->type == BV_STR) {
				char **grown = realloc(ids, (n + 1) * sizeof(*ids));

				if (!grown)
					break;
				ids = grown;
				ids[n++] = strndup(e->s, e->len);
			}
		for (size_t i = 0; i < n; i++) {
			const struct bval *q;

			req_cmd(&req, "query", ids[i]);
			q = ids[i] ? ng_request(&c, &req) : NULL;
			if (q) {
				const struct bval *tot = bv_dict_get(q, "totals");

				const struct bval *tags = bv_dict_get(q, "tags");
				unsigned int legs = 0;

				for (const struct bval *t = tags ? tags->child : NULL; t && t->next;
				     t = t->next->next)
					legs++;
				print_text(stdout, ids[i], strlen(ids[i]));
				printf("  age %llds  legs %u  packets %lld\n", num(q, "age"),
				       legs,
				       num(bv_dict_get(tot, "RTP"), "packets") +
					       num(bv_dict_get(tot, "RTCP"), "packets"));
			}
			free(ids[i]);
		}
		free(ids);
	} else if (!strcmp(cmd, "show")) {
		print_call(stdout, id, r);
	} else {
		fputs("terminated ", stdout);
		print_text(stdout, id, strlen(id));
		fputc('\n', stdout);
		print_call(stdout, id, r);
	}
	sb_free(&req);
	ng_close(&c);
	return ret;
}
