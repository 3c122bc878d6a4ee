#!/bin/bash
# part-timeout: 400
# srtprelay.ko builds, warning-free, against the debug kernels' trees (6.12-debug and the
# mainline one, where ../shared/kernels has them). Only the build: their VM suites take too long
# for make check and run in make check-debug-kernel. Debian's 6.1 and 6.12 are built by the
# parts that boot them (tests/kmod/t_kmod_*.sh).
cd "$(dirname "$0")/../.." || exit 1
r=0 ran=0
for k in debug mainline; do
	tests/kmod/kbuild.sh "$k"
	rc=$?
	[ "$rc" -eq 77 ] && continue
	ran=1
	[ "$rc" -eq 0 ] || r=1
done
[ "$ran" -eq 1 ] || exit 77
exit "$r"
