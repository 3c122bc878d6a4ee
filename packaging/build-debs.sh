#!/bin/bash
# Builds the Debian packages srtprelay-daemon and srtprelay-dkms:
#
#   packaging/build-debs.sh [OUTDIR]      (default: build/debs)
#
# dpkg-buildpackage wants debian/ at the top of the tree, but the project keeps it in
# packaging/debian, so the build runs in a copy of the tree with packaging/debian as debian/.
# The copy has the files git knows plus untracked ones that are not ignored (uncommitted work
# builds too, build/ and module objects do not come along); outside git, the tree without
# build/ and .git. JOBS (default 2) is the build's parallelism.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/debs}
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/srtprelay-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
# dpkg-buildpackage writes the packages next to the source directory, i.e. into $work.
src=$work/srtprelay
mkdir "$src"

cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files deleted in the working tree are still in git's list: leave them out.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
rm -rf "$src/debian"
cp -a packaging/debian "$src/debian"

cd "$src"
dpkg-buildpackage -b -us -uc -j"${JOBS:-2}"
cp "$work"/*.deb "$out"/
ls "$out"/*.deb
