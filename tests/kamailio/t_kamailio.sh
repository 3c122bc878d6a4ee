#!/bin/bash
# A real Kamailio (Debian's kamailio, its rtpengine module) relays SIP calls between a test
# caller and callee (sipcall.py) and drives srtprelayd with rtpengine_offer, rtpengine_answer
# and rtpengine_delete (kamailio.cfg). Media must flow through the relay both ways, and the
# call must be gone from the relay (ng query/list) after the BYE or CANCEL. The three calls
# are those of shared/fixtures/ng/kamailio-5.6-rtpengine-module.txt:
#
#   caller 127.0.0.2 --SIP--> kamailio 127.0.0.1:SIP --SIP--> callee 127.0.0.3
#                                |  ng (UDP 127.0.0.1:NG)
#   caller RTP <----------> srtprelayd 127.0.0.1:PMIN-PMAX <----------> callee RTP
#
# Everything stays on 127.0.0.0/8. RELAY_NG=addr:port RELAY_PORTS=min-max run it against a
# relay that is already running (e.g. rtpengine, to check the test itself) instead;
# RELAY_TABLE=0 runs srtprelayd with kernel offload (the VM suite does, with the module loaded).
# part-timeout: 120
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
here=tests/kamailio
sipcall=$here/sipcall.py

kamailio=$(command -v kamailio || true)
rtpengine_so=(/usr/lib/*/kamailio/modules/rtpengine.so)
mods=$(dirname "${rtpengine_so[0]}")
if [ -z "$kamailio" ] || [ ! -f "$mods/rtpengine.so" ]; then
	echo "SKIP kamailio (package kamailio not installed: scripts/install-deps.sh test)"
	exit 77
fi
if [ -z "${RELAY_NG:-}" ] && [ ! -x "$BUILD/srtprelayd" ]; then
	echo "SKIP kamailio (no $BUILD/srtprelayd)"
	exit 77
fi

work=$(mktemp -d /tmp/srtprelay-kamailio.XXXXXX)
# Both daemons run under timeout, so not even a SIGKILLed script can leave them behind.
life=150
kpid="" dpid=""
stop() { # <pid> <kill target>: TERM, up to 3 s, then KILL
	kill -TERM -- "$2" 2>/dev/null || return 0
	for _ in $(seq 30); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL -- "$2" 2>/dev/null
}
cleanup() {
	# each daemon runs in its own process group (setsid), led by its timeout: kamailio's
	# workers go with it
	[ -n "$kpid" ] && stop "$kpid" "-$kpid"
	[ -n "$dpid" ] && stop "$dpid" "-$dpid"
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

logs() {
	echo "    --- srtprelayd log (last 40 lines)"
	tail -40 "$work/srtprelayd.log" 2>/dev/null | sed 's/^/    /'
	echo "    --- kamailio errors and warnings (last 20)"
	grep -E 'ERROR|WARNING|CRITICAL' "$work/kamailio.log" 2>/dev/null | tail -20 | sed 's/^/    /'
}

sip=$("$sipcall" freeport 15060 20059)
if [ -n "${RELAY_NG:-}" ]; then
	ng=$RELAY_NG
	pmin=${RELAY_PORTS%-*} pmax=${RELAY_PORTS#*-}
else
	# below the ephemeral range (32768-), so no test socket can sit on a relay port
	ng=127.0.0.1:$("$sipcall" freeport 22222 27221)
	pmin=$((28000 + (RANDOM % 20) * 200)) pmax=$((pmin + 199))
	setsid timeout "$life" "$BUILD/srtprelayd" --foreground --log-stderr --table="${RELAY_TABLE:--1}" \
		--interface=127.0.0.1 --listen-ng="$ng" --port-min="$pmin" --port-max="$pmax" \
		--delete-delay=0 >"$work/srtprelayd.log" 2>&1 &
	dpid=$!
fi
if ! timeout 15 "$sipcall" ngping "$ng" >"$work/ping.log" 2>&1; then
	echo "FAIL kamailio.start (relay does not answer ng ping on $ng)"
	sed 's/^/    /' "$work/ping.log"
	logs
	exit 1
fi

# The relay answers before kamailio starts: the module pings it once at startup and would
# otherwise keep it disabled for a minute.
mkdir -p "$work/run"
setsid timeout "$life" "$kamailio" -DD -E -f "$here/kamailio.cfg" -L "$mods" \
	-Y "$work/run" -w "$work" -m 32 -M 4 -A "SIP_PORT=$sip" -A "NG_SOCK=\"udp:$ng\"" \
	>"$work/kamailio.log" 2>&1 &
kpid=$!
if ! timeout 15 "$sipcall" options "127.0.0.1:$sip" >"$work/options.log" 2>&1; then
	echo "FAIL kamailio.start (kamailio does not answer on 127.0.0.1:$sip)"
	sed 's/^/    /' "$work/options.log"
	tail -30 "$work/kamailio.log" | sed 's/^/    /'
	exit 1
fi

endpoint=()
[ -x "$BUILD/tests/kmod/endpoint" ] && endpoint=("$BUILD/tests/kmod/endpoint")
failed=0
for c in plain sdes cancel fork; do
	timeout 20 "$sipcall" "$c" "127.0.0.1:$sip" "$ng" "$pmin" "$pmax" "${endpoint[@]}" \
		>"$work/$c.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && { [ -z "$dpid" ] || kill -0 "$dpid" 2>/dev/null; }; then
		echo "PASS kamailio.$c"
		continue
	fi
	failed=1
	[ "$rc" -eq 0 ] && echo "srtprelayd exited" >>"$work/$c.log"
	[ "$rc" -eq 124 ] && echo "timed out" >>"$work/$c.log"
	echo "FAIL kamailio.$c"
	sed 's/^/    /' "$work/$c.log"
	logs
done
exit $failed
