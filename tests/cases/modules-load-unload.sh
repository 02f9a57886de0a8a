# Both project modules load and unload repeatedly without a kernel
# warning; compat=1 takes the "wireguard" names and refuses to load, with
# a clear message, while stock wireguard.ko holds them.
# timeout: 130
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

# Default names live beside stock WireGuard.
modprobe wireguard
load_wg_inline
check "link kind wg-inline usable beside stock wireguard" ip link add wgi0 type wg-inline
check "stock link kind still usable" ip link add wgs0 type wireguard
ip link del wgi0
ip link del wgs0
rmmod wg_inline

# compat=1 while stock holds the names: a clean refusal.
dmesg -C
check_fails "compat=1 refuses to load while stock wireguard is loaded" \
	load_wg_inline compat=1
dmesg | grep -q 'already registered' || die "no clear message for the name clash"
echo "ok: clash message: $(dmesg | grep 'already registered' | head -n1)"
rmmod wireguard

# compat=1 alone: the names are ours.
load_wg_inline compat=1
check "compat=1 provides link kind wireguard" ip link add wg0 type wireguard
ip -d link show wg0 | grep -q wireguard || die "wg0 not of kind wireguard"
ip link del wg0
rmmod wg_inline
