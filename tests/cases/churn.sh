# Configuration churn under traffic: about 1500 peer creations, removals,
# private-key, preshared-key and allowed-IP changes in 20 batched requests,
# then 1000 more changes each in its own request, on one end of a wg-inline
# tunnel while iperf3 runs through it; then link down/up and rmmod under
# traffic. Traffic keeps getting through during the churn, no warning, no
# leaked peer or keypair, and traffic resumes once the configuration is back.
# kernels: 6.1
# timeout: 680
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# Ten rounds; each is a syncconf (a new or the real private key, 60 new
# random peers with PSKs and allowed IPs replacing the previous ones, the
# real peer kept) and a set of 40 PSK changes, allowed-IP replacements and
# removals on those peers: about 10 * (60 + 47 + 40 + 1) = 1480 operations.
# (Not setconf: replacing every peer drops the real one for a moment, and
# the UDP sender would get ENOKEY, as it would from WireGuard.)
ROUNDS=10
python3 - "$ROUNDS" "$(cat /run/keys/a.key)" "$(pubkey b)" <<'PY'
import base64, os, random, sys
rounds, akey, bpub = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(5)
key = lambda: base64.b64encode(os.urandom(32)).decode()
for r in range(rounds):
    priv = akey if r % 2 or r == rounds - 1 else key()
    peers = [key() for _ in range(60)]
    with open('/run/churn%d.conf' % r, 'w') as f:
        f.write('[Interface]\nPrivateKey = %s\nListenPort = 51820\n\n' % priv)
        f.write('[Peer]\nPublicKey = %s\nEndpoint = 192.0.2.2:51820\n'
                'AllowedIPs = 10.9.0.2/32, fd00::2/128\n\n' % bpub)
        for i, p in enumerate(peers):
            f.write('[Peer]\nPublicKey = %s\nPresharedKey = %s\n'
                    'AllowedIPs = 10.%d.%d.0/24, 10.%d.%d.128/25, fd%02x:%x::/64\n'
                    'Endpoint = 192.0.2.%d:%d\n\n'
                    % (p, key(), 20 + r, i, 100 + r, i, r, i, 3 + i, 1000 + i))
    args = []
    for i, p in enumerate(peers[:40]):
        if i % 3 == 0:
            args += ['peer', p, 'preshared-key', '/run/churn.psk']
        elif i % 3 == 1:
            args += ['peer', p, 'allowed-ips', '10.%d.%d.0/24,fd99:%x::/64' % (200 + r, i, i)]
        else:
            args += ['peer', p, 'remove']
    with open('/run/churn%d.args' % r, 'w') as f:
        f.write('\n'.join(args) + '\n')
PY
wg genpsk >/run/churn.psk

rxb() { n b cat /sys/class/net/wgb/statistics/rx_packets; }
# flowed WHAT RX0 MIN: at least MIN packets reached b since RX0 (20 Mbit/s
# is ~1700 a second, but the tunnel stalls while a random key is set).
flowed() {
	local d=$(($(rxb) - $2))
	kill -0 "$ipf" 2>/dev/null ||
		die "$1: iperf3 stopped: $(grep error /run/iperf-churn.log)"
	[ "$d" -ge "$3" ] || die "$1: only $d packets got through meanwhile"
	echo "ok: $1: $d packets got through meanwhile"
}
n b iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
sleep 0.3
# It must outlast both churn phases (killed after them): ~60 s here, over
# 120 s under the debug kernel; the test's own timeout bounds it.
n a iperf3 -c 10.9.0.2 -u -b 20M -t $((360 * ${WGI_TIMEOUT_SCALE:-1})) >/run/iperf-churn.log 2>&1 &
ipf=$!
sleep 1
t0=$(date +%s) rx0=$(rxb)
for r in $(seq 0 $((ROUNDS - 1))); do
	check "round $r: syncconf" n a "$WGAFF" syncconf wga /run/churn$r.conf
	mapfile -t args </run/churn$r.args
	check "round $r: set" n a "$WGAFF" set wga "${args[@]}"
done
log "syncconf churn took $(($(date +%s) - t0)) s"
flowed "syncconf churn" "$rx0" 50
expect_eq "peers after the syncconf churn" "$(n a "$WGAFF" show wga peers | wc -l)" 48

