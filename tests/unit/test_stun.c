// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * STUN messages (daemon/stun.c): the four RFC 5769 test vectors, each verified through its
 * MESSAGE-INTEGRITY and FINGERPRINT, so a mistyped octet shows; tampering, wrong keys,
 * truncation at every length, malformed headers and attributes; the builders' messages
 * parsed back and verified, and refused for every buffer one octet too small and below.
 */
#include "check.h"
#include "packet.h"
#include "stun.h"

#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>

/* RFC 5769 2.1: Binding request, short-term credentials. */
static const char req_hex[] =
	"000100582112a442b7e7a701bc34d686fa87dfae"
	"80220010" "5354554e20746573" "7420636c69656e74"	/* SOFTWARE "STUN test client" */
	"00240004" "6e0001ff"					/* PRIORITY */
	"80290008" "932ff9b151263b36"				/* ICE-CONTROLLED */
	"00060009" "6576746a3a683676" "59202020"		/* USERNAME "evtj:h6vY" */
	"00080014" "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"	/* MESSAGE-INTEGRITY */
	"80280004" "e57a3bcf";					/* FINGERPRINT */

/* RFC 5769 2.2: Binding success response, IPv4 192.0.2.1 port 32853. */
static const char resp4_hex[] =
	"0101003c2112a442b7e7a701bc34d686fa87dfae"
	"8022000b" "7465737420766563746f7220"			/* SOFTWARE "test vector" */
	"00200008" "0001a147e112a643"				/* XOR-MAPPED-ADDRESS */
	"00080014" "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"	/* MESSAGE-INTEGRITY */
	"80280004" "c07d4c96";					/* FINGERPRINT */

/* RFC 5769 2.3: Binding success response, IPv6 2001:db8:1234:5678:11:2233:4455:6677 port
 * 32853. */
static const char resp6_hex[] =
	"010100482112a442b7e7a701bc34d686fa87dfae"
	"8022000b" "7465737420766563746f7220"			/* SOFTWARE "test vector" */
	"00200014" "0002a147" "0113a9faa5d3f179bc25f4b5bed2b9d9"	/* XOR-MAPPED-ADDRESS */
	"00080014" "a382954e4be67bf11784c97c8292c275bfe3ed41"	/* MESSAGE-INTEGRITY */
	"80280004" "c8fb0b4c";					/* FINGERPRINT */

/* RFC 5769 2.4: Binding request, long-term credentials, no FINGERPRINT. */
static const char req_lt_hex[] =
	"000100602112a44278ad3433c6ad72c029da412e"
	"00060012" "e3839ee38388e383aae38383e382afe382b90000"	/* USERNAME "マトリックス" */
	"0015001c" "662f2f3439396b39353464364f4c33346f4c39465354767936347341"	/* NONCE */
	"0014000b" "6578616d706c652e6f726700"			/* REALM "example.org" */
	"00080014" "f67024656dd64a3e02b8e0712e85c9a28ca89666";	/* MESSAGE-INTEGRITY */

static const uint8_t rfc_txid[12] = { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
				      0xfa, 0x87, 0xdf, 0xae };
#define PWD "VOkJxbRl1RmTxUk/WvJxBt"
static const uint8_t *const pwd = (const uint8_t *)PWD;
static const size_t pwd_len = sizeof(PWD) - 1;

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	int n = check_unhex(hex, out, cap);

	return n < 0 ? 0 : (size_t)n;
}

static bool bytes_eq(struct stun_bytes b, const char *s)
{
	return b.p && b.len == strlen(s) && !memcmp(b.p, s, b.len);
}

/* Appends an attribute (zero padding) to the message in buf and fixes its length field. */
static void add_attr(uint8_t *buf, size_t *len, uint16_t type, const void *v, uint16_t n)
{
	size_t padded = (n + 3u) & ~3u;

	buf[*len] = (uint8_t)(type >> 8);
	buf[*len + 1] = (uint8_t)type;
	buf[*len + 2] = (uint8_t)(n >> 8);
	buf[*len + 3] = (uint8_t)n;
	memset(buf + *len + 4, 0, padded);
	if (n)
		memcpy(buf + *len + 4, v, n);
	*len += 4 + padded;
	buf[2] = (uint8_t)((*len - 20) >> 8);
	buf[3] = (uint8_t)(*len - 20);
}

/* A Binding request header with no attributes yet. */
static size_t new_msg(uint8_t *buf)
{
	static const uint8_t hdr[8] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };

	memcpy(buf, hdr, 8);
	memcpy(buf + 8, rfc_txid, 12);
	return 20;
}

