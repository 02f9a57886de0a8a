#!/bin/bash
# Resolve, download and unpack the test kernels.
#
#   kernels.sh versions      print "<series> <kernel-release>" for each test kernel
#   kernels.sh fetch         unpack each kernel's image and headers into the cache
#   kernels.sh dir RELEASE   print the unpacked image root for RELEASE
#   kernels.sh kdir RELEASE  print the unpacked headers (KDIR) for RELEASE
#
# The 6.1 ABI is read from linux-image-amd64's dependency so we follow Debian's
# current LTS update; 6.12 is the newest +deb12-amd64 image the archive offers.
# Images and headers are unpacked with dpkg-deb -x into the cache, never
# installed: 6.12's headers package depends on its image, so installing it
# with apt would make 6.12 this machine's boot kernel.
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

kdir() {
	echo "$KDIR_CACHE/$1/headers/usr/src/linux-headers-$1"
}

# dep_of PKG REGEX: the first package PKG depends on that matches REGEX.
dep_of() {
	apt-cache depends "$1" | sed -n 's/^ *Depends: \([^<>|]*\)$/\1/p' |
		grep -E "$2" | head -n1
}

# unpack DEST PKG...: downloads the packages and extracts them into DEST.
unpack() {
	local dest=$1 tmp deb
	shift
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	# apt downloads as _apt where it can; let it write here.
	[ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1 && chown _apt "$tmp"
	(cd "$tmp" && apt-get download -q "$@" >/dev/null)
	mkdir -p "$dest"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dest"
	done
	rm -rf "$tmp"
}

# The headers, their -common half and the kbuild tools they link to, in
# one tree. Their symlinks are relative; the one absolute path, the
# include of the -common Makefile, is pointed into the tree.
fetch_headers() {
	local rel=$1 dest=$KDIR_CACHE/$1/headers common kbuild
	[ -f "$dest/.complete" ] && return 0
	rm -rf "$dest"
	common=$(dep_of "linux-headers-$rel" '^linux-headers-.*-common$')
	kbuild=$(dep_of "linux-headers-$rel" '^linux-kbuild-')
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		{ echo "kernels.sh: cannot resolve what linux-headers-$rel needs" >&2; exit 1; }
	unpack "$dest" "linux-headers-$rel" "$common" "$kbuild"
	sed -i "s|^include /usr/src/|include $dest/usr/src/|" "$(kdir "$rel")/Makefile"
	[ -f "$dest/usr/src/$common/Makefile" ] ||
		{ echo "kernels.sh: $common did not unpack" >&2; exit 1; }
	touch "$dest/.complete"
}

fetch_image() {
	local rel=$1 dest=$KDIR_CACHE/$1
	[ -f "$dest/.complete" ] && return 0
	rm -rf "$dest/boot" "$dest/lib" "$dest/usr"
	unpack "$dest" "$(image_pkg "$rel")"
	# Debian 6.12 ships xz modules; the busybox initramfs insmod needs plain
	# .ko for its few early modules, the guest's kmod handles the rest.
	depmod -b "$dest" "$rel"
	touch "$dest/.complete"
}

case ${1:-} in
versions) versions ;;
fetch)
	versions | while read -r _ rel; do
		fetch_image "$rel"
		fetch_headers "$rel"
	done ;;
dir) echo "$KDIR_CACHE/$2" ;;
kdir) kdir "$2" ;;
*) echo "usage: $0 versions|fetch|dir RELEASE|kdir RELEASE" >&2; exit 2 ;;
esac
