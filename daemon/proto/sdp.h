/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * SDP (RFC 8866, RFC 4566) as a relay needs it: parse a body into spans of the input, then
 * write it back with a few things changed and everything else kept byte for byte.
 *
 * Parsing (sdp_parse) is zero-copy: every struct sdp_str points into the caller's buffer,
 * which must outlive the struct sdp. Lines end in "\r\n" or "\n"; the first line's ending is
 * remembered in sdp->eol and used for every line the writer adds. Trailing empty lines are
 * kept (sdp->tail); an empty line anywhere else is malformed. Malformed input gives -EINVAL
 * and a short reason such as "SDP line 5: bad m= port", fit for an ng error-reason.
 *
 * The session section runs from v= to the first m= line, each media section from its m= line
 * to the next. Every a= line of a section is a struct sdp_attr, in input order; the known ones
 * are classified (enum sdp_attr_id) and the ones the daemon reads are digested into fields.
 *
 * Writing (sdp_write) walks the input line by line. A line the rewrite does not name is copied
 * with its own line ending. Changed lines (o=, c=, m=, a=rtcp, the direction) are replaced in
 * place; dropped attribute classes vanish; what is new goes at the END of its section, in this
 * order: the direction (when the section had none), a=rtcp, a=rtcp-mux, then the caller's
 * extra lines. A media c= line that has to be created goes right after the m= line (and its
 * i= line, if any), where RFC 8866 puts it. rtpengine reorders a=rtcp and the direction
 * before a=ptime; we do not, so our reply has the same lines as rtpengine's in another order.
 *
 * struct sdp is large (about 100 KiB, mostly the attribute pool) and points into itself: keep
 * it on the heap or in static storage, and do not copy it.
 */
#ifndef SRTPRELAY_SDP_H
#define SRTPRELAY_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define SDP_MAX_MEDIA 32
#define SDP_MAX_ATTRS 512		/* a= lines in one section (Chrome's video: ~170) */
#define SDP_MAX_ATTRS_TOTAL 2048	/* a= lines in the whole body */
#define SDP_MAX_LINE 4096		/* octets of one line, without its ending */
#define SDP_ERR_MAX 128

/* A span of the input; s is NULL (and len 0) when absent. Not NUL-terminated. */
struct sdp_str {
	const char *s;
	size_t len;
};

enum sdp_dir {
	SDP_DIR_NONE, SDP_DIR_SENDRECV, SDP_DIR_SENDONLY, SDP_DIR_RECVONLY, SDP_DIR_INACTIVE
};

/*
 * Attribute classes a rewrite can drop (struct sdp_media_rw.drop, sdp_rewrite.session_drop).
 * SDP_DROP_ICE is ice-ufrag ice-pwd ice-options ice-lite ice-mismatch candidate
 * end-of-candidates remote-candidates.
 */
#define SDP_DROP_CRYPTO   0x01	/* crypto */
#define SDP_DROP_ICE      0x02	/* ICE, as above */
#define SDP_DROP_DTLS     0x04	/* fingerprint setup tls-id */
#define SDP_DROP_RTCP_MUX 0x08	/* rtcp-mux rtcp-mux-only */
#define SDP_DROP_MID      0x10	/* mid */
#define SDP_DROP_GROUP    0x20	/* group (BUNDLE) */
#define SDP_DROP_SSRC     0x40	/* ssrc ssrc-group */
#define SDP_DROP_BUNDLE_ONLY 0x80	/* bundle-only */

enum sdp_attr_id {
	SDP_A_OTHER,	/* anything else: kept as it is */
	SDP_A_RTCP, SDP_A_RTCP_MUX, SDP_A_RTCP_MUX_ONLY,
	SDP_A_SENDRECV, SDP_A_SENDONLY, SDP_A_RECVONLY, SDP_A_INACTIVE,
	SDP_A_CRYPTO, SDP_A_MID, SDP_A_GROUP,
	SDP_A_ICE_UFRAG, SDP_A_ICE_PWD, SDP_A_ICE_OPTIONS, SDP_A_ICE_LITE, SDP_A_ICE_MISMATCH,
	SDP_A_CANDIDATE, SDP_A_END_OF_CANDIDATES, SDP_A_REMOTE_CANDIDATES,
	SDP_A_FINGERPRINT, SDP_A_SETUP, SDP_A_TLS_ID,
	SDP_A_RTPMAP, SDP_A_FMTP, SDP_A_RTCP_FB, SDP_A_PTIME, SDP_A_SSRC, SDP_A_SSRC_GROUP,
	SDP_A_BUNDLE_ONLY,
	SDP_A_COUNT
};