/* Parses a heap copy of exactly len octets, so that a sanitizer build sees any read past the
 * end. The copy lives until the next call: m's spans point into it. */
static int parse_exact(const uint8_t *pkt, size_t len, struct stun_msg *m)
{
	static uint8_t *copy;

	free(copy);
	copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, pkt, len);
	return stun_parse(copy, len, m);
}

static void rfc5769_request(void)
{
	uint8_t pkt[256], other[] = "VOkJxbRl1RmTxUk/WvJxBr";
	size_t len = unhex(req_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	CHECK_EQ(len, 108);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_REQUEST);
	CHECK_EQ(stun_type_class(m.type), STUN_REQUEST);
	CHECK_EQ(stun_type_method(m.type), STUN_METHOD_BINDING);
	CHECK_MEM(m.txid, rfc_txid, 12);
	CHECK(bytes_eq(m.software, "STUN test client"));
	CHECK(bytes_eq(m.username, "evtj:h6vY"));
	CHECK(m.has_priority);
	CHECK_EQ(m.priority, 0x6e0001ffu);
	CHECK_EQ(m.role, STUN_ROLE_CONTROLLED);
	CHECK(m.tiebreaker == 0x932ff9b151263b36ull);
	CHECK(!m.use_candidate && !m.has_error && !m.has_xor_mapped);
	CHECK_EQ(m.n_unknown, 0);
	CHECK(m.has_integrity && m.integrity_off == 76);
	CHECK(m.has_fingerprint && m.fingerprint_off == 100);
	CHECK_EQ(m.fingerprint, 0xe57a3bcfu);
	CHECK(stun_check_fingerprint(pkt, len, &m));
	CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
	CHECK(!stun_check_integrity(pkt, len, &m, other, sizeof(other) - 1));
	/* The check works on a copy of the header: the packet is as it was. */
	CHECK_EQ(pkt[3], 0x58);
	CHECK(stun_username_matches(&m, "evtj", "h6vY"));
	CHECK(stun_username_matches(&m, "evtj", NULL));
	CHECK(!stun_username_matches(&m, "h6vY", NULL));
	CHECK(!stun_username_matches(&m, "evtj", "h6v"));
	CHECK(!stun_username_matches(&m, "evtj", "h6vYx"));
	CHECK(!stun_username_matches(&m, "evt", NULL));
	CHECK(!stun_username_matches(&m, "evtj:", NULL));
	CHECK(!stun_username_matches(&m, "evtj:h6vY", NULL));
}

static void rfc5769_ipv4_response(void)
{
	struct sockaddr_storage want = check_addr("192.0.2.1", 32853);
	uint8_t pkt[256];
	size_t len = unhex(resp4_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	CHECK_EQ(len, 80);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_SUCCESS);
	CHECK_EQ(stun_type_class(m.type), STUN_SUCCESS);
	CHECK_MEM(m.txid, rfc_txid, 12);
	CHECK(bytes_eq(m.software, "test vector"));
	CHECK(m.has_xor_mapped);
	CHECK(addr_equal(&m.xor_mapped, &want));
	CHECK(!m.username.p && !m.has_priority && m.role == STUN_ROLE_NONE);
	CHECK(stun_check_fingerprint(pkt, len, &m));
	CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
}

static void rfc5769_ipv6_response(void)
{
	struct sockaddr_storage want = check_addr("2001:db8:1234:5678:11:2233:4455:6677", 32853);
	uint8_t pkt[256];
	size_t len = unhex(resp6_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	CHECK_EQ(len, 92);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_SUCCESS);
	CHECK(m.has_xor_mapped);
	CHECK(addr_equal(&m.xor_mapped, &want));
	CHECK(stun_check_fingerprint(pkt, len, &m));
	CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
}

/*
 * Long-term credentials are not ours (ICE uses short-term ones), but REALM and NONCE are
 * known attributes, so the message parses without unknown comprehension-required types. Its
 * key is MD5("マトリックス:example.org:TheMatrIX"), the password after SASLprep; checking the
 * MAC with it proves every octet above.
 */
