// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * struct sdp back to text, with a struct sdp_rewrite applied. The input is walked line by
 * line again (the parser has already proved every line sound), so whatever the rewrite does
 * not name is copied octet for octet with its own line ending; see sdp.h for where changed
 * and new lines go.
 */
#include "sdp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define SDP_ADDR_MAX 255	/* a domain name is the longest thing a c= line may carry */

struct writer {
	const struct sdp *in;
	struct strbuf *out;
	size_t line_start;
	bool pending_eol;	/* the last line copied had no ending: add one before more */
	unsigned int n_attrs, n_attrs_total;
	char *err;
	size_t errlen;
	bool failed;
};

struct line {
	const char *s;
	size_t len;
	struct sdp_str end;	/* its ending as it was: "\r\n", "\n" or empty at the very end */
};

static void wfail(struct writer *w, const char *why, const char *what)
{
	if (!w->failed && w->errlen)
		snprintf(w->err, w->errlen, "%s%s%s", why, what ? ": " : "", what ? what : "");
	w->failed = true;
}

/* The next line in [*pos, end), or false at end. */
static bool next_line(const char **pos, const char *end, struct line *l)
{
	const char *s = *pos, *nl;

	if (s >= end)
		return false;
	nl = memchr(s, '\n', (size_t)(end - s));
	l->s = s;
	l->len = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*pos = nl ? nl + 1 : end;
	if (nl && l->len && s[l->len - 1] == '\r')
		l->len--;
	l->end.s = s + l->len;
	l->end.len = (size_t)(*pos - l->end.s);
	return true;
}

static void begin(struct writer *w)
{
	if (w->pending_eol)
		sb_adds(w->out, w->in->eol);
	w->pending_eol = false;
	w->line_start = w->out->len;
}

static void put(struct writer *w, const char *s, size_t n)
{
	sb_add(w->out, s, n);
}

/* Closes a line begun with begin(): checks it and adds its ending (NULL: sdp->eol). */
static void finish_line(struct writer *w, const struct sdp_str *end)
{
	size_t n = w->out->len - w->line_start;

	if (w->out->oom)
		return;
	if (n > SDP_MAX_LINE)
		wfail(w, "line too long", NULL);
	if (n >= 2 && !memcmp(w->out->p + w->line_start, "a=", 2)) {
		if (++w->n_attrs > SDP_MAX_ATTRS)
			wfail(w, "too many attributes in a section", NULL);
		if (++w->n_attrs_total > SDP_MAX_ATTRS_TOTAL)
			wfail(w, "too many attributes", NULL);
	}
	if (!end)
		sb_adds(w->out, w->in->eol);
	else if (end->len)
		put(w, end->s, end->len);
	else
		w->pending_eol = true;
}

static void copy_line(struct writer *w, const struct line *l)
{
	begin(w);
	put(w, l->s, l->len);
	finish_line(w, &l->end);
}

static void new_attr(struct writer *w, const char *text)
{
	begin(w);
	sb_addf(w->out, "a=%s", text);
	finish_line(w, NULL);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IP4" : family == AF_INET6 ? "IP6" : NULL;
}

/* "c=IN IP4 addr", ending as the line it replaces (NULL: a new line). */
static void write_conn(struct writer *w, const char *addr, int family, const struct sdp_str *end)
{
	begin(w);
	sb_addf(w->out, "c=IN %s %s", family_name(family), addr);
	finish_line(w, end);
}

/* A token the rewrite puts in a line ('/' would read as a multicast suffix in an address). */
static bool check_str(struct writer *w, const char *s, const char *reject, const char *what)
{
	size_t n = strlen(s);

	if (!n || n > SDP_ADDR_MAX || strpbrk(s, reject)) {
		wfail(w, "bad rewrite", what);
		return false;
	}
	return true;
}

static bool check_addr(struct writer *w, const char *addr, int family, const char *what)
{
	if (!addr)
		return true;
	if (!family_name(family)) {
		wfail(w, "bad address family", what);
		return false;
	}
	return check_str(w, addr, "\r\n \t/", what);
}

static bool check_adds(struct writer *w, const char *const *add, unsigned int n)
{
	char why[SDP_ERR_MAX];

	for (unsigned int i = 0; i < n; i++) {
		if (!add[i] || sdp_attr_check(add[i], strlen(add[i]), why, sizeof(why))) {
			wfail(w, "bad extra attribute", add[i] ? why : "NULL");
			return false;
		}
	}
	return true;
}

