#!/bin/bash
# Build the modules for every test kernel with W=1, -Werror and sparse;
# fail on any compiler or sparse warning in our own sources.
#   build-all.sh BUILD_ROOT
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(realpath -m "$1")
mkdir -p "$root"
status=0
while read -r series rel; do
	log=$root/build-$rel.log
	echo "== build for $series ($rel): W=1 -Werror C=1"
	if ! "$here/build.sh" "$rel" "$root/$rel" W=1 C=1 >"$log" 2>&1; then
		grep -E 'error|warning' "$log" | head -n 40
		echo "build failed for $rel (full log: $log)" >&2
		status=1
		continue
	fi
	# sparse only warns; make its findings in our files fatal.
	if grep -E '/(wg_inline|mlx5_steer|fixtures)/[^ ]*: (warning|error):' "$log"; then
		echo "warnings in our sources for $rel (full log: $log)" >&2
		status=1
	fi
done < <("$here/kernels.sh" versions)
exit $status
