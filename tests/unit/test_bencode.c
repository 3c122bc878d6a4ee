// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Bencode: the parser (scalars, nested lists and dictionaries, keys in any order, every
 * malformed form refused with a reason, the node pool's limit), bencode_span on partial,
 * complete and invalid input, the accessors, and the encoder, byte for byte and round trip.
 */
#include "bencode.h"
#include "check.h"

#include <limits.h>
#include <stdbool.h>

#define POOL 256

static struct bval pool[POOL];
static struct bdoc doc = { .nodes = pool, .cap = POOL };
static char err[128];

static struct bval *parse(const char *s)
{
	err[0] = '\0';
	doc.cap = POOL;
	return bencode_parse(&doc, s, strlen(s), err, sizeof(err));
}

/* Same structure and contents; the number of nodes compared goes to *n. */
static bool same(const struct bval *a, const struct bval *b, unsigned int *n)
{
	unsigned int count = 0;

	if (!a || !b)
		return a == b;
	++*n;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case BV_STR:
		return a->len == b->len && !memcmp(a->s, b->s, a->len);
	case BV_INT:
		return a->i == b->i;
	case BV_LIST:
	case BV_DICT:
		if (a->count != b->count)
			return false;
		for (a = a->child, b = b->child; a && b; a = a->next, b = b->next, count++)
			if (!same(a, b, n))
				return false;
		return !a && !b;
	}
	return false;
}

static void scalars(void)
{
	struct bval *v;

	CHECK((v = parse("i0e")) && v->type == BV_INT && v->i == 0);
	CHECK((v = parse("i42e")) && v->type == BV_INT && v->i == 42);
	CHECK((v = parse("i-42e")) && v->type == BV_INT && v->i == -42);
	CHECK((v = parse("i9223372036854775807e")) && v->i == LLONG_MAX);
	CHECK((v = parse("i-9223372036854775807e")) && v->i == -LLONG_MAX);
	CHECK((v = parse("0:")) && v->type == BV_STR && v->len == 0);
	CHECK((v = parse("4:spam")) && bv_is_str(v, "spam"));
	CHECK_EQ(doc.used, 1);
	/* Zero-copy: the string points into the input. */
	{
		static const char in[] = "5:a\0b\r\n";

		v = bencode_parse(&doc, in, sizeof(in) - 1, err, sizeof(err));
		CHECK(v && v->type == BV_STR && v->len == 5);
		CHECK(v->s == in + 2);
		CHECK_MEM(v->s, "a\0b\r\n", 5);
	}
	/* A string may contain every delimiter the grammar uses. */
	CHECK((v = parse("10:d1:ai1eel:")) && bv_is_str(v, "d1:ai1eel:"));
}

/* LLONG_MIN is what be_int writes for the smallest long long; the parser should take it back. */
static void int_extremes(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct bval *v;

	be_int(&sb, LLONG_MIN);
	CHECK(!strcmp(sb.p, "i-9223372036854775808e"));
	v = parse(sb.p);
	if (!v)
		fprintf(stderr, "  %s refused: %s\n", sb.p, err);
	sb_free(&sb);
	CHECK(v && v->type == BV_INT && v->i == LLONG_MIN);
}

static void nested(void)
{
	const char *in = "d4:listli1ei-2el3:abcedee4:dictd1:xd1:yi7eeee";
	const struct bval *v, *l, *e, *d;

	v = parse(in);
	CHECK(v);
	CHECK_EQ(v->type, BV_DICT);
	CHECK_EQ(v->count, 2);
	CHECK_EQ(doc.used, 14);
	l = bv_dict_get(v, "list");
	CHECK(l && l->type == BV_LIST);
	CHECK_EQ(l->count, 4);
	e = l->child;
	CHECK(e && e->type == BV_INT && e->i == 1);
	e = e->next;
	CHECK(e && e->type == BV_INT && e->i == -2);
	e = e->next;
	CHECK(e && e->type == BV_LIST && e->count == 1 && bv_is_str(e->child, "abc"));
	CHECK(!e->child->next);
	e = e->next;
	CHECK(e && e->type == BV_DICT && e->count == 0 && !e->child);
	CHECK(!e->next);
	d = bv_dict_get(v, "dict");
	CHECK(d && d->type == BV_DICT && d->count == 1);
	d = bv_dict_get(d, "x");
	CHECK(d && d->type == BV_DICT);
	CHECK(bv_dict_get(d, "y") && bv_dict_get(d, "y")->i == 7);
	/* Pairs are linked key, value, key, value. */
	CHECK(bv_is_str(v->child, "list"));
	CHECK(v->child->next == l);
	CHECK(bv_is_str(l->next, "dict"));

	CHECK((v = parse("le")) && v->type == BV_LIST && v->count == 0 && !v->child);
	CHECK((v = parse("de")) && v->type == BV_DICT && v->count == 0 && !v->child);
	CHECK((v = parse("lllleeee")) && v->type == BV_LIST && v->count == 1);
}

