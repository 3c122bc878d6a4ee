/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A deliberately tiny unit-test harness. Each test binary lists its cases in a table and calls
 * check_run(); every case prints one "PASS name" or "FAIL name" line, which tests/run.sh counts
 * into the suite's closing "N passed, N failed" line. A failed CHECK ends its case only.
 */
#ifndef SRTPRELAY_TESTS_CHECK_H
#define SRTPRELAY_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct check_case {
	const char *name;
	void (*fn)(void);
};

extern int check_failed_now;

void check_fail(const char *file, int line, const char *what);
void check_hexdump(const char *label, const void *p, size_t n);
int check_run(const char *suite, const struct check_case *cases, size_t n, int argc, char **argv);
/* Parses hex (whitespace ignored) into out; returns the byte count or -1. */
int check_unhex(const char *hex, unsigned char *out, size_t cap);
/* "192.0.2.1" or "2001:db8::1" and a port as a socket address. */
struct sockaddr_storage check_addr(const char *ip, unsigned int port);

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			check_fail(__FILE__, __LINE__, #cond);             \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long _a = (long long)(a), _b = (long long)(b);        \
		if (_a != _b) {                                            \
			fprintf(stderr, "  %s = %lld, %s = %lld\n", #a, _a, \
				#b, _b);                                   \
			check_fail(__FILE__, __LINE__, #a " == " #b);      \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_MEM(a, b, n)                                                 \
	do {                                                               \
		if (memcmp((a), (b), (n))) {                               \
			check_hexdump("got     ", (a), (n));               \
			check_hexdump("expected", (b), (n));               \
			check_fail(__FILE__, __LINE__, #a " == " #b);      \
			return;                                            \
		}                                                          \
	} while (0)

#define CASE(fn) { #fn, fn }
#define CHECK_MAIN(suite, table)                                           \
	int main(int argc, char **argv)                                    \
	{                                                                  \
		return check_run(suite, table,                             \
				 sizeof(table) / sizeof((table)[0]), argc, argv); \
	}

#endif
