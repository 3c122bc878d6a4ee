#!/bin/bash
# part-timeout: 1200
# srtprelay.ko on the 6.12 KASAN/lockdep/kmemleak kernel (panic_on_warn=1) in qemu: netlink ABI and datapath suites.
exec "$(dirname "$0")/run-kernel.sh" debug
