# Hostile UDP on a wg-inline listen port: garbage of every length, each
# message type with wrong sizes and wrong MACs, unknown receiver indices,
# forged, replayed and reordered real data messages, mixed with real
# traffic. Each kind is dropped and counted by reason, fresh reordered
# messages are accepted exactly once, the tunnel keeps working, nothing
# leaks.
# kernels: 6.1
# timeout: 370
. "$WGI_ROOT/tests/lib.sh"
FUZZ=$WGI_ROOT/tests/hostile/fuzz_udp.py
# Total hostile datagrams, split over two senders (two vCPUs).
TOTAL=${WGI_FUZZ_COUNT:-100000}
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
check "tunnel up b->a" n b ping -c 1 -W 3 10.9.0.1

rx() { n b cat /sys/class/net/wgb/statistics/rx_packets; }
drop() { drop_count wgb "$1"; }

trap 'echo "# drops:"; cat "$DBG/drops"' EXIT

# 1. Hold back N real data messages a->b: b sniffs them on its veth, a tc
# filter behind the sniffer drops them before UDP sees them.
N=200
n b tc qdisc add dev veth0 clsact
n b tc filter add dev veth0 ingress protocol ip prio 1 u32 \
	match ip protocol 17 0xff match ip dport 51820 0xffff action drop
n b python3 "$FUZZ" capture veth0 51820 $N /run/held.bin 20 &
cap=$!
wait_for_file /run/held.bin.ready 100 "the data-packet capture did not start"
n a python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(240):
    s.sendto(b"held %d" % i + bytes(100), ("10.9.0.2", 9))
    time.sleep(0.004)'
wait $cap || die "did not capture $N data messages"
n b tc qdisc del dev veth0 clsact

# 2. The held-back messages, shuffled, injected from a's side with the real
# outer addresses: each is fresh and within the window, so accepted once.
# Nothing else flows a->b meanwhile (keepalives are not rx_packets).
r0=$(rx) p0=$(drop rx_replayed)
check "inject held messages shuffled" n a python3 "$FUZZ" inject veth0 /run/held.bin shuffle 7
sleep 1
expect_eq "reordered fresh messages accepted once each" $(($(rx) - r0)) $N
expect_eq "no reordered message counted as replayed" $(($(drop rx_replayed) - p0)) 0
check "inject them again" n a python3 "$FUZZ" inject veth0 /run/held.bin asis
sleep 1
expect_eq "replays not delivered" $(($(rx) - r0)) $N
expect_eq "replays counted" $(($(drop rx_replayed) - p0)) $N

# 3. The flood from a (ephemeral port), two senders, while ping runs both
# ways through the tunnel; its replays and forgeries use the held messages.
declare -A before
for r in rx_too_short rx_bad_type rx_bad_size rx_bad_mac rx_unknown_index \
	rx_replayed rx_decrypt_failed rx_cookie_invalid; do
	before[$r]=$(drop "$r")
done
all0=$(rx_drop_total wgb)
r1=$(rx)
n a ping -c 40 -i 0.25 -W 2 10.9.0.2 >/run/ping-ab.log 2>&1 &
pab=$!
n b ping -c 40 -i 0.25 -W 2 10.9.0.1 >/run/ping-ba.log 2>&1 &
pba=$!
t0=$(date +%s)
n a python3 "$FUZZ" flood 192.0.2.2 51820 $((TOTAL / 2)) 1 /run/held.bin &
f1=$!
n a python3 "$FUZZ" flood 192.0.2.2 51820 $((TOTAL / 2)) 2 /run/held.bin &
f2=$!
wait $f1 || die "flood sender 1 failed"
wait $f2 || die "flood sender 2 failed"
log "flood of $TOTAL datagrams took $(($(date +%s) - t0)) s"
wait $pab || { cat /run/ping-ab.log; die "ping a->b failed during the flood"; }
wait $pba || { cat /run/ping-ba.log; die "ping b->a failed during the flood"; }
for l in /run/ping-ab.log /run/ping-ba.log; do
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$l")
	[ "${got:-0}" -ge 30 ] || { cat "$l"; die "pings lost during the flood ($got/40)"; }
	echo "ok: $got/40 pings answered during the flood"
done
sleep 2 # the handshake worker drains its queue
cat "$DBG/drops"
for r in "${!before[@]}"; do
	d=$(($(drop "$r") - ${before[$r]}))
	[ "$d" -gt 0 ] || die "$r not counted during the flood"
	echo "ok: $r +$d"
done
# Every hostile datagram is one drop, counted once, under some reason.
expect_eq "drops add up to the datagrams sent" $(($(rx_drop_total wgb) - all0)) "$TOTAL"
n=0
for r in $(awk '$1 == "wgb" { print $2 }' "$DBG/drops"); do
	grep -qF "| \`$r\` |" "$WGI_ROOT/docs/protocol.md" ||
		die "drop reason $r is not documented in docs/protocol.md"
	n=$((n + 1))
done
[ "$n" -ge 20 ] || die "only $n drop reasons listed"
echo "ok: all $n drop reasons are documented"
# Only the pings (40 requests, 40 replies) may have been delivered.
d=$(($(rx) - r1))
[ "$d" -le 100 ] || die "$d packets delivered during the flood"
echo "ok: nothing hostile delivered ($d packets from the pings)"

# 4. The tunnel still works, with traffic after the flood, both ways.
check "ping a->b after the flood" n a ping -c 3 -W 3 -i 0.3 10.9.0.2
check "ping b->a after the flood" n b ping -c 3 -W 3 -i 0.3 10.9.0.1
iperf_check "iperf3 after the flood" b a 10.9.0.2

# 5. No leak once the devices are gone.
tunnel_down
sleep 1
for o in peers keypairs; do
	c=$(obj_count ${o}_created) d=$(obj_count ${o}_destroyed)
	[ "$c" -gt 0 ] || die "no $o were counted"
	expect_eq "$o created == destroyed" "$d" "$c"
done