static void keys_any_order(void)
{
	const struct bval *v, *w;

	/* Not sorted, as Kamailio and rtpengine send them. */
	v = parse("d7:command5:offer3:sdp3:v=01:ai1e7:call-id2:c1e");
	CHECK(v && v->count == 4);
	CHECK(bv_is_str(bv_dict_get(v, "command"), "offer"));
	CHECK(bv_is_str(bv_dict_get(v, "call-id"), "c1"));
	CHECK(bv_is_str(bv_dict_get(v, "sdp"), "v=0"));
	CHECK(bv_dict_get(v, "a") && bv_dict_get(v, "a")->i == 1);
	CHECK(!bv_dict_get(v, "missing"));
	CHECK(!bv_dict_get(v, "call"));		/* a prefix is not the key */
	CHECK(!bv_dict_get(v, "call-id2"));
	CHECK(!bv_dict_get(v, ""));
	/* The same pairs in the opposite order are the same dictionary to bv_dict_get. */
	w = parse("d7:call-id2:c11:ai1e3:sdp3:v=07:command5:offere");
	CHECK(w && w->count == 4);
	CHECK(bv_is_str(bv_dict_get(w, "command"), "offer"));
	CHECK(bv_is_str(bv_dict_get(w, "call-id"), "c1"));
	/* Duplicate keys: the first one wins. */
	v = parse("d1:ki1e1:ki2ee");
	CHECK(v && v->count == 2);
	CHECK(bv_dict_get(v, "k") && bv_dict_get(v, "k")->i == 1);
	/* An empty key. */
	v = parse("d0:i5ee");
	CHECK(v && bv_dict_get(v, "") && bv_dict_get(v, "")->i == 5);
	/* Not a dictionary. */
	v = parse("l1:k1:ve");
	CHECK(v && !bv_dict_get(v, "k"));
	CHECK(!bv_dict_get(NULL, "k"));
}

static const struct {
	const char *in;
	const char *why;	/* in the error message */
} bad[] = {
	{ "", "truncated" },
	{ "i", "truncated" },
	{ "ie", "empty number" },
	{ "i-e", "empty number" },
	{ "i01e", "leading zero" },
	{ "i00e", "leading zero" },
	{ "i-01e", "leading zero" },
	{ "i-0e", "negative zero" },
	{ "i1", "truncated" },
	{ "i12", "truncated" },
	{ "i1x", "bad digit" },
	{ "i+1e", "bad digit" },
	{ "i 1e", "bad digit" },
	{ "i--1e", "bad digit" },
	{ "i1.5e", "bad digit" },
	{ "i9223372036854775808e", "too large" },
	{ "i99999999999999999999999e", "too large" },
	{ "4:abc", "runs past the end" },
	{ "1:", "runs past the end" },
	{ "5", "truncated" },
	{ "-1:a", "bad digit" },
	{ "-0:", "bad digit" },
	{ "01:a", "leading zero" },
	{ "00:", "leading zero" },
	{ ":", "empty number" },
	{ "1a", "bad digit" },
	{ "18446744073709551616:a", "too large" },
	{ "x", "bad digit" },
	{ "e", "bad digit" },
	{ "l", "truncated" },
	{ "li1e", "truncated" },
	{ "l4:spam", "truncated" },
	{ "lli1ee", "truncated" },
	{ "d", "truncated" },
	{ "d1:a", "truncated" },
	{ "d1:ai1e", "truncated" },
	{ "d1:ae", "bad digit" },	/* a key without its value */
	{ "di1ei2ee", "not a string" },
	{ "dlei2ee", "not a string" },
	{ "ddei2ee", "not a string" },
	{ "d3:abc", "truncated" },
	{ "d3:ab", "runs past the end" },
	{ "i1ei2e", "trailing data" },
	{ "4:spamx", "trailing data" },
	{ "lee", "trailing data" },
	{ "de ", "trailing data" },
	{ "i1e\n", "trailing data" },
	{ " i1e", "bad digit" },
};