/* One a= line: "a=name:value" or "a=name" (value.s NULL). */
struct sdp_attr {
	struct sdp_str name, value;
	unsigned int lineno;
	uint8_t id;		/* enum sdp_attr_id */
	uint8_t drop_class;	/* its SDP_DROP_* bit, 0 for none */
};

/* c=IN IP4 192.0.2.1 (a multicast "/ttl" suffix is not part of addr). */
struct sdp_conn {
	bool present;
	struct sdp_str nettype, addrtype, addr;
	int family;		/* AF_INET for IP4, AF_INET6 for IP6 */
};

/* What the session and each media section have in common. */
struct sdp_section {
	const char *start, *end;	/* its lines, each with its own ending */
	unsigned int lineno;		/* of its first line */
	struct sdp_conn conn;
	const struct sdp_attr *attrs;	/* into sdp->attr_pool */
	unsigned int n_attrs;
	/* The first of each kind; .s NULL when absent. */
	struct sdp_str ice_ufrag, ice_pwd, ice_options, setup, mid, tls_id;
	struct sdp_str fingerprint_hash, fingerprint;	/* "sha-256", "47:F4:..." */
	uint8_t dir;			/* enum sdp_dir of this section's own attribute */
	bool rtcp_mux, ice_lite, end_of_candidates, bundle_only;
	unsigned int n_crypto, n_candidates, n_ssrc;
};

struct sdp_origin {
	struct sdp_str username, sess_id, sess_version, nettype, addrtype, addr;
	int family;
};

struct sdp_media {
	struct sdp_section sec;
	struct sdp_str type, proto, fmts;	/* fmts: the whole list, "0 8 101" */
	unsigned int n_fmts;
	uint16_t port;
	uint16_t port_count;		/* m=audio 5000/2: 2; 1 when not given */
	struct {
		bool present;
		uint16_t port;
		struct sdp_str addr;	/* .s NULL for a bare "a=rtcp:PORT" */
		int family;
	} rtcp;
	uint8_t dir;			/* effective: the media's, the session's or sendrecv */
};

struct sdp {
	const char *buf;
	size_t len;
	const char *eol;		/* "\r\n" or "\n", as the first line ends */
	struct sdp_origin origin;
	struct sdp_section session;
	struct sdp_str bundle;		/* mids of the first a=group:BUNDLE, "0 1" */
	struct sdp_media media[SDP_MAX_MEDIA];
	unsigned int n_media;
	struct sdp_str tail;		/* trailing empty lines, kept as they are */
	struct sdp_attr attr_pool[SDP_MAX_ATTRS_TOTAL];
	unsigned int n_attr_pool;
};

/* An a=crypto value (RFC 4568 9.1) split up: "TAG SUITE KEY-PARAMS [SESSION-PARAMS]". */
struct sdp_crypto {
	uint32_t tag;
	struct sdp_str suite;		/* "AES_CM_128_HMAC_SHA1_80" */
	struct sdp_str key_params;	/* "inline:...": for sdes_key_parse() */
	struct sdp_str session_params;	/* "UNENCRYPTED_SRTCP KDR=..."; .s NULL if none */
};

/*
 * Parses len octets of buf into out. Returns 0, or -EINVAL with a reason in err (errlen
 * octets, SDP_ERR_MAX is enough), out then being unspecified.
 */
int sdp_parse(struct sdp *out, const char *buf, size_t len, char *err, size_t errlen);

/* Splits an a=crypto attribute; 0 or -EINVAL. The parser has checked every one already. */
int sdp_crypto_get(const struct sdp_attr *a, struct sdp_crypto *out);
/*
 * Checks that text (an attribute without "a=" and line ending) is one the parser accepts;
 * 0 or -EINVAL with a reason. sdp_write uses it on the lines it is asked to add.
 */
int sdp_attr_check(const char *text, size_t len, char *err, size_t errlen);

/* The next attribute named name (case-insensitive) after 'after' (NULL: the first), or NULL. */
const struct sdp_attr *sdp_attr_find(const struct sdp_section *sec, const char *name,
				     const struct sdp_attr *after);
/* The same by class. */
const struct sdp_attr *sdp_attr_find_id(const struct sdp_section *sec, enum sdp_attr_id id,
					const struct sdp_attr *after);

/* The media's attribute named name, else the session's (ICE, DTLS): NULL if neither. */
const struct sdp_attr *sdp_media_attr(const struct sdp *sdp, const struct sdp_media *m,
				      const char *name);
/* The c= that applies to m: its own, else the session's; NULL if neither has one. */
const struct sdp_conn *sdp_media_conn(const struct sdp *sdp, const struct sdp_media *m);

