#!/bin/bash
# The SRTP core must build with no libc at all (as the kernel sees it), reference nothing but
# mem* outside itself, and keep every stack frame small. See the freestanding target.
set -u
cd "$(dirname "$0")/../.."
if out=$(make -s freestanding BUILD="${BUILD:-build}" 2>&1); then
	echo "PASS build.core_freestanding"
else
	echo "$out" | tail -20
	echo "FAIL build.core_freestanding"
	exit 1
fi
