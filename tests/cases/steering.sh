# mlx5_steer on the fakenic test NIC (mlx5e's steering model): two
# gateways a and b joined by a fakenic pair (oa, ob), a LAN fakenic pair
# on a (la, with the LAN host h behind it), the tunnel assigned to CPU 1.
#  - steering off, the LAN's flows spread over la's queues by RSS and the
#    tunnel hands packets to its core (hand-offs > 0);
#  - steering on: ethtool -n shows the outer rule (b's address and port to
#    our port) on oa and the inner rules (each allowed-IP prefix) on la,
#    all to the queue of CPU 1; XPS sends CPU 1's packets on that channel;
#    the same flows now cause no hand-off, the fakenic's per-queue
#    counters and the tunnel's per-CPU counters put RX and TX on CPU 1;
#  - b roams to another port: the outer rule follows; the allowed IPs
#    change: the inner rules follow; the core moves to 0: so do the rules;
#  - our listen port changes: so does the rule; under a wg-quick full
#    tunnel's policy rule the rule is on the netdev the tunnel's fwmark
#    routes to, and follows a fwmark change; a renamed device is
#    diagnosed by its new name;
#  - devlink reload of the outer NIC drops the rules: health reports it
#    and the rules are back; an injected insertion failure is reported
#    and retried; dry-run installs nothing and shows the plan; a tunnel
#    over veth (no ntuple) is a health error and still carries traffic;
#  - a LAN netdev moved to another namespace takes no rule of ours along;
#  - steering off and rmmod mlx5_steer leave no rule of ours (the
#    operator's own rule stays), XPS as found.
# timeout: 600
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
FN=$WGI_ROOT/tests/fakenic
BUS=/sys/bus/fakenic
DL=platform/mlx5_steer
load_wg_inline
load_ko "$WGI_BUILD/fakenic/fakenic.ko"
load_ko "$STEER_KO"
have_devlink=0
devlink dev show "$DL" >/dev/null 2>&1 && have_devlink=1