/* Refuses, before anything is written, a rewrite that would not make valid SDP. */
static bool check_rewrite(struct writer *w, const struct sdp_rewrite *rw)
{
	if (!check_addr(w, rw->origin_addr, rw->origin_family, "origin") ||
	    !check_addr(w, rw->session_addr, rw->session_family, "session c=") ||
	    !check_adds(w, rw->session_add, rw->n_session_add))
		return false;
	for (unsigned int i = 0; i < w->in->n_media; i++) {
		const struct sdp_media_rw *m = &rw->media[i];
		bool dir_ok = !m->direction;

		for (unsigned int d = SDP_DIR_SENDRECV; d <= SDP_DIR_INACTIVE && !dir_ok; d++)
			dir_ok = !strcmp(m->direction, sdp_dir_name(d));
		if (!dir_ok) {
			wfail(w, "bad direction", m->direction);
			return false;
		}
		if (m->rtcp > SDP_RTCP_DROP) {
			wfail(w, "bad rtcp rewrite", NULL);
			return false;
		}
		if ((m->proto && !check_str(w, m->proto, "\r\n \t", "proto")) ||
		    !check_addr(w, m->conn_addr, m->conn_family, "media c=") ||
		    !check_addr(w, m->rtcp_addr, m->rtcp_family, "a=rtcp") ||
		    !check_adds(w, m->add, m->n_add))
			return false;
	}
	return true;
}

static void write_session(struct writer *w, const struct sdp_rewrite *rw)
{
	const struct sdp *in = w->in;
	const struct sdp_section *sec = &in->session;
	const char *pos = sec->start;
	unsigned int ai = 0;
	struct line l;

	while (next_line(&pos, sec->end, &l)) {
		if (l.s[0] == 'o' && rw->origin_addr) {
			begin(w);
			put(w, l.s, (size_t)(in->origin.nettype.s - l.s));
			sb_addf(w->out, "IN %s %s", family_name(rw->origin_family),
				rw->origin_addr);
			finish_line(w, &l.end);
		} else if (l.s[0] == 'c' && rw->session_addr) {
			write_conn(w, rw->session_addr, rw->session_family, &l.end);
		} else if (l.s[0] == 'a') {
			if (!(sec->attrs[ai++].drop_class & rw->session_drop))
				copy_line(w, &l);
		} else {
			copy_line(w, &l);
		}
	}
	for (unsigned int i = 0; i < rw->n_session_add; i++)
		new_attr(w, rw->session_add[i]);
}

/* The m= line with a new port and/or protocol, the rest as it was. */
static void write_mline(struct writer *w, const struct sdp_media *m, const struct sdp_media_rw *mrw,
			const struct line *l)
{
	const char *type_end = m->type.s + m->type.len, *proto_end = m->proto.s + m->proto.len;
	struct sdp_str port = { type_end, (size_t)(m->proto.s - type_end) }, tok;

	begin(w);
	put(w, l->s, (size_t)(type_end - l->s));
	if (mrw->reject)
		sb_adds(w->out, " 0");
	else if (mrw->port)
		sb_addf(w->out, " %u", (unsigned int)mrw->port);
	else if (sdp_token(&port, &tok))
		sb_addf(w->out, " %.*s", (int)tok.len, tok.s);
	if (mrw->proto)
		sb_addf(w->out, " %s", mrw->proto);
	else
		sb_addf(w->out, " %.*s", (int)m->proto.len, m->proto.s);
	put(w, proto_end, (size_t)(l->s + l->len - proto_end));
	finish_line(w, &l->end);
}

static void write_rtcp(struct writer *w, const struct sdp_media_rw *mrw, const struct sdp_str *end)
{
	begin(w);
	sb_addf(w->out, "a=rtcp:%u", (unsigned int)mrw->rtcp_port);
	if (mrw->rtcp_addr)
		sb_addf(w->out, " IN %s %s", family_name(mrw->rtcp_family), mrw->rtcp_addr);
	finish_line(w, end);
}

