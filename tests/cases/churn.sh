# Configuration churn under traffic: over a thousand peer creations,
# removals, private-key, preshared-key and allowed-IP changes on one end of
# a wg-inline tunnel while iperf3 runs through it; then link down/up and
# rmmod under traffic. No warning, no leaked peer or keypair, and traffic
# resumes once the configuration is back.
# timeout: 170
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# Ten rounds; each is a setconf (a new or the real private key, 60 new
# random peers with PSKs and allowed IPs replacing the previous 60, the real
# peer re-listed) and a set of 40 PSK changes, allowed-IP replacements and
# removals on those peers: 10 * (60 + 60 + 40 + 1) = 1610 operations.
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

n b iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
sleep 0.3
n a iperf3 -c 10.9.0.2 -u -b 20M -t 60 >/run/iperf-churn.log 2>&1 &
ipf=$!
t0=$(date +%s)
for r in $(seq 0 $((ROUNDS - 1))); do
	check "round $r: setconf" n a "$WGAFF" setconf wga /run/churn$r.conf
	mapfile -t args </run/churn$r.args
	check "round $r: set" n a "$WGAFF" set wga "${args[@]}"
done
log "churn took $(($(date +%s) - t0)) s"
expect_eq "peers after the churn" "$(n a "$WGAFF" show wga peers | wc -l)" 48
kill "$ipf" 2>/dev/null || true
wait "$ipf" 2>/dev/null || true
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
