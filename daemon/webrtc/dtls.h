/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DTLS-SRTP (RFC 5763, 5764) on OpenSSL: the relay's certificate (ECDSA P-256, made at start
 * or loaded), and one DTLS 1.2 association per endpoint that keys SRTP with DTLS. I/O stays
 * outside: datagrams go in through dtls_conn_input(), come out through the send callback,
 * and dtls_conn_tick() drives the retransmission timers. When the handshake has finished and
 * the peer's certificate matched the fingerprint its SDP announced, dtls_conn_keys() gives
 * the SRTP policies for both directions, from the keying material exporter.
 */
#ifndef SRTPRELAY_DTLS_H
#define SRTPRELAY_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srtp.h"

#define DTLS_FP_MAX 64		/* octets of a digest: SHA-512 */
#define DTLS_FP_TEXT_MAX (DTLS_FP_MAX * 3)	/* "AB:CD:..." */
#define DTLS_HASH_MAX 8		/* "sha-256" */

/* What a=fingerprint says: the hash's name as SDP writes it and the digest. */
struct dtls_fingerprint {
	char hash[DTLS_HASH_MAX];	/* "sha-256", "sha-1", "sha-384", "sha-512"; "" none */
	uint8_t fp[DTLS_FP_MAX];
	unsigned int len;
};

/*
 * Loads the certificate and key from a PEM file (path NULL or "": makes a fresh ECDSA P-256
 * one, valid 30 days from a day ago). 0, or -1 with a sentence in err.
 */
int dtls_init(const char *path, char *err, size_t errlen);
void dtls_exit(void);
/* Our certificate's SHA-256 fingerprint as a=fingerprint writes it: "sha-256 AB:CD:...". */
const char *dtls_our_fingerprint(void);

/* Parses an a=fingerprint value ("sha-256 AB:CD:..."); 0 or -1. */
int dtls_fingerprint_parse(const char *s, size_t len, struct dtls_fingerprint *out);

struct dtls_conn;
typedef void dtls_send_fn(void *arg, const uint8_t *pkt, size_t len);

/*
 * A new association, as DTLS client or server, that accepts only a peer certificate with
 * fingerprint expect; datagrams to send go to send(arg, ...). NULL when out of memory. A
 * client sends its ClientHello on dtls_conn_start().
 */
struct dtls_conn *dtls_conn_new(bool client, const struct dtls_fingerprint *expect,
				dtls_send_fn *send, void *arg);
void dtls_conn_free(struct dtls_conn *c);
void dtls_conn_start(struct dtls_conn *c);

enum dtls_state { DTLS_HANDSHAKING, DTLS_CONNECTED, DTLS_FAILED };

/* One datagram from the peer; returns the state after it (CONNECTED once, then stays). */
enum dtls_state dtls_conn_input(struct dtls_conn *c, const uint8_t *pkt, size_t len);
/* Retransmits a flight whose timer ran out. */
void dtls_conn_tick(struct dtls_conn *c);
enum dtls_state dtls_conn_state(const struct dtls_conn *c);
bool dtls_conn_started(const struct dtls_conn *c);
/* Why it failed: a short sentence. */
const char *dtls_conn_error(const struct dtls_conn *c);
/*
 * After CONNECTED: the policies to unprotect what the peer sends (in) and protect what we
 * send it (out), and the profile's name. 0 or -1.
 */
int dtls_conn_keys(struct dtls_conn *c, struct srtp_policy *in, struct srtp_policy *out,
		   const char **profile);

#endif
