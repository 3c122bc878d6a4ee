#!/bin/bash
# The Debian packages: packaging/build-debs.sh builds srtprelay-daemon and srtprelay-dkms, they
# hold what they should (man pages cover every option and command), DKMS builds the module
# from the package's /usr/src tree for every kernel tree here (Debian's 6.1 and 6.12, the debug
# kernels' 6.12 and 7.3) and refuses kernels older than 6.1, and
# srtprelay-daemon installs, creates its user, runs from the installed files as that user and
# purges without a trace.
# part-timeout: 480

# The helpers run through check() and the trap, which shellcheck does not follow.
# shellcheck disable=SC2317
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}

for tool in dpkg-buildpackage dh dh_dkms; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP debs: no $tool (./scripts/install-deps.sh all installs it)"
		exit 77
	fi
done

work=$(mktemp -d /tmp/srtprelay-debs-test.XXXXXX)
debs=$work/debs
pid="" installed=""
# The install part runs as root, through sudo when not root. An array rather than a function:
# "${root[@]}" timeout ... & must leave timeout's (or sudo's) pid in $!, not a subshell's.
root=()
[ "$(id -u)" -eq 0 ] || root=(sudo -n)
apt_get() {
	"${root[@]}" timeout 180 env DEBIAN_FRONTEND=noninteractive apt-get -y -q \
		-o DPkg::Lock::Timeout=60 "$@"
}
is_installed() {
	dpkg-query -W -f='${db:Status-Status}' srtprelay-daemon 2>/dev/null | grep -qv not-installed
}
cleanup() {
	[ -n "$pid" ] && "${root[@]}" kill -TERM "$pid" 2>/dev/null
	wait 2>/dev/null
	[ -n "$installed" ] && is_installed && apt_get purge srtprelay-daemon >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# check NAME COMMAND...: one PASS/FAIL line; a failure shows the command's output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "PASS debs.$name"
	else
		echo "FAIL debs.$name"
		[ -n "$out" ] && tail -30 <<<"$out" | sed 's/^/    /'
	fi
}

# --- build ---
if ! timeout 300 packaging/build-debs.sh "$debs" >"$work/build.log" 2>&1; then
	echo "FAIL debs.build"
	tail -40 "$work/build.log" | sed 's/^/    /'
	exit 1
fi
echo "PASS debs.build"
daemon_deb=$(ls "$debs"/srtprelay-daemon_*.deb)
dkms_deb=$(ls "$debs"/srtprelay-dkms_*.deb)
ver=$(dpkg-deb -f "$daemon_deb" Version)
upver=${ver%-*}
dpkg-deb -x "$daemon_deb" "$work/daemon"
dpkg-deb -x "$dkms_deb" "$work/dkms"

# The package's version is the one the daemon reports.
check version_matches_daemon \
	test "$("$work/daemon/usr/sbin/srtprelayd" --version)" = "srtprelayd $upver"

