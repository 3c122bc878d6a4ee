#!/bin/bash
# part-timeout: 600
# srtprelay.ko on Debian's 6.1 kernel in qemu: netlink ABI and datapath suites.
exec "$(dirname "$0")/run-kernel.sh" 6.1
