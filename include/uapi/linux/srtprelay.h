/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * srtprelay: the kernel/userspace ABI
 * ===================================
 *
 * srtprelay.ko relays RTP and SRTP between two UDP legs. Userspace (srtprelayd, srtprelay-ctl)
 * configures it through the generic netlink family SRTPRELAY_GENL_NAME, version
 * SRTPRELAY_GENL_VERSION. Packets reach the module through an nftables rule whose verdict is the
 * xtables target SRTPRELAY_XT_TARGET (revision 0, no options), in a table of the daemon's own.
 *
 * Scope and permissions
 * ---------------------
 * Flows belong to the network namespace of the netlink socket that sent the command; a socket
 * never sees or changes another namespace's flows. Every command needs CAP_NET_ADMIN in the user
 * namespace that owns that network namespace, else the reply is -EPERM.
 *
 * A flow
 * ------
 * A flow is one direction of one stream: packets that arrive at a local address and UDP port
 * (SRTPRELAY_A_FLOW_LOCAL, the flow's key) are checked, unprotected with the flow's decrypt
 * context, protected with its encrypt context, and sent from SRTPRELAY_A_FLOW_SOURCE to
 * SRTPRELAY_A_FLOW_PEER. A call's stream needs two flows, one per direction. A missing decrypt
 * context means plain RTP arrives; a missing encrypt context means plain RTP leaves.
 *
 * What the module does not handle goes on to the local socket bound to that address unchanged:
 * STUN and DTLS (RFC 7983 first octet), RTCP on a flow of SRTPRELAY_MEDIA_RTP and RTP on one of
 * SRTPRELAY_MEDIA_RTCP, packets for no flow, new SSRCs once the flow has SRTPRELAY_MAX_SSRCS,
 * with SRTPRELAY_FLOW_F_AUTH_FAIL_PASS, packets that fail authentication, and with
 * SRTPRELAY_FLOW_F_SOURCE_PASS, packets from another source than the expected one. Everything else
 * it refuses is dropped and counted under the reasons in enum srtprelay_stats_attr.
 *
 * Addresses are a struct sockaddr_in or struct sockaddr_in6 as a binary attribute (the length
 * tells which; sin6_scope_id is honoured for link-local addresses, sin6_flowinfo ignored).
 * LOCAL, SOURCE and PEER of one flow have the same family.
 *
 * SRTPRELAY_CMD_SET_FLOW
 * ----------------------
 * Adds a flow, or replaces the flow with the same SRTPRELAY_A_FLOW_LOCAL in one step: packets in
 * flight finish with the old flow, the next ones use the new one, none are lost. Attributes:
 *
 *    SRTPRELAY_A_FLOW_LOCAL: struct sockaddr_in or struct sockaddr_in6, required
 *    SRTPRELAY_A_FLOW_SOURCE: struct sockaddr_in or struct sockaddr_in6, required
 *    SRTPRELAY_A_FLOW_PEER: struct sockaddr_in or struct sockaddr_in6, required
 *    SRTPRELAY_A_FLOW_EXPECT: struct sockaddr_in or struct sockaddr_in6; packets from any
 *                             other address are dropped (reason SOURCE). Port 0 accepts any
 *                             port of that address. Absent: any source.
 *    SRTPRELAY_A_FLOW_FLAGS: NLA_U32, 0 or more of enum srtprelay_flow_flag
 *    SRTPRELAY_A_FLOW_MEDIA: NLA_U32, enum srtprelay_media, default SRTPRELAY_MEDIA_RTP
 *    SRTPRELAY_A_FLOW_PAYLOAD_TYPES: binary, 1 to 128 octets, each an RTP payload type 0-127
 *                                    that may pass (reason PAYLOAD_TYPE otherwise). Absent:
 *                                    all. Not applied to RTCP.
 *    SRTPRELAY_A_FLOW_COOKIE: NLA_U64, opaque to the kernel, returned as given (the daemon
 *                             uses it to find its call again after a restart)
 *    SRTPRELAY_A_FLOW_SET_FLAGS: NLA_U32, 0 or more of enum srtprelay_set_flag
 *    SRTPRELAY_A_FLOW_DECRYPT: NLA_NESTED, a crypto context (below), absent for plain RTP in
 *    SRTPRELAY_A_FLOW_ENCRYPT: NLA_NESTED, a crypto context (below), absent for plain RTP out
 *
 * A crypto context:
 *
 *    SRTPRELAY_A_CRYPTO_SUITE: NLA_U32, enum srtprelay_suite, required
 *    SRTPRELAY_A_CRYPTO_KEY: binary, exactly the suite's master key length (16, 24 or 32)
 *    SRTPRELAY_A_CRYPTO_SALT: binary, exactly the suite's master salt length (14; 12 for GCM)
 *    SRTPRELAY_A_CRYPTO_MKI: binary, 1 to SRTPRELAY_MKI_MAX octets; absent: no MKI
 *    SRTPRELAY_A_CRYPTO_FLAGS: NLA_U32, 0 or more of enum srtprelay_crypto_flag
 *    SRTPRELAY_A_CRYPTO_SSRCS: NLA_NESTED, up to SRTPRELAY_MAX_SSRCS entries of
 *        0: NLA_NESTED
 *            SRTPRELAY_A_SSRC_ID: NLA_U32, the SSRC, required
 *            SRTPRELAY_A_SSRC_ROC: NLA_U32, its rollover counter
 *            SRTPRELAY_A_SSRC_SEQ: NLA_U16, the highest sequence number taken elsewhere
 *            SRTPRELAY_A_SSRC_RTCP_INDEX: NLA_U32 up to 0x7fffffff, the highest SRTCP index
 *                                         received (decrypt) or sent (encrypt) elsewhere
 *
 * Session keys are derived in the kernel with the suite's key derivation (RFC 3711 4.3,
 * RFC 6188, RFC 7714); a key derivation rate other than 0 is not supported (the daemon relays
 * such streams itself). Key and salt attributes are wiped from the message after use and never
 * appear in replies.
 *
 * When a flow is replaced, each crypto context keeps the per-SSRC state (ROC, replay window,
 * SRTCP index) of the context it replaces, so a re-key does not lose the ROC.
 * SRTPRELAY_SET_F_RESET_STATE starts from empty state instead. SSRCs listed in
 * SRTPRELAY_A_CRYPTO_SSRCS carry a stream's state from wherever it was relayed before (the
 * daemon handing a stream over): with SRTPRELAY_A_SSRC_SEQ the stream's highest index becomes
 * ROC << 16 | SEQ and every index at or below it counts as received (no packet relayed before
 * can be replayed; one reordered across the hand-over is dropped as a replay); with
 * SRTPRELAY_A_SSRC_RTCP_INDEX the same for SRTCP, and an encrypt context's next SRTCP index
 * follows it. Either only moves a stream forward: where the replaced flow's state is ahead, it
 * stays. A ROC alone presets a stream that has seen no packet of that ROC or a later one.
 *
 * SRTPRELAY_CMD_DEL_FLOW
 * ----------------------
 * Deletes the flow with SRTPRELAY_A_FLOW_LOCAL. -ENOENT if there is none.
 *
 * SRTPRELAY_CMD_GET_FLOW
 * ----------------------
 * With SRTPRELAY_A_FLOW_LOCAL, returns that flow; with NLM_F_DUMP, every flow of the namespace,
 * one flow per message (NLM_F_MULTI), ended by NLMSG_DONE, which carries an error code of zero
 * or a negative errno. A flow is reported as it was set, minus keys and salts and
 * SRTPRELAY_A_FLOW_SET_FLAGS, plus:
 *
 *    SRTPRELAY_A_FLOW_EXPECT: the learned source, once SRTPRELAY_FLOW_F_LEARN_SOURCE has
 *                             locked onto one
 *    SRTPRELAY_A_FLOW_DECRYPT and _ENCRYPT, each with
 *        SRTPRELAY_A_CRYPTO_SSRCS: every SSRC seen, with
 *            SRTPRELAY_A_SSRC_ID, SRTPRELAY_A_SSRC_ROC: NLA_U32
 *            SRTPRELAY_A_SSRC_SEQ: NLA_U16, highest sequence number
 *            SRTPRELAY_A_SSRC_RTCP_INDEX: NLA_U32, highest SRTCP index
 *        SRTPRELAY_A_CRYPTO_DRIVER: NLA_NUL_STRING, the crypto API drivers in use, e.g.
 *                                   "ctr-aes-aesni hmac(sha1-avx2)"
 *    SRTPRELAY_A_FLOW_STATS: NLA_NESTED, the counters of enum srtprelay_stats_attr
 *
 * SRTPRELAY_CMD_FLUSH
 * -------------------
 * Deletes every flow of the namespace. With SRTPRELAY_A_FLOW_COOKIE, only flows with that
 * cookie.
 *
 * SRTPRELAY_CMD_GET_STATS
 * -----------------------
 * Returns SRTPRELAY_A_GLOBAL_FLOWS (NLA_U32, flows in this namespace),
 * SRTPRELAY_A_GLOBAL_STATS (NLA_NESTED, the enum srtprelay_stats_attr counters summed over the
 * namespace's flows, including deleted ones, plus NO_FLOW), and SRTPRELAY_A_GLOBAL_DRIVERS
 * (NLA_NESTED: SRTPRELAY_A_DRIVER_CTR, _HMAC, _GCM, each an NLA_NUL_STRING naming the driver
 * the crypto API resolves ctr(aes), hmac(sha1) and gcm(aes) to).
 *
 * Errors
 * ------
 * A failed command gets NLMSG_ERROR with a negative errno and, where the attribute is to blame,
 * an extended ack message naming it: -EINVAL for a missing or malformed attribute (wrong
 * length, families that differ, a suite that does not allow the crypto flags), -ERANGE for a
 * number outside its range (unknown suite or media), -EOPNOTSUPP for an unknown flag bit,
 * -ENOENT for no such flow, -EEXIST and -ENOENT for SRTPRELAY_SET_F_CREATE and _UPDATE,
 * -ENOSPC when the namespace holds SRTPRELAY_MAX_FLOWS flows, -ENOMEM, and -ENOENT or -ENODEV
 * when a crypto transform cannot be had. Attributes this header does not define are rejected
 * (strict validation), so a newer daemon learns at once that this module is older.
 */
#ifndef _UAPI_LINUX_SRTPRELAY_H
#define _UAPI_LINUX_SRTPRELAY_H

#define SRTPRELAY_GENL_NAME "srtprelay"
#define SRTPRELAY_GENL_VERSION 1
#define SRTPRELAY_XT_TARGET "SRTPRELAY"

#define SRTPRELAY_MAX_SSRCS 8
#define SRTPRELAY_MKI_MAX 128	/* RFC 4568's longest MKI */
#define SRTPRELAY_MAX_PAYLOAD_TYPES 128
#define SRTPRELAY_MAX_FLOWS (1 << 20)

enum srtprelay_cmd {
	SRTPRELAY_CMD_UNSPEC,
	SRTPRELAY_CMD_SET_FLOW,
	SRTPRELAY_CMD_DEL_FLOW,
	SRTPRELAY_CMD_GET_FLOW,
	SRTPRELAY_CMD_FLUSH,
	SRTPRELAY_CMD_GET_STATS,
	__SRTPRELAY_CMD_MAX
};
#define SRTPRELAY_CMD_MAX (__SRTPRELAY_CMD_MAX - 1)

enum srtprelay_suite {
	SRTPRELAY_SUITE_UNSPEC,
	SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_80,
	SRTPRELAY_SUITE_AES_CM_128_HMAC_SHA1_32,
	SRTPRELAY_SUITE_AES_192_CM_HMAC_SHA1_80,
	SRTPRELAY_SUITE_AES_192_CM_HMAC_SHA1_32,
	SRTPRELAY_SUITE_AES_256_CM_HMAC_SHA1_80,
	SRTPRELAY_SUITE_AES_256_CM_HMAC_SHA1_32,
	SRTPRELAY_SUITE_AEAD_AES_128_GCM,
	SRTPRELAY_SUITE_AEAD_AES_256_GCM,
	SRTPRELAY_SUITE_NULL_HMAC_SHA1_80,
	SRTPRELAY_SUITE_NULL_HMAC_SHA1_32,
	SRTPRELAY_SUITE_AES_CM_128_NULL_AUTH,
	SRTPRELAY_SUITE_NULL_NULL,
	__SRTPRELAY_SUITE_MAX
};
#define SRTPRELAY_SUITE_MAX (__SRTPRELAY_SUITE_MAX - 1)

enum srtprelay_media {
	SRTPRELAY_MEDIA_RTP,	/* RTP only; RTCP goes to the socket */
	SRTPRELAY_MEDIA_RTCP,	/* RTCP only (the RTP port + 1); RTP goes to the socket */
	SRTPRELAY_MEDIA_MUX,	/* both on one port (RFC 5761), told apart by payload type */
	__SRTPRELAY_MEDIA_MAX
};
#define SRTPRELAY_MEDIA_MAX (__SRTPRELAY_MEDIA_MAX - 1)

enum srtprelay_flow_flag {
	/* Accept the first source whose packet authenticates (or, for plain RTP in, arrives),
	 * then only that one; with SRTPRELAY_A_FLOW_EXPECT, only among that address's ports. */
	SRTPRELAY_FLOW_F_LEARN_SOURCE = 1U << 0,
	/* Hand packets that fail authentication to the socket instead of dropping them. */
	SRTPRELAY_FLOW_F_AUTH_FAIL_PASS = 1U << 1,
	/* Hand packets from a source other than the expected (or learned) one to the socket
	 * instead of dropping them (counted PASSED): the daemon set this while a better source
	 * (the endpoint's SDP address) may still take the stream over. */
	SRTPRELAY_FLOW_F_SOURCE_PASS = 1U << 2,
	__SRTPRELAY_FLOW_F_ALL = SRTPRELAY_FLOW_F_LEARN_SOURCE | SRTPRELAY_FLOW_F_AUTH_FAIL_PASS |
				 SRTPRELAY_FLOW_F_SOURCE_PASS
};

enum srtprelay_set_flag {
	SRTPRELAY_SET_F_CREATE = 1U << 0,	/* -EEXIST if the flow exists */
	SRTPRELAY_SET_F_UPDATE = 1U << 1,	/* -ENOENT if it does not */
	SRTPRELAY_SET_F_RESET_STATE = 1U << 2,	/* do not carry per-SSRC state over */
	__SRTPRELAY_SET_F_ALL = SRTPRELAY_SET_F_CREATE | SRTPRELAY_SET_F_UPDATE |
				SRTPRELAY_SET_F_RESET_STATE
};

/* The SDES session parameters of RFC 4568 6.3. */
enum srtprelay_crypto_flag {
	SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP = 1U << 0,
	SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP = 1U << 1,
	SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP = 1U << 2,
	__SRTPRELAY_CRYPTO_F_ALL = SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTP |
				   SRTPRELAY_CRYPTO_F_UNENCRYPTED_SRTCP |
				   SRTPRELAY_CRYPTO_F_UNAUTHENTICATED_SRTP
};

enum srtprelay_flow_attr {
	SRTPRELAY_A_FLOW_UNSPEC,
	SRTPRELAY_A_FLOW_LOCAL,
	SRTPRELAY_A_FLOW_SOURCE,
	SRTPRELAY_A_FLOW_PEER,
	SRTPRELAY_A_FLOW_EXPECT,
	SRTPRELAY_A_FLOW_FLAGS,
	SRTPRELAY_A_FLOW_MEDIA,
	SRTPRELAY_A_FLOW_PAYLOAD_TYPES,
	SRTPRELAY_A_FLOW_COOKIE,
	SRTPRELAY_A_FLOW_SET_FLAGS,
	SRTPRELAY_A_FLOW_DECRYPT,
	SRTPRELAY_A_FLOW_ENCRYPT,
	SRTPRELAY_A_FLOW_STATS,
	SRTPRELAY_A_FLOW_PAD,	/* alignment padding for 64-bit attributes */
	__SRTPRELAY_A_FLOW_MAX
};
#define SRTPRELAY_A_FLOW_MAX (__SRTPRELAY_A_FLOW_MAX - 1)

enum srtprelay_crypto_attr {
	SRTPRELAY_A_CRYPTO_UNSPEC,
	SRTPRELAY_A_CRYPTO_SUITE,
	SRTPRELAY_A_CRYPTO_KEY,
	SRTPRELAY_A_CRYPTO_SALT,
	SRTPRELAY_A_CRYPTO_MKI,
	SRTPRELAY_A_CRYPTO_FLAGS,
	SRTPRELAY_A_CRYPTO_SSRCS,
	SRTPRELAY_A_CRYPTO_DRIVER,
	__SRTPRELAY_A_CRYPTO_MAX
};
#define SRTPRELAY_A_CRYPTO_MAX (__SRTPRELAY_A_CRYPTO_MAX - 1)

enum srtprelay_ssrc_attr {
	SRTPRELAY_A_SSRC_UNSPEC,
	SRTPRELAY_A_SSRC_ID,
	SRTPRELAY_A_SSRC_ROC,
	SRTPRELAY_A_SSRC_SEQ,
	SRTPRELAY_A_SSRC_RTCP_INDEX,
	__SRTPRELAY_A_SSRC_MAX
};
#define SRTPRELAY_A_SSRC_MAX (__SRTPRELAY_A_SSRC_MAX - 1)

/* Counters, all NLA_U64. */
enum srtprelay_stats_attr {
	SRTPRELAY_A_STATS_UNSPEC,
	SRTPRELAY_A_STATS_PACKETS,		/* relayed */
	SRTPRELAY_A_STATS_BYTES,		/* relayed, UDP payload as received */
	SRTPRELAY_A_STATS_PASSED,		/* handed to the socket (STUN, DTLS, ...) */
	SRTPRELAY_A_STATS_DROP_AUTH,		/* authentication failed */
	SRTPRELAY_A_STATS_DROP_REPLAY,		/* replayed, or older than the window */
	SRTPRELAY_A_STATS_DROP_SOURCE,		/* not from the expected source */
	SRTPRELAY_A_STATS_DROP_SSRC,		/* new SSRC, no room (when not passed on) */
	SRTPRELAY_A_STATS_DROP_MALFORMED,	/* truncated or malformed RTP/RTCP */
	SRTPRELAY_A_STATS_DROP_PAYLOAD_TYPE,	/* payload type not allowed */
	SRTPRELAY_A_STATS_DROP_SEND,		/* no route, no memory, cipher or transmit failed */
	SRTPRELAY_A_STATS_LAST_PACKET_AGE_MS,	/* since the last relayed packet; U64_MAX: none */
	SRTPRELAY_A_STATS_NO_FLOW,		/* global only: packets for no flow */
	SRTPRELAY_A_STATS_PAD,
	__SRTPRELAY_A_STATS_MAX
};
#define SRTPRELAY_A_STATS_MAX (__SRTPRELAY_A_STATS_MAX - 1)

enum srtprelay_global_attr {
	SRTPRELAY_A_GLOBAL_UNSPEC,
	SRTPRELAY_A_GLOBAL_FLOWS,
	SRTPRELAY_A_GLOBAL_STATS,
	SRTPRELAY_A_GLOBAL_DRIVERS,
	__SRTPRELAY_A_GLOBAL_MAX
};
#define SRTPRELAY_A_GLOBAL_MAX (__SRTPRELAY_A_GLOBAL_MAX - 1)

enum srtprelay_driver_attr {
	SRTPRELAY_A_DRIVER_UNSPEC,
	SRTPRELAY_A_DRIVER_CTR,
	SRTPRELAY_A_DRIVER_HMAC,
	SRTPRELAY_A_DRIVER_GCM,
	__SRTPRELAY_A_DRIVER_MAX
};
#define SRTPRELAY_A_DRIVER_MAX (__SRTPRELAY_A_DRIVER_MAX - 1)

#endif /* _UAPI_LINUX_SRTPRELAY_H */
