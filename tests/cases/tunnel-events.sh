# Tunnel events, both ways they leave the module:
#  - `wgaff monitor -j` (the extension family's multicast group) sees a
#    scripted sequence of changes as events, in order, with the tunnel's
#    state as it was at each step: added, endpoint, allowed IPs, up,
#    core assigned, allowed IPs and endpoint changed, listen port and
#    fwmark changed (one socket-changed; the same values again: none),
#    the core going offline (fallback) and back, down, removed;
#  - a caller without CAP_NET_ADMIN cannot join the group;
#  - a kernel listener (tests/fixtures/event_listener.ko, which includes
#    only the public header) loaded after the tunnel exists is replayed
#    the tunnel (added, then up), then gets the same later events as the
#    monitor; after rmmod it gets nothing more.
# timeout: 180
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
LISTENER=$WGI_BUILD/fixtures/event_listener.ko
load_wg_inline
ip netns add a
n a ip link set lo up
genkeys a
genkeys b
KB=$(pubkey b)

refused_out=$(n a setpriv --inh-caps=-all --bounding-set=-net_admin \
	timeout 5 "$WGAFF" monitor 2>&1) && die "an unprivileged monitor was let in: $refused_out"
echo "$refused_out" | grep -q "Operation not permitted" ||
	die "unprivileged monitor: expected EPERM, got: $refused_out"
echo "ok: unprivileged monitor refused: $refused_out"

n a "$WGAFF" monitor -j >/run/events.json 2>/run/monitor.err &
monitor=$!
sleep 1
kill -0 "$monitor" 2>/dev/null || die "monitor exited: $(cat /run/monitor.err)"

# wait_events N: until the monitor has printed N events (10 s at most).
wait_events() {
	local _
	for _ in $(seq 100); do
		[ "$(wc -l </run/events.json)" -ge "$1" ] && return 0
		sleep 0.1
	done
	die "expected $1 events, got: $(cat /run/events.json)"
}

n a ip link add wga type wg-inline
check "configure" n a "$WGAFF" set wga private-key /run/keys/a.key listen-port 51820 \
	peer "$KB" endpoint 192.0.2.2:51820 allowed-ips 10.9.0.2/32
wait_events 3
check "up" n a ip link set wga up
wait_events 4
check "assign core 1" n a "$WGAFF" assign wga peer "$KB" core 1
wait_events 5

# The kernel listener arrives late: it must be told what exists.
mark=$(dmesg | wc -l)
check "load the listener" insmod "$LISTENER"
replay=$(dmesg | tail -n +"$((mark + 1))" | grep -o 'event_listener: .*')
echo "$replay"
echo "$replay" | grep -q "^event_listener: tunnel-added wga tunnel [0-9]* core 1 state 1 mode 0 up 1 port 51820 endpoint 192.0.2.2:51820$" ||
	die "the listener was not replayed the tunnel: $replay"
echo "$replay" | grep -A1 "tunnel-added" | grep -q "device-up wga" ||
	die "the replay did not say the device is up, after the tunnel: $replay"
echo "ok: a late listener was replayed the existing tunnel"
mark=$(dmesg | wc -l)

check "more allowed IPs" n a "$WGAFF" set wga peer "$KB" allowed-ips 10.9.0.2/32,10.9.1.0/24
wait_events 6
check "new endpoint" n a "$WGAFF" set wga peer "$KB" endpoint 192.0.2.3:51821
wait_events 7
check "new listen port and fwmark" n a "$WGAFF" set wga listen-port 51822 fwmark 7
wait_events 8
check "the same port and fwmark again (no event)" n a "$WGAFF" set wga listen-port 51822 fwmark 7
echo 0 >/sys/devices/system/cpu/cpu1/online || die "cannot offline CPU 1"
wait_events 9
echo 1 >/sys/devices/system/cpu/cpu1/online || die "cannot online CPU 1"
wait_events 10
check "down" n a ip link set wga down
wait_events 11
check "remove the peer" n a "$WGAFF" set wga peer "$KB" remove
wait_events 12
sleep 0.5
kill "$monitor"
wait "$monitor" 2>/dev/null || true

# event core state up endpoint, one line per event.
got=$(python3 - "$KB" <<'EOF'
import json, sys
for line in open("/run/events.json"):
    e = json.loads(line)
    assert e["public_key"] == sys.argv[1] and e["ifname"] == "wga", e
    print(e["event"], e["core"], e["core_state"], e["device_up"], e.get("endpoint"),
          e["listen_port"])
EOF
) || die "monitor output unreadable: $(cat /run/events.json)"
expected="tunnel-added None unassigned False None 51820
endpoint-changed None unassigned False 192.0.2.2:51820 51820
allowedips-changed None unassigned False 192.0.2.2:51820 51820
device-up None unassigned True 192.0.2.2:51820 51820
affinity-changed 1 on-core True 192.0.2.2:51820 51820
allowedips-changed 1 on-core True 192.0.2.2:51820 51820
endpoint-changed 1 on-core True 192.0.2.3:51821 51820
socket-changed 1 on-core True 192.0.2.3:51821 51822
affinity-changed 1 fallback True 192.0.2.3:51821 51822
affinity-changed 1 on-core True 192.0.2.3:51821 51822
device-down 1 on-core False 192.0.2.3:51821 51822
tunnel-removed 1 on-core False 192.0.2.3:51821 51822"
[ "$got" = "$expected" ] || die "monitor saw:
$got
expected:
$expected"
echo "ok: the monitor saw the scripted sequence, in order"

# The listener saw the same events after its replay.
heard=$(dmesg | tail -n +"$((mark + 1))" | grep -o 'event_listener: [a-z-]* wga' | awk '{print $2}')
expect_eq "the listener's events after the replay" "$(echo "$heard" | tr '\n' ' ')" \
	"allowedips-changed endpoint-changed socket-changed affinity-changed affinity-changed device-down tunnel-removed "
check "unload the listener" rmmod event_listener
mark=$(dmesg | wc -l)
check "add a peer after the listener left" n a "$WGAFF" set wga peer "$KB" allowed-ips 10.9.0.2/32
sleep 1
dmesg | tail -n +"$((mark + 1))" | grep -q 'event_listener: tunnel' &&
	die "an unregistered listener was still called"
echo "ok: nothing reaches a listener after it unregistered"
