#!/bin/bash
# part-timeout: 1600
# srtprelay.ko on the newest upstream kernel we have (../shared/kernels/mainline-debug, Linux
# 7.3-rc7 with the 6.12-debug recipe: KASAN, lockdep, kmemleak, UBSAN, panic_on_warn=1) in
# qemu: the VM suites at reduced load, like debug_kernel.sh. Run with make check-debug-kernel.
export VM_TIMEOUT=${VM_TIMEOUT:-1500}
exec "$(dirname "$0")/run-kernel.sh" mainline
