# Guest networking works: stock wireguard.ko between two netns carries
# ping (v4 and v6 inner) and an iperf3 TCP flow.
# timeout: 180
. "$WGI_ROOT/tests/lib.sh"
modprobe wireguard
veth_pair a b
genkeys a
genkeys b
for ns in a b; do
	n $ns ip link add wg0 type wireguard
done
n a wg set wg0 private-key /run/keys/a.key listen-port 51820 \
	peer "$(pubkey b)" endpoint 192.0.2.2:51820 allowed-ips 10.9.0.2/32,fd00::2/128
n b wg set wg0 private-key /run/keys/b.key listen-port 51820 \
	peer "$(pubkey a)" endpoint 192.0.2.1:51820 allowed-ips 10.9.0.1/32,fd00::1/128
n a ip addr add 10.9.0.1/24 dev wg0
n b ip addr add 10.9.0.2/24 dev wg0
n a ip addr add fd00::1/64 dev wg0 nodad
n b ip addr add fd00::2/64 dev wg0 nodad
n a ip link set wg0 up
n b ip link set wg0 up
check "ping v4 through stock wireguard" n a ping -c 3 -W 2 -i 0.2 10.9.0.2
check "ping v6 through stock wireguard" n a ping -6 -c 3 -W 2 -i 0.2 fd00::2
hs=$(n a wg show wg0 latest-handshakes | awk '{print $2}')
[ "$hs" -gt 0 ] || die "no handshake recorded"
mbps=$(iperf_tcp b a 10.9.0.2 3)
log "iperf3 TCP through stock wireguard: $mbps Mbit/s"
python3 -c "import sys; sys.exit(0 if float('$mbps') > 1 else 1)" ||
	die "iperf3 throughput too low: $mbps"
echo "ok: iperf3 $mbps Mbit/s"
