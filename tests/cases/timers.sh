# Whitepaper timers, observed from outside with the debug module's
# time_scale=30 (protocol time 30x faster): rekey after REKEY_AFTER_TIME,
# passive and persistent keepalives, retransmits every REKEY_TIMEOUT and
# giving up after REKEY_ATTEMPT_TIME, keys zeroed after 3*REJECT_AFTER_TIME.
# The default module must not have the parameter at all.
# kernels: 6.1
# timeout: 300
. "$WGI_ROOT/tests/lib.sh"

S=30	# time_scale: 120 s -> 4 s, 5 s -> 1/6 s, 540 s -> 18 s
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
check_fails "default module has no time_scale" \
	sh -c "modinfo -p '$WGI_KO' | grep -q time_scale"
check "debug module has time_scale" \
	sh -c "modinfo -p '$WGI_DEBUG_KO' | grep -q time_scale"
load_ko "$WGI_DEBUG_KO" time_scale=$S
expect_eq "time_scale" "$(cat /sys/module/wg_inline/parameters/time_scale)" $S

now() { date +%s.%N; }
elapsed() { python3 -c "print(round($2 - $1, 2))"; }
in_range() { python3 -c "import sys; sys.exit(0 if $2 <= $1 <= $3 else 1)"; }
rx_a() { n a "$WGAFF" show wga transfer | awk '{print $2}'; }

veth_pair a b
tunnel_pair wgi wgi 4 no

# 1. Rekey: the initiator (a) starts a new session once the current one is
#    REKEY_AFTER_TIME (4 s) old and it sends, not before.
# The pings outlast the first handshake and the rekey wherever the
# suite runs (under the debug kernel the first session alone may take
# seconds); they stop once the rekey is seen.
# Not through n(): $! must be the ping itself, which is killed below.
ip netns exec a ping -q -c 150 -i 0.2 -W 1 10.9.0.2 >/dev/null 2>&1 &
ping_pid=$!
# The counter is global: the first session is a keypair at each end.
# On a busy host an initiation may be retransmitted (REKEY_TIMEOUT is
# 167 ms scaled) and answered twice, each answer a keypair: the count is
# read once it has been still for 0.5 s, the session's time when it
# first reached 2.
for _ in $(seq 1 100); do
	[ "$(obj_count keypairs_created)" -ge 2 ] && break
	sleep 0.1
done
t0=$(now)
first=$(obj_count keypairs_created)
[ "$first" -ge 2 ] || die "first session: $first keypairs, expected one at each end"
while sleep 0.5; do
	[ "$(obj_count keypairs_created)" = "$first" ] && break
	first=$(obj_count keypairs_created)
done
[ "$first" -le 6 ] || die "first session: $first keypairs: a handshake storm"
echo "ok: first session: $first keypairs (2 unless an initiation was retransmitted)"
t1=""
for _ in $(seq 1 50); do
	if [ "$(obj_count keypairs_created)" -gt "$first" ]; then
		t1=$(now)
		break
	fi
	sleep 0.2
done
kill $ping_pid 2>/dev/null || true
wait $ping_pid 2>/dev/null || true
[ -n "$t1" ] || die "no rekey within 10 s of traffic (REKEY_AFTER_TIME 4 s)"
d=$(elapsed "$t0" "$t1")
in_range "$d" 3.6 6.5 || die "rekey after $d s, expected ~4 s"
echo "ok: rekeyed after $d s of a 4 s REKEY_AFTER_TIME"

# 2. Passive keepalive: b receives data but has nothing to send (echo
#    ignored), so it sends keepalives every KEEPALIVE_TIMEOUT (1/3 s).
n b sysctl -qw net.ipv4.icmp_echo_ignore_all=1
before=$(rx_a)
n a ping -q -c 10 -i 0.2 -W 1 10.9.0.2 >/dev/null 2>&1 || true
sleep 0.6
after=$(rx_a)
n b sysctl -qw net.ipv4.icmp_echo_ignore_all=0
[ $((after - before)) -ge 64 ] ||
	die "no passive keepalives from b (a received $((after - before)) bytes)"
