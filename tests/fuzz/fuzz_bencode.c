// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the bencode parser and encoder. The input is one bencoded value,
 * exactly its size as libFuzzer hands it over, so ASan sees any read past its end.
 *
 * Oracles besides the sanitizers:
 *  - a refusal always comes with a reason and an offset;
 *  - a small pool and a large one agree, except that the small one may run out ("too many
 *    values") where the large one needed more nodes than it has;
 *  - the tree is well formed: counts match the children, dictionary keys are strings, strings
 *    lie inside the input, nesting stays within BENCODE_MAX_DEPTH, every node is in the pool;
 *  - bencode_span agrees: what parses is exactly one complete value (its strict prefixes are
 *    incomplete, bytes after it are not part of it); what span calls invalid does not parse;
 *  - what parses is canonical (no leading zeros, no -0), so the encoder writes it back octet
 *    for octet, and that parses again into the same tree, node for node;
 *  - bv_dict_get finds the first value of every key of every dictionary.
 */
#include "bencode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL 16
#define LARGE 4096

static struct bval small_pool[SMALL], large_pool[LARGE], again_pool[LARGE];
static const char *in_buf;
static size_t in_len;

static void die(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_bencode: %s (%s)\n", what, err ? err : "");
	abort();
}

/* Well formed; returns the number of nodes. */
static unsigned int check_tree(const struct bval *v, const struct bdoc *doc, int depth)
{
	unsigned int nodes = 1, children = 0;

	if (v < doc->nodes || v >= doc->nodes + doc->used)
		die("node outside the pool", NULL);
	switch (v->type) {
	case BV_STR:
		if (v->s < in_buf || v->len > in_len || v->s + v->len > in_buf + in_len)
			die("string outside the input", NULL);
		return 1;
	case BV_INT:
		return 1;
	case BV_LIST:
	case BV_DICT:
		if (depth >= BENCODE_MAX_DEPTH)
			die("nested deeper than BENCODE_MAX_DEPTH", NULL);
		for (const struct bval *e = v->child; e; e = e->next, children++) {
			if (v->type == BV_DICT && !(children & 1) && e->type != BV_STR)
				die("dictionary key is not a string", NULL);
			nodes += check_tree(e, doc, depth + 1);
		}
		if (children != (v->type == BV_DICT ? 2 * v->count : v->count))
			die("count does not match the children", NULL);
		if (v->type == BV_DICT) {
			/* The first value of each key is what bv_dict_get finds. */
			for (const struct bval *k = v->child; k; k = k->next->next) {
				char key[64];
				const struct bval *first = NULL;

				if (k->len >= sizeof(key) || memchr(k->s, '\0', k->len))
					continue;
				memcpy(key, k->s, k->len);
				key[k->len] = '\0';
				for (const struct bval *j = v->child; j; j = j->next->next)
					if (j->len == k->len && !memcmp(j->s, k->s, k->len)) {
						first = j->next;
						break;
					}
				if (bv_dict_get(v, key) != first)
					die("bv_dict_get missed the first value of a key", key);
			}
		}
		return nodes;
	}
	die("bad node type", NULL);
	return 0;
}

static int same(const struct bval *a, const struct bval *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case BV_STR:
		return a->len == b->len && !memcmp(a->s, b->s, a->len);
	case BV_INT:
		return a->i == b->i;
	case BV_LIST:
	case BV_DICT:
		if (a->count != b->count)
			return 0;
		for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
			if (!same(a, b))
				return 0;
		return !a && !b;
	}
	return 0;
}

static void refused_with_reason(const char *err)
{
	if (!err[0] || !strstr(err, " at offset "))
		die("refused without a reason", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bdoc small = { .nodes = small_pool, .cap = SMALL };
	struct bdoc large = { .nodes = large_pool, .cap = LARGE };
	struct bdoc again = { .nodes = again_pool, .cap = LARGE };
	const char *buf = (const char *)data;
	char err[128] = "", err2[128] = "";
	struct bval *vs, *vl, *va;
	struct strbuf sb = STRBUF_INIT;
	long span = bencode_span(buf, size);

	in_buf = buf;
	in_len = size;
	if (span < -1 || span > (long)size)
		die("span out of range", NULL);

	vs = bencode_parse(&small, buf, size, err, sizeof(err));
	vl = bencode_parse(&large, buf, size, err2, sizeof(err2));
	if (small.used > SMALL || large.used > LARGE)
		die("pool overrun", NULL);
	if (!vs)
		refused_with_reason(err);
	if (!vl)
		refused_with_reason(err2);
	if (vs && (!vl || small.used != large.used || !same(vs, vl)))
		die("the large pool disagrees with the small one", err2);
	if (!vs && vl && (!strstr(err, "too many values") || large.used <= SMALL))
		die("the small pool refused for another reason than its size", err);
	/* (span is a framing scan, laxer than the parser: a refusal says nothing about it) */
	if (!vl)
		return 0;

	/* It parsed. */
	if (check_tree(vl, &large, 0) != large.used)
		die("node count", NULL);
	if (span != (long)size)
		die("bencode_span disagrees with the parser", NULL);
	if (size && bencode_span(buf, size - 1) != 0)
		die("a strict prefix is not incomplete", NULL);
	{
		char *more = malloc(size + 3);

		if (more) {
			memcpy(more, buf, size);
			memcpy(more + size, "i1e", 3);
			if (bencode_span(more, size + 3) != (long)size)
				die("bencode_span took in the next value", NULL);
			free(more);
		}
	}

	be_value(&sb, vl);
	if (sb.oom)
		return 0;
	if (sb.len != size || memcmp(sb.p, buf, size))
		die("re-encoding differs", sb.p);
	va = bencode_parse(&again, sb.p, sb.len, err, sizeof(err));
	if (!va)
		die("re-encoded value does not parse", err);
	if (again.used != large.used || !same(vl, va))
		die("re-parsed tree differs", NULL);
	sb_free(&sb);
	return 0;
}