# --- contents ---
has_files() { # DEB PATH...: every PATH (as dpkg-deb -c prints it, without "./") is in DEB
	local list missing=""
	list=$(dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|')
	shift
	for p in "$@"; do
		grep -qxF "$p" <<<"$list" || missing="$missing $p"
	done
	[ -z "$missing" ] || { echo "missing:$missing"; return 1; }
}
unit=/lib/systemd/system/srtprelay.service
dpkg-deb -c "$daemon_deb" | grep -q '/usr/lib/systemd/system/srtprelay.service$' &&
	unit=/usr/lib/systemd/system/srtprelay.service
check daemon_contents has_files "$daemon_deb" /usr/sbin/srtprelayd /usr/sbin/srtprelay-ctl \
	"$unit" /etc/srtprelay/srtprelay.conf \
	/usr/share/man/man8/srtprelayd.8.gz /usr/share/man/man8/srtprelay-ctl.8.gz
check daemon_unit_is_packaging_unit cmp "$work/daemon$unit" packaging/srtprelay.service
check daemon_config_is_conffile \
	grep -qx /etc/srtprelay/srtprelay.conf <(dpkg-deb -I "$daemon_deb" conffiles)

# The man pages name every option and command the programs' --help prints.
man_names() { # MANPAGE.gz: the page's text with roff's \- and font escapes undone
	zcat "$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g'
}
man_covers() { # MANPAGE.gz WORD...
	local text missing=""
	text=$(man_names "$1")
	shift
	[ $# -gt 0 ] || { echo "--help named nothing to look for"; return 1; }
	for w in "$@"; do
		grep -qF -- "$w" <<<"$text" || missing="$missing '$w'"
	done
	[ -z "$missing" ] || { echo "not in the man page:$missing"; return 1; }
}
mapfile -t opts < <("$work/daemon/usr/sbin/srtprelayd" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p')
check man_srtprelayd_options \
	man_covers "$work/daemon/usr/share/man/man8/srtprelayd.8.gz" "${opts[@]}"
# "  flow add LOCAL ..." -> "flow add", "  stats [--json]" -> "stats", "  list   The ..." -> "list"
mapfile -t cmds < <("$work/daemon/usr/sbin/srtprelay-ctl" --help |
	sed -En 's/^  ([a-z][a-z-]*)( [a-z][a-z-]*)?([ [].*)?$/\1\2/p' | sort -u)
check man_srtprelay_ctl_commands \
	man_covers "$work/daemon/usr/share/man/man8/srtprelay-ctl.8.gz" "${cmds[@]}"

src=/usr/src/srtprelay-$upver
mapfile -t ksrc < <(cd kmod && find . \( -name Kbuild -o -name '*.[ch]' \) ! -name '*.mod.c' |
	sed "s|^\.|$src|")
check dkms_contents has_files "$dkms_deb" "$src/dkms.conf" "$src/include/uapi/linux/srtprelay.h" \
	"${ksrc[@]}"
dkms_conf_has() { # LINE...: dkms.conf has each line as it is
	local l
	for l in "$@"; do
		grep -qxF "$l" "$work/dkms$src/dkms.conf" || { echo "dkms.conf lacks: $l"; return 1; }
	done
}
check dkms_conf dkms_conf_has "PACKAGE_VERSION=\"$upver\"" 'BUILT_MODULE_NAME[0]="srtprelay"' \
	'AUTOINSTALL="yes"'

# --- DKMS, from the package's tree and into a tree of our own: nothing is installed ---
# The signing key dkms generates goes to the temporary directory too (not /var/lib/dkms).
dkms_build() { # KERNEL-RELEASE [KERNEL-SOURCE-DIR]
	env mok_signing_key="$work/mok.key" mok_certificate="$work/mok.pub" \
		timeout 240 dkms build --dkmstree "$work/dkmstree" --sourcetree "$work/dkms/usr/src" \
		-m srtprelay -v "$upver" -k "$1" -j 2 ${2:+--kernelsourcedir "$2"}
}
built_for() { # KERNEL-RELEASE [KERNEL-SOURCE-DIR]: dkms built srtprelay.ko, and for that kernel
	local ko
	dkms_build "$@" || return 1
	ko=$(find "$work/dkmstree/srtprelay/$upver/$1" -name 'srtprelay.ko*' | head -1)
	[ -n "$ko" ] || { echo "no srtprelay.ko under $work/dkmstree"; return 1; }
	modinfo -F vermagic "$ko" | grep -q "^$1 " || { modinfo "$ko"; return 1; }
}
refuses() { # KERNEL-RELEASE: dkms does not build for it, and says why
	local out rc
	out=$(dkms_build "$1" 2>&1)
	rc=$?
	if [ "$rc" -ne 77 ] || ! grep -q BUILD_EXCLUSIVE <<<"$out"; then
		echo "dkms build exited $rc:"
		echo "$out"
		return 1
	fi
}
if command -v dkms >/dev/null; then
	mkdir "$work/dkmstree"
	# Every kernel with headers here, and the debug kernels' trees (a 7.x one among them) when
	# tests/kmod/kbuild.sh has unpacked them.
	n=0
	for kdir in /lib/modules/*/build; do
		[ -e "$kdir/Makefile" ] || continue
		kver=$(basename "$(dirname "$kdir")")
		check "dkms_build_$kver" built_for "$kver"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || echo "SKIP debs.dkms_build (no linux-headers installed)"
	for kdir in "$BUILD"/kdebug/build "$BUILD"/kmainline/build; do
		[ -e "$kdir/include/config/kernel.release" ] || continue
		kver=$(cat "$kdir/include/config/kernel.release")
		check "dkms_build_$kver" built_for "$kver" "$(cd "$kdir" && pwd)"
	done
	# 6.0 and 5.10 are older than the oldest kernel the module supports.
	for kver in 5.10.0-fake 6.0.0-fake; do
		check "dkms_refuses_$kver" refuses "$kver"
	done
else
	echo "SKIP debs.dkms (no dkms)"
fi

# --- install, run, purge srtprelay-daemon on this machine ---
if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
	echo "SKIP debs.install (not root and no sudo)"
	exit 0
fi
if is_installed; then
	echo "SKIP debs.install (srtprelay-daemon is installed already; not touching it)"
	exit 0
fi
# Purging removes the account; one that was there before is not ours to remove.
if getent passwd srtprelay >/dev/null || getent group srtprelay >/dev/null; then
	echo "SKIP debs.install (user or group srtprelay exists already)"
	exit 0
fi

installed=1
check install apt_get install --no-install-recommends "$daemon_deb"
system_user() { # the account is a system one, with its group, no home and no shell
	local name uid home shell
	IFS=: read -r name _ uid _ _ home shell < <(getent passwd srtprelay)
	if ! getent group srtprelay >/dev/null || [ "$name" != srtprelay ] || [ "$uid" -ge 1000 ] ||
		[ "$home" != /nonexistent ] || [ "${shell##*/}" != nologin ]; then
		getent passwd srtprelay
		getent group srtprelay
		return 1
	fi
}
check install_creates_user system_user
check install_files test -x /usr/sbin/srtprelayd -a -x /usr/sbin/srtprelay-ctl \
	-a -f /etc/srtprelay/srtprelay.conf -a -f "$unit" -a -f /usr/share/man/man8/srtprelayd.8.gz
# Installed, the unit's binary, config and user all exist: verify has nothing to say.
unit_verifies() {
	local out
	out=$(systemd-analyze verify "$unit" 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
command -v systemd-analyze >/dev/null && check installed_unit_verifies unit_verifies

# The installed daemon, installed config and created user, the way the unit runs it, but in
# userspace mode and on a port of our own: systemd need not be running (PID 1 rarely is here).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${root[@]}" timeout 30 setpriv --reuid=srtprelay --regid=srtprelay --init-groups \
	/usr/sbin/srtprelayd --config-file=/etc/srtprelay/srtprelay.conf --foreground --table=-1 \
	--listen-ng="127.0.0.1:$port" >"$work/daemon.log" 2>&1 &
pid=$!
reply=""
for _ in $(seq 50); do
	reply=$(python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
s.sendto(b"x d7:command4:pinge", ("127.0.0.1", int(sys.argv[1]))); print(s.recv(100).decode())
PY
)
	[ -n "$reply" ] && break
	sleep 0.1
done
if [ "$reply" = "x d6:result4:ponge" ]; then
	echo "PASS debs.installed_daemon_answers_ng"
else
	echo "FAIL debs.installed_daemon_answers_ng"
	sed 's/^/    /' "$work/daemon.log"
fi
check installed_daemon_runs_as_user test "$(ps -eo uid=,args= |
	awk -v a="--listen-ng=127.0.0.1:$port" '$2 == "/usr/sbin/srtprelayd" && index($0, a) {print $1}')" \
	= "$(id -u srtprelay)"
check installed_ctl_lists_calls timeout 10 /usr/sbin/srtprelay-ctl list --ng "127.0.0.1:$port"
"${root[@]}" kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
check installed_daemon_sigterm_clean_exit test "$rc" -eq 0

check purge apt_get purge srtprelay-daemon
installed=""
leftovers() {
	local st p bad=""
	st=$(dpkg-query -W -f='${db:Status-Status}' srtprelay-daemon 2>/dev/null)
	[ -z "$st" ] || [ "$st" = not-installed ] || bad="$bad package($st)"
	for p in /etc/srtprelay /usr/sbin/srtprelayd /usr/sbin/srtprelay-ctl "$unit"; do
		[ -e "$p" ] && bad="$bad $p"
	done
	getent passwd srtprelay >/dev/null && bad="$bad user"
	getent group srtprelay >/dev/null && bad="$bad group"
	[ -z "$bad" ] || { echo "left behind:$bad"; return 1; }
}
check purge_leaves_nothing leftovers
exit 0
