# Core affinity in the inline mode, end to end through wgaff and the
# extension family:
#  - every refusal (unknown device, a device that is not ours, unknown
#    peer, a CPU out of range or offline, no CAP_NET_ADMIN) exits non-zero
#    with the kernel's message and leaves the tunnels as they were;
#  - with the sender pinned to CPU 0 and both tunnels assigned to CPU 1,
#    at least 99% of each tunnel's encryptions and decryptions run on
#    CPU 1 while iperf3 runs, and the hand-offs from CPU 0 are counted;
#  - unassigned again, the work follows the sender (all on CPU 0, no
#    hand-off);
#  - the assigned core goes offline under traffic: traffic goes on, show
#    says "fallback"; back online, the work returns to the core.
# timeout: 420
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
KA=$(pubkey a) KB=$(pubkey b)

# work NS DEV KEY: "cpu enc dec htx hrx" per CPU, from show -j.
work() {
	tunnel_pcpu "$1" "$2" "$3" encrypted_pkts decrypted_pkts handoff_tx handoff_rx
}
# share CPU BEFORE AFTER: percent of the crypto between two work
# snapshots that ran on CPU, then the total crypto and the hand-offs.
share() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
cpu = sys.argv[1]
def load(s):
    return {l.split()[0]: [int(x) for x in l.split()[1:]] for l in s.splitlines() if l.strip()}
a, b = load(sys.argv[2]), load(sys.argv[3])
d = {c: [v - (a.get(c, [0] * 4)[i]) for i, v in enumerate(b[c])] for c in b}
total = sum(v[0] + v[1] for v in d.values())
on = sum(d.get(cpu, [0] * 4)[:2])
hand = sum(v[2] + v[3] for v in d.values())
print("%.2f %d %d" % (100.0 * on / total if total else 0, total, hand))
EOF
}

# placement NS DEV KEY: what a refusal must not change (counters and
# handshake times may move on their own: keepalives).
placement() {
	tunnel_json "$1" "$2" "$3" | python3 -c '
import json, sys
p = json.load(sys.stdin)
print(p["mode"], p["core"], p["core_state"], p["endpoint"], p["allowed_ips"])'
}

# ---- refusals, each leaving the tunnels as they were
before_a=$(placement a wga "$KB")
refused "unknown device" "unknown device" n a "$WGAFF" assign nosuch0 peer "$KB" core 1
refused "not a wg-inline device" "not a wg-inline device" n a "$WGAFF" assign veth0 peer "$KB" core 1
refused "unknown peer" "no tunnel with this public key" n a "$WGAFF" assign wga peer "$KA" core 1
refused "CPU out of range" "not a CPU of this machine" n a "$WGAFF" assign wga peer "$KB" core 4096
refused "not a number" "core" n a "$WGAFF" assign wga peer "$KB" core seven
refused "not a mode" "unknown mode" n a "$WGAFF" mode wga peer "$KB" turbo
echo 0 >/sys/devices/system/cpu/cpu1/online || die "cannot offline CPU 1"
refused "offline CPU" "core is offline" n a "$WGAFF" assign wga peer "$KB" core 1
echo 1 >/sys/devices/system/cpu/cpu1/online || die "cannot online CPU 1"
refused "no CAP_NET_ADMIN" "CAP_NET_ADMIN" \
	n a setpriv --inh-caps=-all --bounding-set=-net_admin "$WGAFF" assign wga peer "$KB" core 1
expect_eq "refusals left the tunnel as it was" "$(placement a wga "$KB")" "$before_a"
expect_eq "unassigned at first" "$(tunnel_field a wga "$KB" core_state)" unassigned
check "tunnel still up after the refusals" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# ---- assigned to CPU 1, sender pinned to CPU 0
check "assign a's tunnel to CPU 1" n a "$WGAFF" assign wga peer "$KB" core 1
check "assign b's tunnel to CPU 1" n b "$WGAFF" assign wgb peer "$KA" core 1
expect_eq "show: core" "$(tunnel_field a wga "$KB" core)" 1
expect_eq "show: state" "$(tunnel_field a wga "$KB" core_state)" on-core
expect_eq "show: mode" "$(tunnel_field a wga "$KB" mode)" inline
n a "$WGAFF" show wga | grep -qx "  core: 1 (on core)" ||
	die "show's text does not say the core: $(n a "$WGAFF" show wga)"
