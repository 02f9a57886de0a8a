# Both project modules load and unload repeatedly without a kernel
# warning.
# timeout: 120
. "$WGI_ROOT/tests/lib.sh"

for i in $(seq 1 10); do
	load_ko "$WGI_KO"
	load_ko "$STEER_KO"
	grep -q '^wg_inline ' /proc/modules || die "wg_inline not listed after load $i"
	rmmod mlx5_steer
	rmmod wg_inline
done
grep -qE '^(wg_inline|mlx5_steer) ' /proc/modules && die "a module stayed loaded"
echo "ok: 10 load/unload cycles of wg_inline and mlx5_steer"

