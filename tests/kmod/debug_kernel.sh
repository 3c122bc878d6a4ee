#!/bin/bash
# part-timeout: 1600
# srtprelay.ko on the 6.12 KASAN/lockdep/kmemleak kernel (panic_on_warn=1) in qemu: the VM
# suites at reduced load. About 13 minutes under TCG, so it is not part of make check (CI
# must stay under 30 minutes): run it with make check-debug-kernel.
# The VM gets longer than vm.sh's default: KASAN under TCG on a busy host is slow.
export VM_TIMEOUT=${VM_TIMEOUT:-1500}
exec "$(dirname "$0")/run-kernel.sh" debug
