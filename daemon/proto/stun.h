/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * STUN messages (RFC 8489, RFC 5389) as an ICE-lite agent needs them (RFC 8445, and RFC 7675
 * consent freshness, which uses the same Binding requests): parse a datagram, check its
 * FINGERPRINT and MESSAGE-INTEGRITY, and build the few messages we send. No I/O, no state,
 * no allocation beyond what OpenSSL does for one HMAC.
 *
 * A message is a 20-octet header (type, body length, magic cookie 0x2112A442, 12-octet
 * transaction id) and attributes, each type (16 bits), length (16 bits), value, padded to a
 * multiple of 4 (the padding may hold anything). Types 0x0000-0x7FFF are comprehension-
 * required: a request carrying one we do not know is answered with 420 and an
 * UNKNOWN-ATTRIBUTES attribute listing them. With short-term credentials (ICE) the HMAC-SHA1
 * key of MESSAGE-INTEGRITY is the password as it is (ice-pwd is ASCII: SASLprep does not
 * change it); for a request we receive that is our own ice-pwd, and its USERNAME is
 * "our-ufrag:their-ufrag".
 *
 * stun_parse() keeps pointers into the packet, which must outlive the struct stun_msg.
 */
#ifndef SRTPRELAY_STUN_H
#define SRTPRELAY_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define STUN_HEADER_LEN 20
#define STUN_MAGIC_COOKIE 0x2112A442u
#define STUN_TXID_LEN 12
#define STUN_HMAC_LEN 20		/* MESSAGE-INTEGRITY value: HMAC-SHA1 */
#define STUN_FINGERPRINT_XOR 0x5354554eu	/* "STUN", XORed into the CRC-32 */
#define STUN_USERNAME_MAX 512		/* RFC 5389 15.3: fewer than 513 octets */
#define STUN_REASON_MAX 128		/* the builders' reason phrases; RFC: 127 characters */
#define STUN_UNKNOWN_MAX 8		/* unknown required types kept, and sent in a 420 */

/* Classes (C1 C0) and the one method we use. */
enum stun_class {
	STUN_REQUEST = 0,
	STUN_INDICATION = 1,
	STUN_SUCCESS = 2,
	STUN_ERROR = 3,
};
#define STUN_METHOD_BINDING 0x001

/* The message type interleaves the class bits into the 12-bit method: M11-M7 C1 M6-M4 C0
 * M3-M0. So a Binding request is 0x0001, success 0x0101, error 0x0111, indication 0x0011. */
static inline uint16_t stun_type(uint16_t method, enum stun_class cls)
{
	return (uint16_t)((method & 0x000f) | (method & 0x0070) << 1 | (method & 0x0f80) << 2 |
			  (cls & 1) << 4 | (cls & 2) << 7);
}

static inline enum stun_class stun_type_class(uint16_t type)
{
	return (enum stun_class)((type >> 4 & 1) | (type >> 7 & 2));
}

static inline uint16_t stun_type_method(uint16_t type)
{
	return (uint16_t)((type & 0x000f) | (type >> 1 & 0x0070) | (type >> 2 & 0x0f80));
}

#define STUN_BINDING_REQUEST 0x0001
#define STUN_BINDING_INDICATION 0x0011
#define STUN_BINDING_SUCCESS 0x0101
#define STUN_BINDING_ERROR 0x0111

/*
 * Attribute types. Comprehension-required (0x0000-0x7FFF) first; the parser knows these and
 * flags every other type in that range as unknown. MESSAGE-INTEGRITY-SHA256, PASSWORD-
 * ALGORITHM and USERHASH (RFC 8489) are deliberately unknown: ICE uses MESSAGE-INTEGRITY
 * only, so a request that relies on them is answered 420.
 */
#define STUN_ATTR_MAPPED_ADDRESS 0x0001		/* ignored: we only read the XOR form */
#define STUN_ATTR_USERNAME 0x0006
#define STUN_ATTR_MESSAGE_INTEGRITY 0x0008	/* 20 octets, HMAC-SHA1 */
#define STUN_ATTR_ERROR_CODE 0x0009		/* 0, 0, class, number, reason phrase */
#define STUN_ATTR_UNKNOWN_ATTRIBUTES 0x000A	/* 16-bit types */
#define STUN_ATTR_REALM 0x0014			/* long-term credentials; kept, not used */
#define STUN_ATTR_NONCE 0x0015			/* long-term credentials; kept, not used */
#define STUN_ATTR_XOR_MAPPED_ADDRESS 0x0020
#define STUN_ATTR_PRIORITY 0x0024		/* ICE: u32 */
#define STUN_ATTR_USE_CANDIDATE 0x0025		/* ICE: empty */
/* Comprehension-optional (0x8000-0xFFFF): unknown ones are skipped silently. */
#define STUN_ATTR_SOFTWARE 0x8022
#define STUN_ATTR_ALTERNATE_SERVER 0x8023
#define STUN_ATTR_FINGERPRINT 0x8028		/* u32, always the last attribute */
#define STUN_ATTR_ICE_CONTROLLED 0x8029		/* ICE: u64 tie-breaker */
#define STUN_ATTR_ICE_CONTROLLING 0x802A	/* ICE: u64 tie-breaker */

static inline bool stun_attr_required(uint16_t type)
{
	return type < 0x8000;
}

/* Error codes we send (RFC 8489 14.8, RFC 8445 7.3.1.1). */
#define STUN_ERR_BAD_REQUEST 400
#define STUN_ERR_UNAUTHORIZED 401
#define STUN_ERR_UNKNOWN_ATTRIBUTE 420
#define STUN_ERR_ROLE_CONFLICT 487