echo "ok: show's text says the core"
wa0=$(work a wga "$KB") wb0=$(work b wgb "$KA")
n b taskset -c 0 iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
sleep 0.5
n a taskset -c 0 iperf3 -c 10.9.0.2 -t 4 -J >/run/iperf-assigned.json ||
	die "iperf3 over the assigned tunnels failed"
read -r pa ta ha <<<"$(share 1 "$wa0" "$(work a wga "$KB")")"
read -r pb tb hb <<<"$(share 1 "$wb0" "$(work b wgb "$KA")")"
echo "assigned: a: ${pa}% of $ta on CPU 1, $ha hand-offs; b: ${pb}% of $tb on CPU 1, $hb hand-offs"
[ "$ta" -ge 1000 ] && [ "$tb" -ge 1000 ] || die "too little traffic to judge: $ta / $tb"
python3 -c "import sys; sys.exit(0 if $pa >= 99 and $pb >= 99 else 1)" ||
	die "crypto not on the assigned core: a ${pa}%, b ${pb}%"
[ "$ha" -gt 0 ] || die "the sender on CPU 0 handed nothing to CPU 1"
echo "ok: >= 99% of both tunnels' crypto on CPU 1, hand-offs counted"
expect_eq "show: hand-offs in the total" \
	"$(( $(tunnel_field a wga "$KB" handoff_tx) + $(tunnel_field a wga "$KB" handoff_rx) > 0 ))" 1

# ---- unassigned: the work follows the sender
check "unassign a" n a "$WGAFF" assign wga peer "$KB" core none
check "unassign b" n b "$WGAFF" assign wgb peer "$KA" core none
expect_eq "show: unassigned" "$(tunnel_field a wga "$KB" core)" None
wa0=$(work a wga "$KB")
n a taskset -c 0 ping -q -c 100 -i 0.01 -W 2 10.9.0.2 >/dev/null ||
	die "pinned ping lost packets after unassigning"
read -r pa ta ha <<<"$(share 0 "$wa0" "$(work a wga "$KB")")"
echo "unassigned: a: ${pa}% of $ta on CPU 0, $ha hand-offs"
[ "$ta" -ge 200 ] && [ "$ha" = 0 ] &&
	python3 -c "import sys; sys.exit(0 if $pa >= 99 else 1)" ||
	die "after unassigning, the work did not follow the sender to CPU 0"
echo "ok: unassigned, the work follows the sender"

# ---- the assigned core goes offline under traffic, then comes back
check "assign a's tunnel to CPU 1 again" n a "$WGAFF" assign wga peer "$KB" core 1
n a ping -q -i 0.02 -c 400 -W 2 10.9.0.2 >/run/ping-hotplug.log 2>&1 &
pinger=$!
sleep 1
echo 0 >/sys/devices/system/cpu/cpu1/online || die "cannot offline CPU 1"
expect_eq "show: fallback while offline" "$(tunnel_field a wga "$KB" core_state)" fallback
expect_eq "show: still assigned to 1" "$(tunnel_field a wga "$KB" core)" 1
sleep 2
echo 1 >/sys/devices/system/cpu/cpu1/online || die "cannot online CPU 1"
wait "$pinger" || true
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' /run/ping-hotplug.log)
echo "ping across the hotplug: ${loss}% lost"
python3 -c "import sys; sys.exit(0 if float('${loss:-100}') <= 5 else 1)" ||
	die "traffic did not go on while the core was offline: $(cat /run/ping-hotplug.log)"
expect_eq "show: back on its core" "$(tunnel_field a wga "$KB" core_state)" on-core
wa0=$(work a wga "$KB")
n a taskset -c 0 ping -q -c 100 -i 0.01 -W 2 10.9.0.2 >/dev/null ||
	die "pinned ping lost packets after the core came back"
read -r pa ta ha <<<"$(share 1 "$wa0" "$(work a wga "$KB")")"
echo "back online: a: ${pa}% of $ta on CPU 1"
python3 -c "import sys; sys.exit(0 if $pa >= 99 else 1)" ||
	die "the work did not return to CPU 1: ${pa}%"
echo "ok: the work is back on its core"