static void malformed(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bval *v = parse(bad[i].in);

		if (v || !strstr(err, bad[i].why) || !strstr(err, " at offset ")) {
			fprintf(stderr, "  \"%s\": %s, err \"%s\" (expected \"%s\")\n", bad[i].in,
				v ? "accepted" : "refused", err, bad[i].why);
			CHECK(0);
		}
	}
}

static void error_offsets(void)
{
	CHECK(!parse("4:abc"));
	CHECK(!strcmp(err, "string runs past the end at offset 2"));
	CHECK(!parse("i1ei2e"));
	CHECK(!strcmp(err, "trailing data at offset 3"));
	CHECK(!parse("d3:keyi01ee"));
	CHECK(strstr(err, "leading zero"));
	CHECK(!parse("l4:spam"));
	CHECK(!strcmp(err, "truncated at offset 7"));
	/* A short error buffer is truncated, never overrun. */
	{
		char small[8];
		struct bval *v;

		memset(small, 'x', sizeof(small));
		v = bencode_parse(&doc, "4:abc", 5, small, sizeof(small));
		CHECK(!v);
		CHECK(memchr(small, '\0', sizeof(small)));
		CHECK(!strcmp(small, "string "));
	}
}

/* Nesting: BENCODE_MAX_DEPTH containers deep is fine, one more is refused. */
static void depth(void)
{
	char buf[2 * (BENCODE_MAX_DEPTH + 2) + 8];
	size_t n = 0;
	struct bval *v;

	for (int i = 0; i < BENCODE_MAX_DEPTH; i++)
		buf[n++] = 'l';
	for (int i = 0; i < BENCODE_MAX_DEPTH; i++)
		buf[n++] = 'e';
	buf[n] = '\0';
	v = parse(buf);
	if (!v)
		fprintf(stderr, "  %d deep: %s\n", BENCODE_MAX_DEPTH, err);
	CHECK(v);
	CHECK_EQ(doc.used, BENCODE_MAX_DEPTH);
	CHECK_EQ(bencode_span(buf, n), (long)n);

	n = 0;
	for (int i = 0; i <= BENCODE_MAX_DEPTH; i++)
		buf[n++] = 'l';
	for (int i = 0; i <= BENCODE_MAX_DEPTH; i++)
		buf[n++] = 'e';
	buf[n] = '\0';
	CHECK(!parse(buf));
	CHECK(strstr(err, "nested too deeply"));
	CHECK_EQ(bencode_span(buf, n), -1);

	/* Deep dictionaries count as deep too: d1:a d1:a ... */
	{
		char d[6 * (BENCODE_MAX_DEPTH + 1) + 8];

		n = 0;
		for (int i = 0; i <= BENCODE_MAX_DEPTH; i++) {
			memcpy(d + n, "d1:a", 4);
			n += 4;
		}
		d[n++] = 'l';	/* innermost value, one level more */
		d[n++] = 'e';
		for (int i = 0; i <= BENCODE_MAX_DEPTH; i++)
			d[n++] = 'e';
		d[n] = '\0';
		CHECK(!parse(d));
		CHECK(strstr(err, "nested too deeply"));
		CHECK_EQ(bencode_span(d, n), -1);
	}
}

static void pool_limit(void)
{
	const char *in = "d1:ai1e1:bli2ei3eee";	/* 7 nodes */
	struct bval *v;

	doc.cap = 7;
	err[0] = '\0';
	v = bencode_parse(&doc, in, strlen(in), err, sizeof(err));
	CHECK(v);
	CHECK_EQ(doc.used, 7);
	doc.cap = 6;
	v = bencode_parse(&doc, in, strlen(in), err, sizeof(err));
	CHECK(!v);
	CHECK(strstr(err, "too many values"));
	CHECK(doc.used <= 6);
	doc.cap = 0;
	v = bencode_parse(&doc, "i1e", 3, err, sizeof(err));
	CHECK(!v);
	CHECK(strstr(err, "too many values"));
	doc.cap = 1;
	CHECK(bencode_parse(&doc, "i1e", 3, err, sizeof(err)));
	CHECK(bencode_parse(&doc, "le", 2, err, sizeof(err)));
	CHECK(!bencode_parse(&doc, "li1ee", 5, err, sizeof(err)));
	/* The pool is reused from the start by every parse. */
	doc.cap = POOL;
	for (int i = 0; i < 3; i++) {
		CHECK(bencode_parse(&doc, in, strlen(in), err, sizeof(err)));
		CHECK_EQ(doc.used, 7);
	}
	/* A long flat list uses exactly one node per value. */
	{
		struct strbuf sb = STRBUF_INIT;

		be_list(&sb);
		for (int i = 0; i < POOL - 1; i++)
			be_int(&sb, i);
		be_end(&sb);
		v = parse(sb.p);
		CHECK(v && v->count == POOL - 1);
		CHECK_EQ(doc.used, POOL);
		sb.len--;
		be_int(&sb, 0);
		be_end(&sb);
		CHECK(!parse(sb.p));
		CHECK(strstr(err, "too many values"));
		sb_free(&sb);
	}
}

