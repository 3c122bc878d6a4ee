/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef SRTPRELAY_CRYPTO_H
#define SRTPRELAY_CRYPTO_H

#include "srtp.h"

/*
 * The SRTP core's ops on the kernel crypto API, for process context only: key derivation at
 * flow set-up and the self-tests. They may sleep and allocate.
 */
extern const struct srtp_ops srtprelay_crypto_ops;

#endif
