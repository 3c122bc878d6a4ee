#!/bin/bash
# part-timeout: 1200
# srtprelay.ko on the 6.12 KASAN/lockdep/kmemleak kernel (panic_on_warn=1) in qemu: the VM
# suites at reduced load. About 13 minutes under TCG, so it is not part of make check (CI
# must stay under 30 minutes): run it with make check-debug-kernel.
exec "$(dirname "$0")/run-kernel.sh" debug