static void rfc5769_long_term_request(void)
{
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf"
				   "\xe3\x82\xb9";
	char ktext[64];
	uint8_t pkt[256], key[16];
	size_t len = unhex(req_lt_hex, pkt, sizeof(pkt));
	unsigned int klen = 0;
	struct stun_msg m;

	CHECK_EQ(len, 116);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_REQUEST);
	CHECK(bytes_eq(m.username, user));
	CHECK(bytes_eq(m.realm, "example.org"));
	CHECK(bytes_eq(m.nonce, "f//499k954d6OL34oL9FSTvy64sA"));
	CHECK_EQ(m.n_unknown, 0);
	CHECK(!m.has_fingerprint);
	CHECK(!stun_check_fingerprint(pkt, len, &m));
	CHECK(m.has_integrity && m.integrity_off == 92);
	snprintf(ktext, sizeof(ktext), "%s:example.org:TheMatrIX", user);
	CHECK(EVP_Digest(ktext, strlen(ktext), key, &klen, EVP_md5(), NULL) == 1);
	CHECK_EQ(klen, 16);
	CHECK(stun_check_integrity(pkt, len, &m, key, sizeof(key)));
	CHECK(!stun_check_integrity(pkt, len, &m, (const uint8_t *)"TheMatrIX", 9));
}

/* Where the RFC 5769 request's attribute headers are. */
static bool in_attr_header(size_t i)
{
	static const size_t at[] = { 20, 40, 48, 60, 76, 100 };

	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++)
		if (i >= at[k] && i < at[k] + 4)
			return true;
	return false;
}

/* Any one bit flipped: the message is refused, or the checks covering that bit fail. */
static void tampered_bit_fails(void)
{
	uint8_t pkt[256];
	size_t len = unhex(req_hex, pkt, sizeof(pkt));

	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct stun_msg m;
			int r;

			pkt[i] ^= (uint8_t)(1u << bit);
			r = stun_parse(pkt, len, &m);
			if (r == 0) {
				CHECK(!stun_check_fingerprint(pkt, len, &m));
				/* Everything before MESSAGE-INTEGRITY's end is covered by it. */
				if (i < 100)
					CHECK(!stun_check_integrity(pkt, len, &m, pwd, pwd_len));
				else
					CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
			} else {
				/* Only the header and attribute types and lengths can break the
				 * structure; values cannot. */
				CHECK(i < 8 || in_attr_header(i));
			}
			pkt[i] ^= (uint8_t)(1u << bit);
		}
	}
}

