/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Calls, as the ng protocol sees them.
 *
 *   call (call-id)
 *     leg[0], leg[1]           one per SIP party, found by its tag (from-tag / to-tag)
 *       media[i]               one per m= line, the same index on both legs
 *         sock rtp, rtcp       our ports facing this leg's endpoint (rtcp absent with mux)
 *         peer[RTP], [RTCP]    the endpoint: from its SDP, confirmed by its first packet
 *         sdes                 the keys it announced and the keys we gave it
 *         in / out             SRTP contexts: unprotect what it sends, protect what it gets
 *         other                the same media index on the other leg
 *
 * A packet from leg X's endpoint arrives on X's socket, is unprotected with X.in, protected
 * with Y.out (Y = X.other) and sent from Y's socket to Y's endpoint.
 */
#ifndef SRTPRELAY_CALL_H
#define SRTPRELAY_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dtls.h"
#include "ice.h"
#include "options.h"
#include "ng_req.h"
#include "sdes.h"
#include "srtp.h"

#define CALL_MAX_MEDIA 16
#define CALL_MAX_SSRC 8		/* SSRCs per SRTP context */

enum { COMP_RTP, COMP_RTCP, COMP_COUNT };

/* Why a packet was not relayed; the names are what counters and metrics show. */
#define DROP_REASONS(X)                                                    \
	X(AUTH, "auth")                 /* SRTP authentication failed */    \
	X(REPLAY, "replay")             /* replayed or too old */           \
	X(BAD_SOURCE, "bad_source")     /* not from the stream's endpoint */\
	X(UNKNOWN_SSRC, "unknown_ssrc") /* no room for another SSRC */      \
	X(MALFORMED, "malformed")       /* not parseable as RTP/RTCP */     \
	X(NO_DEST, "no_destination")    /* other side has no address yet */ \
	X(SEND, "send_error")           /* the send failed */               \
	X(CRYPTO, "crypto_error")       /* protect failed */                \
	X(OTHER, "not_media")           /* STUN/DTLS/unknown where not expected */ \
	X(NO_CONSENT, "no_consent")     /* its ICE checks stopped (RFC 7675) */ \
	X(SSRC_CLASH, "ssrc_clash")     /* its SSRC is another bundled media's */

enum drop_reason {
#define X(e, s) DROP_##e,
	DROP_REASONS(X)
#undef X
	DROP_COUNT
};
const char *drop_name(unsigned int r);

struct stream_stats {
	uint64_t packets, bytes;	/* relayed, as received */
	uint64_t drops[DROP_COUNT];
};

struct media_side;

struct msock;	/* a local socket (relay.h) */

struct peer {
	struct sockaddr_storage sdp;	/* from SDP; family 0 = unknown */
	struct sockaddr_storage learned;	/* where its packets come from */
	double learn_start;	/* when the first packet of the learning period came */
	bool confirmed;
	bool by_ice;		/* confirmed by an ICE nomination: the SDP address cannot take it */
	uint8_t rank;		/* of a tentative learned address (packet.c) */
};

enum dtls_setup { DTLS_SETUP_NONE, DTLS_SETUP_ACTPASS, DTLS_SETUP_ACTIVE, DTLS_SETUP_PASSIVE };
#define DTLS_EARLY_MAX 4	/* datagrams: a ClientHello in fragments */

/* DTLS-SRTP toward one endpoint (session_dtls.c). */
struct dtls_side {
	bool on;			/* its SRTP is keyed by DTLS */
	bool client;			/* our role, once fixed */
	uint8_t peer_setup, our_setup;	/* enum dtls_setup */
	struct dtls_fingerprint fp;	/* its certificate's, from its SDP */
	struct dtls_conn *conn;		/* made once the answer fixed the roles */
	struct sockaddr_storage from;	/* where its DTLS comes from: ours goes there */
	/* What it sent before its answer reached us (a browser answering our actpass starts at
	 * once): kept to replay when the answer fixes the roles, instead of waiting for its
	 * retransmission a second later. */
	uint8_t *early[DTLS_EARLY_MAX];
	uint16_t early_len[DTLS_EARLY_MAX];
	unsigned int n_early;
};

