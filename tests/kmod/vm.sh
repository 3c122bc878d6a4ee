#!/bin/bash
# Boots a kernel in qemu (TCG) with the host's root filesystem and runs one command in it.
#
#   tests/kmod/vm.sh KERNEL MODULE.ko COMMAND
#
# KERNEL is 6.1, 6.12 (Debian's, from /boot), debug (../shared/kernels/6.12-debug) or
# mainline (../shared/kernels/mainline-debug), the last two with panic_on_warn=1. The guest mounts the host's / read-only over 9p with a tmpfs overlay and
# switch_roots into it, so it runs this checkout's binaries and the host's modprobe. MODULE is
# installed under /lib/modules/$(uname -r)/extra (depmod, so `modprobe srtprelay` works), the
# AES-NI drivers are loaded, COMMAND runs in the repository directory, and its exit code comes
# back in a marker line. The run fails when the marker is missing, on timeout (VM_TIMEOUT,
# default 900 s), or when the kernel log shows BUG, WARNING, Oops, lockdep, refcount, KASAN,
# UBSAN or (debug kernel, after unloading) kmemleak reports. Exit 77: qemu or kernel missing.
set -u
kernel=$1 module=$2 cmd=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
timeout=${VM_TIMEOUT:-900}
shared=""	# a debug kernel of ../shared/kernels: everything built in

case $kernel in
6.1) kver=$(ls /boot | sed -n 's/^vmlinuz-\(6\.1\.[0-9-]*-amd64\)$/\1/p' | sort -V | tail -1) ;;
6.12) kver=$(ls /boot | sed -n 's/^vmlinuz-\(6\.12\..*-amd64\)$/\1/p' | sort -V | tail -1) ;;
debug) kver=debug shared=6.12-debug ;;
mainline) kver=mainline shared=mainline-debug ;;
*) echo "vm.sh: unknown kernel $kernel" >&2; exit 2 ;;
esac
if [ -n "$shared" ]; then
	image=$top/../shared/kernels/$shared/bzImage mem=2048 extra="panic_on_warn=1 oops=panic"
	# The mainline kernel's own boot line (its README), repeated because -append may replace
	# it: no5lvl avoids a false KASAN wild-memory-access in early boot under TCG.
	[ "$kernel" = mainline ] && extra="$extra acpi=noirq no5lvl"
else
	image=/boot/vmlinuz-$kver mem=1024 extra=""
fi
if ! command -v qemu-system-x86_64 >/dev/null || [ -z "$kver" ] || [ ! -r "$image" ]; then
	echo "vm.sh: no qemu or no kernel image for $kernel" >&2
	exit 77
fi

work=$(mktemp -d /tmp/srtprelay-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/mods"
cp /bin/busybox "$work/root/bin/"
cp "$module" "$work/root/srtprelay.ko"
cp "$top/tests/kmod/vm-guest.sh" "$work/root/guest.sh"
printf '%s\n' "$cmd" >"$work/root/cmd"
printf '%s\n' "$top" >"$work/root/top"
printf '%s\n' "$shared" >"$work/root/shared"

# Debian's kernels have virtio-pci, 9p and overlayfs as modules (xz-compressed on 6.12), which
# the initramfs loads in dependency order before it can reach the host's files.
if [ -z "$shared" ]; then
	i=0
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r f; do
		i=$((i + 1))
		case $f in
		*.xz) xz -dc "$f" >"$work/root/mods/$(printf %03d $i).ko" ;;
		*) cp "$f" "$work/root/mods/$(printf %03d $i).ko" ;;
		esac
	done
fi

cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
B=/bin/busybox
$B mkdir -p /proc /dev
$B mount -t proc proc /proc
$B mount -t devtmpfs dev /dev
for m in $($B ls /mods); do $B insmod /mods/$m; done
$B mkdir -p /host /ov /new
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || echo "VM-ERROR no 9p"
$B mount -t tmpfs tmpfs /ov
$B mkdir -p /ov/u /ov/w
$B mount -t overlay -o lowerdir=/host,upperdir=/ov/u,workdir=/ov/w overlay /new
$B cp /cmd /new/.vm-cmd
$B cp /top /new/.vm-top
$B cp /shared /new/.vm-shared
$B cp /srtprelay.ko /new/.vm-srtprelay.ko
$B mkdir -p /new/.vm
$B cp /bin/busybox /new/.vm/busybox
$B cp /guest.sh /new/.vm-guest.sh
$B mount --move /dev /new/dev
$B umount /proc
exec $B switch_root /new /bin/bash /.vm-guest.sh
EOF
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

# In the background with a trap: timeout(1) puts qemu in a process group of its own, so when
# the test runner's timeout stops this script, the VM would otherwise run on, orphaned, for
# its whole timeout and slow down every later test.
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "$mem" -smp 2 \
	-display none -nodefaults -serial stdio -no-reboot -kernel "$image" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 $extra" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	</dev/null >"$work/console" 2>&1 &
qpid=$!
trap 'kill -TERM "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; rm -rf "$work"; exit 143' TERM INT
wait "$qpid"
qrc=$?
trap - TERM INT
[ -n "${VM_KEEP_CONSOLE:-}" ] && cp "$work/console" "$VM_KEEP_CONSOLE"
tr -d '\r' <"$work/console" | grep -v '^VM-KLOG ' | grep -E '^(PASS|FAIL|SKIP) |^  |^VM-'
grep -a '^VM-KLOG ' "$work/console" | sed 's/^VM-KLOG /  kernel: /'
rc=$(sed -n 's/^VM-RESULT rc=\([0-9]*\).*/\1/p' "$work/console" | tail -1)
if [ -z "$rc" ]; then
	echo "vm.sh: no result from the guest (qemu exit $qrc); the console ended with:"
	tail -25 "$work/console" | sed 's/^/  /'
	exit 1
fi
if grep -aqE 'Kernel panic|^VM-KLOG ' "$work/console"; then
	echo "vm.sh: the kernel reported problems (above)"
	exit 1
fi
exit "$rc"
