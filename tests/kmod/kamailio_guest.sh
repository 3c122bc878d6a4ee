#!/bin/bash
# The Kamailio system test (tests/kamailio/t_kamailio.sh) inside a VM with srtprelay.ko
# loaded and srtprelayd in kernel offload mode (run by tests/kmod/run-kernel.sh). Besides the
# test's own checks (media both ways, call gone after BYE/CANCEL), the module's global
# counters must show that it relayed media.
set -u
BUILD=${BUILD:-build}
for m in aesni_intel ghash_clmulni_intel sha1_ssse3 srtprelay; do modprobe "$m" 2>/dev/null; done
packets() { # the module's relayed packet count, from srtprelay-ctl stats --json
	"$BUILD/srtprelay-ctl" stats --json | python3 -c \
		'import json, sys; d = json.load(sys.stdin); print(d.get("stats", d).get("packets", -1))'
}
before=$(packets)
RELAY_TABLE=0 bash tests/kamailio/t_kamailio.sh | sed 's/^\(PASS\|FAIL\) kamailio\./\1 kmod.kamailio./'
r=${PIPESTATUS[0]}
after=$(packets)
if [ "$r" -eq 77 ]; then
	echo "SKIP kmod.kamailio (kamailio not installed)"
	exit 0
fi
if [ "$after" -gt "$before" ] 2>/dev/null; then
	echo "PASS kmod.kamailio.kernel_relayed ($((after - before)) packets)"
else
	echo "FAIL kmod.kamailio.kernel_relayed (module packets $before -> $after)"
	r=1
fi
exit "$r"