static void wrong_key_fails(void)
{
	uint8_t pkt[256], key[sizeof(PWD)];
	size_t len = unhex(req_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	memcpy(key, PWD, sizeof(PWD));
	for (size_t i = 0; i < pwd_len; i++) {
		key[i] ^= 1;
		CHECK(!stun_check_integrity(pkt, len, &m, key, pwd_len));
		key[i] ^= 1;
	}
	CHECK(!stun_check_integrity(pkt, len, &m, key, pwd_len - 1));
	CHECK(!stun_check_integrity(pkt, len, &m, key, 0));
	CHECK(!stun_check_integrity(pkt, len, &m, NULL, 0));
	CHECK(stun_check_integrity(pkt, len, &m, key, pwd_len));
}

static void wrong_fingerprint_fails(void)
{
	uint8_t pkt[256];
	size_t len = unhex(resp4_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	pkt[len - 1] ^= 0x80;
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(!stun_check_fingerprint(pkt, len, &m));
	/* Integrity does not cover FINGERPRINT. */
	CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
	/* A message without FINGERPRINT has none to pass. */
	len = new_msg(pkt);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(!stun_check_fingerprint(pkt, len, &m));
	CHECK(!stun_check_integrity(pkt, len, &m, pwd, pwd_len));
}

/* Every prefix of every vector is refused, both as it is (the length field no longer
 * matches) and with the length field made to match (attributes then run past the end or
 * FINGERPRINT goes missing). */
static void truncated_prefixes(void)
{
	const char *const vectors[] = { req_hex, resp4_hex, resp6_hex, req_lt_hex };

	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		uint8_t pkt[256];
		size_t len = unhex(vectors[v], pkt, sizeof(pkt));

		CHECK(len > 20);
		for (size_t k = 0; k < len; k++) {
			struct stun_msg m;
			uint8_t cut[256];
			int r;

			CHECK_EQ(parse_exact(pkt, k, &m), -EINVAL);
			if (k < 20 || (k - 20) % 4)
				continue;
			memcpy(cut, pkt, k);
			cut[2] = (uint8_t)((k - 20) >> 8);
			cut[3] = (uint8_t)(k - 20);
			r = parse_exact(cut, k, &m);
			CHECK(r == 0 || r == -EBADMSG);
			if (r == 0) {
				/* Cut at an attribute boundary: FINGERPRINT is gone, and
				 * MESSAGE-INTEGRITY holds only if the cut is right after it. */
				bool whole = m.has_integrity && m.integrity_off + 24 == k;

				CHECK(!m.has_fingerprint);
				CHECK_EQ(stun_check_integrity(cut, k, &m, pwd, pwd_len), whole);
			}
		}
	}
}

static void bad_headers(void)
{
	uint8_t pkt[256];
	size_t len = unhex(req_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	pkt[4] ^= 0x01;		/* magic cookie */
	CHECK_EQ(stun_parse(pkt, len, &m), -EINVAL);
	pkt[4] ^= 0x01;
	pkt[0] |= 0x80;		/* first two bits */
	CHECK_EQ(stun_parse(pkt, len, &m), -EINVAL);
	pkt[0] = 0x40;
	CHECK_EQ(stun_parse(pkt, len, &m), -EINVAL);
	pkt[0] = 0x00;
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	pkt[3] = 0x59;		/* length not a multiple of 4 */
	CHECK_EQ(stun_parse(pkt, len, &m), -EINVAL);
	CHECK_EQ(stun_parse(pkt, len + 1, &m), -EINVAL);
	pkt[3] = 0x54;		/* length short of the datagram */
	CHECK_EQ(stun_parse(pkt, len, &m), -EINVAL);
	pkt[3] = 0x58;
	pkt[len] = 0;		/* datagram longer than the length */
	CHECK_EQ(stun_parse(pkt, len + 4, &m), -EINVAL);
	CHECK_EQ(stun_parse(pkt, 19, &m), -EINVAL);
	CHECK_EQ(stun_parse(pkt, 0, &m), -EINVAL);
	/* The bare header is a valid, empty message. */
	len = new_msg(pkt);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(!m.has_integrity && !m.has_fingerprint && !m.username.p);
}

static void attribute_past_end(void)
{
	uint8_t pkt[256];
	size_t len = new_msg(pkt);
	struct stun_msg m;

	add_attr(pkt, &len, STUN_ATTR_SOFTWARE, "abcd", 4);
	pkt[23] = 5;		/* SOFTWARE claims 5 octets, 8 with padding: 4 are there */
	CHECK_EQ(stun_parse(pkt, len, &m), -EBADMSG);
	CHECK_EQ(m.type, STUN_BINDING_REQUEST);	/* enough to answer 400 */
	CHECK_MEM(m.txid, rfc_txid, 12);
	pkt[22] = 0xff;
	CHECK_EQ(stun_parse(pkt, len, &m), -EBADMSG);
	pkt[22] = 0;
	pkt[23] = 4;
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	/* The same for the last attribute of the RFC request. */
	len = unhex(req_hex, pkt, sizeof(pkt));
	pkt[len - 5] = 8;
	CHECK_EQ(stun_parse(pkt, len, &m), -EBADMSG);
}

/* Known attributes of the wrong size are malformed, not skipped. */
static void bad_known_attributes(void)
{
	static const struct { uint16_t type; uint16_t n; } bad[] = {
		{ STUN_ATTR_PRIORITY, 3 }, { STUN_ATTR_PRIORITY, 8 },
		{ STUN_ATTR_USE_CANDIDATE, 4 }, { STUN_ATTR_ICE_CONTROLLING, 4 },
		{ STUN_ATTR_ICE_CONTROLLED, 12 }, { STUN_ATTR_MESSAGE_INTEGRITY, 16 },
		{ STUN_ATTR_FINGERPRINT, 8 }, { STUN_ATTR_ERROR_CODE, 3 },
		{ STUN_ATTR_XOR_MAPPED_ADDRESS, 12 }, { STUN_ATTR_USERNAME, 513 },
	};
	uint8_t zero[600] = { 0 }, pkt[700];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = new_msg(pkt);
		struct stun_msg m;

		add_attr(pkt, &len, bad[i].type, zero, bad[i].n);
		if (stun_parse(pkt, len, &m) != -EBADMSG) {
			fprintf(stderr, "  type 0x%04x length %u\n", bad[i].type, bad[i].n);
			CHECK(0);
		}
	}
}

static void fingerprint_must_be_last(void)
{
	uint8_t pkt[256];
	size_t len = unhex(resp4_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	add_attr(pkt, &len, STUN_ATTR_SOFTWARE, "x", 1);
	CHECK_EQ(stun_parse(pkt, len, &m), -EBADMSG);
}

/* After MESSAGE-INTEGRITY only FINGERPRINT counts: no unknown types, no second USERNAME. */
static void after_integrity_ignored(void)
{
	uint8_t pkt[256], tail[8];
	size_t len = unhex(req_hex, pkt, sizeof(pkt));
	struct stun_msg m;

	memcpy(tail, pkt + len - 8, 8);
	len -= 8;
	add_attr(pkt, &len, 0x7777, "zz", 2);
	add_attr(pkt, &len, STUN_ATTR_USERNAME, "evil:user", 9);
	add_attr(pkt, &len, STUN_ATTR_PRIORITY, "\0\0\0\1", 4);
	add_attr(pkt, &len, STUN_ATTR_FINGERPRINT, tail + 4, 4);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.n_unknown, 0);
	CHECK(bytes_eq(m.username, "evtj:h6vY"));
	CHECK_EQ(m.priority, 0x6e0001ffu);
	CHECK(stun_check_integrity(pkt, len, &m, pwd, pwd_len));
	CHECK(!stun_check_fingerprint(pkt, len, &m));	/* it covered the old length */
}

static void unknown_required_attributes(void)
{
	uint8_t pkt[256];
	size_t len = new_msg(pkt);
	struct stun_msg m;

	add_attr(pkt, &len, 0xc001, "opt", 3);		/* optional: skipped */
	add_attr(pkt, &len, 0x7777, "a", 1);
	add_attr(pkt, &len, STUN_ATTR_USERNAME, "a:b", 3);
	add_attr(pkt, &len, 0x001c, NULL, 0);		/* MESSAGE-INTEGRITY-SHA256: not ours */
	add_attr(pkt, &len, 0x7777, "b", 1);		/* listed once */
	add_attr(pkt, &len, 0x0003, NULL, 0);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.n_unknown, 3);
	CHECK_EQ(m.unknown[0], 0x7777);
	CHECK_EQ(m.unknown[1], 0x001c);
	CHECK_EQ(m.unknown[2], 0x0003);
	CHECK(bytes_eq(m.username, "a:b"));
	/* More than we keep: the first STUN_UNKNOWN_MAX. */
	len = new_msg(pkt);
	for (uint16_t t = 0x4000; t < 0x4000 + STUN_UNKNOWN_MAX + 3; t++)
		add_attr(pkt, &len, t, NULL, 0);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK_EQ(m.n_unknown, STUN_UNKNOWN_MAX);
	CHECK_EQ(m.unknown[STUN_UNKNOWN_MAX - 1], 0x4000 + STUN_UNKNOWN_MAX - 1);
}

