#!/bin/sh
# Installs, by Debian 12 package name, everything srtprelay needs to build, run and test.
# Run once on a fresh machine (as root or through sudo). Safe to run again.
set -eu

# Build and runtime: compiler, OpenSSL 3, liburing, libmnl, libnftnl.
BUILD="build-essential pkg-config libssl-dev liburing-dev libmnl-dev libnftnl-dev"
# Tests only: libsrtp2 (the independent SRTP peer), clang for libFuzzer + sanitizers,
# python3 for the ng/system test drivers, kamailio (with its rtpengine module) for the SIP
# system test, chromium and firefox-esr (headless, with their fake devices) for the WebRTC
# browser test, sparse for make sparse.
TEST="libsrtp2-dev clang libclang-rt-14-dev python3 kamailio chromium firefox-esr sparse"
# Kernel module build and the qemu VM tests: Debian's 6.1 and 6.12 kernels and headers.
KERNEL="linux-headers-amd64 linux-image-amd64 linux-image-6.12.117+deb12-amd64-unsigned \
linux-headers-6.12.117+deb12-amd64 qemu-system-x86 busybox-static iproute2 nftables conntrack kmod"
# Debian packages (packaging/build-debs.sh) and their test: dpkg-buildpackage with debhelper and
# dh_dkms, and dkms to build the module from the package's sources.
PACKAGING="dpkg-dev debhelper dh-dkms dkms"

# Benchmarks only (make bench): the reference the userspace relay is measured against.
BENCH="rtpengine-daemon"

want="$BUILD"
case "${1:-all}" in
	build) ;;
	test) want="$BUILD $TEST" ;;
	all) want="$BUILD $TEST $KERNEL $PACKAGING" ;;
	bench) want="$BUILD $TEST $BENCH" ;;
	*) echo "usage: $0 [build|test|all|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
