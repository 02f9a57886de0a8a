# shellcheck shell=bash
# make bench QUICK=1 (and make check): one point of every experiment,
# once, short, to prove the benchmark runs and its numbers are sane.
# timeout: 900
BENCH_REPS=1 BENCH_SECS=3 BENCH_FLOWS=2
WGI_BENCH="tunnels=1 ${WGI_BENCH:-}"
. "$WGI_ROOT/tests/bench/bench.sh"
bench_main
