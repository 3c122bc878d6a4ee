/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Logging: syslog levels, to stderr (with a timestamp when not under journald) or syslog.
 * Packet-level warnings go through log_ratelimited() so a flood costs one line a second.
 */
#ifndef SRTPRELAY_LOG_H
#define SRTPRELAY_LOG_H

#include <stdbool.h>
#include <syslog.h>

struct log_limit {
	double window_start;	/* monotonic seconds */
	unsigned int count;	/* lines in this window */
	unsigned long suppressed;
};

/* level: LOG_ERR..LOG_DEBUG; to_stderr false means syslog with ident "srtprelayd". */
void log_setup(int level, bool to_stderr);
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* At most 5 lines per second per limit; then one line saying how many were suppressed. */
void log_ratelimited(struct log_limit *l, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

/* Monotonic time in seconds. */
double now_mono(void);

#endif
