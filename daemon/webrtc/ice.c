// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "ice.h"
#include "stun.h"

/* Random ice-chars; letters and digits only, which every SDP parser takes. */
static int ice_random(char *out, size_t n)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t b[64];
	size_t i = 0;

	while (i < n) {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return -1;
		/* 248 = 4 * 62: taking only bytes below it keeps every character equally likely */
		for (size_t k = 0; k < sizeof(b) && i < n; k++)
			if (b[k] < 248)
				out[i++] = chars[b[k] % 62];
	}
	out[n] = '\0';
	explicit_bzero(b, sizeof(b));
	return 0;
}

static int ice_new_credentials(struct ice_lite *ice)
{
	if (ice_random(ice->ufrag, ICE_UFRAG_LEN) || ice_random(ice->pwd, ICE_PWD_LEN))
		return -1;
	return 0;
}

int ice_seen(struct ice_lite *ice, const char *ufrag, size_t len)
{
	bool restart;

	if (len > ICE_REMOTE_UFRAG_MAX)
		return -1;
	ice->peer = len > 0;
	if (!len)
		return 0;
	restart = ice->remote_ufrag[0] &&
		  (strlen(ice->remote_ufrag) != len || memcmp(ice->remote_ufrag, ufrag, len));
	memcpy(ice->remote_ufrag, ufrag, len);
	ice->remote_ufrag[len] = '\0';
	if (restart && ice->on)
		return ice_new_credentials(ice);
	return 0;
}

int ice_set(struct ice_lite *ice, bool on)
{
	if (on) {
		if (!ice->on && ice_new_credentials(ice))
			return -1;
		ice->on = true;
		return 0;
	}
	explicit_bzero(ice->pwd, sizeof(ice->pwd));
	ice->ufrag[0] = '\0';
	ice->on = false;
	return 0;
}

/* RFC 8445 5.1.2.1 for a host candidate: type preference 126, local preference 65535. */
static uint32_t host_priority(unsigned int component)
{
	return (126u << 24) | (65535u << 8) | (256u - component);
}

unsigned int ice_sdp_lines(const struct ice_lite *ice, const char *addr, uint16_t rtp_port,
			   bool mux, char lines[ICE_LINES][ICE_LINE_MAX])
{
	unsigned int n = 0;

	snprintf(lines[n++], ICE_LINE_MAX, "ice-ufrag:%s", ice->ufrag);
	snprintf(lines[n++], ICE_LINE_MAX, "ice-pwd:%s", ice->pwd);
	for (unsigned int comp = 1; comp <= (mux ? 1u : 2u); comp++)
		snprintf(lines[n++], ICE_LINE_MAX, "candidate:1 %u UDP %u %s %u typ host", comp,
			 host_priority(comp), addr, (unsigned int)rtp_port + comp - 1);
	snprintf(lines[n++], ICE_LINE_MAX, "end-of-candidates");
	return n;
}

static enum ice_verdict reject(struct ice_lite *ice, const struct stun_msg *m, uint16_t code,
			       bool sign, uint8_t *resp, size_t cap, size_t *resp_len)
{
	ice->bad_requests++;
	*resp_len = stun_build_binding_error(resp, cap, m->txid, code, NULL, m->unknown,
					     code == STUN_ERR_UNKNOWN_ATTRIBUTE ?
					     (m->n_unknown < STUN_UNKNOWN_MAX ? m->n_unknown :
					      STUN_UNKNOWN_MAX) : 0,
					     sign ? (const uint8_t *)ice->pwd : NULL,
					     sign ? strlen(ice->pwd) : 0);
	return ICE_REJECT;
}

enum ice_verdict ice_answer(struct ice_lite *ice, const uint8_t *pkt, size_t len,
			    const struct sockaddr_storage *from, double now,
			    uint8_t *resp, size_t cap, size_t *resp_len)
{
	const uint8_t *key = (const uint8_t *)ice->pwd;
	size_t key_len = strlen(ice->pwd);
	struct stun_msg m;
	int ret;

	*resp_len = 0;
	if (!ice->on)
		return ICE_IGNORE;
	ret = stun_parse(pkt, len, &m);
	/* Responses and indications (consent keepalives) need no answer; nor does what is not
	 * STUN at all. */
	if (ret == -EINVAL || m.type != STUN_BINDING_REQUEST)
		return ICE_IGNORE;
	if (m.has_fingerprint && !stun_check_fingerprint(pkt, len, &m))
		return ICE_IGNORE;	/* not STUN after all (RFC 8489 7.3) */
	if (ret)
		return reject(ice, &m, STUN_ERR_BAD_REQUEST, false, resp, cap, resp_len);
	if (m.n_unknown)
		return reject(ice, &m, STUN_ERR_UNKNOWN_ATTRIBUTE, false, resp, cap, resp_len);
	/* RFC 8445 7.3 with 8489 9.1.3: both USERNAME and MESSAGE-INTEGRITY, or 400. */
	if (!m.username.p || !m.has_integrity)
		return reject(ice, &m, STUN_ERR_BAD_REQUEST, false, resp, cap, resp_len);
	if (!stun_username_matches(&m, ice->ufrag,
				   ice->remote_ufrag[0] ? ice->remote_ufrag : NULL) ||
	    !stun_check_integrity(pkt, len, &m, key, key_len))
		return reject(ice, &m, STUN_ERR_UNAUTHORIZED, false, resp, cap, resp_len);
	/* A lite agent is always controlled (RFC 8445 6.1.1): a peer that says it is
	 * controlled too must switch, which 487 tells it (7.3.1.1, as if our tie-breaker were
	 * the larger). */
	if (m.role == STUN_ROLE_CONTROLLED) {
		ice->role_conflicts++;
		return reject(ice, &m, STUN_ERR_ROLE_CONFLICT, true, resp, cap, resp_len);
	}
	*resp_len = stun_build_binding_success(resp, cap, m.txid, from, key, key_len);
	if (!*resp_len)
		return ICE_IGNORE;
	ice->requests++;
	ice->last_request = now;
	ice->last_from = *from;
	if (m.use_candidate) {
		ice->nominations++;
		return ICE_NOMINATED;
	}
	return ICE_OK;
}
