/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The SRTP core's userspace cipher backend, on OpenSSL 3. */
#ifndef SRTPRELAY_SRTP_OPENSSL_H
#define SRTPRELAY_SRTP_OPENSSL_H

#include "srtp.h"

extern const struct srtp_ops srtp_openssl_ops;

#endif
