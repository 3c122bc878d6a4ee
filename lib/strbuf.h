/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A growable byte buffer for building replies and SDP. Allocation failure is sticky: once
 * sb->oom is set every append is a no-op, so callers check once at the end.
 */
#ifndef SRTPRELAY_STRBUF_H
#define SRTPRELAY_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;	/* NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom;
};

#define STRBUF_INIT { 0 }

void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory. */
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
