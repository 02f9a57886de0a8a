# shellcheck shell=bash
# make bench: every experiment, BENCH_REPS (3) repetitions of BENCH_SECS
# (8) seconds; tests/bench/bench.sh says what runs.
# timeout: 5400
BENCH_REPS=3 BENCH_SECS=8
BENCH_FLOWS=$(($(nproc) > 1 ? $(nproc) : 2)),$((2 * $(nproc)))
. "$WGI_ROOT/tests/bench/bench.sh"
bench_main
