# The demo: two gateways (network namespaces gw1, gw2 joined by veth, as
# if by a wire), two tunnels between them, one TCP flow per tunnel.
# Prints each tunnel's throughput for stock WireGuard and, when the module
# is built, for wg-inline tunnels pinned one per core.
# timeout: 300
. "$WGI_ROOT/tests/lib.sh"

TUNNELS=${TUNNELS:-2}
SECS=${SECS:-5}

setup_gateways() {
	veth_pair gw1 gw2
}

# tunnels KIND TOOL: creates $TUNNELS tunnels of link kind KIND configured
# by TOOL; tunnel i uses 10.$((100+i)).0.0/24 inside and UDP port 51820+i
# outside.
tunnels() {
	local kind=$1 tool=$2 i
	for i in $(seq 1 "$TUNNELS"); do
		genkeys "gw1-$i"
		genkeys "gw2-$i"
		n gw1 ip link add "t$i" type "$kind"
		n gw2 ip link add "t$i" type "$kind"
		n gw1 "$tool" set "t$i" private-key "/run/keys/gw1-$i.key" listen-port $((51820 + i)) \
			peer "$(pubkey "gw2-$i")" endpoint 192.0.2.2:$((51820 + i)) \
			allowed-ips "10.$((100 + i)).0.2/32"
		n gw2 "$tool" set "t$i" private-key "/run/keys/gw2-$i.key" listen-port $((51820 + i)) \
			peer "$(pubkey "gw1-$i")" endpoint 192.0.2.1:$((51820 + i)) \
			allowed-ips "10.$((100 + i)).0.1/32"
		n gw1 ip addr add "10.$((100 + i)).0.1/24" dev "t$i"
		n gw2 ip addr add "10.$((100 + i)).0.2/24" dev "t$i"
		n gw1 ip link set "t$i" up
		n gw2 ip link set "t$i" up
	done
}

teardown_tunnels() {
	local i
	for i in $(seq 1 "$TUNNELS"); do
		n gw1 ip link del "t$i"
		n gw2 ip link del "t$i"
	done
}

# measure LABEL: one iperf3 TCP flow per tunnel, all at once, each client
# pinned to its own CPU; prints per-tunnel and total Mbit/s.
measure() {
	local label=$1 i total=0 ncpu
	ncpu=$(nproc)
	for i in $(seq 1 "$TUNNELS"); do
		n gw2 iperf3 -s -1 -D -B "10.$((100 + i)).0.2" -p $((5200 + i)) >/dev/null
	done
	sleep 0.5
	for i in $(seq 1 "$TUNNELS"); do
		n gw1 taskset -c $(((i - 1) % ncpu)) iperf3 -c "10.$((100 + i)).0.2" -p $((5200 + i)) \
			-t "$SECS" -J >"/run/iperf-$i.json" &
	done
	wait
	for i in $(seq 1 "$TUNNELS"); do
		local m
		m=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e6,1))' "/run/iperf-$i.json")
		printf '  %-10s tunnel %d: %8s Mbit/s\n' "$label" "$i" "$m"
		total=$(python3 -c "print(round($total + $m, 1))")
	done
	printf '  %-10s total:    %8s Mbit/s\n' "$label" "$total"
}

echo "== wg-inline demo: $TUNNELS tunnels between gateways gw1 and gw2 ($(nproc) vCPUs, TCG: compare ratios, not absolute numbers)"
setup_gateways
modprobe wireguard
tunnels wireguard wg
for i in $(seq 1 "$TUNNELS"); do
	check "stock tunnel $i up" n gw1 ping -c 2 -W 2 -i 0.2 "10.$((100 + i)).0.2" >/dev/null
done
measure stock
teardown_tunnels

if [ -f "$WGI_KO" ] && [ -x "$WGAFF" ]; then
	load_wg_inline
	tunnels wg-inline "$WGAFF"
	for i in $(seq 1 "$TUNNELS"); do
		check "wg-inline tunnel $i up" n gw1 ping -c 2 -W 2 -i 0.2 "10.$((100 + i)).0.2" >/dev/null
	done
	measure wg-inline
	echo "  where each wg-inline tunnel's crypto ran (packets per CPU, gw1 encrypt / gw2 decrypt):"
	for i in $(seq 1 "$TUNNELS"); do
		enc=$(awk -v t="t$i" -v k="$(pubkey "gw2-$i")" '$1 == t && $2 == k && $4 > 1000 { printf "cpu%s:%s ", $3, $4 }' "$DBG/peers")
		dec=$(awk -v t="t$i" -v k="$(pubkey "gw1-$i")" '$1 == t && $2 == k && $5 > 1000 { printf "cpu%s:%s ", $3, $5 }' "$DBG/peers")
		printf '    tunnel %d (client pinned to CPU %d): encrypt %s| decrypt %s\n' "$i" $(((i - 1) % $(nproc))) "$enc" "$dec"
	done
	teardown_tunnels
fi