struct media_side {
	struct leg *leg;
	struct media_side *other;
	unsigned int index;
	char type[16];		/* audio, video, application... */
	char proto[32];		/* what this endpoint speaks */
	bool rtcp_mux;		/* this endpoint sends RTCP on the RTP port */
	bool mux_sdp;		/* the SDP we give it says a=rtcp-mux */
	bool rejected;		/* port 0 */
	bool secure;		/* it speaks SRTP: nothing passes before its key is known */
	bool raw;		/* not RTP (udptl, BFCP...): datagrams relayed untouched */
	bool passthrough;	/* a transport we do not relay (TCP, SCTP): no port, SDP as it is */
	char direction[10];
	bool zero_hold;		/* its SDP gave the zero address (RFC 2543 hold): it gets nothing */
	char mid[32];		/* its a=mid; "" when it gave none */
	bool bundled;		/* its SDP put this media in its a=group:BUNDLE */
	/* BUNDLE (bundle.c): a member shares the transport of the group's first media (sockets,
	 * endpoint address, ICE, DTLS); that one counts its members. */
	struct media_side *bundle;	/* the transport's owner; NULL: its own transport */
	uint8_t n_bundled;		/* on the owner: how many share its transport */
	uint8_t pt_map[16];		/* payload types of its m= line, a bit each (0-127) */
	bool consent_lost;		/* ICE: its checks stopped, nothing is sent to it */
	struct msock *sock[COMP_COUNT];	/* sock[COMP_RTCP] NULL with rtcp-mux */
	struct sockaddr_storage local;	/* our address on this side (port 0) */
	struct sockaddr_storage advertised;
	struct peer peer[COMP_COUNT];
	bool strict_source;
	struct sdes_state sdes;
	struct ice_lite ice;	/* ICE-lite toward this endpoint */
	struct dtls_side dtls;
	bool in_on, out_on;
	struct srtp_policy in_pol, out_pol;	/* what in / out were keyed with */
	struct srtp_ctx in, out;
	struct srtp_stream in_st[CALL_MAX_SSRC], out_st[CALL_MAX_SSRC];
	struct stream_stats stats[COMP_COUNT];	/* packets received from this endpoint */
	uint32_t last_ssrc;
	double last_packet;	/* monotonic; 0 = never */
	bool kernel;		/* the kernel relays what this endpoint sends */
	bool kernel_check;	/* an endpoint got confirmed: see whether it can go now */
	/* What the kernel relayed for this endpoint: flows already removed, and the live ones. */
	struct stream_stats kbase[COMP_COUNT], kcur[COMP_COUNT];
};

struct leg {
	struct call *call;
	char tag[CALL_TAG_MAX];	/* NUL-terminated; ng refuses a NUL inside (ng_req.c) */
	uint8_t tag_len;
	struct media_side *media[CALL_MAX_MEDIA];
	unsigned int n_media;
	char label[64];
	const struct config_iface *iface;	/* where its media are relayed, once an offer chose */
};

/* How a call's media are relayed, as the daemon was configured (struct calls holds it). */
struct media_policy {
	unsigned int learning;		/* --endpoint-learning, enum endpoint_learning */
	/* RFC 7675: an ICE endpoint whose checks stopped this many seconds ago gets no more
	 * media until they resume (--consent-timeout); 0: never */
	double consent_timeout;
};
extern const struct media_policy media_policy_default;

struct call {
	char id[CALL_ID_MAX];	/* NUL-terminated; hashed and compared over id_len bytes */
	uint16_t id_len;
	struct leg leg[2];
	unsigned int n_legs;
	int offerer;		/* index of the leg whose offer is pending an answer; -1 none */
	double created, created_wall, last_signal;
	bool answered;
	const struct media_policy *policy;	/* the table's */
	struct call *hnext;
	struct call *prev, *next;	/* all calls, for list and timeouts */
};

struct port_pool;

/* The call table. */
struct calls {
	struct call **bucket;
	uint32_t nbuckets;
	struct call *head;
	uint32_t count;
	uint64_t created_total, deleted_total, timeout_total;
	struct stream_stats closed;	/* counters of calls already gone */
	struct media_policy policy;	/* media_policy_default unless set after calls_init */
};

int calls_init(struct calls *t, uint32_t nbuckets);
/* Frees what calls are left (their sockets closed by the session already). */
void calls_free(struct calls *t);
struct call *call_find(struct calls *t, const char *id, size_t len);
struct call *call_create(struct calls *t, const char *id, size_t len);
/* The policy m's call follows (call_create points it at the table's). */
static inline const struct media_policy *media_policy(const struct media_side *m)
{
	return m->leg->call->policy;
}
/* Wipes keys and frees; the session closed the call's sockets (session_call_delete). */
void call_destroy(struct calls *t, struct call *c);
/* Finds the leg with this tag; NULL if none. */
struct leg *call_leg(struct call *c, const char *tag, size_t len);
/* Finds or adds a leg; NULL if the call already has two other legs. */
struct leg *call_leg_get(struct call *c, const char *tag, size_t len);
static inline struct leg *leg_other(struct leg *l)
{
	return l == &l->call->leg[0] ? &l->call->leg[1] : &l->call->leg[0];
}
/* Wipes and frees one side; its sockets must be closed (and NULL) already. */
void media_side_free(struct media_side *m);
/* The side whose sockets, address, ICE and DTLS carry m's media. */
static inline struct media_side *side_transport(const struct media_side *m)
{
	return m->bundle ? m->bundle : (struct media_side *)m;
}
/* One side's counters for comp, userspace and kernel together. */
void media_stats(const struct media_side *m, unsigned int comp, struct stream_stats *out);
/* Sums a call's counters; 'closed' bookkeeping for the totals. */
void call_totals(const struct call *c, struct stream_stats tot[COMP_COUNT]);
/* Adds from's packets, bytes and drops to to's. */
void stream_stats_add(struct stream_stats *to, const struct stream_stats *from);
/* Newest packet time of the call; 0 if none. */
double call_last_packet(const struct call *c);

#endif