# eventually WHAT CMD...: CMD succeeds within 10 s (rules follow events
# at once, and vanished ones within the 1 s periodic check).
eventually() {
	local what=$1 i
	shift
	for i in $(seq 1 50); do
		"$@" >/dev/null 2>&1 && { echo "ok: $what"; return 0; }
		sleep 0.2
	done
	"$@" || true
	die "$what: not within 10 s"
}
# rules NS DEV: ethtool -n, one line per rule: "LOC FIELD: VALUE [mask:
# M]... [ACTION]", without the fields the rule ignores (ethtool prints
# masks inverted: all ones is "any", all zero "exactly" and is left out).
rules() {
	n "$1" ethtool -n "$2" | awk '
		/^Filter:/ { if (r) print r; r = $2 }
		/Src IP addr:|Dest IP addr:|Src port:|Dest port:/ {
			f = $0; sub(/^[ \t]*/, "", f); m = f
			sub(/ mask: .*/, "", f); sub(/.* mask: /, "", m)
			if (m ~ /^(255\.255\.255\.255|ffff(:ffff)*|0xffff)$/) next
			r = r " " f
			if (m !~ /^(0\.0\.0\.0|::|0x0)$/) r = r " mask: " m
		}
		/Action:/ { sub(/^[ \t]*Action: /, ""); r = r " [" $0 "]" }
		END { if (r) print r }'
}
has_rule() { rules "$1" "$2" | grep -F -- "$3" | grep -qF "[Direct to queue $4]"; }
no_rules() { [ -z "$(rules "$1" "$2")" ]; }
nrules() { rules "$1" "$2" | grep -c . || true; }
stat_of() { n "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'; }
xps() { n "$1" cat "/sys/class/net/$2/queues/tx-$3/xps_cpus" | sed 's/^0*//; s/,//g'; }
handoffs() { tunnel_field a wga "$(pubkey b)" "handoff_$1"; }
health() {
	devlink health show "$DL" reporter steering -j |
		python3 -c 'import json,sys; r=list(json.load(sys.stdin)["health"].values())[0][0]; print(r[sys.argv[1]])' "$1"
}
healthy() { [ "$(health state)" = healthy ]; }
diag_field() {
	devlink health diagnose "$DL" reporter steering -j | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tunnels"]:
    if t["device"] == sys.argv[1]:
        print(t.get(sys.argv[2])); sys.exit(0)
sys.exit(1)' "$1" "$2"
}
# spray NS ADDR FLOWS: 5 datagrams from each of FLOWS sockets
spray() { n "$1" python3 "$FN/udp.py" spray "$2" 9000 "$3"; }

# ---- the gateways, the LAN host, the tunnel
for ns in a b h; do ip netns add $ns; n $ns ip link set lo up; done
n a sh -c "echo 'oa ob 2' >$BUS/new_pair"
n a ip link set ob netns b
n a sh -c "echo 'la lh 2' >$BUS/new_pair"
n a ip link set lh netns h
n a ip addr add 192.0.2.1/24 dev oa
n b ip addr add 192.0.2.2/24 dev ob
n a ip addr add 10.10.0.1/24 dev la
n h ip addr add 10.10.0.2/24 dev lh
for l in "a oa" "b ob" "a la" "h lh"; do
	# shellcheck disable=SC2086
	set -- $l
	n "$1" ip link set "$2" up
done
n h ip route add default via 10.10.0.1
n a sysctl -qw net.ipv4.ip_forward=1
n b ip addr add 10.20.0.1/24 dev lo
tunnel_pair wgi wgi 4 no
n a "$WGAFF" set wga peer "$(pubkey b)" allowed-ips 10.9.0.2/32,fd00::2/128,10.20.0.0/24
n b "$WGAFF" set wgb peer "$(pubkey a)" allowed-ips 10.9.0.1/32,fd00::1/128,10.10.0.0/24
n a ip route add 10.20.0.0/24 dev wga
n b ip route add 10.10.0.0/24 dev wgb
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
check "LAN host reaches b's network" n h ping -c 2 -W 3 -i 0.3 10.20.0.1
n a ethtool -K oa ntuple on
n a ethtool -K la ntuple on
# XPS scrambled first, so that ours is seen (fakenic's default already
# maps CPU i to TX queue i): tx-0 for both CPUs, tx-1 for none.
n a sh -c 'echo 3 >/sys/class/net/oa/queues/tx-0/xps_cpus; echo 0 >/sys/class/net/oa/queues/tx-1/xps_cpus'
xps0=$(xps a oa 0) xps1=$(xps a oa 1)
check "assign core 1" n a "$WGAFF" assign wga peer "$(pubkey b)" core 1

# ---- steering off: RSS spreads the LAN's flows, the tunnel hands off
h0=$(handoffs tx)
spray h 10.20.0.1 32
sleep 0.5
off_handoffs=$(( $(handoffs tx) - h0 ))
[ "$off_handoffs" -gt 0 ] || die "steering off: no hand-off for 32 flows spread by RSS"
echo "ok: steering off: $off_handoffs TX hand-offs for 32 LAN flows"
no_rules a oa || die "rules on oa before steering was turned on"

# ---- steering on
check "steering on" n a "$WGAFF" steer wga on lan la
eventually "outer rule on oa to CPU 1's queue" has_rule a oa "Src IP addr: 192.0.2.2" 1
rules a oa
has_rule a oa "Src port: 51820 Dest port: 51820" 1 || die "outer rule's ports: $(rules a oa)"
eventually "inner rule on la for 10.20.0.0/24" has_rule a la "Dest IP addr: 10.20.0.0" 1
check "inner rule for 10.9.0.2" has_rule a la "Dest IP addr: 10.9.0.2" 1
check "inner rule for fd00::2" has_rule a la "Dest IP addr: fd00::2" 1
rules a la
expect_eq "XPS: CPU 1 on tx-1" "$(xps a oa 1)" 2
expect_eq "XPS: CPU 0 alone on tx-0" "$(xps a oa 0)" 1

h0=$(handoffs tx) r0=$(handoffs rx)
q1=$(stat_of a la rx_queue_1_cpu_1_packets) o1=$(stat_of a oa rx_queue_1_cpu_1_packets)
o0=$(stat_of a oa rx_queue_0_packets)
enc0=$(tunnel_pcpu a wga "$(pubkey b)" encrypted_pkts | awk '$1 == 1 { print $2 }')
spray h 10.20.0.1 32
# b -> h: the outer packets arrive on oa, steered by the outer rule
spray b 10.10.0.2 16
sleep 0.5
expect_eq "steering on: TX hand-offs for 32 LAN flows" $(( $(handoffs tx) - h0 )) 0
expect_eq "steering on: RX hand-offs" $(( $(handoffs rx) - r0 )) 0
la_q1=$(( $(stat_of a la rx_queue_1_cpu_1_packets) - q1 ))
[ "$la_q1" -ge 160 ] || die "la's queue 1 on CPU 1 got $la_q1 of 160 LAN datagrams"
oa_q1=$(( $(stat_of a oa rx_queue_1_cpu_1_packets) - o1 ))
oa_q0=$(( $(stat_of a oa rx_queue_0_packets) - o0 ))
[ "$oa_q1" -ge 80 ] || die "oa's queue 1 on CPU 1 got $oa_q1 of 80 tunnel packets"
[ "$oa_q0" -le 4 ] || die "oa's queue 0 got $oa_q0 packets (rule not steering?)"
enc1=$(( $(tunnel_pcpu a wga "$(pubkey b)" encrypted_pkts | awk '$1 == 1 { print $2 }') - enc0 ))
[ "$enc1" -ge 160 ] || die "CPU 1 encrypted $enc1 of 160"
echo "ok: steered: la q1/cpu1 +$la_q1, oa q1/cpu1 +$oa_q1 (q0 +$oa_q0), CPU 1 encrypted +$enc1"
if [ $have_devlink = 1 ]; then
	expect_eq "diagnose: state" "$(diag_field wga state)" active
	expect_eq "diagnose: netdev" "$(diag_field wga netdev)" oa
	expect_eq "diagnose: queue" "$(diag_field wga queue)" 1
	expect_eq "health: healthy" "$(health state)" healthy
fi

# ---- the rules follow the tunnel
check "b moves to port 51821" n b "$WGAFF" set wgb listen-port 51821
check "b's packets come from 51821" n b ping -c 2 -W 3 -i 0.3 10.9.0.1
eventually "outer rule follows the roam" has_rule a oa "Src port: 51821 Dest port: 51820" 1
expect_eq "one outer rule" "$(nrules a oa)" 1
n a "$WGAFF" set wga peer "$(pubkey b)" allowed-ips 10.9.0.2/32,10.30.0.0/16
eventually "inner rule for the new prefix" has_rule a la "Dest IP addr: 10.30.0.0" 1
check_fails "no rule for the removed prefix" has_rule a la "Dest IP addr: 10.20.0.0" 1
expect_eq "two inner rules" "$(nrules a la)" 2
check "core 0" n a "$WGAFF" assign wga peer "$(pubkey b)" core 0
eventually "outer rule moves to queue 0" has_rule a oa "Src port: 51821" 0
eventually "inner rules move to queue 0" has_rule a la "Dest IP addr: 10.30.0.0" 0
# CPU 0 is ours on tx-0 alone; CPU 1, unclaimed now, has its own again.
expect_eq "XPS: CPU 0 (ours) and CPU 1 (as found) on tx-0" "$(xps a oa 0)" "$xps0"
expect_eq "XPS: tx-1 as found" "$(xps a oa 1)" "$xps1"
check "core 1 again" n a "$WGAFF" assign wga peer "$(pubkey b)" core 1
eventually "outer rule back on queue 1" has_rule a oa "Src port: 51821" 1

# ---- the outer rule is the socket's: its port, and the route its marked
# packets take. A wg-quick full tunnel: unmarked packets to b enter the
# tunnel itself (table 51820), the tunnel's own (fwmark) leave by oa.
check "a moves to port 51830" n a "$WGAFF" set wga listen-port 51830
check "b hears from a's new port" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
eventually "outer rule follows our port" has_rule a oa "Src port: 51821 Dest port: 51830" 1
expect_eq "still one outer rule" "$(nrules a oa)" 1
check "a back on port 51820" n a "$WGAFF" set wga listen-port 51820
check "b hears from 51820" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
eventually "outer rule back on our port 51820" has_rule a oa "Src port: 51821 Dest port: 51820" 1
n a ip route add 192.0.2.2/32 dev wga table 51820
n a ip rule add not fwmark 51820 table 51820 priority 100
check "fwmark 51820" n a "$WGAFF" set wga fwmark 51820
check "the tunnel works under the full-tunnel rules" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
sleep 1.5	# a periodic check (1 s) has replanned
check "marked route: the outer rule stays on oa" has_rule a oa "Src port: 51821 Dest port: 51820" 1
[ $have_devlink = 0 ] || expect_eq "marked route: diagnose: netdev" "$(diag_field wga netdev)" oa
check "fwmark 0: the socket's packets would enter the tunnel" n a "$WGAFF" set wga fwmark 0
eventually "unmarked: no outer rule on oa" no_rules a oa
if [ $have_devlink = 1 ]; then
	err=$(diag_field wga error)
	case $err in "wga: no ntuple"*) echo "ok: unmarked: diagnose: $err" ;;
	*) die "unmarked: diagnose error: $err" ;; esac
