#!/bin/bash
# srtprelayd's system tests in userspace mode (tests/daemon/t_daemon.py): real sockets on
# 127.0.0.1, SRTP checked by libsrtp2 (tests/kmod/endpoint).
# part-timeout: 300
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/srtprelayd" ] || [ ! -x "$BUILD/tests/kmod/endpoint" ]; then
	echo "FAIL daemon (build $BUILD/srtprelayd and $BUILD/tests/kmod/endpoint first: make check)"
	exit 1
fi
exec timeout -k 5 280 python3 tests/daemon/t_daemon.py "$@"
