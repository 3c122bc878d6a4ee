#!/bin/bash
# Kernel offload in a qemu VM (tests/bench/offload_bench_guest.py): the same SRTP->RTP calls and
# load through srtprelayd --table=0 with srtprelay.ko, srtprelayd --table=-1 (userspace) and,
# where Debian's rtpengine-kernel-dkms builds, rtpengine --table=0 with xt_RTPENGINE, all in one
# VM and one run. Packets per second and CPU per packet; ratios, not pass/fail.
#   tests/bench/bench_offload.sh [6.1|6.12]
# Without an argument: 6.1 (Debian 12's kernel, the one bookworm's rtpengine module is made
# for), or 6.12 if xt_RTPENGINE only builds there. The module's source comes from
# `apt-get download rtpengine-kernel-dkms` (kept in $BUILD/offload-bench-rtpengine).
# While the VM runs, this host samples the qemu vCPU threads' run time (schedstat) into a file
# the guest reads: the relay's real CPU cost when other VMs share the host.
# Knobs: OFFLOAD_BENCH_STREAMS (20), OFFLOAD_BENCH_PACKETS (40000 per relay and run),
# OFFLOAD_BENCH_ROUNDS (1), OFFLOAD_BENCH_RX ("softirq threaded", how the relay's CPU gets the
# packets: see the guest script), OFFLOAD_BENCH_DEBUG=1 (timeline).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
kernels=${1:-6.1 6.12}

kver_of() { # 6.1 -> 6.1.0-56-amd64, the newest installed
	local d
	for d in /lib/modules/"$1".[0-9]*-amd64 /lib/modules/"$1"-[0-9]*-amd64; do
		[ -d "$d" ] && echo "${d##*/}"
	done | sort -V | tail -1
}
last() { [ -e "${!#}" ] && echo "${!#}"; } # the last of the glob's matches, if any

if [ ! -x "$BUILD/bench/tools/udpload" ] || [ ! -x "$BUILD/srtprelayd" ]; then
	echo "bench_offload: needs make bench (udpload, srtprelayd)"
	exit 0
fi

# rtpengine's module source, once.
re_dir=$BUILD/offload-bench-rtpengine
re_src=""
if [ ! -x /usr/bin/rtpengine ]; then
	re_why="rtpengine is not installed (scripts/install-deps.sh bench)"
else
	mkdir -p "$re_dir"
	deb=$(last "$re_dir"/rtpengine-kernel-dkms_*.deb)
	if [ -z "$deb" ]; then
		(cd "$re_dir" && timeout 120 apt-get download rtpengine-kernel-dkms >download.log 2>&1)
		deb=$(last "$re_dir"/rtpengine-kernel-dkms_*.deb)
	fi
	if [ -n "$deb" ]; then
		rm -rf "$re_dir/x" && dpkg-deb -x "$deb" "$re_dir/x"
		re_src=$(last "$re_dir"/x/usr/src/rtpengine-*)
	fi
	[ -n "$re_src" ] ||
		re_why="no rtpengine-kernel-dkms source: $(tail -1 "$re_dir/download.log" 2>/dev/null)"
fi
re_ver=${re_src##*/rtpengine-}

# The first kernel (of the argument, or 6.1 then 6.12) both modules build for; failing that,
# the first one srtprelay.ko builds for, without rtpengine.
chosen="" chosen_re="" first=""
for kernel in $kernels; do
	kver=$(kver_of "$kernel")
	kdir=/lib/modules/$kver/build
	if [ -z "$kver" ] || [ ! -d "$kdir" ]; then
		echo "bench_offload: no $kernel headers (scripts/install-deps.sh all)"
		continue
	fi
	src=$BUILD/offload-bench-$kernel
	rm -rf "$src" && mkdir -p "$src" && cp -r kmod include "$src/"
	if ! timeout 600 make -s -C "$kdir" M="$PWD/$src/kmod" modules >"$src/build.log" 2>&1; then
		echo "bench_offload: srtprelay.ko does not build for $kver:"
		tail -20 "$src/build.log"
		continue
	fi
	[ -n "$first" ] || first=$kernel
	if [ -n "$re_src" ]; then
		cp -r "$re_src" "$src/rtpengine"
		if timeout 600 make -C "$kdir" M="$PWD/$src/rtpengine" RTPENGINE_VERSION="$re_ver" \
			modules >"$src/rtpengine-build.log" 2>&1 && [ -f "$src/rtpengine/xt_RTPENGINE.ko" ]; then
			chosen=$kernel chosen_re=$src/rtpengine/xt_RTPENGINE.ko
			break
		fi
		echo "bench_offload: rtpengine $re_ver's xt_RTPENGINE does not build for $kver:" \
			"$(grep -m1 -E 'error|Error' "$src/rtpengine-build.log")"
		re_why="xt_RTPENGINE does not build"
	fi
done
if [ -z "$chosen" ]; then
	if [ -z "$first" ]; then
		echo "bench_offload: srtprelay.ko builds for none of: $kernels"
		exit 1
	fi
	chosen=$first
	echo "bench_offload: rtpengine not measured: $re_why"
fi
kver=$(kver_of "$chosen")
with=""
[ -n "$chosen_re" ] && with=" and xt_RTPENGINE.ko (rtpengine $re_ver)"
echo "srtprelay.ko$with on $kver (qemu TCG, 2 vCPUs)"
knobs="" # the knobs reach the guest
for v in OFFLOAD_BENCH_STREAMS OFFLOAD_BENCH_PACKETS OFFLOAD_BENCH_ROUNDS OFFLOAD_BENCH_RX \
	OFFLOAD_BENCH_DEBUG; do
	[ -n "${!v:-}" ] && knobs="$knobs $v=$(printf %q "${!v}")"
done
# The host's view of the VM's vCPU threads, which the guest reads live: under TCG on a shared
# host, time the host gives to others looks like CPU time inside the guest.
dir=$BUILD/offload-bench-$chosen
: >"$dir/vcpu.log"
VM_TIMEOUT=900 tests/kmod/vm.sh "$chosen" "$dir/kmod/srtprelay.ko" \
	"export BUILD=$BUILD RTPENGINE_KO=$chosen_re OFFLOAD_BENCH_VCPU_LOG=$dir/vcpu.log $knobs;
	python3 tests/bench/offload_bench_guest.py" >"$dir/output" 2>&1 &
vm=$!
python3 tests/bench/offload_bench_guest.py sample-host "$vm" "$dir/vcpu.log" &
sampler=$!
# shellcheck disable=SC2317 # run by the trap
stop() { # the sampler; and the VM if interrupted (vm.sh stops qemu on TERM)
	kill "$sampler" ${vm:+"$vm"} 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM
wait "$vm"
rc=$?
vm=
grep -v '^VM-RESULT' "$dir/output"
[ "$rc" -eq 77 ] && exit 0 # no qemu or kernel image: nothing measured, said above
exit "$rc"
