// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

static int log_level = LOG_NOTICE;
static bool log_stderr = true;
static bool log_stamp = true;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void log_setup(int level, bool to_stderr)
{
	log_level = level < LOG_ERR ? LOG_ERR : level > LOG_DEBUG ? LOG_DEBUG : level;
	log_stderr = to_stderr;
	/* journald stamps lines itself; it tells us it is there through JOURNAL_STREAM. */
	log_stamp = !getenv("JOURNAL_STREAM");
	if (!to_stderr)
		openlog("srtprelayd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_enabled(int level)
{
	return level <= log_level;
}

static void log_v(int level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* Call-ids, tags and SDP text come from the network: a control byte in them must not
	 * start a new log line or reach the operator's terminal. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (!log_stderr) {
		syslog(level, "%s", line);
		return;
	}
	if (log_stamp) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld [%s] %s\n", when, ts.tv_nsec / 1000000, level_names[level],
			line);
	} else {
		/* "<N>" prefixes let journald keep the level. */
		fprintf(stderr, "<%d>%s\n", level, line);
	}
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

void log_ratelimited(struct log_limit *l, int level, const char *fmt, ...)
{
	double now;
	va_list ap;

	if (!log_enabled(level))
		return;
	now = now_mono();
	if (now - l->window_start >= 1.0) {
		if (l->suppressed)
			log_msg(level, "(%lu similar messages suppressed)", l->suppressed);
		l->window_start = now;
		l->count = 0;
		l->suppressed = 0;
	}
	if (++l->count > 5) {
		l->suppressed++;
		return;
	}
	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}
