#!/bin/bash
# Golden SDP tests and the replay of the captured Kamailio ng traffic (tests/golden/t_golden.py).
# GOLDEN_UPDATE=1 rewrites the expected SDP of every case from what the daemon gives: review
# the diff before committing it.
# part-timeout: 120
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/srtprelayd" ]; then
	echo "FAIL golden (no $BUILD/srtprelayd: make check builds it)"
	exit 1
fi
exec timeout -k 5 100 python3 tests/golden/t_golden.py "$@"
