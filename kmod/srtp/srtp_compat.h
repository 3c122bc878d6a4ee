/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only environment the SRTP core sees. The same .c files build in three places:
 *   - the kernel module (__KERNEL__): kernel types and string functions;
 *   - userspace (the daemon, tests): the compiler's freestanding headers and libc's mem*;
 *   - a -ffreestanding -nostdinc check build (SRTP_FREESTANDING), which proves the core
 *     needs nothing beyond what this file provides.
 * Byte order is handled with explicit big-endian loads and stores below, never with host
 * byte-order headers, so nothing here differs between the three.
 */
#ifndef SRTP_COMPAT_H
#define SRTP_COMPAT_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/string.h>

#define srtp_wipe(p, n) memzero_explicit((p), (n))

#elif !defined(SRTP_FREESTANDING) /* userspace */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Clears secrets in a way the compiler may not drop as a dead store. */
#define srtp_wipe(p, n) explicit_bzero((p), (n))

#else /* the freestanding check: the compiler's builtins, no headers at all */

typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
#ifndef __cplusplus
typedef _Bool bool;
#define true 1
#define false 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

/* Clears secrets in a way the compiler may not drop as a dead store. */
static inline void srtp_wipe(void *p, unsigned long n)
{
	__builtin_memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

static inline uint16_t srtp_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t srtp_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void srtp_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* XORs the low n bytes of v, big-endian, into p[0..n). */
static inline void srtp_xor_be(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] ^= (uint8_t)(v >> (8 * (n - 1 - i)));
}

#endif