/* The first of a repeated attribute counts; claiming both ICE roles is malformed. */
static void repeats_and_roles(void)
{
	static const uint8_t tb1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, tb2[8] = { 9 };
	uint8_t pkt[256];
	size_t len = new_msg(pkt);
	struct stun_msg m;

	add_attr(pkt, &len, STUN_ATTR_USERNAME, "first:x", 7);
	add_attr(pkt, &len, STUN_ATTR_USERNAME, "second:x", 8);
	add_attr(pkt, &len, STUN_ATTR_PRIORITY, "\0\0\0\7", 4);
	add_attr(pkt, &len, STUN_ATTR_PRIORITY, "\0\0\0\11", 4);
	add_attr(pkt, &len, STUN_ATTR_ICE_CONTROLLING, tb1, 8);
	add_attr(pkt, &len, STUN_ATTR_ICE_CONTROLLING, tb2, 8);
	add_attr(pkt, &len, STUN_ATTR_USE_CANDIDATE, NULL, 0);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(bytes_eq(m.username, "first:x"));
	CHECK_EQ(m.priority, 7);
	CHECK_EQ(m.role, STUN_ROLE_CONTROLLING);
	CHECK(m.tiebreaker == 0x0102030405060708ull);
	CHECK(m.use_candidate);
	add_attr(pkt, &len, STUN_ATTR_ICE_CONTROLLED, tb2, 8);
	CHECK_EQ(stun_parse(pkt, len, &m), -EBADMSG);
}

static void type_helpers(void)
{
	CHECK_EQ(stun_type(STUN_METHOD_BINDING, STUN_REQUEST), STUN_BINDING_REQUEST);
	CHECK_EQ(stun_type(STUN_METHOD_BINDING, STUN_INDICATION), STUN_BINDING_INDICATION);
	CHECK_EQ(stun_type(STUN_METHOD_BINDING, STUN_SUCCESS), STUN_BINDING_SUCCESS);
	CHECK_EQ(stun_type(STUN_METHOD_BINDING, STUN_ERROR), STUN_BINDING_ERROR);
	CHECK_EQ(stun_type(0xfff, STUN_ERROR), 0x3fff);
	CHECK_EQ(stun_type(0x003, STUN_SUCCESS), 0x0103);	/* TURN Allocate success */
	for (uint16_t method = 0; method < 0x1000; method++) {
		for (int c = STUN_REQUEST; c <= STUN_ERROR; c++) {
			uint16_t t = stun_type(method, (enum stun_class)c);

			CHECK(t < 0x4000);
			CHECK_EQ(stun_type_method(t), method);
			CHECK_EQ(stun_type_class(t), c);
		}
	}
	CHECK(stun_attr_required(STUN_ATTR_PRIORITY));
	CHECK(!stun_attr_required(STUN_ATTR_ICE_CONTROLLING));
}

