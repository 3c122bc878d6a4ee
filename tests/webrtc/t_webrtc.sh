#!/bin/bash
# Real browsers through srtprelayd (tests/webrtc/webrtc_test.py): headless Chromium, then
# Firefox ESR, in a network namespace of their own call a plain RTP/AVP endpoint and answer
# its calls; DTLS-SRTP with the relay as server and as client, bundlePolicy balanced and
# max-bundle, AES-CM and GCM, audio and audio+video both ways for 10 s, and none of the
# phone's audio on the browser's wire in clear. Needs root (netns, veth) and Debian's
# chromium (firefox-esr runs are skipped without it); skipped without them.
# part-timeout: 560
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP webrtc: no chromium (./scripts/install-deps.sh test)"
	exit 77
fi
if [ ! -x "$BUILD/srtprelayd" ]; then
	echo "SKIP webrtc: no $BUILD/srtprelayd (make)"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
	echo "SKIP webrtc: no ip (iproute2)"
	exit 77
fi
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP webrtc: network namespaces need root"
	exit 77
fi
# The driver names its namespace and veth after this id and removes them, and everything it
# started, itself, also on SIGTERM. It runs in the background so that a TERM here is passed
# on at once (bash runs traps only between foreground commands); the EXIT trap is for when
# the driver could not clean up.
export WRTC_ID=$$
cleanup() {
	local pid
	for pid in $(ip netns pids "wrtc-browser-$WRTC_ID" 2>/dev/null); do
		kill -9 "$pid" 2>/dev/null
	done
	ip netns del "wrtc-browser-$WRTC_ID" 2>/dev/null
	ip link del "wrtch$WRTC_ID" 2>/dev/null
	return 0
}
trap cleanup EXIT
timeout -k 5 540 python3 tests/webrtc/webrtc_test.py "$@" &
driver=$!
trap 'kill -TERM $driver 2>/dev/null; wait $driver; exit 1' INT TERM
wait $driver
