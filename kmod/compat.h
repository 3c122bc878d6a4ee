/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only place that knows kernel versions. Each difference gets a macro named after what
 * it provides; logic files use those, never LINUX_VERSION_CODE.
 */
#ifndef SRTPRELAY_COMPAT_H
#define SRTPRELAY_COMPAT_H

#include <linux/version.h>
#include <linux/crypto.h>

/* 6.1 is the oldest kernel the module is built and tested on (packaging's dkms.conf says so). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "srtprelay needs Linux 6.1 or later"
#endif

/*
 * Crypto completion callbacks receive the data pointer given at submission since 6.3; before
 * that they received the request, whose ->data holds it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define COMPAT_CRYPTO_CALLBACK(name, data, err) void name(void *data, int err)
#define COMPAT_CRYPTO_CALLBACK_DATA(data) (data)
#else
#define COMPAT_CRYPTO_CALLBACK(name, data, err) \
	void name(struct crypto_async_request *data, int err)
#define COMPAT_CRYPTO_CALLBACK_DATA(data) ((data)->data)
#endif

/* hex2bin() and friends: in their own header where it exists (it is the only one that
 * declares them on 7.x; 6.1 has none and declares them in linux/kernel.h). Kbuild looks for
 * the file: sparse knows no __has_include. */
#ifdef COMPAT_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#endif

#endif
