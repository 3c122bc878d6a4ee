// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "bencode.h"

struct parser {
	struct bdoc *doc;
	const char *buf;
	size_t len, pos;
	const char *why;
};

static struct bval *fail(struct parser *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return NULL;
}

/*
 * A decimal without leading zeros (except "0" itself), up to stop; *out >= 0. With neg the
 * magnitude may be one more than LLONG_MAX, and *out is the negative value.
 */
static bool parse_number(struct parser *p, char stop, bool neg, long long *out)
{
	unsigned long long v = 0, max = (unsigned long long)LLONG_MAX + (neg ? 1 : 0);
	size_t start = p->pos;

	while (p->pos < p->len && p->buf[p->pos] != stop) {
		char c = p->buf[p->pos];

		if (c < '0' || c > '9') {
			fail(p, "bad digit");
			return false;
		}
		if (v > (max - (unsigned long long)(c - '0')) / 10) {
			fail(p, "number too large");
			return false;
		}
		v = v * 10 + (unsigned long long)(c - '0');
		p->pos++;
	}
	if (p->pos >= p->len) {
		fail(p, "truncated");
		return false;
	}
	if (p->pos == start || (p->buf[start] == '0' && p->pos - start > 1)) {
		fail(p, p->pos == start ? "empty number" : "leading zero");
		return false;
	}
	p->pos++;	/* the stop character */
	*out = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

static struct bval *node(struct parser *p, enum bv_type t)
{
	struct bval *v;

	if (p->doc->used >= p->doc->cap)
		return fail(p, "too many values");
	v = &p->doc->nodes[p->doc->used++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

static struct bval *parse_value(struct parser *p, int depth);

static struct bval *parse_container(struct parser *p, int depth, enum bv_type t)
{
	struct bval *v = node(p, t), **tail;

	if (!v)
		return NULL;
	if (depth >= BENCODE_MAX_DEPTH)
		return fail(p, "nested too deeply");
	p->pos++;
	tail = &v->child;
	for (;;) {
		struct bval *k, *e;

		if (p->pos >= p->len)
			return fail(p, "truncated");
		if (p->buf[p->pos] == 'e') {
			p->pos++;
			return v;
		}
		if (t == BV_DICT) {
			if (p->buf[p->pos] < '0' || p->buf[p->pos] > '9')
				return fail(p, "dictionary key is not a string");
			k = parse_value(p, depth + 1);
			if (!k)
				return NULL;
			*tail = k;
			tail = &k->next;
		}
		e = parse_value(p, depth + 1);
		if (!e)
			return NULL;
		*tail = e;
		tail = &e->next;
		v->count++;
	}
}

static struct bval *parse_value(struct parser *p, int depth)
{
	struct bval *v;
	long long n;
	bool neg = false;

	if (p->pos >= p->len)
		return fail(p, "truncated");
	switch (p->buf[p->pos]) {
	case 'd':
		return parse_container(p, depth, BV_DICT);
	case 'l':
		return parse_container(p, depth, BV_LIST);
	case 'i':
		p->pos++;
		if (p->pos < p->len && p->buf[p->pos] == '-') {
			neg = true;
			p->pos++;
		}
		if (!parse_number(p, 'e', neg, &n))
			return NULL;
		if (neg && n == 0)
			return fail(p, "negative zero");
		v = node(p, BV_INT);
		if (v)
			v->i = n;
		return v;
	default:
		if (!parse_number(p, ':', false, &n))
			return NULL;
		if ((unsigned long long)n > p->len - p->pos)
			return fail(p, "string runs past the end");
		v = node(p, BV_STR);
		if (!v)
			return NULL;
		v->s = p->buf + p->pos;
		v->len = (size_t)n;
		p->pos += (size_t)n;
		return v;
	}
}

struct bval *bencode_parse(struct bdoc *doc, const char *buf, size_t len, char *err,
			   size_t errlen)
{
	struct parser p = { .doc = doc, .buf = buf, .len = len };
	struct bval *root;

	doc->used = 0;
	root = parse_value(&p, 0);
	if (root && p.pos != len)
		root = fail(&p, "trailing data");
	if (!root)
		snprintf(err, errlen, "%s at offset %zu", p.why ? p.why : "invalid", p.pos);
	return root;
}

/* Validates without building nodes: a scan with a depth counter. */
long bencode_span(const char *buf, size_t len)
{
	size_t pos = 0;
	int depth = 0;

	do {
		if (pos >= len)
			return 0;
		switch (buf[pos]) {
		case 'd':
		case 'l':
			if (++depth > BENCODE_MAX_DEPTH)
				return -1;
			pos++;
			continue;
		case 'e':
			if (!depth)
				return -1;
			depth--;
			pos++;
			continue;
		case 'i': {
			const char *e = memchr(buf + pos, 'e', len - pos);

			if (!e)
				return len - pos > 24 ? -1 : 0;
			pos = (size_t)(e - buf) + 1;
			continue;
		}
		default: {
			size_t n = 0;

			while (pos < len && buf[pos] >= '0' && buf[pos] <= '9') {
				n = n * 10 + (size_t)(buf[pos++] - '0');
				if (n > (1u << 24))
					return -1;
			}
			if (pos >= len)
				return 0;
			if (buf[pos] != ':')
				return -1;
			pos += 1 + n;
			if (pos > len)
				return 0;
		}
		}
	} while (depth > 0);
	return (long)pos;
}

const struct bval *bv_dict_get(const struct bval *dict, const char *key)
{
	size_t klen = strlen(key);

	if (!dict || dict->type != BV_DICT)
		return NULL;
	for (const struct bval *k = dict->child; k && k->next; k = k->next->next)
		if (k->len == klen && !memcmp(k->s, key, klen))
			return k->next;
	return NULL;
}

bool bv_is_str(const struct bval *v, const char *s)
{
	return v && v->type == BV_STR && v->len == strlen(s) && !memcmp(v->s, s, v->len);
}

bool bv_strcpy(const struct bval *v, char *out, size_t size)
{
	if (!v || v->type != BV_STR || v->len >= size || memchr(v->s, '\0', v->len))
		return false;
	memcpy(out, v->s, v->len);
	out[v->len] = '\0';
	return true;
}

void be_dict(struct strbuf *sb)
{
	sb_addc(sb, 'd');
}

void be_list(struct strbuf *sb)
{
	sb_addc(sb, 'l');
}

void be_end(struct strbuf *sb)
{
	sb_addc(sb, 'e');
}

void be_strn(struct strbuf *sb, const char *s, size_t n)
{
	sb_addf(sb, "%zu:", n);
	sb_add(sb, s, n);
}

void be_str(struct strbuf *sb, const char *s)
{
	be_strn(sb, s, strlen(s));
}

void be_int(struct strbuf *sb, long long v)
{
	sb_addf(sb, "i%llde", v);
}

void be_kstr(struct strbuf *sb, const char *key, const char *val)
{
	be_str(sb, key);
	be_str(sb, val);
}

void be_kint(struct strbuf *sb, const char *key, long long v)
{
	be_str(sb, key);
	be_int(sb, v);
}

void be_value(struct strbuf *sb, const struct bval *v)
{
	switch (v->type) {
	case BV_STR:
		be_strn(sb, v->s, v->len);
		break;
	case BV_INT:
		be_int(sb, v->i);
		break;
	case BV_LIST:
	case BV_DICT:
		if (v->type == BV_LIST)
			be_list(sb);
		else
			be_dict(sb);
		for (const struct bval *e = v->child; e; e = e->next)
			be_value(sb, e);
		be_end(sb);
		break;
	}
}