/* A built success response parses back, verifies and gives the address it was given. */
static void build_success_roundtrip(void)
{
	const char *const ips[] = { "192.0.2.1", "203.0.113.254", "2001:db8::1", "::ffff:1.2.3.4",
				    "fe80::1234:5678:9abc:def0" };
	static const uint8_t txid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		struct sockaddr_storage a = check_addr(ips[i], (uint16_t)(1000 + 4567 * i));
		uint8_t out[128];
		struct stun_msg m;
		size_t n = stun_build_binding_success(out, sizeof(out), txid, &a, pwd, pwd_len);

		CHECK_EQ(n, a.ss_family == AF_INET ? 20 + 12 + 24 + 8 : 20 + 24 + 24 + 8);
		CHECK_EQ(parse_exact(out, n, &m), 0);
		CHECK_EQ(m.type, STUN_BINDING_SUCCESS);
		CHECK_MEM(m.txid, txid, 12);
		CHECK(m.has_xor_mapped && addr_equal(&m.xor_mapped, &a));
		CHECK(stun_check_integrity(out, n, &m, pwd, pwd_len));
		CHECK(stun_check_fingerprint(out, n, &m));
		CHECK_EQ(m.n_unknown, 0);
		/* Without a key: no MESSAGE-INTEGRITY. */
		n = stun_build_binding_success(out, sizeof(out), txid, &a, NULL, 0);
		CHECK_EQ(parse_exact(out, n, &m), 0);
		CHECK(!m.has_integrity && stun_check_fingerprint(out, n, &m));
	}
}

/* Our XOR-MAPPED-ADDRESS is octet for octet RFC 5769's (2.2 and 2.3). */
static void build_success_matches_rfc(void)
{
	const struct { const char *hex, *ip; size_t at, n; } v[] = {
		{ resp4_hex, "192.0.2.1", 36, 12 },
		{ resp6_hex, "2001:db8:1234:5678:11:2233:4455:6677", 36, 24 },
	};

	for (size_t i = 0; i < 2; i++) {
		struct sockaddr_storage a = check_addr(v[i].ip, 32853);
		uint8_t want[256], out[128];
		size_t n;

		CHECK(unhex(v[i].hex, want, sizeof(want)) > v[i].at + v[i].n);
		n = stun_build_binding_success(out, sizeof(out), rfc_txid, &a, pwd, pwd_len);
		CHECK(n > 20 + v[i].n);
		CHECK_MEM(out + 20, want + v[i].at, v[i].n);
	}
}

static void build_success_refuses(void)
{
	struct sockaddr_storage a;
	uint8_t out[128];

	memset(&a, 0, sizeof(a));
	a.ss_family = AF_UNIX;
	CHECK_EQ(stun_build_binding_success(out, sizeof(out), rfc_txid, &a, pwd, pwd_len), 0);
}

static void build_error_roundtrip(void)
{
	static const uint16_t unk[] = { 0x7777, 0x001c, 0x0003 };
	uint8_t out[256];
	struct stun_msg m;
	size_t n;

	/* 487 goes with integrity. */
	n = stun_build_binding_error(out, sizeof(out), rfc_txid, STUN_ERR_ROLE_CONFLICT, NULL,
				     NULL, 0, pwd, pwd_len);
	CHECK(n > 0);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_ERROR);
	CHECK_EQ(stun_type_class(m.type), STUN_ERROR);
	CHECK_MEM(m.txid, rfc_txid, 12);
	CHECK(m.has_error);
	CHECK_EQ(m.error_code, 487);
	CHECK(bytes_eq(m.error_reason, "Role Conflict"));
	CHECK(stun_check_integrity(out, n, &m, pwd, pwd_len));
	CHECK(stun_check_fingerprint(out, n, &m));
	/* 401 without: ERROR-CODE and FINGERPRINT only. */
	n = stun_build_binding_error(out, sizeof(out), rfc_txid, STUN_ERR_UNAUTHORIZED, NULL,
				     NULL, 0, NULL, 0);
	CHECK_EQ(n, 20 + 4 + 16 + 8);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK_EQ(m.error_code, 401);
	CHECK(bytes_eq(m.error_reason, "Unauthorized"));
	CHECK(!m.has_integrity && stun_check_fingerprint(out, n, &m));
	/* 420 lists the unknown attributes. */
	n = stun_build_binding_error(out, sizeof(out), rfc_txid, STUN_ERR_UNKNOWN_ATTRIBUTE,
				     NULL, unk, 3, NULL, 0);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK_EQ(m.error_code, 420);
	CHECK(bytes_eq(m.error_reason, "Unknown Attribute"));
	CHECK_EQ(m.n_unknown, 0);	/* UNKNOWN-ATTRIBUTES is a known attribute */
	CHECK_MEM(out + 20 + 4 + 24, "\x00\x0a\x00\x06\x77\x77\x00\x1c\x00\x03\x00\x00", 12);
	CHECK(stun_check_fingerprint(out, n, &m));
	/* Our own phrase, and codes at both ends of the range. */
	n = stun_build_binding_error(out, sizeof(out), rfc_txid, 699, "x", NULL, 0, NULL, 0);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK(m.error_code == 699 && bytes_eq(m.error_reason, "x"));
	n = stun_build_binding_error(out, sizeof(out), rfc_txid, 300, "", NULL, 0, NULL, 0);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK(m.error_code == 300 && m.error_reason.len == 0);
}

