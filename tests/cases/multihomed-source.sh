# A multi-homed gateway sends from an address that fits the interface it
# sends by. a reaches b's endpoint (203.0.113.2, on b's loopback) by two
# links, veth0 and veth1; b runs strict rp_filter. a learns from b's
# packets that it is reached at 192.0.2.1 on veth0, and replies from it.
# Then a's route to b moves to veth1: a must stop using 192.0.2.1 (b
# would drop it as spoofed on veth1) and send from veth1's own address,
# so the tunnel keeps working and b sees a's new address.
# timeout: 140
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
n a ip link add veth1 type veth peer name veth1 netns b
n a ip addr add 198.51.100.1/24 dev veth1
n b ip addr add 198.51.100.2/24 dev veth1
n a ip link set veth1 up
n b ip link set veth1 up
n b ip addr add 203.0.113.2/32 dev lo
# b answers from its endpoint address whichever link it uses.
n b ip route add 192.0.2.1/32 dev veth0 src 203.0.113.2
n b ip route add 198.51.100.1/32 dev veth1 src 203.0.113.2
n a ip route add 203.0.113.2/32 via 192.0.2.2 dev veth0
for k in all veth0 veth1; do n b sysctl -qw "net.ipv4.conf.$k.rp_filter=1"; done

tunnel_pair wgi wgi 4 no
n a "$WGAFF" set wga peer "$(pubkey b)" endpoint 203.0.113.2:51820
endpoint() {
	n "$1" "$WGAFF" show "$2" endpoints | awk -v k="$(pubkey "$3")" '$1 == k { print $2 }'
}

# b starts: a learns its source (192.0.2.1) and interface (veth0).
check "b reaches a" n b ping -q -c 2 -w 15 -W 2 10.9.0.1
check "a reaches b by veth0" n a ping -q -c 2 -W 2 10.9.0.2
expect_eq "b sees a at its veth0 address" "$(endpoint b wgb a)" 192.0.2.1:51820

n a ip route replace 203.0.113.2/32 via 198.51.100.2 dev veth1
v1=$(n a cat /sys/class/net/veth1/statistics/tx_packets)
check "a reaches b by veth1 after the route moved" n a ping -q -c 3 -w 15 -W 2 10.9.0.2
[ "$(n a cat /sys/class/net/veth1/statistics/tx_packets)" -gt "$v1" ] ||
	die "nothing left by veth1"
expect_eq "b sees a at its veth1 address" "$(endpoint b wgb a)" 198.51.100.1:51820
expect_eq "a's endpoint for b is unchanged" "$(endpoint a wga b)" 203.0.113.2:51820
check "b reaches a" n b ping -q -c 2 -W 2 10.9.0.1
tunnel_down
