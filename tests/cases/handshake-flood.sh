# A handshake-initiation flood from 32 addresses of another netns (valid
# mac1, then valid mac2 from the cookies it is sent) against the
# responder: under load it answers with cookie replies, its per-source
# ratelimiter drops the excess, and data through the tunnel keeps flowing.
# timeout: 150
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 1 -W 3 10.9.0.2

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

n f python3 "$WGI_ROOT/tests/hostile/flood_handshake.py" 198.51.100.1 51820 \
	"$(pubkey b)" 9 "${srcs[@]}" >/tmp/flood.json &
flood_pid=$!
sleep 2	# let the queue build up
loss=$(n a ping -q -c 40 -i 0.1 -W 1 10.9.0.2 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
python3 -c "import sys; sys.exit(0 if float('${loss:-100}') <= 25 else 1)" ||
	die "data starved during the flood: ${loss:-?}% ping loss"
echo "ok: ping through the tunnel during the flood (${loss}% loss)"
iperf_check "TCP during the flood" b a 10.9.0.2
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
