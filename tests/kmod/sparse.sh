#!/bin/bash
# sparse (make C=2) over every file of srtprelay.ko, against each kernel tree with headers in
# /lib/modules (Debian 12's 6.1 and 6.12): any warning or error fails. A tree whose kernel
# wants a newer sparse than the one installed is skipped, and says so.
#   tests/kmod/sparse.sh      (make sparse)
# Prints PASS/FAIL/SKIP kmod.sparse.KERNEL-RELEASE; exit 77 when there is no sparse or no tree.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}
command -v sparse >/dev/null || { echo "SKIP kmod.sparse (no sparse: ./scripts/install-deps.sh test)"; exit 77; }
r=0 ran=0
for kdir in /lib/modules/*/build; do
	[ -e "$kdir/Makefile" ] || continue
	kver=$(basename "$(dirname "$kdir")")
	src=$top/$BUILD/sparse-$kver
	rm -rf "$src" && mkdir -p "$src" && cp -r kmod include "$src/"
	out=$(make -s -C "$kdir" M="$src/kmod" C=2 modules 2>&1)
	rc=$?
	if grep -q "sparse is not available or not up to date" <<<"$out"; then
		echo "SKIP kmod.sparse.$kver (the installed sparse is too old for this kernel)"
		continue
	fi
	ran=1
	found=$(grep -E "warning:|error:" <<<"$out")
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		echo "$out" | grep -v BTF | tail -30
		echo "FAIL kmod.sparse.$kver"
		r=1
	else
		echo "PASS kmod.sparse.$kver"
	fi
done
[ "$ran" -eq 1 ] || exit 77
exit "$r"
