#!/bin/bash
# Build the modules for every test kernel with W=1, -Werror and sparse;
# fail on any compiler or sparse warning in our own sources.
#   build-all.sh BUILD_ROOT
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(realpath -m "$1")
mkdir -p "$root"
status=0
# build_one RELEASE OUTDIR LABEL [make args]
build_one() {
	local rel=$1 out=$2 label=$3 log
	shift 3
	log=$root/build-$(basename "$out").log
	echo "== build $label: W=1 -Werror C=1 $*"
	if ! "$here/build.sh" "$rel" "$out" W=1 C=1 "$@" >"$log" 2>&1; then
		grep -E 'error|warning' "$log" | head -n 40
		echo "build failed for $label (full log: $log)" >&2
		return 1
	fi
	# sparse only warns; make its findings in our files fatal.
	if grep -E '/(wg_inline|mlx5_steer|fixtures|fakenic)/[^ ]*: (warning|error):' "$log"; then
		echo "warnings in our sources for $label (full log: $log)" >&2
		return 1
	fi
}

# The guest's helper that pins the timestamp static key (guest.sh).
cc -O2 -Wall -Wextra -Werror -o "$root/hold_timestamp" "$here/hold_timestamp.c" ||
	status=1

while read -r series rel; do
	build_one "$rel" "$root/$rel" "$series ($rel)" || status=1
	# The test-only variant (scaled protocol time) for the timer tests.
	build_one "$rel" "$root/$rel-debug" "$series ($rel) debug" WGI_DEBUG=1 || status=1
done < <("$here/kernels.sh" versions)
exit $status
