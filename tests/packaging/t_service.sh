#!/bin/bash
# The shipped systemd unit and config: systemd-analyze verify accepts the unit (pointed at
# this build), and srtprelayd starts with the shipped config and answers ng.
# part-timeout: 60
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
work=$(mktemp -d /tmp/srtprelay-service.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/srtprelayd|$PWD/$BUILD/srtprelayd|; s|/etc/srtprelay/srtprelay.conf|$PWD/packaging/srtprelay.conf|" \
		packaging/srtprelay.service >"$work/srtprelay.service"
	# User= names an account the package creates; verify does not need it to exist.
	if out=$(systemd-analyze verify "$work/srtprelay.service" 2>&1 | grep -v "Unknown user"); [ -z "$out" ]; then
		echo "PASS service.unit_verifies"
	else
		echo "FAIL service.unit_verifies"
		echo "$out" | sed 's/^/    /'
	fi
else
	echo "SKIP service.unit_verifies (no systemd-analyze)"
fi

# The shipped config, with the test's own ng port and userspace mode.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 30 "$BUILD/srtprelayd" --config-file=packaging/srtprelay.conf --foreground --table=-1 \
	--listen-ng="127.0.0.1:$port" >"$work/log" 2>&1 &
pid=$!
reply=""
for _ in $(seq 50); do
	reply=$(python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
s.sendto(b"x d7:command4:pinge", ("127.0.0.1", int(sys.argv[1]))); print(s.recv(100).decode())
PY
)
	[ -n "$reply" ] && break
	sleep 0.1
done
if [ "$reply" = "x d6:result4:ponge" ]; then
	echo "PASS service.shipped_config_starts"
else
	echo "FAIL service.shipped_config_starts"
	sed 's/^/    /' "$work/log"
fi
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
if [ "$rc" -eq 0 ]; then echo "PASS service.sigterm_clean_exit"; else echo "FAIL service.sigterm_clean_exit ($rc)"; fi
