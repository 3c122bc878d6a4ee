// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <dirent.h>
#include <errno.h>
#include <sys/resource.h>

#include "fdlimit.h"

unsigned long fdlimit_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	return rl.rlim_cur == RLIM_INFINITY ? (unsigned long)-1 : (unsigned long)rl.rlim_cur;
}

void fdlimit_setup(unsigned long ports, struct fdlimit_plan *plan)
{
	struct rlimit rl;
	unsigned long lim;

	plan->raised = false;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		plan->raised = !setrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur > was;
	}
	lim = fdlimit_max();
	plan->limit = lim;
	plan->calls_by_ports = ports / FDLIMIT_SOCKS_PER_CALL;
	plan->calls_by_fds = lim > FDLIMIT_RESERVE ?
				     (lim - FDLIMIT_RESERVE) / FDLIMIT_SOCKS_PER_CALL : 0;
}

unsigned long fdlimit_in_use(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned long n = 0;
	struct dirent *e;

	if (!dir)	/* every descriptor in use (EMFILE), or no /proc */
		return errno == EMFILE || errno == ENFILE ? fdlimit_max() : 0;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n ? n - 1 : 0;	/* not the directory's own descriptor */
}