static void build_error_refuses(void)
{
	char longer[STUN_REASON_MAX + 2];
	uint16_t unk[STUN_UNKNOWN_MAX + 1] = { 0 };
	uint8_t out[512];

	CHECK_EQ(stun_build_binding_error(out, sizeof(out), rfc_txid, 299, NULL, NULL, 0, NULL,
					  0), 0);
	CHECK_EQ(stun_build_binding_error(out, sizeof(out), rfc_txid, 700, NULL, NULL, 0, NULL,
					  0), 0);
	CHECK_EQ(stun_build_binding_error(out, sizeof(out), rfc_txid, 420, NULL, unk,
					  STUN_UNKNOWN_MAX + 1, NULL, 0), 0);
	CHECK_EQ(stun_build_binding_error(out, sizeof(out), rfc_txid, 420, NULL, NULL, 1, NULL,
					  0), 0);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	CHECK_EQ(stun_build_binding_error(out, sizeof(out), rfc_txid, 400, longer, NULL, 0, NULL,
					  0), 0);
	longer[STUN_REASON_MAX] = '\0';
	CHECK(stun_build_binding_error(out, sizeof(out), rfc_txid, 400, longer, NULL, 0, NULL,
				       0) > 0);
}

static void build_request_roundtrip(void)
{
	static const uint8_t txid[12] = { 0xff, 0, 0xee, 1, 0xdd, 2, 0xcc, 3, 0xbb, 4, 0xaa, 5 };
	uint8_t out[256];
	struct stun_msg m;
	size_t n;

	n = stun_build_binding_request(out, sizeof(out), txid, "evtj:h6vY", 0x6e0001ff,
				       STUN_ROLE_CONTROLLING, 0x932ff9b151263b36ull, true, pwd,
				       pwd_len);
	CHECK(n > 0);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK_EQ(m.type, STUN_BINDING_REQUEST);
	CHECK_MEM(m.txid, txid, 12);
	CHECK(bytes_eq(m.username, "evtj:h6vY"));
	CHECK(stun_username_matches(&m, "evtj", "h6vY"));
	CHECK(m.has_priority && m.priority == 0x6e0001ff);
	CHECK_EQ(m.role, STUN_ROLE_CONTROLLING);
	CHECK(m.tiebreaker == 0x932ff9b151263b36ull);
	CHECK(m.use_candidate);
	CHECK(stun_check_integrity(out, n, &m, pwd, pwd_len));
	CHECK(stun_check_fingerprint(out, n, &m));
	CHECK_EQ(m.n_unknown, 0);

	n = stun_build_binding_request(out, sizeof(out), txid, "a:b", 1, STUN_ROLE_CONTROLLED, 7,
				       false, pwd, pwd_len);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK(m.role == STUN_ROLE_CONTROLLED && m.tiebreaker == 7 && !m.use_candidate);
	CHECK(stun_check_integrity(out, n, &m, pwd, pwd_len));

	/* A bare request (a plain STUN client, or RFC 7675 without ICE attributes). */
	n = stun_build_binding_request(out, sizeof(out), txid, NULL, 0, STUN_ROLE_NONE, 0,
				       false, NULL, 0);
	CHECK_EQ(n, 28);
	CHECK_EQ(parse_exact(out, n, &m), 0);
	CHECK(!m.username.p && !m.has_priority && m.role == STUN_ROLE_NONE && !m.has_integrity);
	CHECK(stun_check_fingerprint(out, n, &m));
}

