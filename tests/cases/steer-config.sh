# A device's NIC steering configuration (WGI_EXT_A_STEER, _STEER_LAN),
# without a steering module: wg_inline records it, reports it and tells
# its listeners.
#  - wgaff steer sets and reads back each mode and LAN list (text and
#    -j; without lan the list stays, lan alone clears it); show has a
#    steering line and a steering object;
#  - each refusal (unknown LAN ifindex, the device itself, duplicates,
#    too many, a bad mode, foreign entries in the nest, no CAP_NET_ADMIN,
#    a good change with a refused worker set) carries a message and
#    leaves the configuration as it was (tests/netlink/steer_req.py);
#  - wgaff monitor -j sees one steering-changed per tunnel on each real
#    change, with the new mode, and none for a request that changes
#    nothing or is refused; the kernel notifier (event_listener.ko) gets
#    the mode and LAN ifindexes;
#  - a LAN device deleted after configuration leaves a stale ifindex:
#    GET, show and events still work; moved to another namespace, the
#    device keeps its mode but not the LAN list of the old one; deleting
#    the device frees it all.
# kernels: 6.1
# timeout: 300
. "$WGI_ROOT/tests/lib.sh"
T=$WGI_ROOT/tests/netlink
LISTENER=$WGI_BUILD/fixtures/event_listener.ko
load_wg_inline
ip netns add a
n a ip link set lo up
genkeys a
genkeys b
genkeys c
KB=$(pubkey b)
KC=$(pubkey c)
n a ip link add wga type wg-inline
check "configure two tunnels" n a "$WGAFF" set wga private-key /run/keys/a.key \
	listen-port 51820 peer "$KB" allowed-ips 10.9.0.2/32 peer "$KC" allowed-ips 10.9.0.3/32
# lan0..lan9: five veth pairs, all in a; IX[i] is lanI's ifindex.
IX=()
for i in 0 2 4 6 8; do
	n a ip link add "lan$i" type veth peer name "lan$((i + 1))"
done
for i in $(seq 0 9); do
	IX[i]=$(n a cat "/sys/class/net/lan$i/ifindex")
done
steer_of() { n a "$WGAFF" steer wga; }

expect_eq "a new device" "$(steer_of)" off
expect_eq "a new device, -j" "$(n a "$WGAFF" steer wga -j)" '{"ifname":"wga","steer":"off","lan":[]}'

n a "$WGAFF" monitor -j >/run/events.json 2>/run/monitor.err &
monitor=$!
sleep 1
kill -0 "$monitor" 2>/dev/null || die "monitor exited: $(cat /run/monitor.err)"
check "load the listener" insmod "$LISTENER"
mark=$(dmesg | wc -l)
events=0
# changed WHAT: one more change; the monitor must show one event per tunnel.
changed() {
	local _
	events=$((events + 2))
	for _ in $(seq 100); do
		[ "$(wc -l </run/events.json)" -ge "$events" ] && return 0
		sleep 0.1
	done
	die "$1: expected $events events, got: $(cat /run/events.json)"
}

# ---- set and read back
check "on, lan0 lan1" n a "$WGAFF" steer wga on lan lan0 lan1
changed "on, lan0 lan1"
expect_eq "readback" "$(steer_of)" "on lan lan0 lan1"
expect_eq "readback -j" "$(n a "$WGAFF" steer wga -j)" \
	"{\"ifname\":\"wga\",\"steer\":\"on\",\"lan\":[{\"ifindex\":${IX[0]},\"ifname\":\"lan0\"},{\"ifindex\":${IX[1]},\"ifname\":\"lan1\"}]}"
check "dry-run, the list untouched" n a "$WGAFF" steer wga dry-run
changed "dry-run"
expect_eq "readback" "$(steer_of)" "dry-run lan lan0 lan1"
check "the list only" n a "$WGAFF" steer wga lan lan2
changed "lan2"
expect_eq "readback" "$(steer_of)" "dry-run lan lan2"
check "off, the list cleared" n a "$WGAFF" steer wga off lan
changed "off, cleared"
expect_eq "readback" "$(steer_of)" "off"
expect_eq "readback -j" "$(n a "$WGAFF" steer wga -j)" '{"ifname":"wga","steer":"off","lan":[]}'
check "on, lan3" n a "$WGAFF" steer wga on lan lan3
changed "on, lan3"
expect_eq "readback" "$(steer_of)" "on lan lan3"

# ---- requests that change nothing raise nothing
check "the same mode again" n a "$WGAFF" steer wga on
check "the same list again" n a "$WGAFF" steer wga lan lan3
check "both again" n a "$WGAFF" steer wga on lan lan3

