# A handshake-initiation flood from 32 addresses of another netns (valid
# mac1, then valid mac2 from the cookies it is sent) against the
# responder: under load it answers with cookie replies, its per-source
# ratelimiter drops the excess, data through the tunnel keeps flowing, and
# the real peer, using the cookie it is sent, can still handshake.
# Before that, a trickle of forged initiations claiming the real peer's
# address (mac1 only, no load) must not ratelimit that peer out.
# kernels: 6.1
# timeout: 400
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 1 -W 3 10.9.0.2

# 40 forged initiations a second from a's address (another port, so no
# spoofing is needed), twice the ratelimit. Meanwhile a starts afresh:
# its handshake must go through at once.
FLOOD=$WGI_ROOT/tests/hostile/flood_handshake.py
limited0=$(drop_count wgb rx_handshake_ratelimited)
n a python3 "$FLOOD" --rate=40 192.0.2.2 51820 "$(pubkey b)" 6 192.0.2.1 \
	>/tmp/trickle.json &
trickle_pid=$!
sleep 2
n a "$WGAFF" set wga peer "$(pubkey b)" remove
n a "$WGAFF" set wga peer "$(pubkey b)" endpoint 192.0.2.2:51820 \
	allowed-ips 10.9.0.2/32,fd00::2/128
check "the real peer's handshake during the trickle" n a ping -c 1 -W 4 10.9.0.2
wait $trickle_pid
echo "# trickle: $(cat /tmp/trickle.json)"
expect_eq "no initiation ratelimited without load" \
	$(($(drop_count wgb rx_handshake_ratelimited) - limited0)) 0

# The flooder's netns f, on its own link to b: 198.51.100.10-41.
ip netns add f
ip link add veth1 netns b type veth peer name veth0 netns f
n b ip addr add 198.51.100.1/24 dev veth1
n b ip link set veth1 up
n f ip link set lo up
n f ip link set veth0 up
srcs=()
for i in $(seq 10 41); do
	n f ip addr add 198.51.100.$i/24 dev veth0
	srcs+=(198.51.100.$i)
done

# The flood runs until it is stopped below (150 s at most). ip netns exec
# execs, so $! is the flooder itself and can be signalled; a failed check
# stops it too, or the test would wait for it (its stderr is the log).
ip netns exec f python3 "$FLOOD" 198.51.100.1 51820 \
	"$(pubkey b)" 150 "${srcs[@]}" >/tmp/flood.json &
flood_pid=$!
trap 'kill "$flood_pid" 2>/dev/null || true' EXIT
sleep 2	# let the queue build up
loss=$(n a ping -q -c 40 -i 0.1 -W 1 10.9.0.2 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
python3 -c "import sys; sys.exit(0 if float('${loss:-100}') <= 25 else 1)" ||
	die "data starved during the flood: ${loss:-?}% ping loss"
echo "ok: ping through the tunnel during the flood (${loss}% loss)"

# a starts a new handshake while the flood goes on: b, under load, answers
# its first initiation with a cookie reply; a must retry with mac2 from
# that cookie, and a's address has a ratelimit of its own, so the 32
# flooding sources cannot use it up. (Either one broken: no handshake.)
# b is under load only while its handshake queue is long, and between
# bursts it may briefly not be: an initiation that lands then needs no
# cookie. So a tries up to 3 times, a packet socket on a's link counting
# the cookie replies b sends it, until one handshake took the cookie path.
# Each try may take a while: a's initiations queue behind the flood's, and
# on a busy host b drains that queue slowly (15 s were too few once).
COUNT=$WGI_ROOT/tests/wire/count_cookie_replies.py
via_cookie=0
for attempt in 1 2 3; do
	rm -f /tmp/sniff.ready
	ip netns exec a python3 "$COUNT" veth0 51820 /tmp/sniff.ready \
		>/tmp/sniff.count &
	sniff_pid=$!
	wait_for_file /tmp/sniff.ready 50 "the cookie reply counter did not start"
	t0=$SECONDS
	n a "$WGAFF" set wga peer "$(pubkey b)" remove
	n a "$WGAFF" set wga peer "$(pubkey b)" endpoint 192.0.2.2:51820 \
		allowed-ips 10.9.0.2/32,fd00::2/128
	check "a new handshake completes under the flood (attempt $attempt)" \
		n a ping -c 1 -W 30 10.9.0.2
	took=$((SECONDS - t0))
	kill -TERM "$sniff_pid"
	wait "$sniff_pid"
	kill -0 "$flood_pid" 2>/dev/null ||
		die "the flood ended first: the handshake proves nothing"
	seen=$(cat /tmp/sniff.count)
	echo "# attempt $attempt: $seen cookie reply(s) to a, handshake in $took s"
	if [ "${seen:-0}" -ge 1 ]; then
		via_cookie=1
		break
	fi
done
[ "$via_cookie" = 1 ] ||
	die "3 handshakes under the flood, none was answered with a cookie reply"
echo "ok: a was sent a cookie reply, retried with its mac2 and handshook"
iperf_check "TCP during the flood" b a 10.9.0.2
kill -0 "$flood_pid" 2>/dev/null || die "the flood ended before the TCP test"
kill -TERM "$flood_pid"
wait $flood_pid
cat /tmp/flood.json

cookies=$(drop_count wgb rx_cookie_reply_sent)
limited=$(drop_count wgb rx_handshake_ratelimited)
got=$(python3 -c 'import json; print(json.load(open("/tmp/flood.json"))["cookies_valid"])')
[ "$cookies" -gt 0 ] || die "no cookie replies sent under load"
echo "ok: cookie replies sent under load ($cookies)"
[ "$got" -gt 0 ] || die "flooder got no valid cookie reply"
echo "ok: flooder received valid cookie replies ($got)"
[ "$limited" -gt 0 ] || die "no initiation ratelimited"
echo "ok: per-source ratelimiting dropped initiations ($limited)"
grep -E 'rx_handshake|rx_bad_mac|rx_cookie' "$DBG/drops" | sed 's/^/# /'

check "tunnel still works after the flood" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
tunnel_down
ip netns del f
