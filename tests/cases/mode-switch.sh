# Switching tunnels between the inline and parallel modes while traffic
# flows loses and reorders nothing:
#  - 100 switches (50 each way, alternating between the two ends, a's
#    tunnel assigned to a core, b's not) under one TCP flow (paced at 10
#    Mbit/s, so that the two TCG vCPUs keep time for the switching and
#    the UDP receiver) and one UDP flow at 5 Mbit/s, both a->b: the UDP receiver counts no packet lost
#    and none out of order, the TCP receiver gets data in every 0.5 s
#    interval (no stall), and no drop is counted on either device;
#  - every switch is accepted, show -j reports the modes at the end; a
#    refusal (an unknown mode number) changes nothing.
# Kernel warnings fail the test through the harness.
# kernels: 6.1
# timeout: 400
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 3 -W 3 -i 0.3 10.9.0.2
KA=$(pubkey a) KB=$(pubkey b)
check "a's tunnel on core 1" n a "$WGAFF" assign wga peer "$KB" core 1

# losses the tunnel itself could cause (not, say, tx_no_peer for the
# kernel's own IPv6 multicast)
drops_total() {
	awk -v d="$1" '$1 == d && $2 ~ /(crypt_queue_full|switch_overflow|handoff_overflow|napi_backlog|staged_overflow|replayed|decrypt_failed|unknown_index|key_expired)$/ { t += $3 } END { print t + 0 }' "$DBG/drops"
}

# ---- a refusal changes nothing
out=$(n a "$WGAFF" mode wga peer "$KB" parallel 2>&1) || die "switch to parallel refused: $out"
expect_eq "a: parallel" "$(tunnel_field a wga "$KB" mode)" parallel
out=$(n a python3 - <<'EOF' 2>&1) || die "raw unknown mode: $out"
import os, sys, base64
sys.path.insert(0, os.environ["WGI_ROOT"] + "/tests/netlink")
from genl import Genl, nla, ifname
g = Genl()
fid = g.family("wg-inline-ext")
key = base64.b64decode(open("/run/keys/b.pub").read())
err, msg, _ = g.request(fid, 2, [ifname("wga"), nla(3, key), nla(5, bytes([7]))])
print("unknown mode: err=%d msg=%r" % (err, msg))
sys.exit(0 if err < 0 and msg else 1)
EOF
echo "ok: $out"
expect_eq "a: still parallel" "$(tunnel_field a wga "$KB" mode)" parallel
check "back to inline" n a "$WGAFF" mode wga peer "$KB" inline

# ---- 100 switches under a TCP and a UDP flow
# The UDP receiver is a process on a starved TCG vCPU: a receive buffer
# that outlasts its stalls, so that any loss counted is the tunnel's.
sysctl -qw net.core.rmem_max=8388608 net.core.rmem_default=4194304
# The switches take ~15 s on a quiet host and ~70 s under the debug
# kernel: the flows must outlast them wherever the suite runs.
secs=$((30 + 30 * ${WGI_TIMEOUT_SCALE:-1}))
drops_a0=$(drops_total wga) drops_b0=$(drops_total wgb)
n b timeout $((secs + 30)) iperf3 -s -1 -B 10.9.0.2 -p 5201 -i 0.5 -J >/run/tcp-server.json &
tcp_srv=$!
n b timeout $((secs + 30)) iperf3 -s -1 -B 10.9.0.2 -p 5202 -J >/run/udp-server.json &
udp_srv=$!
sleep 0.7
n a iperf3 -c 10.9.0.2 -p 5201 -b 10M -t "$secs" -i 0.5 -J >/run/tcp-client.json &
tcp=$!
n a iperf3 -c 10.9.0.2 -p 5202 -u -b 5M -l 1200 -t "$secs" -i 0.5 -J >/run/udp-client.json &
udp=$!
sleep 3
t0=$(date +%s.%N)
# One process makes the switches: under TCG starting a program takes
# longer than a switch.
sw=$(python3 -u "$WGI_ROOT/tests/netlink/switch_modes.py" 100 0.1 \
	"a:wga:$KB" "b:wgb:$KA") || die "a switch failed: $sw"
echo "$sw"
took=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
echo "100 switches in $took s"
python3 -c "import sys; sys.exit(0 if $took < $secs - 6 else 1)" ||
	die "the switches outlasted the traffic ($took s): lengthen the flows"
expect_eq "a after 50 switches each way" "$(tunnel_field a wga "$KB" mode)" inline
expect_eq "b after 50 switches each way" "$(tunnel_field b wgb "$KA" mode)" inline
wait "$tcp" || die "TCP client failed: $(tail -5 /run/tcp-client.json)"
wait "$udp" || die "UDP client failed: $(tail -5 /run/udp-client.json)"
wait "$udp_srv" || die "UDP server failed: $(tail -20 /run/udp-server.json)"
wait "$tcp_srv" || die "TCP server failed: $(tail -20 /run/tcp-server.json)"
check "tunnel a->b after the switches" n a ping -c 3 -W 3 -i 0.3 10.9.0.2
check "tunnel b->a after the switches" n b ping -c 3 -W 3 -i 0.3 10.9.0.1

# Where a loss would have happened, outside the tunnel too.
losses() {
	echo "losses: wg drops a $(drops_total wga) b $(drops_total wgb);" \
		"UDP receive buffer errors in b: $(n b nstat -az UdpRcvbufErrors | awk '/UdpRcvbufErrors/ { print $2 }');" \
		"backlog drops (softnet): $(python3 -c 'print(sum(int(l.split()[1], 16) for l in open("/proc/net/softnet_stat")))');" \
		"veth rx drops b: $(n b cat /sys/class/net/veth0/statistics/rx_dropped)"
}
losses
python3 - /run/udp-server.json /run/tcp-server.json "$secs" <<'EOF' || die "traffic suffered from the switches"
import json, sys
udp = json.load(open(sys.argv[1]))
tcp = json.load(open(sys.argv[2]))
if "sum" not in udp.get("end", {}):
    sys.exit("no UDP summary: %s" % json.dumps(udp)[-600:])
s = udp["end"]["sum"]
ooo = sum(st["udp"]["out_of_order"] for st in udp["end"]["streams"])
print("UDP: %d packets, %d lost, %d out of order" % (s["packets"], s["lost_packets"], ooo))
ok = s["packets"] > 10000 and s["lost_packets"] == 0 and ooo == 0
iv = [i["sum"] for i in tcp["intervals"]]
full = [i for i in iv if i["seconds"] > 0.4]
empty = [round(i["start"], 1) for i in full if i["bytes"] == 0]
mbit = tcp["end"]["sum_received"]["bits_per_second"] / 1e6
print("TCP: %.1f Mbit/s, %d intervals, slowest %.2f Mbit/s, empty at %s" %
      (mbit, len(full), min(i["bits_per_second"] for i in full) / 1e6, empty))
ok = ok and len(full) >= 2 * int(sys.argv[3]) - 8 and not empty
sys.exit(0 if ok else 1)
EOF
echo "ok: no UDP packet lost or reordered, TCP never stalled"
expect_eq "no drop counted on a" "$(drops_total wga)" "$drops_a0"
expect_eq "no drop counted on b" "$(drops_total wgb)" "$drops_b0"