/* mid is one of the first a=group:BUNDLE's. */
bool sdp_bundle_has(const struct sdp *sdp, struct sdp_str mid);
/*
 * A port-0 line with a=bundle-only whose mid is in the BUNDLE group is a live medium riding
 * the group's transport (RFC 8843 6), not a rejected one: Firefox's max-bundle video.
 */
bool sdp_media_bundle_only(const struct sdp *sdp, const struct sdp_media *m);
/* Port 0 and not bundle-only: the medium is rejected or disabled. */
bool sdp_media_rejected(const struct sdp *sdp, const struct sdp_media *m);

/* Takes the next space-separated token off *list; false when none is left. */
bool sdp_token(struct sdp_str *list, struct sdp_str *tok);
/* s equals the C string lit exactly / case-insensitively. */
bool sdp_str_eq(struct sdp_str s, const char *lit);
bool sdp_str_caseeq(struct sdp_str s, const char *lit);
/* "sendrecv"... for an enum sdp_dir; NULL for SDP_DIR_NONE. */
const char *sdp_dir_name(unsigned int dir);

/*
 * Protocol strings of m= lines, judged by their '/'-separated parts: SRTP when the profile is
 * SAVP or SAVPF (RTP/SAVP, UDP/TLS/RTP/SAVPF...), AVPF for AVPF or SAVPF, DTLS for a TLS or
 * DTLS part (UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP), RTP for an RTP part.
 */
bool sdp_proto_is_rtp(struct sdp_str proto);
/* A transport the relay does not carry (it relays UDP datagrams): anything over TCP
 * (TCP/MSRP, TCP/BFCP, TCP/TLS/...) and SCTP data channels (UDP/DTLS/SCTP, DTLS/SCTP). */
bool sdp_proto_is_passthrough(struct sdp_str proto);
bool sdp_proto_is_srtp(struct sdp_str proto);
bool sdp_proto_is_avpf(struct sdp_str proto);
bool sdp_proto_is_dtls(struct sdp_str proto);

/*
 * How to change one media section. All zero (or sdp_write's rw NULL) changes nothing.
 * Strings are C strings and must not contain CR or LF; addresses and proto no spaces.
 */
enum sdp_rw_rtcp { SDP_RTCP_KEEP, SDP_RTCP_SET, SDP_RTCP_DROP };

struct sdp_media_rw {
	bool reject;		/* m= port 0, everything else kept */
	uint16_t port;		/* >0: the new m= port (a "/count" is dropped with it) */
	const char *proto;	/* new protocol string */
	/*
	 * Media c= address, family AF_INET or AF_INET6: written in place of the media's c=,
	 * or after m= when the section has none and the session's (new) c= says otherwise.
	 */
	const char *conn_addr;
	int conn_family;
	/*
	 * enum sdp_rw_rtcp. SET: the first a=rtcp becomes (or a new last line is)
	 * "a=rtcp:rtcp_port", plus " IN IP4 rtcp_addr" when rtcp_addr is set; any other
	 * a=rtcp goes. DROP: all go.
	 */
	uint8_t rtcp;
	uint16_t rtcp_port;
	const char *rtcp_addr;
	int rtcp_family;
	bool rtcp_mux;		/* append a=rtcp-mux if none is left after drop */
	const char *direction;	/* "sendrecv"...: replaces the first media-level direction
				   (any other goes), or is appended */
	uint32_t drop;		/* SDP_DROP_* */
	const char *const *add;	/* lines to append without "a=": "crypto:1 AES_CM_..." */
	unsigned int n_add;
};

struct sdp_rewrite {
	const char *origin_addr;	/* o= "IN IP4/IP6 address" */
	int origin_family;
	/*
	 * The session c=; when there is none, every media c= instead. A media c= is otherwise
	 * changed only by its own conn_addr: set that for every stream the relay carries.
	 */
	const char *session_addr;
	int session_family;
	uint32_t session_drop;		/* SDP_DROP_* at session level */
	const char *const *session_add;	/* appended at the end of the session section */
	unsigned int n_session_add;
	struct sdp_media_rw media[SDP_MAX_MEDIA];	/* by index of in->media */
};

/*
 * Appends in, rewritten by rw (NULL: unchanged), to out. Returns 0; -EINVAL with a reason in
 * err for a rewrite that would not make valid SDP (a CR in a string, an unknown family or
 * direction, a malformed extra line, a section over SDP_MAX_ATTRS, a line over SDP_MAX_LINE);
 * -ENOMEM when out ran out of memory. On error out holds a partial result.
 */
int sdp_write(const struct sdp *in, const struct sdp_rewrite *rw, struct strbuf *out,
	      char *err, size_t errlen);

#endif
