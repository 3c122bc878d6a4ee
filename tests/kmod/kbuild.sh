#!/bin/bash
# Builds srtprelay.ko for one kernel tree, with every warning an error:
#   tests/kmod/kbuild.sh 6.1|6.12|debug|mainline
# Debian's trees come from linux-headers (scripts/install-deps.sh), the debug kernels' from
# ../shared/kernels/*/build.tar.xz, unpacked once under $BUILD. Each kernel gets its own copy of
# the sources ($BUILD/kmod-KERNEL/kmod/srtprelay.ko), so builds for different kernels never mix.
# Prints PASS/FAIL kmod.KERNEL.build; exit 77 when the tree is not there.
set -u
kernel=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}

case $kernel in
6.1 | 6.12)
	kver=$(ls /lib/modules 2>/dev/null | grep -E "^${kernel//./\\.}[.-][0-9].*-amd64$|^${kernel//./\\.}\.[0-9].*amd64$" | sort -V | tail -1)
	kdir=/lib/modules/$kver/build
	;;
debug | mainline)
	shared=6.12-debug
	[ "$kernel" = mainline ] && shared=mainline-debug
	debug_dir=$top/../shared/kernels/$shared
	kdir=$BUILD/k$kernel/build
	if [ ! -d "$kdir" ]; then
		[ -r "$debug_dir/build.tar.xz" ] || { echo "SKIP kmod.$kernel.build (no ../shared/kernels/$shared)"; exit 77; }
		mkdir -p "$BUILD/k$kernel" && tar -C "$BUILD/k$kernel" -xf "$debug_dir/build.tar.xz" || exit 1
	fi
	;;
*)
	echo "usage: $0 6.1|6.12|debug|mainline" >&2
	exit 2
	;;
esac
if [ ! -e "$kdir/Makefile" ]; then
	echo "SKIP kmod.$kernel.build (no headers: run scripts/install-deps.sh all)"
	exit 77
fi

src=$BUILD/kmod-$kernel
case $src in /*) ;; *) src=$top/$src ;; esac
rm -rf "$src" && mkdir -p "$src" && cp -r kmod include "$src/"
# Kbuild has -Werror for the compiler; modpost's and the linker's warnings are caught here.
# (The debug trees are built without BTF: their "Skipping BTF generation" note is no warning.)
if ! make -s -C "$kdir" M="$src/kmod" modules >"$src/build.log" 2>&1 ||
	grep -i 'warning' "$src/build.log" | grep -qv BTF; then
	grep -v BTF "$src/build.log" | tail -30
	echo "FAIL kmod.$kernel.build"
	exit 1
fi
echo "PASS kmod.$kernel.build"
