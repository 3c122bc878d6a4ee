/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The ng commands: one bencoded request in, one bencoded reply out. Every failure is a
 * reply with "result": "error" and a sentence in "error-reason"; nothing here exits.
 */
#ifndef SRTPRELAY_NG_H
#define SRTPRELAY_NG_H

#include <stddef.h>

#include "strbuf.h"

struct srtprelayd;
struct call;

/* Appends the bencoded reply to body (len octets) onto reply. */
void ng_handle(struct srtprelayd *d, const char *body, size_t len, struct strbuf *reply);
/* The call's legs, streams and counters, as query and delete return them (dict entries). */
void ng_call_details(struct srtprelayd *d, const struct call *c, struct strbuf *sb);

#endif
