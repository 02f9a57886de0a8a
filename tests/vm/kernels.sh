#!/bin/bash
# Resolve, download and unpack the test kernels.
#
#   kernels.sh versions      print "<series> <kernel-release>" for each test kernel
#   kernels.sh fetch         install headers (apt) and unpack images into the cache
#   kernels.sh dir RELEASE   print the unpacked image root for RELEASE
#
# The 6.1 ABI is read from linux-image-amd64's dependency so we follow Debian's
# current LTS update; 6.12 is the newest +deb12-amd64 image the archive offers.
# Images are unpacked with dpkg-deb -x into the cache, never installed as the
# machine's boot kernel.
set -euo pipefail

CACHE=${WGI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wg-inline}
KDIR_CACHE=$CACHE/kernels

release_61() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		head -n1
}

release_612() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		awk '{print $1}' | sed 's/^linux-image-//; s/-unsigned$//' |
		while read -r r; do
			# only releases whose headers exist are usable
			apt-cache show "linux-headers-$r" >/dev/null 2>&1 && echo "$r"
		done | sort -V | tail -n1
}

image_pkg() {
	case $1 in
	6.12.*) echo "linux-image-$1-unsigned" ;;
	*) echo "linux-image-$1" ;;
	esac
}

versions() {
	local a b
	a=$(release_61)
	b=$(release_612)
	[ -n "$a" ] || { echo "kernels.sh: cannot resolve Debian's 6.1 ABI (apt-get update?)" >&2; exit 1; }
	[ -n "$b" ] || { echo "kernels.sh: no 6.12 +deb12-amd64 image found (apt-get update?)" >&2; exit 1; }
	echo "6.1 $a"
	echo "6.12 $b"
}

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

fetch_one() {
	local rel=$1 dest=$KDIR_CACHE/$1 tmp
	if [ ! -d "/usr/src/linux-headers-$rel" ]; then
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
			"linux-headers-$rel" >/dev/null
	fi
	[ -f "$dest/.complete" ] && return 0
	rm -rf "$dest"
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$(image_pkg "$rel")" >/dev/null)
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
	# Debian 6.12 ships xz modules; the busybox initramfs insmod needs plain
	# .ko for its few early modules, the guest's kmod handles the rest.
	depmod -b "$dest" "$rel"
	touch "$dest/.complete"
}

case ${1:-} in
versions) versions ;;
fetch)
	versions | while read -r _ rel; do fetch_one "$rel"; done ;;
dir) echo "$KDIR_CACHE/$2" ;;
*) echo "usage: $0 versions|fetch|dir RELEASE" >&2; exit 2 ;;
esac