static void span(void)
{
	static const char *const complete[] = {
		"i0e", "i-42e", "0:", "4:spam", "le", "de", "li1e4:spame", "d1:ai1e1:bl1:cee",
		"d3:sdp10:v=0\r\nm=x\r\ne", "llllleeeee",
	};

	for (size_t i = 0; i < sizeof(complete) / sizeof(complete[0]); i++) {
		const char *s = complete[i];
		size_t n = strlen(s);
		char buf[64];

		CHECK_EQ(bencode_span(s, n), (long)n);
		/* Every strict prefix is incomplete. */
		for (size_t k = 0; k < n; k++)
			if (bencode_span(s, k) != 0) {
				fprintf(stderr, "  prefix %zu of %s: %ld\n", k, s,
					bencode_span(s, k));
				CHECK(0);
			}
		/* What follows the value is not part of it. */
		snprintf(buf, sizeof(buf), "%sd1:xi1ee", s);
		CHECK_EQ(bencode_span(buf, strlen(buf)), (long)n);
		snprintf(buf, sizeof(buf), "%sGARBAGE", s);
		CHECK_EQ(bencode_span(buf, strlen(buf)), (long)n);
		/* And the parser agrees on the value itself. */
		CHECK(parse(s));
	}
	/* A stream of two messages, one after the other. */
	{
		const char *st = "d7:command4:pinged6:result4:ponge";
		long a = bencode_span(st, strlen(st));

		CHECK_EQ(a, 17);
		CHECK_EQ(bencode_span(st + a, strlen(st) - (size_t)a), 16);
	}
	/* Invalid from the first bytes on. */
	CHECK_EQ(bencode_span("e", 1), -1);
	CHECK_EQ(bencode_span("x", 1), -1);
	CHECK_EQ(bencode_span("-1:a", 4), -1);
	CHECK_EQ(bencode_span("1x", 2), -1);
	CHECK_EQ(bencode_span("lx", 2), -1);
	CHECK_EQ(bencode_span("d1:ax", 5), -1);
	CHECK_EQ(bencode_span("lei", 3), 2);
	/* An integer with no end in sight. */
	CHECK_EQ(bencode_span("i123", 4), 0);
	CHECK_EQ(bencode_span("i12345678901234567890123456789", 30), -1);
	/* A string longer than anything ng sends is refused rather than waited for. */
	CHECK_EQ(bencode_span("99999999:", 9), -1);
	CHECK_EQ(bencode_span("100:", 4), 0);
	CHECK_EQ(bencode_span("", 0), 0);
}

static void accessors(void)
{
	const struct bval *v;
	char out[8];

	v = bencode_parse(&doc, "l4:spam7:1234567i5e3:a\0be", 25, err, sizeof(err));
	CHECK(v && v->count == 4);
	CHECK(bv_is_str(v->child, "spam"));
	CHECK(!bv_is_str(v->child, "spa"));
	CHECK(!bv_is_str(v->child, "spams"));
	CHECK(!bv_is_str(v->child->next->next, "5"));
	CHECK(!bv_is_str(v, "l"));
	CHECK(!bv_is_str(NULL, ""));

	memset(out, 'x', sizeof(out));
	CHECK(bv_strcpy(v->child, out, sizeof(out)));
	CHECK(!strcmp(out, "spam"));
	CHECK(bv_strcpy(v->child, out, 5));		/* exactly fits with its NUL */
	CHECK(!strcmp(out, "spam"));
	CHECK(!bv_strcpy(v->child, out, 4));		/* no room for the NUL */
	CHECK(bv_strcpy(v->child->next, out, 8));	/* 7 + NUL */
	CHECK(!strcmp(out, "1234567"));
	CHECK(!bv_strcpy(v->child->next, out, 7));
	CHECK(!bv_strcpy(v->child->next->next, out, sizeof(out)));	/* an integer */
	CHECK(!bv_strcpy(v->child->next->next->next, out, sizeof(out)));	/* has a NUL */
	CHECK(!bv_strcpy(v, out, sizeof(out)));
	CHECK(!bv_strcpy(NULL, out, sizeof(out)));
	CHECK(!bv_strcpy(v->child, out, 0));
	v = parse("0:");
	CHECK(bv_strcpy(v, out, 1));
	CHECK(out[0] == '\0');
}

