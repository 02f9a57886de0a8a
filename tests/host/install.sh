#!/bin/bash
# make install for each test kernel and the DKMS build for the primary
# one (6.1), into private trees (no root paths touched): both modules
# must land where the kernel looks for them, with that kernel's vermagic,
# and make install's must be in modules.dep.
#   tests/host/install.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kernels=$top/tests/vm/kernels.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=1; }

# A clean copy: kbuild writes objects beside the sources.
src=$work/src
mkdir -p "$src"
cp -a "$top/Makefile" "$top/Kbuild" "$top/dkms.conf" "$top/wg_inline" \
	"$top/mlx5_steer" "$top/uapi" "$top/include" "$src/"

check_installed() {
	local what=$1 rel=$2 dir=$3 m ko
	for m in wg_inline mlx5_steer; do
		ko=$(find "$dir" -name "$m.ko*" | head -n1)
		if [ -z "$ko" ]; then
			fail "$what $rel: no $m.ko under $dir"
			continue
		fi
		case $(modinfo -F vermagic "$ko") in
		"$rel "*) echo "ok: $what $rel: ${ko#"$work"/}" ;;
		*) fail "$what $rel: $m.ko has vermagic '$(modinfo -F vermagic "$ko")'" ;;
		esac
	done
}

while read -r series rel; do
	kdir=$("$kernels" kdir "$rel")
	root=$work/root-$series
	make -s -C "$src" clean KDIR="$kdir" >/dev/null 2>&1
	if ! make -s -j"$(nproc)" -C "$src" install KDIR="$kdir" INSTALL_MOD_PATH="$root" \
		>"$work/install-$series.log" 2>&1; then
		cat "$work/install-$series.log"
		fail "make install for $rel"
		continue
	fi
	check_installed "make install" "$rel" "$root/lib/modules/$rel"
	for m in wg_inline mlx5_steer; do
		grep -q "/$m.ko[^:]*:" "$root/lib/modules/$rel/modules.dep" ||
			fail "make install $rel: $m is not in modules.dep"
	done
	modinfo -b "$root" -k "$rel" wg_inline >/dev/null 2>&1 ||
		fail "make install $rel: modinfo cannot find wg_inline by name"

	# One DKMS build is enough to prove dkms.conf; it takes a minute.
	[ "$series" = 6.1 ] || continue
	make -s -C "$src" clean KDIR="$kdir" >/dev/null 2>&1
	mkdir -p "$work/dkms-tree"
	if ! make -s -C "$src" dkms-build KDIR="$kdir" DKMS_SRC="$work/dkms-src" \
		DKMS_ARGS="--sourcetree $work/dkms-src --dkmstree $work/dkms-tree" \
		>"$work/dkms-$series.log" 2>&1; then
		cat "$work/dkms-$series.log"
		fail "make dkms-build for $rel"
		continue
	fi
	check_installed "dkms build" "$rel" "$work/dkms-tree/wg-inline"
	rm -rf "$work/dkms-src" "$work/dkms-tree"
done < <("$kernels" versions)
[ $bad = 0 ] && echo "install: make install works for every test kernel, the DKMS build for 6.1"
exit $bad
