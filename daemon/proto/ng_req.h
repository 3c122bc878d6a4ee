/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * An ng request, decoded from its bencoded dictionary into fields. Flags may come as
 * dictionary keys (what Kamailio's rtpengine module sends: "ICE": "remove",
 * "transport-protocol": "RTP/AVP", "replace": [...]), as entries of the "flags" list, or as
 * one "rtpp-flags" string written as in a Kamailio script ("replace-origin ICE=remove
 * RTP/AVP SDES-off"); all three land in the same fields. Flags we know of but do not
 * implement, and flags we do not know, are listed in 'warning' (sent back to the caller)
 * rather than failing the request.
 */
#ifndef SRTPRELAY_NG_REQ_H
#define SRTPRELAY_NG_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bval;

/* Identifiers as the call table stores them, NUL included (a NUL inside is refused). */
#define CALL_ID_MAX 256
#define CALL_TAG_MAX 128

/* What a command's request must carry (checked by ng_req_parse). */
#define NG_NEEDS_CALL_ID (1u << 0)
#define NG_NEEDS_FROM_TAG (1u << 1)
#define NG_NEEDS_TO_TAG (1u << 2)
#define NG_NEEDS_SDP (1u << 3)

/* Every ng command, once: its enum, its name on the wire, what its request needs. The
 * handlers are control/ng.c's, indexed by the enum. */
#define NG_COMMANDS(X)                                                                   \
	X(PING, "ping", 0)                                                               \
	X(OFFER, "offer", NG_NEEDS_CALL_ID | NG_NEEDS_FROM_TAG | NG_NEEDS_SDP)           \
	X(ANSWER, "answer",                                                              \
	  NG_NEEDS_CALL_ID | NG_NEEDS_FROM_TAG | NG_NEEDS_TO_TAG | NG_NEEDS_SDP)          \
	X(DELETE, "delete", NG_NEEDS_CALL_ID)                                            \
	X(QUERY, "query", NG_NEEDS_CALL_ID)                                              \
	X(LIST, "list", 0)                                                               \
	X(STATISTICS, "statistics", 0)

enum ng_cmd {
	NG_CMD_UNKNOWN,		/* not a command we know: 0, what a fresh request holds */
#define X(e, name, needs) NG_CMD_##e,
	NG_COMMANDS(X)
#undef X
	NG_CMD_COUNT
};

/* "offer", ... ("unknown" for NG_CMD_UNKNOWN and anything out of range). */
const char *ng_cmd_name(unsigned int cmd);

enum ng_proto {
	NG_PROTO_NONE,
	NG_PROTO_RTP_AVP,
	NG_PROTO_RTP_SAVP,
	NG_PROTO_RTP_AVPF,
	NG_PROTO_RTP_SAVPF,
	NG_PROTO_UDP_TLS_RTP_SAVP,
	NG_PROTO_UDP_TLS_RTP_SAVPF,
};

enum ng_ice { NG_ICE_DEFAULT, NG_ICE_FORCE, NG_ICE_REMOVE, NG_ICE_FORCE_RELAY, NG_ICE_OPTIONAL };
enum ng_dtls { NG_DTLS_DEFAULT, NG_DTLS_OFF, NG_DTLS_PASSIVE, NG_DTLS_ACTIVE };

/* Text inside the request buffer; len 0 = absent. */
struct ng_str {
	const char *s;
	size_t len;
};

#define NG_WARNING_MAX 256

struct ng_req {
	enum ng_cmd cmd;
	struct ng_str cmd_name;
	struct ng_str call_id, from_tag, to_tag, via_branch, sdp, media_address, label;
	struct ng_str received_from_family, received_from_addr;
	struct ng_str direction[2];
	enum ng_proto proto;
	enum ng_ice ice;
	enum ng_dtls dtls;
	bool dtls_reverse;
	bool replace_origin, replace_session_connection;
	bool replace_zero_address;	/* our address even where the SDP held with 0.0.0.0 */
	bool rtcp_mux_offer, rtcp_mux_demux, rtcp_mux_accept, rtcp_mux_reject, rtcp_mux_require;
	bool sdes_off;
	uint32_t sdes_no;	/* bit (1 << enum srtp_suite_id): do not offer */
	uint32_t sdes_only;	/* 0: no restriction */
	bool strict_source, symmetric, asymmetric, trust_address, generate_mid, port_latching;
	bool record_call;
	int addr_family;	/* 0, AF_INET or AF_INET6 */
	long long limit;	/* list */
	char warning[NG_WARNING_MAX];	/* "" when nothing was ignored */
};

/* Splits "<cookie> <body>"; -EINVAL without a cookie or the space. */
int ng_split(const char *dgram, size_t len, struct ng_str *cookie, const char **body,
	     size_t *body_len);
/*
 * Fills req from a request dictionary. Returns 0, or -EINVAL with the reason in err
 * ("Missing call-id", "'sdp' must be a string"...); req->cmd is set even then.
 */
int ng_req_parse(const struct bval *dict, struct ng_req *req, char *err, size_t errlen);

#endif