fi
check "fwmark 51820 again" n a "$WGAFF" set wga fwmark 51820
eventually "marked again: the outer rule is back on oa" has_rule a oa "Src port: 51821 Dest port: 51820" 1
n a ip rule del priority 100
n a ip route del 192.0.2.2/32 dev wga table 51820
check "fwmark 0 without the rules" n a "$WGAFF" set wga fwmark 0
check "the tunnel works" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
[ $have_devlink = 0 ] || eventually "health healthy again" healthy
# Renamed (only while down), the device is diagnosed by its new name.
if [ $have_devlink = 1 ]; then
	n a ip link set wga down
	n a ip link set wga name wgr
	eventually "diagnose: the renamed device" diag_field wgr state
	expect_eq "diagnose: wgr is down: inactive" "$(diag_field wgr state)" inactive
	n a ip link set wgr name wga
	n a ip link set wga up
	n a ip route add 10.20.0.0/24 dev wga
	eventually "up again: the rules are back" has_rule a oa "Src port: 51821 Dest port: 51820" 1
	expect_eq "diagnose: wga active" "$(diag_field wga state)" active
fi

# ---- lost rules, refused rules
bus_oa=$(n a ethtool -i oa | awk '/bus-info/ { print $2 }')
if [ $have_devlink = 1 ]; then
	errs0=$(health error)
	check "devlink reload of oa's NIC" devlink dev reload "fakenic/$bus_oa"
	eventually "rule back after the reload" has_rule a oa "Src port: 51821" 1
	[ "$(health error)" -gt "$errs0" ] || die "the lost rules were not reported to health"
	[ "$(diag_field wga reinstalled)" -ge 1 ] || die "diagnose does not count the reinstall"
	dmesg | grep -q "vanished from the NIC" || die "no kernel log line for the lost rules"
	echo "ok: reload reported ($(health error) errors) and repaired"
