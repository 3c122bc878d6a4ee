#!/bin/bash
# srtprelay.ko throughput in a qemu VM (tests/bench/kmod_bench_guest.py): the module for
# RTP->RTP, SRTP->RTP, SRTP->SRTP against a userspace recvmmsg/sendmmsg forwarder in the same
# VM, and with 10 versus 10,000 flows installed. Ratios, not pass/fail.
#   tests/bench/bench_kmod.sh [6.1|6.12]     (make bench runs it with 6.12)
set -u
kernel=${1:-6.12}
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
kver=$(ls /lib/modules | grep -E "^${kernel//./\\.}[.-][0-9].*amd64$" | sort -V | tail -1)
kdir=/lib/modules/$kver/build
if [ ! -d "$kdir" ] || [ ! -x "$BUILD/bench/tools/udpload" ]; then
	echo "bench_kmod: needs the $kernel headers (scripts/install-deps.sh all) and make bench"
	exit 0
fi
src=$BUILD/kmod-bench-$kernel
rm -rf "$src" && mkdir -p "$src" && cp -r kmod include "$src/"
make -s -C "$kdir" M="$PWD/$src/kmod" modules >"$src/build.log" 2>&1 || {
	tail -20 "$src/build.log"
	exit 1
}
echo "srtprelay.ko on $kver (qemu TCG, 2 vCPUs)"
VM_TIMEOUT=900 tests/kmod/vm.sh "$kernel" "$src/kmod/srtprelay.ko" \
	"export BUILD=$BUILD; python3 tests/bench/kmod_bench_guest.py" | grep -v '^VM-RESULT'
