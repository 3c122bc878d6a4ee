// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool sb_grow(struct strbuf *sb, size_t more)
{
	size_t want;
	char *p;

	if (sb->oom)
		return false;
	if (sb->len + more + 1 <= sb->cap)
		return true;
	want = sb->cap ? sb->cap : 256;
	while (want < sb->len + more + 1)
		want *= 2;
	p = realloc(sb->p, want);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->p = p;
	sb->cap = want;
	return true;
}

void sb_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!sb_grow(sb, n))
		return;
	if (n)
		memcpy(sb->p + sb->len, data, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->oom = false;
	if (sb->p)
		sb->p[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->p);
	*sb = (struct strbuf)STRBUF_INIT;
}