fi
echo 1 >"/sys/kernel/debug/fakenic/$bus_oa/fail_next_rule_insert"
check "core 0 (its first rule insertion fails)" n a "$WGAFF" assign wga peer "$(pubkey b)" core 0
eventually "failed rule retried" has_rule a oa "Src port: 51821" 0
dmesg | grep -q "refused a rule" || die "the refused rule was not reported"
[ $have_devlink = 0 ] || eventually "health healthy again" healthy

# ---- dry-run: a plan, nothing installed
check "dry-run" n a "$WGAFF" steer wga dry-run lan la
eventually "dry-run removes our rules from oa" no_rules a oa
check "and from la" no_rules a la
expect_eq "XPS restored in dry-run (tx-0)" "$(xps a oa 0)" "$xps0"
if [ $have_devlink = 1 ]; then
	expect_eq "diagnose: dry-run" "$(diag_field wga state)" dry-run
	devlink health diagnose "$DL" reporter steering | tee /tmp/diag
	grep -q "udp4 src-ip 192.0.2.2 src-port 51821 dst-port 51820 action 0" /tmp/diag ||
		die "the dry-run plan is not shown"
fi

# ---- a netdev without ntuple: an error, and the tunnel still works
ip link add vo netns a type veth peer name vo netns b
n a ip addr add 192.0.3.1/24 dev vo
n b ip addr add 192.0.3.2/24 dev vo
n a ip link set vo up
n b ip link set vo up
n a ip link add wgv type wg-inline
n b ip link add wgv type wg-inline
n a "$WGAFF" set wgv private-key /run/keys/a.key listen-port 51900 \
	peer "$(pubkey b)" endpoint 192.0.3.2:51900 allowed-ips 10.8.0.2/32
