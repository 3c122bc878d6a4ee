#!/bin/bash
# srtprelayd against careless and hostile control clients (tests/daemon/t_edges.py).
# part-timeout: 240
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/srtprelayd" ]; then
	echo "FAIL edges (build $BUILD/srtprelayd first: make check)"
	exit 1
fi
exec timeout -k 5 220 python3 tests/daemon/t_edges.py "$@"
