#!/bin/bash
# make check-debug: the VM tests under the debug kernel (KASAN, KFENCE,
# lockdep with PROVE_RCU, debugobjects, kmemleak, UBSAN; see
# tests/vm/debug.config), kmemleak scanned after every test.
#
#   check-debug.sh [TEST...]     default: every test in tests/cases
#
# The kernel is built once and cached (tests/vm/debug-kernel.sh, ~25 min
# on 2 cores); the modules are built against it here. The data path is
# several times slower under KASAN and lockdep: timeouts are scaled
# (WGI_TIMEOUT_SCALE), never the assertions.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/vm
build=${WGI_DEBUG_BUILD:-$top/build}
results=${WGI_DEBUG_RESULTS:-$top/results-debug}

rel=$("$here/debug-kernel.sh" build)
echo "== check-debug on $rel"
mkdir -p "$build"
cc -O2 -Wall -Wextra -Werror -o "$build/hold_timestamp" "$here/hold_timestamp.c"
for variant in "" -debug; do
	log=$build/build-$rel$variant.log
	args=(W=1)
	[ -n "$variant" ] && args+=(WGI_DEBUG=1)
	if ! "$here/build.sh" "$rel" "$build/$rel$variant" "${args[@]}" >"$log" 2>&1; then
		grep -E 'error|warning' "$log" | head -n 40
		echo "check-debug: module build failed (full log: $log)" >&2
		exit 1
	fi
done

[ $# -gt 0 ] || set -- "$top"/tests/cases/*.sh
rm -rf "$results"
# acpi=noirq: under KASAN and TCG the interpreter runs the PCI routing
# method (_PRT) so slowly that it hits ACPI's loop timeout twice, 60 s of
# every boot; the guest's virtio devices route fine without it.
WGI_TIMEOUT_SCALE=${WGI_TIMEOUT_SCALE:-4} WGI_APPEND="acpi=noirq ${WGI_APPEND:-}" \
	"$here/run.sh" -k "$rel" -b "$build" -o "$results" "$@"
