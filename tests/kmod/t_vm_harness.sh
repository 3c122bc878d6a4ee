#!/bin/bash
# The VM harness must fail a run whose command fails, and one whose kernel log complains even
# though the command succeeded; otherwise the kernel suites could pass without meaning it.
set -u
cd "$(dirname "$0")/../.."
ko=$(ls "${BUILD:-build}"/kmod-6.1/kmod/srtprelay.ko 2>/dev/null | head -1)
if [ -z "$ko" ]; then
	echo "SKIP vm.harness (runs after t_kmod_6.1.sh has built the module)"
	exit 77
fi
fail=0
VM_TIMEOUT=180 tests/kmod/vm.sh 6.1 "$ko" 'exit 3' >/dev/null
rc=$?
[ "$rc" -eq 77 ] && exit 77
if [ "$rc" -eq 3 ]; then echo "PASS vm.harness.exit_code"; else echo "FAIL vm.harness.exit_code ($rc)"; fail=1; fi
VM_TIMEOUT=180 tests/kmod/vm.sh 6.1 "$ko" 'echo "WARNING: injected" >/dev/kmsg' >/dev/null
rc=$?
if [ "$rc" -eq 1 ]; then echo "PASS vm.harness.kernel_log"; else echo "FAIL vm.harness.kernel_log ($rc)"; fail=1; fi
exit $fail
