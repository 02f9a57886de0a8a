#!/bin/bash
# make bench [QUICK=1] [BENCH_CPUS=N]: boots the 6.1 test kernel with N
# vCPUs (default 2), runs tests/bench/full.sh (or quick.sh) in it, then
# tests/bench/report.py on the host.
#   full:  results/bench/<release>/full/*.csv -> docs/performance.md and
#          docs/performance/*.png (commit them)
#   quick: results/bench/<release>/quick/, report beside it, checked for
#          sane numbers (make check runs this)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
quick=0
[ "${1:-}" = --quick ] && quick=1
cpus=${BENCH_CPUS:-2}
if ! [[ $cpus =~ ^[0-9]+$ ]] || [ "$cpus" -lt 1 ]; then
	echo "bench: BENCH_CPUS=$cpus: not a CPU count" >&2
	exit 2
fi
if [ "$cpus" -gt "$(nproc)" ]; then
	echo "bench: BENCH_CPUS=$cpus is more than this host's $(nproc) CPUs: the vCPUs will share them" >&2
fi
rel=$("$top/tests/vm/kernels.sh" versions | awk '$1 == "6.1" { print $2 }')
[ -n "$rel" ] || { echo "bench: no 6.1 test kernel (run make deps)" >&2; exit 1; }
name=full
[ $quick = 1 ] && name=quick
out=$top/results/bench
WGI_SMP=$cpus "$top/tests/vm/run.sh" -k "$rel" -o "$out" "$top/tests/bench/$name.sh"
res=$out/$rel/$name
{
	echo "host_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "host_cpus=$(nproc)"
	echo "date=$(date -u +%Y-%m-%d)"
	echo "revision=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
} >"$res/host.txt"
if [ $quick = 1 ]; then
	/usr/bin/python3 "$top/tests/bench/report.py" "$res" "$res/report" --check
else
	/usr/bin/python3 "$top/tests/bench/report.py" "$res" "$top/docs"
	echo "bench: docs/performance.md and docs/performance/ rewritten; raw data in $res"
fi