# ---- refusals, each with its message, leaving everything as it was
refused "the device itself" "a device cannot be its own LAN device" \
	n a "$WGAFF" steer wga on lan lan0 wga
refused "a duplicate" "LAN device named twice" n a "$WGAFF" steer wga lan lan0 lan1 lan0
refused "nine LAN devices" "too many LAN devices" \
	n a "$WGAFF" steer wga dry-run lan lan0 lan1 lan2 lan4 lan5 lan6 lan7 lan8 lan9
refused "no CAP_NET_ADMIN" "CAP_NET_ADMIN" \
	n a setpriv --inh-caps=-all --bounding-set=-net_admin "$WGAFF" steer wga off
expect_eq "refusals left it as it was" "$(steer_of)" "on lan lan3"
# Raw requests: every refusal, then the maximum and back (two changes).
check "raw requests refused with messages" n a python3 -u "$T/steer_req.py" wga \
	lan0 lan1 lan2 lan3 lan4 lan5 lan6 lan7 lan8 lan9
changed "the maximum"
changed "back from the maximum"
expect_eq "raw requests left it as it was" "$(steer_of)" "on lan lan3"

# ---- show
n a "$WGAFF" show wga | grep -qx "  steering: on lan lan3" ||
	die "show's text lacks the steering line: $(n a "$WGAFF" show wga)"
n a "$WGAFF" show wga -j | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
assert d["steering"]["steer"] == "on", d
assert [l["ifname"] for l in d["steering"]["lan"]] == ["lan3"], d' || die "show -j steering"
echo "ok: show says the steering"

# ---- a LAN device that goes: its ifindex stays, stale
check "delete lan2/lan3" n a ip link del lan2
expect_eq "a stale LAN ifindex" "$(steer_of)" "on lan #${IX[3]}"
expect_eq "a stale LAN ifindex, -j" "$(n a "$WGAFF" steer wga -j)" \
	"{\"ifname\":\"wga\",\"steer\":\"on\",\"lan\":[{\"ifindex\":${IX[3]},\"ifname\":null}]}"
check "the mode changes with a stale LAN" n a "$WGAFF" steer wga dry-run
changed "dry-run with a stale LAN"
expect_eq "readback" "$(steer_of)" "dry-run lan #${IX[3]}"
n a "$WGAFF" show wga | grep -qx "  steering: dry-run lan #${IX[3]}" ||
	die "show with a stale LAN: $(n a "$WGAFF" show wga)"
sleep 0.5
kill "$monitor"
wait "$monitor" 2>/dev/null || true

# ---- what the monitor saw: steering-changed only, one per tunnel per change
got=$(python3 - "$KB" "$KC" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open("/run/events.json")]
assert all(e["event"] == "steering-changed" and e["ifname"] == "wga" for e in ev), ev
keys = set(sys.argv[1:])
out = []
for i in range(0, len(ev), 2):
    pair = ev[i:i + 2]
    assert {e["public_key"] for e in pair} == keys, pair
    assert pair[0]["steer"] == pair[1]["steer"], pair
    out.append(pair[0]["steer"])
print(" ".join(out))
EOF
) || die "monitor output: $(cat /run/events.json)"
expect_eq "the monitor's steering changes" "$got" "on dry-run dry-run off on on on dry-run"
expect_eq "events in all" "$(wc -l </run/events.json)" "$events"

# ---- what the kernel listener got: mode/n_lan/lan per change (two tunnels each)
heard=$(dmesg | tail -n +"$((mark + 1))" |
	grep -o 'event_listener: steer: steering-changed wga tunnel .*' |
	awk '{print $8 "/" $10 "/" $12}' | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')
max8=$(IFS=,; echo "${IX[*]:0:8}")
expect_eq "the listener's steering changes" "$heard" \
	"2x1/2/${IX[0]},${IX[1]} 2x2/2/${IX[0]},${IX[1]} 2x2/1/${IX[2]} 2x0/0/none 2x1/1/${IX[3]} 2x1/8/$max8 2x1/1/${IX[3]} 2x2/1/${IX[3]} "
check "unload the listener" rmmod event_listener

# ---- moved to another namespace: the LAN ifindexes of a mean nothing there
check "lan0 again" n a "$WGAFF" steer wga on lan lan0
ip netns add b
check "move wga to b" n a ip link set wga netns b
expect_eq "in b: the mode, no LAN" "$(n b "$WGAFF" steer wga)" "on"
n b ip link add blan0 type veth peer name blan1
check "a LAN list of b" n b "$WGAFF" steer wga lan blan1
expect_eq "readback in b" "$(n b "$WGAFF" steer wga)" "on lan blan1"

# ---- the device goes with its configuration
check "delete the device" n b ip link del wga
check "unload" rmmod wg_inline