static void encoder(void)
{
	struct strbuf sb = STRBUF_INIT;
	static const char bin[] = { 'a', '\0', 'b' };

	be_dict(&sb);
	be_kstr(&sb, "result", "ok");
	be_kint(&sb, "created", 1795386307);
	be_kint(&sb, "neg", -5);
	be_kint(&sb, "zero", 0);
	be_str(&sb, "list");
	be_list(&sb);
	be_str(&sb, "");
	be_strn(&sb, bin, sizeof(bin));
	be_dict(&sb);
	be_end(&sb);
	be_list(&sb);
	be_end(&sb);
	be_end(&sb);
	be_kstr(&sb, "sdp", "v=0\r\n");
	be_end(&sb);
	CHECK(!sb.oom);
	CHECK_EQ(sb.len, strlen("d6:result2:ok7:createdi1795386307e3:negi-5e4:zeroi0e4:listl0:3:a")
		 + 1 + strlen("bdelee3:sdp5:v=0\r\ne"));
	CHECK_MEM(sb.p, "d6:result2:ok7:createdi1795386307e3:negi-5e4:zeroi0e4:listl0:3:a\0bdelee"
		  "3:sdp5:v=0\r\ne", sb.len);
	sb_free(&sb);
}

/* Encoded, parsed, encoded again: the same bytes and the same tree. */
static void round_trip(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	static struct bval pool2[POOL];
	struct bdoc doc2 = { .nodes = pool2, .cap = POOL };
	const struct bval *v, *w;
	unsigned int n = 0;
	char big[300];

	memset(big, 'Z', sizeof(big));
	be_dict(&a);
	be_kstr(&a, "command", "offer");
	be_kstr(&a, "call-id", "abc@example");
	be_str(&a, "flags");
	be_list(&a);
	for (int i = 0; i < 20; i++)
		be_int(&a, (long long)i * -1000003);
	be_end(&a);
	be_kint(&a, "max", LLONG_MAX);
	be_str(&a, "big");
	be_strn(&a, big, sizeof(big));
	be_str(&a, "nested");
	be_list(&a);
	be_dict(&a);
	be_kstr(&a, "z", "last");
	be_kstr(&a, "a", "first");
	be_end(&a);
	be_end(&a);
	be_kstr(&a, "sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n");
	be_end(&a);
	CHECK(!a.oom);

	v = bencode_parse(&doc, a.p, a.len, err, sizeof(err));
	if (!v)
		fprintf(stderr, "  %s\n", err);
	CHECK(v);
	be_value(&b, v);
	CHECK_EQ(b.len, a.len);
	CHECK_MEM(b.p, a.p, a.len);
	w = bencode_parse(&doc2, b.p, b.len, err, sizeof(err));
	CHECK(w);
	CHECK(same(v, w, &n));
	CHECK_EQ(n, doc.used);
	CHECK_EQ(doc2.used, doc.used);
	CHECK_EQ(bencode_span(a.p, a.len), (long)a.len);
	/* The strings point into each one's own buffer. */
	CHECK(bv_dict_get(v, "sdp")->s > a.p && bv_dict_get(v, "sdp")->s < a.p + a.len);
	CHECK(bv_dict_get(w, "sdp")->s > b.p && bv_dict_get(w, "sdp")->s < b.p + b.len);
	CHECK(bv_dict_get(v, "big") && bv_dict_get(v, "big")->len == sizeof(big));
	CHECK(bv_dict_get(v, "max") && bv_dict_get(v, "max")->i == LLONG_MAX);
	CHECK(bv_dict_get(v, "flags") && bv_dict_get(v, "flags")->count == 20);
	w = bv_dict_get(v, "nested");
	CHECK(w && w->type == BV_LIST && w->count == 1);
	CHECK(bv_is_str(bv_dict_get(w->child, "a"), "first"));
	CHECK(bv_is_str(bv_dict_get(w->child, "z"), "last"));
	sb_free(&a);
	sb_free(&b);
}

static const struct check_case cases[] = {
	CASE(scalars),
	CASE(int_extremes),
	CASE(nested),
	CASE(keys_any_order),
	CASE(malformed),
	CASE(error_offsets),
	CASE(depth),
	CASE(pool_limit),
	CASE(span),
	CASE(accessors),
	CASE(encoder),
	CASE(round_trip),
};

CHECK_MAIN("bencode", cases)
