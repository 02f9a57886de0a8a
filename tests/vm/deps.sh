#!/bin/bash
# make deps: install (idempotently) everything building and testing needs,
# then fetch and unpack the test kernels. Safe to run repeatedly; it only
# talks to apt when something is missing or the package lists are stale.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

PKGS=(qemu-system-x86 busybox-static kmod iproute2 ethtool wireguard-tools
	wireguard-go iperf3 iputils-ping ncat libmnl-dev sparse
	make gcc rsync cpio xz-utils python3 procps util-linux dkms
	# what the unpacked kernel headers' kbuild tools need (kernels.sh)
	gcc-12 pahole libelf1 libssl3 zlib1g
	# wg-quick's full tunnel marks with it (fwmark-wg-quick.sh)
	nftables
	# tools/test-cli.sh proves with it that bad arguments open no socket
	strace
	# make hil-lint: the hardware-in-the-loop scripts
	shellcheck
	# make bench's plots (tests/bench/report.py)
	python3-matplotlib)

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

lists_fresh() {
	# Package lists newer than a day: good enough to know Debian's
	# current kernel ABI without hitting the mirror on every run.
	[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)" ]
}

if [ ${#missing[@]} -gt 0 ] || ! lists_fresh; then
	echo "deps: apt-get update"
	$SUDO apt-get update -q >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

"$here/kernels.sh" fetch
"$here/kernels.sh" versions | while read -r series rel; do
	"$here/initramfs.sh" "$rel" >/dev/null
	echo "deps: test kernel $series = $rel"
done
