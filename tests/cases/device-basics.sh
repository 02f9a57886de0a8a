# The wg-inline device: L3 point-to-point, no ARP, MTU 1420; per-device
# stats count traffic; packets wait (bounded, oldest dropped) while no
# session exists and flow once the handshake completes; threaded NAPI
# carries traffic; the device can move to another netns while its UDP
# socket stays where it was created.
# timeout: 260
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b

ip link add wgt type wg-inline
info=$(ip -d link show wgt)
echo "$info"
echo "$info" | grep -q 'mtu 1420' || die "default MTU is not 1420"
echo "$info" | grep -q 'POINTOPOINT' || die "not point-to-point"
echo "$info" | grep -q 'NOARP' || die "ARP not disabled"
echo "$info" | grep -q 'link/none' || die "not an L3 device"
echo "$info" | grep -q 'wg-inline' || die "link kind not shown"
ip link del wgt
echo "ok: L3, NOARP, MTU 1420"

# Staging while the peer does not answer: bounded, oldest dropped.
genkeys a
genkeys b
tunnel_pair wgi wgi 4 no
n b ip link set wgb down
# b records which of the numbered packets arrive once it is back up
# (within 20 s, the handshake retries included; slow kernels scale it).
n b python3 -c '
import os, socket, time
scale = int(os.environ.get("WGI_TIMEOUT_SCALE") or 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9))
open("/run/staged.ready", "w").close()
s.settimeout(0.5 * scale)
got, end = [], time.monotonic() + 20 * scale
while time.monotonic() < end:
    try:
        got.append(int(s.recv(2048).split()[1]))
    except socket.timeout:
        if got:
            break
print(" ".join(map(str, got)))' >/run/staged.got &
rcv=$!
wait_for_file /run/staged.ready $((50 * ${WGI_TIMEOUT_SCALE:-1})) "the staged-packet receiver did not start"
before=$(drop_count wga tx_staged_overflow)
# A UDP burst: ping's small send buffer would throttle it while its
# packets sit staged.
n a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(300):
    s.sendto(b"seq %d " % i + b"x" * 100, ("10.9.0.2", 9))'
after=$(drop_count wga tx_staged_overflow)
[ $((after - before)) -ge 100 ] ||
	die "staging queue not bounded: overflow $before -> $after after 300 packets"
[ $((after - before)) -le 172 ] ||
	die "more dropped than the bound of 128 allows: $before -> $after"
echo "ok: staged packets bounded (overflow drops $before -> $after)"
n b ip link set wgb up
# No new traffic: the handshake retry (REKEY_TIMEOUT) must flush them.
wait $rcv
python3 - "$(cat /run/staged.got)" $((after - before)) <<'PY' || die "staged packets: wrong ones delivered"
import sys
got = [int(x) for x in sys.argv[1].split()]
dropped = int(sys.argv[2])
print("# delivered %d staged packets: %s..%s" % (len(got), got[:1], got[-1:]))
# The oldest were dropped: what arrives is exactly the newest 300 - dropped,
# each once and in order.
sys.exit(0 if got == list(range(dropped, 300)) else 1)
PY
echo "ok: the newest $((300 - after + before)) staged packets delivered in order after the handshake"
check "traffic flows after the handshake" n a ping -c 3 -W 6 -i 0.5 10.9.0.2

# Per-device stats follow the traffic.
tx_before=$(n a cat /sys/class/net/wga/statistics/tx_packets)
rx_before=$(n a cat /sys/class/net/wga/statistics/rx_packets)
n a ping -q -c 20 -i 0.05 10.9.0.2 >/dev/null
tx_after=$(n a cat /sys/class/net/wga/statistics/tx_packets)
rx_after=$(n a cat /sys/class/net/wga/statistics/rx_packets)
[ $((tx_after - tx_before)) -ge 20 ] || die "tx_packets did not count ($tx_before -> $tx_after)"
[ $((rx_after - rx_before)) -ge 20 ] || die "rx_packets did not count ($rx_before -> $rx_after)"
echo "ok: per-device stats (tx +$((tx_after - tx_before)), rx +$((rx_after - rx_before)))"

# Threaded NAPI.
n a sh -c 'echo 1 > /sys/class/net/wga/threaded'
n b sh -c 'echo 1 > /sys/class/net/wgb/threaded'
pgrep -f 'napi/wg' >/dev/null || die "no NAPI kthreads after enabling threaded NAPI"
iperf_check "TCP with threaded NAPI" b a 10.9.0.2
n a sh -c 'echo 0 > /sys/class/net/wga/threaded'
n b sh -c 'echo 0 > /sys/class/net/wgb/threaded'
check "back to softirq NAPI" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# Move wga to netns c: its UDP socket stays in a, where the veth is.
ip netns add c
n c ip link set lo up
n a ip link set wga netns c
n c ip addr add 10.9.0.1/24 dev wga
n c ip link set wga up
check "traffic after moving the device to another netns" n c ping -c 3 -W 3 -i 0.3 10.9.0.2
n a ss -uln | grep -q ':51820' || die "the UDP socket left the creating netns"
echo "ok: socket stayed in the creating netns"
n c "$WGAFF" show wga | grep -q "latest handshake" || die "wgaff cannot see the moved device"
# Deleting the creating netns takes the device with it.
ip netns del a
sleep 2
has_link c wga && die "device outlived its creating netns"
echo "ok: device removed with its creating netns"
