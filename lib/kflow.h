/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The generic netlink client of srtprelay.ko (include/uapi/linux/srtprelay.h): flows in
 * userspace terms, the messages that carry them, and a socket to send them on.
 *
 * Two layers, so that everything except the socket can be tested without the module:
 *   - kflow.c: kflow_msg_*() write one request into a caller's buffer, kflow_parse*() read
 *     a reply back into a struct; no system calls.
 *   - kflow_nl.c: struct kflow_nl and kflow_set() & co. resolve the family, send, and
 *     collect replies, acks and the kernel's extended ack message.
 * Every function returns 0 (or a length) on success and a negative errno on failure.
 */
#ifndef SRTPRELAY_KFLOW_H
#define SRTPRELAY_KFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "uapi/linux/srtprelay.h"

struct nlmsghdr;
struct mnl_socket;

#define KFLOW_KEY_MAX 32	/* longest master key: AES-256 */
#define KFLOW_SALT_MAX 14	/* longest master salt: AES-CM */
#define KFLOW_DRIVER_MAX 128	/* longest crypto driver string kept from a reply */
#define KFLOW_ERRMSG_MAX 256
/* Enough for any request this file builds: addresses, 128 payload types, two contexts. */
#define KFLOW_MSG_MAX 2048
/* A dump message can be as large as the kernel's 32 KiB dump skb. */
#define KFLOW_RX_SIZE 32768

/* struct kflow_ssrc.has: which of the optional fields are there (GET reports them; SET
 * hands a stream's state over). */
#define KFLOW_SSRC_HAS_SEQ 0x01
#define KFLOW_SSRC_HAS_RTCP_INDEX 0x02

/* One SSRC of a crypto context: given on SET, reported by GET. */
struct kflow_ssrc {
	uint32_t id;
	uint32_t roc;
	uint32_t rtcp_index;
	uint16_t seq;
	uint8_t has;		/* KFLOW_SSRC_HAS_* */
};

/* A crypto context (SRTPRELAY_A_FLOW_DECRYPT or _ENCRYPT). */
struct kflow_crypto {
	bool present;		/* false: plain RTP on this side */
	uint32_t suite;		/* enum srtprelay_suite */
	uint32_t flags;		/* enum srtprelay_crypto_flag */
	uint8_t key[KFLOW_KEY_MAX];	/* SET only; never in replies */
	uint8_t key_len;
	uint8_t salt[KFLOW_SALT_MAX];
	uint8_t salt_len;
	uint8_t mki[SRTPRELAY_MKI_MAX];
	uint8_t mki_len;	/* 0: no MKI */
	unsigned int nssrc;
	struct kflow_ssrc ssrc[SRTPRELAY_MAX_SSRCS];
	char driver[KFLOW_DRIVER_MAX];	/* GET only; "" if absent */
};

/* Counters indexed by enum srtprelay_stats_attr; present says the kernel sent the nest. */
struct kflow_stats {
	bool present;
	uint64_t c[__SRTPRELAY_A_STATS_MAX];
};

/*
 * One flow. Addresses are struct sockaddr_in or sockaddr_in6 inside the storage, told apart
 * by ss_family; AF_UNSPEC means absent (only expect may be absent).
 */
struct kflow {
	struct sockaddr_storage local;
	struct sockaddr_storage source;
	struct sockaddr_storage peer;
	struct sockaddr_storage expect;
	uint32_t flags;		/* enum srtprelay_flow_flag */
	uint32_t media;		/* enum srtprelay_media */
	unsigned int npt;	/* 0: every payload type passes */
	uint8_t pt[SRTPRELAY_MAX_PAYLOAD_TYPES];
	bool has_cookie;
	uint64_t cookie;
	uint32_t set_flags;	/* enum srtprelay_set_flag; SET only */
	struct kflow_crypto decrypt;
	struct kflow_crypto encrypt;
	struct kflow_stats stats;	/* GET only */
};

/* What SRTPRELAY_CMD_GET_STATS returns. */
struct kflow_global {
	uint32_t flows;
	struct kflow_stats stats;
	char driver_ctr[KFLOW_DRIVER_MAX];
	char driver_hmac[KFLOW_DRIVER_MAX];
	char driver_gcm[KFLOW_DRIVER_MAX];
};

/* Clears f: no addresses, media RTP, no crypto. */
void kflow_init(struct kflow *f);
/* Wipes the keys and salts in f (explicit_bzero), which the compiler may not elide. */
void kflow_wipe(struct kflow *f);
/* Counter name for enum srtprelay_stats_attr i ("packets", "drop_auth", ...), or NULL. */
const char *kflow_stat_name(unsigned int i);

