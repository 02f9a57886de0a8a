#!/bin/bash
# Build (once, cached) the check-debug kernel: Debian's 6.1 source with
# Debian's config, trimmed to what the test guest loads, plus the debug
# options of tests/vm/debug.config (KASAN, lockdep, kmemleak, UBSAN...).
#
#   debug-kernel.sh build     build if the cache is stale; print the release
#   debug-kernel.sh release   print the release the cache holds (or fail)
#
# The result is laid out like an unpacked Debian kernel in the test-kernel
# cache (boot/vmlinuz-REL, lib/modules/REL, headers/usr/src/linux-headers-REL),
# so run.sh, build.sh and initramfs.sh use it like any test kernel. The
# cache key is the source package version plus the hash of the config
# fragment, the module list and this script: change any and it rebuilds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${WGI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wg-inline}
KDIR_CACHE=$CACHE/kernels
SRC_PKG=linux-source-6.1

# What the guest and the tests load as modules, by module path in the
# stock kernel's tree; everything else that Debian builds as a module is
# left out (localmodconfig), which is most of the build time.
wanted_modules() {
	grep -oE '^kernel/(net/(core|ipv4|ipv6|netfilter|sched|bridge|8021q|packet|unix|9p|xfrm|key|llc|802|psample|netlink|udp_tunnel)|drivers/net/(veth|wireguard|tun|dummy|macvlan|ipvlan|vxlan|geneve|ifb|vrf|bonding|nlmon|virtio_net|net_failover|mii)|drivers/virtio|drivers/net/wireguard|fs/(9p|overlayfs|netfs|fscache)|lib|crypto|arch/x86/crypto)[^:]*' \
		"$1/modules.dep" | sed 's|.*/||; s|\.ko.*$||; s|-|_|g'
}

source_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null
}

stock_release() {
	"$here/kernels.sh" versions | awk '$1 == "6.1" {print $2}'
}

cache_key() {
	{ source_version; cat "$here/debug.config" "$0"; } | sha1sum | cut -c1-12
}

# The release this source builds: its Makefile's version plus our suffix.
release_of() {
	local src=$1 v p s
	v=$(sed -n 's/^VERSION = //p' "$src/Makefile")
	p=$(sed -n 's/^PATCHLEVEL = //p' "$src/Makefile")
	s=$(sed -n 's/^SUBLEVEL = //p' "$src/Makefile")
	echo "$v.$p.$s-wgi-debug"
}

cached_release() {
	local f=$KDIR_CACHE/debug-6.1.release
	[ -f "$f" ] && [ "$(cat "$f.key" 2>/dev/null)" = "$(cache_key)" ] || return 1
	cat "$f"
}

build() {
	local stock stock_dir work src out rel root lsmod jobs
	if rel=$(cached_release) && [ -f "$KDIR_CACHE/$rel/boot/vmlinuz-$rel" ]; then
		echo "$rel"
		return 0
	fi
	if [ -z "$(source_version)" ]; then
		apt-get install -y -q "$SRC_PKG" >&2
	fi
	stock=$(stock_release)
	stock_dir=$KDIR_CACHE/$stock
	[ -f "$stock_dir/boot/config-$stock" ] || { echo "debug-kernel.sh: $stock not unpacked (make deps)" >&2; exit 1; }

	work=$KDIR_CACHE/debug-6.1-build
	rm -rf "$work"
	mkdir -p "$work"
	echo "debug-kernel.sh: unpacking $SRC_PKG $(source_version)" >&2
	tar -C "$work" -xaf /usr/src/$SRC_PKG.tar.xz
	src=$(echo "$work"/linux-source-*)
	out=$work/obj
	mkdir -p "$out"
	rel=$(release_of "$src")

	cp "$stock_dir/boot/config-$stock" "$out/.config"
	lsmod=$work/lsmod
	{ echo "Module Size Used by"
	  wanted_modules "$stock_dir/lib/modules/$stock" | sed 's/$/ 0 0/'; } >"$lsmod"
	make -s -C "$src" O="$out" LSMOD="$lsmod" localmodconfig </dev/null >&2
	# The fragment wins over whatever localmodconfig left.
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$here/debug.config" >&2
	make -s -C "$src" O="$out" olddefconfig >&2
	check_config "$out/.config"

	jobs=-j$(nproc)
	echo "debug-kernel.sh: building $rel (about 20 minutes on 2 cores)" >&2
	make -s -C "$src" O="$out" $jobs bzImage modules >&2
	root=$KDIR_CACHE/$rel
	rm -rf "$root"
	mkdir -p "$root/boot" "$root/headers/usr/src"
	cp "$out/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel"
	cp "$out/.config" "$root/boot/config-$rel"
	cp "$out/System.map" "$root/boot/System.map-$rel"
	make -s -C "$src" O="$out" INSTALL_MOD_PATH="$root" modules_install >&2
	# modules_install links build/ and source/ to the build tree; the
	# headers path is the build tree itself (O= trees build external
	# modules directly).
	ln -sfn "$out" "$root/headers/usr/src/linux-headers-$rel"
	rm -f "$root/lib/modules/$rel/build" "$root/lib/modules/$rel/source"
	echo "$rel" >"$KDIR_CACHE/debug-6.1.release"
	cache_key >"$KDIR_CACHE/debug-6.1.release.key"
	echo "$rel"
}

# Fail loudly if kconfig dropped an option we rely on (a dependency the
# trimmed config lacks): a debug run without KASAN would pass silently.
check_config() {
	local opt missing=0
	for opt in KASAN PROVE_LOCKING PROVE_RCU DEBUG_KMEMLEAK UBSAN DEBUG_OBJECTS_WORK \
		DEBUG_ATOMIC_SLEEP KFENCE WIREGUARD VETH TUN NET_9P_VIRTIO OVERLAY_FS \
		NET_UDP_TUNNEL NET_SCH_PRIO NET_CLS_U32 NET_ACT_PEDIT NET_SCH_NETEM NF_TABLES; do
		grep -qE "^CONFIG_$opt=(y|m)$" "$1" && continue
		echo "debug-kernel.sh: CONFIG_$opt is not enabled in the debug config" >&2
		missing=1
	done
	[ $missing = 0 ] || exit 1
}

case ${1:-} in
build) build ;;
release) cached_release ;;
*) echo "usage: debug-kernel.sh build|release" >&2; exit 2 ;;
esac