/* The address a media c= line gets, and whether one must be created. */
static const char *media_conn(const struct sdp *in, const struct sdp_rewrite *rw,
			      const struct sdp_media *m, const struct sdp_media_rw *mrw,
			      int *family, bool *create)
{
	const struct sdp_conn *sc = &in->session.conn;

	*create = false;
	*family = mrw->conn_family;
	if (mrw->conn_addr) {
		if (!m->sec.conn.present) {
			/* Only if the session's c=, as it will be written, says something else. */
			if (rw->session_addr && sc->present)
				*create = rw->session_family != mrw->conn_family ||
					  strcmp(rw->session_addr, mrw->conn_addr);
			else if (sc->present)
				*create = sc->family != mrw->conn_family ||
					  !sdp_str_eq(sc->addr, mrw->conn_addr);
			else
				*create = true;
		}
		return mrw->conn_addr;
	}
	if (rw->session_addr && !sc->present) {
		*family = rw->session_family;
		return rw->session_addr;
	}
	return NULL;
}

/* Whether the media attribute a is kept as it is; writes its replacement if it has one. */
static bool media_attr(struct writer *w, const struct sdp_media_rw *mrw, const struct sdp_attr *a,
		       const struct line *l, bool *rtcp_done, bool *dir_done, bool *mux_kept)
{
	if (a->drop_class & mrw->drop)
		return false;
	switch (a->id) {
	case SDP_A_RTCP:
		if (mrw->rtcp == SDP_RTCP_KEEP)
			return true;
		if (mrw->rtcp == SDP_RTCP_SET && !*rtcp_done)
			write_rtcp(w, mrw, &l->end);
		*rtcp_done = true;
		return false;
	case SDP_A_RTCP_MUX:
		*mux_kept = true;
		return true;
	case SDP_A_SENDRECV:
	case SDP_A_SENDONLY:
	case SDP_A_RECVONLY:
	case SDP_A_INACTIVE:
		if (!mrw->direction)
			return true;
		if (!*dir_done) {
			begin(w);
			sb_addf(w->out, "a=%s", mrw->direction);
			finish_line(w, &l->end);
		}
		*dir_done = true;
		return false;
	default:
		return true;
	}
}

static void write_media(struct writer *w, const struct sdp_rewrite *rw, unsigned int i)
{
	const struct sdp_media *m = &w->in->media[i];
	const struct sdp_media_rw *mrw = &rw->media[i];
	bool create, rtcp_done = false, dir_done = false, mux_kept = false;
	const char *pos = m->sec.start, *addr;
	unsigned int ai = 0;
	struct line l;
	int family;

	addr = media_conn(w->in, rw, m, mrw, &family, &create);
	w->n_attrs = 0;
	while (next_line(&pos, m->sec.end, &l)) {
		/* A new c= goes after m= and i=, before b=, k= and a= (RFC 8866 5). */
		if (create && l.s[0] != 'm' && l.s[0] != 'i') {
			write_conn(w, addr, family, NULL);
			create = false;
		}
		if (l.s[0] == 'm' && (mrw->reject || mrw->port || mrw->proto))
			write_mline(w, m, mrw, &l);
		else if (l.s[0] == 'c' && addr)
			write_conn(w, addr, family, &l.end);
		else if (l.s[0] != 'a' || media_attr(w, mrw, &m->sec.attrs[ai++], &l, &rtcp_done,
						     &dir_done, &mux_kept))
			copy_line(w, &l);
	}
	if (create)
		write_conn(w, addr, family, NULL);
	if (mrw->direction && !dir_done)
		new_attr(w, mrw->direction);
	if (mrw->rtcp == SDP_RTCP_SET && !rtcp_done)
		write_rtcp(w, mrw, NULL);
	if (mrw->rtcp_mux && !mux_kept)
		new_attr(w, "rtcp-mux");
	for (unsigned int k = 0; k < mrw->n_add; k++)
		new_attr(w, mrw->add[k]);
}

int sdp_write(const struct sdp *in, const struct sdp_rewrite *rw, struct strbuf *out,
	      char *err, size_t errlen)
{
	static const struct sdp_rewrite none;
	struct writer w = { .in = in, .out = out, .err = err, .errlen = errlen };

	if (!rw)
		rw = &none;
	if (!check_rewrite(&w, rw))
		return -EINVAL;
	write_session(&w, rw);
	for (unsigned int i = 0; i < in->n_media && !w.failed; i++)
		write_media(&w, rw, i);
	if (in->tail.len)
		put(&w, in->tail.s, in->tail.len);
	if (out->oom) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return w.failed ? -EINVAL : 0;
}
