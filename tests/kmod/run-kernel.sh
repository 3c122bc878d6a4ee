#!/bin/bash
# Builds srtprelay.ko for one kernel and runs the module's VM suites on it.
#   tests/kmod/run-kernel.sh 6.1|6.12|debug|mainline
# Prints the suites' PASS/FAIL lines, named kmod.<kernel>.<suite>.<case>; exit 77 to skip.
set -u
kernel=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}

tests/kmod/kbuild.sh "$kernel"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
src=$BUILD/kmod-$kernel

# The KASAN kernel under TCG is many times slower: it runs smaller loads, the basic offload
# case, and not the Kamailio call (both stock kernels do).
slow="" offload_cases="" kamailio="bash tests/kmod/kamailio_guest.sh || r=1"
if [ "$kernel" = debug ] || [ "$kernel" = mainline ]; then
	slow=1 offload_cases="sdes_to_rtp" kamailio=""
fi
guest='export BUILD='"$BUILD"' SRTPRELAY_VM_SLOW='"$slow"' OFFLOAD_CASES="'"$offload_cases"'"; r=0
python3 tests/kmod/netlink_guest.py || r=1
python3 tests/kmod/datapath_guest.py || r=1
bash tests/kmod/ctl_guest.sh || r=1
python3 tests/kmod/offload_guest.py || r=1
'"$kamailio"'
if modprobe -r srtprelay; then echo "PASS kmod.unload"; else echo "FAIL kmod.unload"; r=1; fi
exit $r'
tests/kmod/vm.sh "$kernel" "$src/kmod/srtprelay.ko" "$guest" | sed "s/^\(PASS\|FAIL\) kmod\./\1 kmod.$kernel./"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || echo "FAIL kmod.$kernel.vm (exit $rc)"
exit "$rc"
