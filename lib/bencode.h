/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Bencode, as the ng protocol uses it. The parser is zero-copy (strings point into the
 * input) and allocation-free (nodes come from a caller's pool); dictionary keys may come in
 * any order, as Kamailio and rtpengine send them. The encoder appends to a strbuf.
 */
#ifndef SRTPRELAY_BENCODE_H
#define SRTPRELAY_BENCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define BENCODE_MAX_DEPTH 32

enum bv_type { BV_STR, BV_INT, BV_LIST, BV_DICT };

struct bval {
	enum bv_type type;
	const char *s;		/* BV_STR */
	size_t len;
	long long i;		/* BV_INT */
	/* BV_LIST: the first element; BV_DICT: the first key, whose next is its value, whose
	 * next is the following key. */
	struct bval *child;
	struct bval *next;
	unsigned int count;	/* list elements or dict pairs */
};

struct bdoc {
	struct bval *nodes;
	unsigned int used, cap;
};

/*
 * Parses one value spanning exactly buf[0, len). Returns the root, or NULL with a reason
 * (and the offset) in err.
 */
struct bval *bencode_parse(struct bdoc *doc, const char *buf, size_t len, char *err,
			   size_t errlen);
/* Length of the one complete value at the start of buf: 0 if incomplete, -1 if invalid. */
long bencode_span(const char *buf, size_t len);
/* The value for key in dict; NULL if absent or dict is not a dictionary. First one wins. */
const struct bval *bv_dict_get(const struct bval *dict, const char *key);
bool bv_is_str(const struct bval *v, const char *s);
/* Copies a string value out, NUL-terminated; false if not a string, too long or has a NUL. */
bool bv_strcpy(const struct bval *v, char *out, size_t size);

void be_dict(struct strbuf *sb);
void be_list(struct strbuf *sb);
void be_end(struct strbuf *sb);
void be_str(struct strbuf *sb, const char *s);
void be_strn(struct strbuf *sb, const char *s, size_t n);
void be_int(struct strbuf *sb, long long v);
void be_kstr(struct strbuf *sb, const char *key, const char *val);
void be_kint(struct strbuf *sb, const char *key, long long v);
/* A parsed value written back out (the same bytes for canonical input). */
void be_value(struct strbuf *sb, const struct bval *v);

#endif