/* Every builder refuses every capacity below what it needs, and writes nothing then. */
static void build_cap_too_small(void)
{
	struct sockaddr_storage a4 = check_addr("192.0.2.1", 1), a6 = check_addr("2001:db8::2", 2);
	static const uint16_t unk[] = { 0x7777 };
	char user[STUN_USERNAME_MAX + 1];

	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	for (int kind = 0; kind < 8; kind++) {
		uint8_t out[700];
		size_t need = 0;

		for (size_t cap = sizeof(out); ; cap--) {
			size_t n = 0;

			memset(out, 0xa5, sizeof(out));
			switch (kind) {
			case 0:
				n = stun_build_binding_success(out, cap, rfc_txid, &a4, pwd, pwd_len);
				break;
			case 1:
				n = stun_build_binding_success(out, cap, rfc_txid, &a6, pwd, pwd_len);
				break;
			case 2:
				n = stun_build_binding_success(out, cap, rfc_txid, &a6, NULL, 0);
				break;
			case 3:
				n = stun_build_binding_error(out, cap, rfc_txid, 487, NULL, NULL, 0,
							     pwd, pwd_len);
				break;
			case 4:
				n = stun_build_binding_error(out, cap, rfc_txid, 420, "Unknown", unk,
							     1, NULL, 0);
				break;
			case 5:
				n = stun_build_binding_request(out, cap, rfc_txid, "evtj:h6vY", 5,
							       STUN_ROLE_CONTROLLING, 9, true, pwd,
							       pwd_len);
				break;
			case 6:
				n = stun_build_binding_request(out, cap, rfc_txid, user, 5,
							       STUN_ROLE_CONTROLLED, 9, false, pwd,
							       pwd_len);
				break;
			case 7:
				n = stun_build_binding_request(out, cap, rfc_txid, NULL, 0,
							       STUN_ROLE_NONE, 0, false, NULL, 0);
				break;
			}
			if (!need) {
				need = n;	/* the first, roomy call */
				CHECK(need > 0 && need < sizeof(out));
				cap = need + 1;
				continue;
			}
			if (cap >= need) {
				CHECK_EQ(n, need);
			} else {
				CHECK_EQ(n, 0);
				for (size_t i = 0; i < sizeof(out); i++)
					CHECK_EQ(out[i], 0xa5);
			}
			if (!cap)
				break;
		}
	}
}

static void build_request_refuses(void)
{
	char user[STUN_USERNAME_MAX + 2];
	uint8_t out[700];

	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	CHECK_EQ(stun_build_binding_request(out, sizeof(out), rfc_txid, user, 1, STUN_ROLE_NONE,
					    0, false, NULL, 0), 0);
	CHECK_EQ(stun_build_binding_request(out, sizeof(out), rfc_txid, NULL, 1,
					    (enum stun_role)3, 0, false, NULL, 0), 0);
}

static void username_edge_cases(void)
{
	uint8_t pkt[64];
	size_t len = new_msg(pkt);
	struct stun_msg m;

	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(!stun_username_matches(&m, "a", NULL));
	add_attr(pkt, &len, STUN_ATTR_USERNAME, "ab:", 3);
	CHECK_EQ(stun_parse(pkt, len, &m), 0);
	CHECK(stun_username_matches(&m, "ab", NULL));
	CHECK(stun_username_matches(&m, "ab", ""));
	CHECK(!stun_username_matches(&m, "ab", "c"));
	CHECK(!stun_username_matches(&m, "a", NULL));
	CHECK(!stun_username_matches(&m, "abc", NULL));
}

static const struct check_case cases[] = {
	CASE(rfc5769_request),
	CASE(rfc5769_ipv4_response),
	CASE(rfc5769_ipv6_response),
	CASE(rfc5769_long_term_request),
	CASE(tampered_bit_fails),
	CASE(wrong_key_fails),
	CASE(wrong_fingerprint_fails),
	CASE(truncated_prefixes),
	CASE(bad_headers),
	CASE(attribute_past_end),
	CASE(bad_known_attributes),
	CASE(fingerprint_must_be_last),
	CASE(after_integrity_ignored),
	CASE(unknown_required_attributes),
	CASE(repeats_and_roles),
	CASE(type_helpers),
	CASE(build_success_roundtrip),
	CASE(build_success_matches_rfc),
	CASE(build_success_refuses),
	CASE(build_error_roundtrip),
	CASE(build_error_refuses),
	CASE(build_request_roundtrip),
	CASE(build_request_refuses),
	CASE(build_cap_too_small),
	CASE(username_edge_cases),
};

CHECK_MAIN("stun", cases)
