#!/bin/bash
# Build the modules for one kernel release into OUTDIR (a private copy of
# the sources, since kbuild writes objects next to them and we build for
# several kernels side by side).
#   build.sh RELEASE OUTDIR [extra make args, e.g. W=1 C=1]
set -euo pipefail
rel=$1 out=$(realpath -m "$2")
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$("$top/tests/vm/kernels.sh" kdir "$rel")
[ -d "$kdir" ] || { echo "build.sh: no headers for $rel in $kdir (run make deps)" >&2; exit 1; }
mkdir -p "$out"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod*' \
	--exclude='.*.cmd' --exclude=Module.symvers --exclude=modules.order \
	"$top/Kbuild" "$top/wg_inline" "$top/mlx5_steer" "$top/uapi" \
	"$top/include" "$out/"
# -Werror through KCFLAGS so W=1 warnings fail the build too.
mkdir -p "$out/fixtures" "$out/fakenic" "$out/cryptobench"
rsync -a "$top/tests/fixtures/" "$out/fixtures/"
rsync -a "$top/tests/bench/cryptobench/" "$out/cryptobench/"
rsync -a --exclude=README.md "$top/tests/fakenic/" "$out/fakenic/"
# TARGETS lets a developer compile single objects: TARGETS=wg_inline/noise.o
jobs=-j$(nproc)
make $jobs -C "$kdir" M="$out" KCFLAGS="-Werror ${KCFLAGS:-}" "$@" ${TARGETS:-modules}
if [ -z "${TARGETS:-}" ]; then
	# event_listener uses wg_inline's exports.
	make $jobs -C "$kdir" M="$out/fixtures" KCFLAGS="-Werror ${KCFLAGS:-}" \
		KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" "$@" modules
	# The test-double NIC (tests/fakenic/), standalone.
	make $jobs -C "$kdir" M="$out/fakenic" KCFLAGS="-Werror ${KCFLAGS:-}" \
		"$@" modules
	# make bench's crypto reference (tests/bench/cryptobench/).
	make $jobs -C "$kdir" M="$out/cryptobench" KCFLAGS="-Werror ${KCFLAGS:-}" \
		"$@" modules
fi
# The guest reads modules over 9p at TCG speed: load stripped copies and
# keep the debug info beside them (NAME.ko.debug) for decoding oopses.
if [ -z "${TARGETS:-}" ]; then
	find "$out" -name '*.ko' | while read -r ko; do
		readelf -S "$ko" | grep -q '\.debug_info' || continue
		cp "$ko" "$ko.debug"
		strip --strip-debug "$ko"
	done
fi