n b "$WGAFF" set wgv private-key /run/keys/b.key listen-port 51900 \
	peer "$(pubkey a)" endpoint 192.0.3.1:51900 allowed-ips 10.8.0.1/32
n a ip addr add 10.8.0.1/24 dev wgv
n b ip addr add 10.8.0.2/24 dev wgv
n a ip link set wgv up
n b ip link set wgv up
n a "$WGAFF" assign wgv peer "$(pubkey b)" core 1
check "steering on over veth" n a "$WGAFF" steer wgv on
eventually "veth: reported" sh -c 'dmesg | grep -q "vo: no ntuple steering"'
[ $have_devlink = 0 ] || expect_eq "veth: diagnose error state" "$(diag_field wgv state)" error
check "the veth tunnel carries traffic" n a ping -c 3 -W 3 -i 0.3 10.8.0.2
n a ip link del wgv

# ---- off, then on and unload: nothing of ours left
check "steering on again" n a "$WGAFF" steer wga on
eventually "rules back" has_rule a oa "Src port: 51821" 0
check "steering off" n a "$WGAFF" steer wga off
eventually "off: no rule on oa" no_rules a oa
check "off: no rule on la" no_rules a la
expect_eq "off: XPS tx-0 restored" "$(xps a oa 0)" "$xps0"
expect_eq "off: XPS tx-1 restored" "$(xps a oa 1)" "$xps1"
check "steering on, LAN la" n a "$WGAFF" steer wga on lan la
eventually "rules back on la" has_rule a la "Dest IP addr: 10.30.0.0" 0
# A LAN netdev moved to another namespace keeps its rules: ours come off.
ip netns add x
n a ip link set la netns x
eventually "a moved netdev keeps no rule of ours" no_rules x la
n x ip link set la netns a
n a ip addr add 10.10.0.1/24 dev la
n a ip link set la up
eventually "back in place, its rules are back" has_rule a la "Dest IP addr: 10.30.0.0" 0
n a ethtool -N oa flow-type udp4 dst-port 7 action 1 loc 3
check "rmmod mlx5_steer" rmmod mlx5_steer
expect_eq "unload: only the operator's rule is left on oa" "$(rules a oa)" "3 Dest port: 7 [Direct to queue 1]"
check "unload: no rule on la" no_rules a la
expect_eq "unload: XPS tx-0 restored" "$(xps a oa 0)" "$xps0"
expect_eq "unload: XPS tx-1 restored" "$(xps a oa 1)" "$xps1"
check "tunnel still up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
tunnel_down
rmmod wg_inline
