// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for an ng request as it arrives: one datagram "<cookie> <bencoded dict>"
 * through ng_split, bencode_parse and ng_req_parse, exactly its size as libFuzzer hands it
 * over, so ASan sees any read past its end.
 *
 * Oracles besides the sanitizers:
 *  - ng_split refuses only a datagram without a space or starting with one, and otherwise
 *    cuts at the first space;
 *  - ng_req_parse returns 0 or -EINVAL, the latter with a reason; the error is cut to a short
 *    buffer, never past it, and the outcome does not depend on that buffer's size;
 *  - the warning is NUL-terminated inside NG_WARNING_MAX and is "" or "ignored ...";
 *  - every text field lies inside the request body; enums and masks hold known values;
 *  - the command follows its name, and a request that is accepted has what its command needs;
 *  - an accepted identifier (call-id, tags, via-branch, label) holds no NUL and fits the
 *    call table's fields, so that everything downstream may treat it as a C string too.
 */
#include "bencode.h"
#include "call.h"
#include "ng_req.h"
#include "srtp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL 512

static struct bval pool[POOL];
static struct ng_req req, req2;
static const char *body;
static size_t body_len;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ng_req: %s (%s)\n", what, detail ? detail : "");
	abort();
}

static void inside(struct ng_str s, const char *name)
{
	if (s.len && (s.s < body || s.len > body_len || s.s + s.len > body + body_len))
		die("field outside the body", name);
}

static void ident(struct ng_str s, size_t max, const char *name)
{
	if (s.len && memchr(s.s, '\0', s.len))
		die("identifier with a NUL accepted", name);
	if (max && s.len > max)
		die("overlong identifier accepted", name);
}

static int is(struct ng_str s, const char *lit)
{
	return s.len == strlen(lit) && !memcmp(s.s, lit, s.len);
}

static void check_req(const struct ng_req *q, int r)
{
	static const struct {
		const char *name;
		enum ng_cmd cmd;
	} cmds[] = {
		{ "ping", NG_CMD_PING },	 { "offer", NG_CMD_OFFER },
		{ "answer", NG_CMD_ANSWER },	 { "delete", NG_CMD_DELETE },
		{ "query", NG_CMD_QUERY },	 { "list", NG_CMD_LIST },
		{ "statistics", NG_CMD_STATISTICS },
	};
	enum ng_cmd want = NG_CMD_UNKNOWN;
	const uint32_t suites = ((1u << SRTP_SUITE_COUNT) - 1) & ~1u;
	size_t wl;

	if (!memchr(q->warning, '\0', sizeof(q->warning)))
		die("warning not NUL-terminated", NULL);
	wl = strlen(q->warning);
	if (wl && strncmp(q->warning, "ignored ", 8))
		die("warning does not say what it is", q->warning);

	inside(q->cmd_name, "cmd_name");
	inside(q->call_id, "call_id");
	inside(q->from_tag, "from_tag");
	inside(q->to_tag, "to_tag");
	inside(q->via_branch, "via_branch");
	inside(q->sdp, "sdp");
	inside(q->media_address, "media_address");
	inside(q->label, "label");
	inside(q->received_from_family, "received_from_family");
	inside(q->received_from_addr, "received_from_addr");
	inside(q->direction[0], "direction[0]");
	inside(q->direction[1], "direction[1]");

	if ((unsigned int)q->cmd > NG_CMD_STATISTICS || (unsigned int)q->proto > NG_PROTO_UDP_TLS_RTP_SAVPF ||
	    (unsigned int)q->ice > NG_ICE_OPTIONAL || (unsigned int)q->dtls > NG_DTLS_ACTIVE)
		die("enum out of range", NULL);
	if (q->addr_family && q->addr_family != AF_INET && q->addr_family != AF_INET6)
		die("address family", NULL);
	if ((q->sdes_no & ~suites) || (q->sdes_only & ~suites))
		die("SDES mask has a bit for no suite", NULL);

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (is(q->cmd_name, cmds[i].name))
			want = cmds[i].cmd;
	if (q->cmd != want)
		die("command does not follow its name", NULL);
	if (r)
		return;
	if (q->cmd >= NG_CMD_OFFER && q->cmd <= NG_CMD_QUERY && !q->call_id.len)
		die("accepted without a call-id", NULL);
	if ((q->cmd == NG_CMD_OFFER || q->cmd == NG_CMD_ANSWER) && (!q->from_tag.len || !q->sdp.len))
		die("offer/answer accepted without from-tag or SDP", NULL);
	if (q->cmd == NG_CMD_ANSWER && !q->to_tag.len)
		die("answer accepted without a to-tag", NULL);
	ident(q->call_id, CALL_ID_MAX - 1, "call_id");
	ident(q->from_tag, CALL_TAG_MAX - 1, "from_tag");
	ident(q->to_tag, CALL_TAG_MAX - 1, "to_tag");
	ident(q->via_branch, 0, "via_branch");
	ident(q->label, 0, "label");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dgram = (const char *)data;
	const char *sp = size ? memchr(dgram, ' ', size) : NULL;
	struct bdoc doc = { .nodes = pool, .cap = POOL };
	struct ng_str cookie;
	const struct bval *v;
	char err[160], small[5];
	int r, r2;

	body = NULL;
	body_len = 0;
	if (ng_split(dgram, size, &cookie, &body, &body_len)) {
		if (sp && sp != dgram)
			die("ng_split refused a datagram with a cookie and a space", NULL);
		return 0;
	}
	if (!sp || sp == dgram)
		die("ng_split accepted a datagram without a cookie", NULL);
	if (cookie.s != dgram || cookie.len != (size_t)(sp - dgram) || body != sp + 1 ||
	    body_len != size - cookie.len - 1)
		die("ng_split cut in the wrong place", NULL);

	memset(err, 'Z', sizeof(err));
	v = bencode_parse(&doc, body, body_len, err, sizeof(err));
	if (!v) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			die("bencode refused without a reason", NULL);
		return 0;
	}

	memset(err, 'Z', sizeof(err));
	r = ng_req_parse(v, &req, err, sizeof(err));
	if (r && r != -EINVAL)
		die("ng_req_parse returned neither 0 nor -EINVAL", NULL);
	if (r && (!memchr(err, '\0', sizeof(err)) || !err[0]))
		die("refused without a reason", NULL);
	check_req(&req, r);

	/* A short error buffer: the same outcome, cut and terminated. */
	memset(small, 'Z', sizeof(small));
	r2 = ng_req_parse(v, &req2, small, sizeof(small));
	if (r2 != r || memcmp(&req, &req2, sizeof(req)))
		die("outcome depends on the error buffer", NULL);
	if (r && (!memchr(small, '\0', sizeof(small)) || strncmp(small, err, sizeof(small) - 1)))
		die("short error buffer", small);
	return 0;
}
