// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the STUN layer (daemon/stun.c). The input is one datagram, exactly its
 * size as libFuzzer hands it over, so ASan sees any read past its end.
 *
 * Oracles besides the sanitizers: whatever parses has its offsets and spans inside the input
 * and FINGERPRINT last; the checks run with a fixed key (the RFC 5769 password, so the seed
 * vectors verify); and answers built from what was parsed (success with the parsed or a
 * derived address, the error a request would get, a request carrying the parsed USERNAME)
 * parse back, verify and say what they were built from.
 */
#include "stun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[] = "VOkJxbRl1RmTxUk/WvJxBt";
#define KEY_LEN (sizeof(key) - 1)

static void die(const char *what)
{
	fprintf(stderr, "fuzz_stun: %s\n", what);
	abort();
}

static bool inside(const uint8_t *data, size_t size, struct stun_bytes b)
{
	return !b.p || (b.p >= data + STUN_HEADER_LEN && b.len <= size &&
			(size_t)(b.p - data) <= size - b.len);
}

static void check_parsed(const uint8_t *data, size_t size, const struct stun_msg *m)
{
	if (!inside(data, size, m->username) || !inside(data, size, m->realm) ||
	    !inside(data, size, m->nonce) || !inside(data, size, m->software) ||
	    !inside(data, size, m->error_reason))
		die("span outside the input");
	if (m->has_integrity && (m->integrity_off < STUN_HEADER_LEN || m->integrity_off % 4 ||
				 m->integrity_off + 24 > size))
		die("MESSAGE-INTEGRITY offset");
	if (m->has_fingerprint && m->fingerprint_off + 8 != size)
		die("FINGERPRINT not last");
	if (m->has_error && (m->error_code < 300 || m->error_code > 699))
		die("error code range");
	if (m->n_unknown > STUN_UNKNOWN_MAX)
		die("unknown count");
	for (unsigned int i = 0; i < m->n_unknown; i++)
		if (!stun_attr_required(m->unknown[i]))
			die("optional type listed as unknown");
}

/* The address to answer with: the parsed one, else one derived from the input. */
static struct sockaddr_storage mapped_for(size_t size, const struct stun_msg *m)
{
	struct sockaddr_storage ss;

	if (m->has_xor_mapped)
		return m->xor_mapped;
	memset(&ss, 0, sizeof(ss));
	if (size & 1) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)size);
		memcpy(&s6->sin6_addr, m->txid, STUN_TXID_LEN);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)(size * 7));
		memcpy(&s4->sin_addr, m->txid, 4);
	}
	return ss;
}

/* out (n octets) must parse as a message of type with m's transaction id and verify. */
static void check_built(const uint8_t *out, size_t n, uint16_t type, const struct stun_msg *m,
			bool keyed, struct stun_msg *back)
{
	if (!n)
		die("builder refused");
	if (stun_parse(out, n, back))
		die("built message does not parse");
	if (back->type != type || memcmp(back->txid, m->txid, STUN_TXID_LEN))
		die("built type or transaction id");
	if (!stun_check_fingerprint(out, n, back))
		die("built FINGERPRINT");
	if (keyed != stun_check_integrity(out, n, back, key, KEY_LEN))
		die("built MESSAGE-INTEGRITY");
	if (back->n_unknown)
		die("built message has unknown attributes");
}

/* USERNAME "a:b" matches ufrags a and b; without a colon it matches nothing. */
static void check_username(const struct stun_msg *back, char *user)
{
	char *colon = strchr(user, ':');

	if (!colon) {
		if (stun_username_matches(back, user, NULL))
			die("username without a colon matched");
		return;
	}
	*colon = '\0';
	if (!stun_username_matches(back, user, colon + 1) || !stun_username_matches(back, user, NULL))
		die("username did not match its own parts");
	*colon = ':';
}

static void answer(size_t size, const struct stun_msg *m)
{
	struct sockaddr_storage a = mapped_for(size, m);
	uint8_t out[1024];
	char user[STUN_USERNAME_MAX + 1];
	struct stun_msg back;
	uint16_t code;
	size_t n;

	n = stun_build_binding_success(out, sizeof(out), m->txid, &a, key, KEY_LEN);
	check_built(out, n, STUN_BINDING_SUCCESS, m, true, &back);
	if (!back.has_xor_mapped || back.xor_mapped.ss_family != a.ss_family ||
	    memcmp(&back.xor_mapped, &a, a.ss_family == AF_INET ? sizeof(struct sockaddr_in)
								 : sizeof(struct sockaddr_in6)))
		die("built XOR-MAPPED-ADDRESS");

	code = m->n_unknown ? STUN_ERR_UNKNOWN_ATTRIBUTE
	     : m->has_error ? m->error_code : STUN_ERR_ROLE_CONFLICT;
	n = stun_build_binding_error(out, sizeof(out), m->txid, code, NULL, m->unknown,
				     m->n_unknown, size & 2 ? key : NULL, KEY_LEN);
	check_built(out, n, STUN_BINDING_ERROR, m, size & 2, &back);
	if (!back.has_error || back.error_code != code)
		die("built ERROR-CODE");

	/* The parsed USERNAME up to its first NUL, as a C string. */
	memset(user, 0, sizeof(user));
	if (m->username.p)
		memcpy(user, m->username.p, m->username.len);
	n = stun_build_binding_request(out, sizeof(out), m->txid, m->username.p ? user : NULL,
				       m->priority, m->role, m->tiebreaker, m->use_candidate,
				       key, KEY_LEN);
	check_built(out, n, STUN_BINDING_REQUEST, m, true, &back);
	if (back.username.len != strlen(user) || back.priority != m->priority ||
	    back.role != m->role || back.use_candidate != m->use_candidate ||
	    (m->role && back.tiebreaker != m->tiebreaker))
		die("built request attributes");
	if (m->username.p)
		check_username(&back, user);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stun_msg m;
	int r = stun_parse(data, size, &m);

	if (r) {
		if (r != -EINVAL && r != -EBADMSG)
			die("unexpected error code");
		return 0;
	}
	check_parsed(data, size, &m);
	(void)stun_check_fingerprint(data, size, &m);
	(void)stun_check_integrity(data, size, &m, key, KEY_LEN);
	(void)stun_username_matches(&m, "evtj", "h6vY");
	(void)stun_username_matches(&m, "evtj", NULL);
	answer(size, &m);
	return 0;
}