enum stun_role {
	STUN_ROLE_NONE = 0,
	STUN_ROLE_CONTROLLING,	/* ICE-CONTROLLING */
	STUN_ROLE_CONTROLLED,	/* ICE-CONTROLLED */
};

/* A span of the parsed packet. */
struct stun_bytes {
	const uint8_t *p;	/* NULL: the attribute was absent */
	uint16_t len;
};

/*
 * What stun_parse() found. Only the first occurrence of an attribute counts, and attributes
 * after MESSAGE-INTEGRITY are ignored (RFC 8489 14.5) except FINGERPRINT. Offsets are from
 * the start of the packet, to the attribute's type field.
 */
struct stun_msg {
	uint16_t type;			/* class and method: stun_type_class(), stun_type_method() */
	uint8_t txid[STUN_TXID_LEN];
	struct stun_bytes username;	/* raw octets, not NUL-terminated */
	struct stun_bytes realm, nonce, software;
	bool has_integrity;
	size_t integrity_off;
	bool has_fingerprint;
	uint32_t fingerprint;		/* the value carried, already in host order */
	size_t fingerprint_off;
	bool has_priority;
	uint32_t priority;
	bool use_candidate;
	enum stun_role role;		/* which of ICE-CONTROLLING / ICE-CONTROLLED came */
	uint64_t tiebreaker;		/* its value */
	bool has_error;
	uint16_t error_code;		/* 300-699 */
	struct stun_bytes error_reason;
	bool has_xor_mapped;
	struct sockaddr_storage xor_mapped;	/* AF_INET or AF_INET6, port and address decoded */
	/* Comprehension-required types we do not know (before MESSAGE-INTEGRITY), each once,
	 * the first STUN_UNKNOWN_MAX of them in order. A request with any gets a 420. */
	unsigned int n_unknown;
	uint16_t unknown[STUN_UNKNOWN_MAX];
};

/*
 * Parses pkt (len octets; only those are read) into m. Returns 0, or:
 *  -EINVAL   not a STUN message: shorter than the header, first two bits set, wrong magic
 *            cookie, length field not a multiple of 4 or not len - 20. Drop it silently.
 *  -EBADMSG  the header is STUN but the attributes are not: one runs past the end, a known
 *            one has the wrong size or a bad value, something follows FINGERPRINT, or both
 *            ICE roles are claimed. m->type and m->txid are set, so a request can be
 *            answered 400.
 */
int stun_parse(const uint8_t *pkt, size_t len, struct stun_msg *m);

/* True if m (parsed from pkt/len) has a FINGERPRINT and it is the CRC-32 of everything
 * before it, XOR 0x5354554e. */
bool stun_check_fingerprint(const uint8_t *pkt, size_t len, const struct stun_msg *m);

/*
 * True if m (parsed from pkt/len) has a MESSAGE-INTEGRITY and it is the HMAC-SHA1 under key
 * of everything before it, with the header's length field counting up to the end of
 * MESSAGE-INTEGRITY. Compared in constant time; pkt is not modified. An empty key never
 * matches.
 */
bool stun_check_integrity(const uint8_t *pkt, size_t len, const struct stun_msg *m,
			  const uint8_t *key, size_t key_len);

/*
 * ICE: true if USERNAME is "local_ufrag:remote_ufrag" exactly, or, with remote_ufrag NULL,
 * starts with "local_ufrag:" (a request for us from a peer whose ufrag we do not know yet).
 */
bool stun_username_matches(const struct stun_msg *m, const char *local_ufrag,
			   const char *remote_ufrag);

/*
 * The builders write one whole message into out (cap octets) and return its length, or 0
 * when it does not fit (nothing is then written) or an argument is unusable. A NULL key (or
 * key_len 0) leaves MESSAGE-INTEGRITY out; FINGERPRINT is always last.
 */

/* Binding success response: XOR-MAPPED-ADDRESS (mapped: AF_INET or AF_INET6),
 * MESSAGE-INTEGRITY, FINGERPRINT. */
size_t stun_build_binding_success(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				  const struct sockaddr_storage *mapped, const uint8_t *key,
				  size_t key_len);

/*
 * Binding error response: ERROR-CODE (code 300-699; reason NULL picks the standard phrase
 * for 400, 401, 420, 487, 500), for 420 UNKNOWN-ATTRIBUTES with the n_unknown types (at
 * most STUN_UNKNOWN_MAX, may be 0), MESSAGE-INTEGRITY when key is given (487 is; 400 and 401
 * are not, RFC 8489 9.1.3), FINGERPRINT. reason is at most STUN_REASON_MAX octets.
 */
size_t stun_build_binding_error(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				uint16_t code, const char *reason, const uint16_t *unknown,
				unsigned int n_unknown, const uint8_t *key, size_t key_len);

/*
 * Binding request as an ICE peer sends it: USERNAME (NULL: none; at most STUN_USERNAME_MAX
 * octets), PRIORITY (0: none, as 0 is no ICE priority), ICE-CONTROLLING or ICE-CONTROLLED
 * with tiebreaker (STUN_ROLE_NONE: neither), USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT.
 */
size_t stun_build_binding_request(uint8_t *out, size_t cap, const uint8_t txid[STUN_TXID_LEN],
				  const char *username, uint32_t priority, enum stun_role role,
				  uint64_t tiebreaker, bool use_candidate, const uint8_t *key,
				  size_t key_len);

#endif