/*
 * Request builders. Each writes one message at buf (size octets): the netlink header with
 * family id, seq and flags, the genetlink header, and the attributes. Return the message
 * length, or -EMSGSIZE if buf is too small, -EAFNOSUPPORT / -EINVAL for a flow this ABI
 * cannot carry. A buffer that held keys must be wiped by the caller (kflow_set() does).
 */
int kflow_msg_set(void *buf, size_t size, uint16_t family, uint32_t seq, const struct kflow *f);
/* SRTPRELAY_CMD_DEL_FLOW for the flow at local. */
int kflow_msg_del(void *buf, size_t size, uint16_t family, uint32_t seq,
		  const struct sockaddr_storage *local);
/* SRTPRELAY_CMD_GET_FLOW for the flow at local. */
int kflow_msg_get(void *buf, size_t size, uint16_t family, uint32_t seq,
		  const struct sockaddr_storage *local);
/* SRTPRELAY_CMD_GET_FLOW with NLM_F_DUMP: every flow of the namespace. */
int kflow_msg_dump(void *buf, size_t size, uint16_t family, uint32_t seq);
/* SRTPRELAY_CMD_FLUSH: every flow, or with cookie non-NULL only the flows with *cookie. */
int kflow_msg_flush(void *buf, size_t size, uint16_t family, uint32_t seq,
		    const uint64_t *cookie);
/* SRTPRELAY_CMD_GET_STATS. */
int kflow_msg_get_stats(void *buf, size_t size, uint16_t family, uint32_t seq);
/* CTRL_CMD_GETFAMILY for SRTPRELAY_GENL_NAME, to the nlctrl family. */
int kflow_msg_getfamily(void *buf, size_t size, uint32_t seq);

/*
 * Reply parsers. Attributes this header does not know are skipped, so that a newer module
 * still works; known ones of the wrong length or shape make the parse fail with -EPROTO
 * and *why (if why is non-NULL) names the offender.
 */
int kflow_parse(const struct nlmsghdr *nlh, struct kflow *f, const char **why);
/* Parses a GET_STATS reply. */
int kflow_parse_global(const struct nlmsghdr *nlh, struct kflow_global *g, const char **why);
/* Parses an nlctrl GETFAMILY reply into the family id and version. */
int kflow_parse_family(const struct nlmsghdr *nlh, uint16_t *id, uint32_t *version);

/* A netlink socket bound to the srtprelay family. */
struct kflow_nl {
	struct mnl_socket *sock;
	uint16_t family;	/* resolved id */
	uint32_t portid;
	uint32_t seq;
	uint8_t *rx;		/* receive buffer, KFLOW_RX_SIZE octets */
	/* Why the last call failed: the kernel's extended ack message, or our own words. */
	char errmsg[KFLOW_ERRMSG_MAX];
};

/*
 * Opens a generic netlink socket (extended acks on, acks capped so that a refused SET is not
 * echoed back with its keys) and resolves the family. -ENOENT with errmsg saying so when
 * the module is not loaded.
 */
int kflow_nl_open(struct kflow_nl *nl);
void kflow_nl_close(struct kflow_nl *nl);
/* Looks up the id of SRTPRELAY_GENL_NAME on an open socket (which the daemon may own). */
int kflow_resolve_family(struct kflow_nl *nl);

/*
 * Sends req and reads until its ack, NLMSG_DONE or an error. Messages of the family are
 * passed to cb (if non-NULL); a negative return of cb becomes the result, after the rest of
 * the reply has been read so the socket stays usable. Fills nl->errmsg on failure.
 */
int kflow_nl_talk(struct kflow_nl *nl, struct nlmsghdr *req,
		  int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg);

/* Adds or replaces a flow; the request buffer is wiped afterwards. */
int kflow_set(struct kflow_nl *nl, const struct kflow *f);
/* Deletes the flow at local (-ENOENT if none). */
int kflow_del(struct kflow_nl *nl, const struct sockaddr_storage *local);
/* Reads the flow at local into out. */
int kflow_get(struct kflow_nl *nl, const struct sockaddr_storage *local, struct kflow *out);
/*
 * Calls cb for every flow; a negative return of cb stops the listing. -EINTR if the flow
 * table changed during the dump, so that some flows may be missing or reported twice.
 */
int kflow_dump(struct kflow_nl *nl, int (*cb)(const struct kflow *f, void *arg), void *arg);
/* Deletes every flow, or with cookie non-NULL those with *cookie. */
int kflow_flush(struct kflow_nl *nl, const uint64_t *cookie);
/* Reads the namespace's totals. */
int kflow_get_stats(struct kflow_nl *nl, struct kflow_global *out);

#endif
