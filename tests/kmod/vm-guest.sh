#!/bin/bash
# PID 1 inside the test VM (started by tests/kmod/vm.sh after switch_root): installs the module,
# runs the command, reports its exit code and the kernel's complaints, and powers off.
mount -t proc proc /proc
mount -t sysfs sys /sys
# A checkout under /tmp (a fresh clone, say) would vanish under the guest's own /tmp: keep it
# reachable at /.vm-checkout first.
case "$(cat /.vm-top)" in
/tmp/*)
	mkdir -p /.vm-checkout
	mount --bind "$(cat /.vm-top)" /.vm-checkout
	echo /.vm-checkout >/.vm-top
	;;
esac
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
kver=$(uname -r)
mkdir -p "/lib/modules/$kver/extra"
# A debug kernel (../shared/kernels/NAME) has everything built in but no module tree: its
# modules.* lists let modprobe find the built-ins.
shared=$(cat /.vm-shared 2>/dev/null)
mods="$(cat /.vm-top)/../shared/kernels/$shared/modules"
if [ -n "$shared" ] && [ ! -e "/lib/modules/$kver/modules.builtin" ] && [ -d "$mods" ]; then
	cp "$mods"/* "/lib/modules/$kver/"
fi
cp /.vm-srtprelay.ko "/lib/modules/$kver/extra/srtprelay.ko"
depmod -a
for m in aesni_intel ghash_clmulni_intel sha1_ssse3; do modprobe "$m" 2>/dev/null; done
cd "$(cat /.vm-top)" || echo "VM-ERROR no checkout"
bash -c "$(cat /.vm-cmd)"
rc=$?
if [ -w /sys/kernel/debug/kmemleak ] && ! lsmod | grep -q '^srtprelay '; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	grep -A12 unreferenced /sys/kernel/debug/kmemleak | sed 's/^/VM-KLOG kmemleak: /'
fi
dmesg | grep -E 'BUG:|WARNING:|Oops|circular locking|possible recursive locking|refcount_t|KASAN|UBSAN|kmemleak' |
	grep -v 'Kernel memory leak detector initialized\|KernelAddressSanitizer initialized\|kmemleak: Automatic' |
	head -40 | sed 's/^/VM-KLOG /'
echo "VM-RESULT rc=$rc"
/.vm/busybox poweroff -f