echo "ok: passive keepalives while only receiving ($((after - before)) bytes)"

# 3. Persistent keepalive: an idle tunnel is silent, until b is told to
#    send every 30 s (1 s scaled).
sleep 1
before=$(rx_a)
sleep 1.5
expect_eq "idle tunnel sends nothing" $(($(rx_a) - before)) 0
n b "$WGAFF" set wgb peer "$(pubkey a)" persistent-keepalive 30
sleep 1.5
mid=$(rx_a)
sleep 2.2
after=$(rx_a)
n b "$WGAFF" set wgb peer "$(pubkey a)" persistent-keepalive 0
[ $((mid - before)) -ge 32 ] && [ $((after - mid)) -ge 64 ] ||
	die "persistent keepalive: $before -> $mid -> $after bytes at a"
echo "ok: persistent keepalives on an idle tunnel ($before -> $mid -> $after)"

# 4. Retransmit and give-up, against a silent endpoint, on a second device
#    (while the tunnel above idles towards key zeroing, step 5).
genkeys c
genkeys silent
n a ip link add wgc type wg-inline
n a "$WGAFF" set wgc private-key /run/keys/c.key listen-port 51821 \
	peer "$(pubkey silent)" endpoint 192.0.2.2:51899 allowed-ips 10.7.0.2/32
n a ip addr add 10.7.0.1/24 dev wgc
n a ip link set wgc up
n b python3 -c '
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.2", 51899))
s.settimeout(0.2)
open("/tmp/listening", "w").close()
end = time.monotonic() + 6
with open("/tmp/initiations", "w") as f:
    while time.monotonic() < end:
        try:
            m = s.recv(2048)
        except socket.timeout:
            continue
        if len(m) == 148 and m[0] == 1:
            print(time.monotonic(), file=f, flush=True)
' &
listen_pid=$!
for _ in $(seq 1 50); do
	[ -e /tmp/listening ] && break
	sleep 0.2
done
n a ping -c 1 -W 1 10.7.0.2 >/dev/null 2>&1 || true
wait $listen_pid
python3 - /tmp/initiations <<'PY' || die "retransmit/give-up timing wrong"
import statistics, sys
t = [float(x) for x in open(sys.argv[1])]
gaps = [b - a for a, b in zip(t, t[1:])]
print("# %d initiations over %.2f s, median gap %.3f s" %
      (len(t), t[-1] - t[0], statistics.median(gaps)))
# 90 s / 5 s: 18 initiations, 1/6 s (+ up to 1/90 s jitter) apart,
# then silence (3 s scaled); TCG timers run a little late.
ok = 14 <= len(t) <= 19 and 0.15 <= statistics.median(gaps) <= 0.30 \
     and t[-1] - t[0] <= 4.2
sys.exit(0 if ok else 1)
PY
echo "ok: retransmitted every REKEY_TIMEOUT, gave up after REKEY_ATTEMPT_TIME"
[ "$(drop_count wgc tx_handshake_timeout)" -ge 1 ] ||
	die "staged packet not purged at give-up"
echo "ok: staged packet purged at give-up"

# 5. Zeroing: 3 * REJECT_AFTER_TIME (18 s) after the last session, with no
#    traffic, every keypair is gone.
last_hs=$(n a "$WGAFF" show wga latest-handshakes | awk '{print $2}')
[ "${last_hs:-0}" -gt 0 ] || die "no handshake time"
gone=""
for _ in $(seq 1 60); do
	if [ "$(obj_count keypairs_destroyed)" = "$(obj_count keypairs_created)" ]; then
		gone=$(date +%s)
		break
	fi
	sleep 0.5
done
[ -n "$gone" ] || die "keys not zeroed: $(cat "$DBG/objects" | tr '\n' ' ')"
d=$((gone - last_hs))
[ "$d" -ge 16 ] && [ "$d" -le 27 ] || die "keys zeroed $d s after the last handshake, expected ~18"
echo "ok: keys zeroed $d s after the last handshake (18 s scaled)"
n a ip link del wgc
tunnel_down