# Then 1000 changes, each its own netlink request: peers added and removed,
# PSKs, allowed IPs and keepalives changed, and 25 private key changes
# (every other one to a random key, which stalls the tunnel until the next).
t0=$(date +%s) rx0=$(rxb)
n a python3 "$WGI_ROOT/tests/netlink/churn.py" wg-inline wga 1000 \
	"$(cat /run/keys/a.key)" >/run/churn.out || { cat /run/churn.out; die "a churn request failed"; }
sed 's/^/# /' /run/churn.out
log "1000 single changes took $(($(date +%s) - t0)) s"
[ "$(grep -c "" /run/churn.out)" -eq 7 ] || die "not every kind of change was made"
pool=$(sed -n 's/^pool //p' /run/churn.out)
expect_eq "peers after the single changes" "$(n a "$WGAFF" show wga peers | wc -l)" $((48 + pool))
expect_eq "the private key is back" "$(n a "$WGAFF" show wga public-key)" "$(pubkey a)"
sleep 2
flowed "single changes" "$rx0" 500
kill "$ipf" 2>/dev/null || true
wait "$ipf" 2>/dev/null || true

# Replacing the real peer's allowed IPs (what wg set and syncconf do)
# must leave no moment where its address routes nowhere: a sender to it
# would get ENOKEY.
rm -f /run/replace.stop
n a python3 -c '
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = fails = 0
while not os.path.exists("/run/replace.stop"):
    for _ in range(50):
        try:
            s.sendto(b"x" * 64, ("10.9.0.2", 9))
            sent += 1
        except OSError:
            fails += 1
print(sent, fails)' >/run/replace.out &
snd=$!
for i in $(seq 100); do
	n a "$WGAFF" set wga peer "$(pubkey b)" \
		allowed-ips "10.9.0.2/32,fd00::2/128,10.77.$i.0/24"
done
touch /run/replace.stop
wait "$snd"
read -r sent failed </run/replace.out
expect_eq "no send failed during 100 allowed-IP replacements ($sent sent)" "$failed" 0
expect_eq "the last replacement holds" "$(n a "$WGAFF" show wga allowed-ips | grep -c 10.77.)" 1
check "traffic resumes after the churn" n a ping -c 3 -W 3 -i 0.5 10.9.0.2
check "and back" n b ping -c 2 -W 3 -i 0.3 10.9.0.1
cat "$DBG/objects"

# link down/up under traffic
n b iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
sleep 0.3
n a iperf3 -c 10.9.0.2 -u -b 20M -t 6 >/dev/null 2>&1 &
sleep 2
check "down under traffic" n a ip link set wga down
check "b down under traffic" n b ip link set wgb down
sleep 0.5
n b ip link set wgb up
n a ip link set wga up
wait || true
# The one-off server may still hold its test (its client saw the link go
# down); the next one could not bind beside it and the client would talk
# to the stale one.
pkill -x iperf3 || true
for _ in $(seq 50); do pgrep -x iperf3 >/dev/null || break; sleep 0.1; done
check "traffic resumes after down/up" n a ping -c 3 -W 3 -i 0.5 10.9.0.2
iperf_check "iperf3 after down/up" b a 10.9.0.2

# rmmod under traffic
n b iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
sleep 0.3
n a iperf3 -c 10.9.0.2 -u -b 20M -t 6 >/dev/null 2>&1 &
sleep 2
check "rmmod while traffic flows" rmmod wg_inline
wait || true
line=$(dmesg | grep 'wg_inline: unloaded' | tail -n1)
echo "$line"
echo "$line" | grep -qE 'peers [0-9]+/[0-9]+, keypairs [0-9]+/[0-9]+' || die "no object summary at unload"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+,?$/) { sub(",", "", $i); split($i, x, "/"); if (x[1] != x[2]) exit 1 } }' ||
	die "objects leaked at unload: $line"
peers=$(echo "$line" | sed -n 's/.*peers \([0-9]*\)\/.*/\1/p')
[ "$peers" -ge $((ROUNDS * 61)) ] || die "fewer peers created than the churn makes ($peers)"
echo "ok: nothing leaked ($peers peers created and destroyed)"
