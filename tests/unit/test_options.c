// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * srtprelayd's settings: rtpengine's option names on the command line, the same keys in an
 * INI file (ours or rtpengine's section), the command line winning, and errors that name
 * the file, line and key.
 */
#include "check.h"
#include "options.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

static int run(struct config *c, char *err, int argc, ...)
{
	char *argv[32];
	va_list ap;

	va_start(ap, argc);
	argv[0] = "srtprelayd";
	for (int i = 1; i <= argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc + 1] = NULL;
	err[0] = '\0';
	return config_from_args(c, argc + 1, argv, err, CONFIG_ERR_MAX);
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/srtprelay-opt-%d.conf", (int)getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void rtpengine_names(void)
{
	struct config c;
	char err[CONFIG_ERR_MAX], a[64];

	CHECK_EQ(run(&c, err, 8, "--interface=127.0.0.1", "--listen-ng=127.0.0.1:2223",
		     "--port-min=40000", "--port-max=40100", "--table=-1", "--foreground",
		     "--timeout=30", "--interface=pub/::1!2001:db8::1"), 0);
	CHECK_EQ(c.n_iface, 2);
	CHECK(!strcmp(c.iface[0].name, "default"));
	CHECK(!strcmp(addr_str(&c.iface[0].local, a, sizeof(a)), "127.0.0.1"));
	CHECK(!strcmp(c.iface[1].name, "pub"));
	CHECK(!strcmp(addr_str(&c.iface[1].advertised, a, sizeof(a)), "2001:db8::1"));
	CHECK(!strcmp(addr_str(&c.listen_ng, a, sizeof(a)), "127.0.0.1:2223"));
	CHECK_EQ(c.port_min, 40000);
	CHECK_EQ(c.port_max, 40100);
	CHECK_EQ(c.table, -1);
	CHECK(c.foreground);
	CHECK_EQ(c.timeout, 30);
}

/* --endpoint-learning takes rtpengine's four names; heuristic (rtpengine's default too). */
static void endpoint_learning_modes(void)
{
	static const char *const names[] = { "delayed", "immediate", "off", "heuristic" };
	struct config c;
	char err[CONFIG_ERR_MAX], arg[64];

	CHECK_EQ(run(&c, err, 1, "--interface=127.0.0.1"), 0);
	CHECK_EQ(c.endpoint_learning, EL_HEURISTIC);
	for (unsigned int i = 0; i < 4; i++) {
		snprintf(arg, sizeof(arg), "--endpoint-learning=%s", names[i]);
		CHECK_EQ(run(&c, err, 2, "--interface=127.0.0.1", arg), 0);
		CHECK_EQ(c.endpoint_learning, i);
	}
	CHECK(run(&c, err, 2, "--interface=127.0.0.1", "--endpoint-learning=sometimes") < 0);
	CHECK(strstr(err, "endpoint-learning") && strstr(err, "sometimes") &&
	      strstr(err, "delayed immediate off heuristic"));
}

static void bad_values(void)
{
	struct config c;
	char err[CONFIG_ERR_MAX];

	CHECK(run(&c, err, 2, "--interface=127.0.0.1", "--port-min=abc") < 0);
	CHECK(strstr(err, "port-min") && strstr(err, "abc"));
	CHECK(run(&c, err, 2, "--interface=127.0.0.1", "--no-such-option") < 0);
	CHECK(strstr(err, "no-such-option"));
	CHECK(run(&c, err, 1, "--interface=300.1.1.1") < 0);
	CHECK(strstr(err, "interface"));
	CHECK(run(&c, err, 2, "--interface=127.0.0.1", "--listen-ng=localhost:x") < 0);
	CHECK(strstr(err, "listen-ng"));
	CHECK(run(&c, err, 3, "--interface=127.0.0.1", "--port-min=5000", "--port-max=4000") < 0);
	CHECK(strstr(err, "port-min"));
	CHECK(run(&c, err, 0) < 0);	/* no interface */
	CHECK(strstr(err, "interface"));
}

static void config_file_and_override(void)
{
	struct config c;
	char err[CONFIG_ERR_MAX], opt[128], a[64];
	const char *path = write_tmp("# comment\n[other]\nport-min = 1\n\n[rtpengine]\n"
				     "interface = 127.0.0.1; 127.0.0.2\nlisten-ng = 2224\n"
				     "port-min = 31000\nport-max=31999\ntimeout = 10\n"
				     "foreground = yes\n");

	snprintf(opt, sizeof(opt), "--config-file=%s", path);
	CHECK_EQ(run(&c, err, 2, "--timeout=20", opt), 0);
	unlink(path);
	CHECK_EQ(c.n_iface, 2);
	CHECK_EQ(c.port_min, 31000);
	CHECK_EQ(c.port_max, 31999);
	CHECK_EQ(c.timeout, 20);	/* the command line wins, wherever it stands */
	CHECK(c.foreground);
	CHECK(!strcmp(addr_str(&c.listen_ng, a, sizeof(a)), "127.0.0.1:2224"));
}

static void config_file_errors_name_line_and_key(void)
{
	struct config c;
	char err[CONFIG_ERR_MAX], opt[128];
	const char *path = write_tmp("[srtprelay]\ninterface = 127.0.0.1\n\nport-max = lots\n");

	snprintf(opt, sizeof(opt), "--config-file=%s", path);
	CHECK(run(&c, err, 1, opt) < 0);
	CHECK(strstr(err, path) && strstr(err, ":4:") && strstr(err, "port-max"));
	path = write_tmp("[srtprelay]\nbogus-key = 1\n");
	CHECK(run(&c, err, 1, opt) < 0);
	CHECK(strstr(err, ":2:") && strstr(err, "bogus-key"));
	path = write_tmp("[srtprelay]\njust words\n");
	CHECK(run(&c, err, 1, opt) < 0);
	CHECK(strstr(err, ":2:"));
	unlink(path);
	CHECK(run(&c, err, 1, "--config-file=/nonexistent/srtprelay.conf") < 0);
	CHECK(strstr(err, "/nonexistent/srtprelay.conf"));
}

static void endpoints(void)
{
	struct sockaddr_storage ss;
	char a[64];

	CHECK_EQ(addr_parse("[::1]:5000", &ss, true), 0);
	CHECK(!strcmp(addr_str(&ss, a, sizeof(a)), "[::1]:5000"));
	CHECK_EQ(addr_parse("2223", &ss, true), 0);
	CHECK(!strcmp(addr_str(&ss, a, sizeof(a)), "127.0.0.1:2223"));
	CHECK(addr_parse("127.0.0.1", &ss, true) < 0);
	CHECK(addr_parse("127.0.0.1:0", &ss, true) < 0);
	CHECK(addr_parse("127.0.0.1:70000", &ss, true) < 0);
	CHECK(addr_parse("[::1", &ss, false) < 0);
	CHECK_EQ(addr_parse("::1", &ss, false), 0);
}

static const struct check_case cases[] = {
	CASE(rtpengine_names),
	CASE(endpoint_learning_modes),
	CASE(bad_values),
	CASE(config_file_and_override),
	CASE(config_file_errors_name_line_and_key),
	CASE(endpoints),
};
CHECK_MAIN("options", cases)
