# The fakenic test-double NIC (tests/fakenic/) behaves like mlx5e for RX
# steering, as mlx5_steer's tests will rely on:
#  - pairs made and removed through /sys/bus/fakenic in the writer's
#    netns, joined like veth (ping, UDP); bad requests refused; deleting
#    one end (ip link del, del_pair, its netns dying) deletes both;
#  - each RX queue has an IRQ named NAME-rx-Q; default affinity and XPS
#    one CPU per channel, as mlx5e sets them; XPS picks the sender's
#    CPU's TX queue; on 6.12 the netdev genl family links each queue to
#    its channel's NAPI and that NAPI to the queue's IRQ;
#  - an ethtool ntuple rule steers a UDP flow to its queue, and that
#    queue's NAPI runs on the CPU its IRQ's smp_affinity names (CPU 1,
#    then CPU 0 after moving it); more tuples win over a lower location,
#    L3/L4 rules over L2; a drop rule drops; without rules RSS spreads
#    and follows ethtool -X;
#  - mlx5e's errnos: location past 1024 ENOSPC (insert, delete) / EINVAL
#    (get), queue past the channels EINVAL, an unknown flow type
#    ENOTSUPP, a TOS mask EINVAL, nothing to match EINVAL; a used
#    location is replaced; a full table leaves ethtool no free location;
#  - the debugfs knob fails the next valid insertion with its errno (a
#    failed replacement leaves the location empty, as on mlx5e);
#  - ntuple is offered and toggles, rules steer either way;
#  - devlink reload drops every rule and resets RSS, the netdev stays
#    (skipped where the kernel has no devlink);
#  - rmmod with pairs left deletes them.
# timeout: 520
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
FN=$WGI_ROOT/tests/fakenic
BUS=/sys/bus/fakenic
load_ko "$WGI_BUILD/fakenic/fakenic.ko"

nports() { find $BUS/devices -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
irq_of() { awk -v n="$1" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts; }
# irq_on_cpu IRQ CPU: its /proc/interrupts count on CPU
irq_on_cpu() { awk -v i="$1:" -v c="$2" '$1 == i { print $(c + 2) }' /proc/interrupts; }
# stats NS DEV: "name value" lines of ethtool -S
stats() { n "$1" ethtool -S "$2" | awk -F': *' 'NR > 1 { gsub(/ /, "", $1); print $1, $2 }'; }
# delta BEFORE AFTER NAME: growth of one counter between two stats snapshots
delta() {
	local a b
	a=$(awk -v k="$3" '$1 == k { print $2 }' <<<"$1")
	b=$(awk -v k="$3" '$1 == k { print $2 }' <<<"$2")
	echo $((b - a))
}
# rule_action LOC: the Action line of rule LOC in ethtool -n fb
rule_action() {
	n b ethtool -n fb | awk -v l="Filter: $1" '$0 == l { f = 1 } f && /Action:/ { sub(/^[ \t]*Action: /, ""); print; exit }'
}
# flow DPORT SPORT COUNT: COUNT datagrams a -> b; prints how many arrived
flow() {
	rm -f /tmp/ready
	n b python3 "$FN/udp.py" recv "$1" "$3" 20 /tmp/ready >/tmp/got &
	local pid=$!
	wait_for_file /tmp/ready 100 "UDP listener did not start"
	n a python3 "$FN/udp.py" send 198.51.100.2 "$1" "$3" "$2"
	wait $pid
	cat /tmp/got
}
# rxnfc ARGS: tests/fakenic/rxnfc.py on fb, in its netns
rxnfc() { n b python3 "$FN/rxnfc.py" fb "$@"; }
at_least() { [ "$2" -ge "$3" ] || die "$1: $2 < $3"; echo "ok: $1 ($2 >= $3)"; }
at_most() { [ "$2" -le "$3" ] || die "$1: $2 > $3"; echo "ok: $1 ($2 <= $3)"; }
# ins_refused WHAT ERRNO LOC RING FLOW [FIELDS]: raw insertion must fail so
ins_refused() {
	local what=$1 want=$2
	shift 2
	expect_eq "$what" "$(rxnfc ins "$@")" "$want"
}

# ---- pairs: creation in a netns, refusals, traffic
ip netns add a
ip netns add b
check "pair made from netns a" n a sh -c "echo 'fa fb' >$BUS/new_pair"
check "both ends live in a" has_link a fb
check_fails "no end in the initial netns" has_link - fa
expect_eq "two bus devices" "$(nports)" 2
check_fails "9 channels refused" sh -c "echo 'x1 x2 9' >$BUS/new_pair"
check_fails "0 channels refused" sh -c "echo 'x1 x2 0' >$BUS/new_pair"
check_fails "one name refused" sh -c "echo 'x1' >$BUS/new_pair"
check_fails "a used name refused" n a sh -c "echo 'fa x2' >$BUS/new_pair"
check_fails "x2 not left behind" has_link a x2
expect_eq "no port left by the refusals" "$(nports)" 2
check_fails "ip link add type fakenic refused" ip link add x1 type fakenic
n a ip link set fb netns b
n a ip addr add 198.51.100.1/24 dev fa
n b ip addr add 198.51.100.2/24 dev fb
n a ip link set fa up
n b ip link set fb up
check "ping across the pair" n a ping -c 3 -W 3 -i 0.3 198.51.100.2
expect_eq "UDP across the pair" "$(flow 4999 0 100)" 100
BUS_B=$(n b ethtool -i fb | awk '/^bus-info:/ { print $2 }')
DBG_B=/sys/kernel/debug/fakenic/$BUS_B
check "debugfs folder of fb's bus device" test -d "$DBG_B"
expect_eq "2 channels by default" "$(n b ethtool -l fb | awk '/^Combined:/ { v = $2 } END { print v }')" 2
check "ethtool -n: 2 RX rings" sh -c "ip netns exec b ethtool -n fb | grep -q '^2 RX rings available'"

# ---- IRQs and XPS
IRQ0=$(irq_of fb-rx-0) IRQ1=$(irq_of fb-rx-1)
[ -n "$IRQ0" ] && [ -n "$IRQ1" ] || die "no fb-rx-0/1 in /proc/interrupts"
check "fakenic irq_chip" grep -qE "^ *$IRQ0:.* fakenic .*fb-rx-0\$" /proc/interrupts
expect_eq "rx-0 on CPU 0 by default" "$(cat /proc/irq/"$IRQ0"/effective_affinity_list)" 0
expect_eq "rx-1 on CPU 1 by default" "$(cat /proc/irq/"$IRQ1"/effective_affinity_list)" 1
expect_eq "XPS tx-0: CPU 0" "$(n a cat /sys/class/net/fa/queues/tx-0/xps_cpus)" 1
expect_eq "XPS tx-1: CPU 1" "$(n a cat /sys/class/net/fa/queues/tx-1/xps_cpus)" 2
# 6.8 and later show queue -> NAPI -> IRQ (netdev genl family).
case $(uname -r) in
6.1.*) echo "skip: no queue/NAPI links before 6.8" ;;
*)
	links=$(n b python3 "$FN/queues.py" "$(n b cat /sys/class/net/fb/ifindex)")
	echo "$links"
	for q in 0 1; do
		irq=$IRQ0
		[ $q = 1 ] && irq=$IRQ1
		rx=$(awk -v q=$q '$1 == "rx" && $2 == q { print $4, $6 }' <<<"$links")
		tx=$(awk -v q=$q '$1 == "tx" && $2 == q { print $4, $6 }' <<<"$links")
		case $rx in 0\ *|"") die "rx queue $q has no NAPI: $links" ;; esac
		expect_eq "rx queue $q -> NAPI -> IRQ fb-rx-$q" "${rx#* }" "$irq"
		expect_eq "tx queue $q on the same NAPI" "$tx" "$rx"
	done
	;;
esac
for cpu in 0 1; do
	s0=$(stats a fa)
	n a taskset -c $cpu python3 "$FN/udp.py" send 198.51.100.2 4998 40
	s1=$(stats a fa)
	at_least "sender on CPU $cpu: TX queue $cpu" "$(delta "$s0" "$s1" tx_queue_${cpu}_cpu_${cpu}_packets)" 40
	at_most "sender on CPU $cpu: not the other queue" "$(delta "$s0" "$s1" tx_queue_$((1 - cpu))_packets)" 2
done

# ---- a rule steers a flow to its queue; NAPI runs on the IRQ's CPU
check "ntuple offered, off by default" sh -c "ip netns exec b ethtool -k fb | grep -qx 'ntuple-filters: off'"
n b ethtool -N fb flow-type udp4 dst-port 5001 action 1 loc 5
expect_eq "ethtool -n lists the rule" "$(rule_action 5)" "Direct to queue 1"
# steered CPU: the flow to port 5001 lands on queue 1, whose IRQ is on CPU
steered() {
	local cpu=$1 s0 s1 i0 i1
	s0=$(stats b fb) i0=$(irq_on_cpu "$IRQ1" "$cpu")
	expect_eq "flow to queue 1 delivered (IRQ on CPU $cpu)" "$(flow 5001 0 200)" 200
	s1=$(stats b fb) i1=$(irq_on_cpu "$IRQ1" "$cpu")
	at_least "queue 1 received the flow" "$(delta "$s0" "$s1" rx_queue_1_packets)" 200
	at_most "queue 0 did not" "$(delta "$s0" "$s1" rx_queue_0_packets)" 10
	at_least "queue 1's NAPI ran on CPU $cpu" "$(delta "$s0" "$s1" rx_queue_1_cpu_${cpu}_packets)" 200
	at_most "and not on CPU $((1 - cpu))" "$(delta "$s0" "$s1" rx_queue_1_cpu_$((1 - cpu))_packets)" 10
	at_least "rule hits counted" "$(delta "$s0" "$s1" rx_rule_hits)" 200
	at_least "fb-rx-1 interrupts on CPU $cpu" $((i1 - i0)) 1
}
echo 2 >/proc/irq/"$IRQ1"/smp_affinity
steered 1
echo 1 >/proc/irq/"$IRQ1"/smp_affinity
expect_eq "rx-1 moved to CPU 0" "$(cat /proc/irq/"$IRQ1"/effective_affinity_list)" 0
steered 0
echo 2 >/proc/irq/"$IRQ1"/smp_affinity
check "ntuple toggles on" n b ethtool -K fb ntuple on
check "ntuple on" sh -c "ip netns exec b ethtool -k fb | grep -qx 'ntuple-filters: on'"
n b ethtool -K fb ntuple off
steered 1

# ---- order: more tuples first, L3/L4 before L2; drop
MAC_B=$(n b cat /sys/class/net/fb/address)
n b ethtool -N fb flow-type ether dst "$MAC_B" action 1 loc 1
n b ethtool -N fb flow-type udp4 dst-port 5002 action 0 loc 10
n b ethtool -N fb flow-type udp4 dst-port 5002 src-port 7000 action 1 loc 20
s0=$(stats b fb)
expect_eq "flow 7000 -> 5002 delivered" "$(flow 5002 7000 100)" 100
s1=$(stats b fb)
at_least "two-tuple rule (loc 20) beats one-tuple (loc 10)" "$(delta "$s0" "$s1" rx_queue_1_packets)" 100
expect_eq "flow 7001 -> 5002 delivered" "$(flow 5002 7001 100)" 100
s2=$(stats b fb)
at_least "udp4 rule (loc 10) beats the ether rule (loc 1)" "$(delta "$s1" "$s2" rx_queue_0_packets)" 100
n b ethtool -N fb delete 1
n b ethtool -N fb flow-type udp4 dst-port 5003 action -1 loc 30
expect_eq "drop rule listed" "$(rule_action 30)" "Drop"
s0=$(stats b fb)
n a python3 "$FN/udp.py" send 198.51.100.2 5003 50
s1=$(stats b fb)
expect_eq "drop rule dropped the flow" "$(delta "$s0" "$s1" rx_rule_drops)" 50

# ---- RSS without rules
s0=$(stats b fb)
n a python3 "$FN/udp.py" spray 198.51.100.2 5004 32
s1=$(stats b fb)
at_least "RSS counted" "$(delta "$s0" "$s1" rx_rss)" 160
at_least "RSS: queue 0 got flows" "$(delta "$s0" "$s1" rx_queue_0_packets)" 5
at_least "RSS: queue 1 got flows" "$(delta "$s0" "$s1" rx_queue_1_packets)" 5
check "ethtool -x: Toeplitz" sh -c "ip netns exec b ethtool -x fb | grep -qE '^ *toeplitz: on$'"
check "ethtool -x: 256 entries" sh -c "ip netns exec b ethtool -x fb | grep -q '^ *248: '"
n b ethtool -X fb weight 0 1
s0=$(stats b fb)
n a python3 "$FN/udp.py" spray 198.51.100.2 5004 16
s1=$(stats b fb)
at_least "indirection to queue 1 only" "$(delta "$s0" "$s1" rx_queue_1_packets)" 80
at_most "queue 0 none" "$(delta "$s0" "$s1" rx_queue_0_packets)" 2

# ---- mlx5e's errnos (raw ioctls: ethtool 6.1 exits 0 on refusals)
ins_refused "location 1024: ENOSPC" ENOSPC 1024 0 udp4 dport=1
expect_eq "delete 1024: ENOSPC" "$(rxnfc del 1024)" ENOSPC
expect_eq "get 1024: EINVAL" "$(rxnfc get 1024)" EINVAL
ins_refused "queue 2 of 2: EINVAL" EINVAL 40 2 udp4 dport=1
ins_refused "SCTP flow: ENOTSUPP" ENOTSUPP 40 0 sctp4 dport=1
ins_refused "TOS mask: EINVAL" EINVAL 40 0 udp4 dport=1 tos=4
ins_refused "ether rule matching nothing: EINVAL" EINVAL 40 0 ether
expect_eq "delete unused: ENOENT" "$(rxnfc del 40)" ENOENT
expect_eq "get unused: ENOENT" "$(rxnfc get 40)" ENOENT
# ethtool_refused WHAT MESSAGE LOC ARGS...: ethtool -N prints MESSAGE
# and LOC stays unlisted
ethtool_refused() {
	local what=$1 msg=$2 loc=$3 out
	shift 3
	out=$(n b ethtool -N fb "$@" loc "$loc" 2>&1 || true)
	case $out in *"$msg"*) echo "ok: $what ($out)" ;;
	*) die "$what: ethtool -N $*: no '$msg' in: $out" ;; esac
	check_fails "$what: not listed" sh -c "ip netns exec b ethtool -n fb | grep -qx 'Filter: $loc'"
}
ethtool_refused "ethtool: queue 7" "Invalid argument" 40 flow-type udp4 dst-port 1 action 7
ethtool_refused "ethtool: TOS mask" "Invalid argument" 41 flow-type udp4 tos 4 dst-port 1 action 0
ethtool_refused "ethtool: location 1024" "No space left on device" 1024 flow-type udp4 dst-port 1 action 0
count=$(rxnfc count)
n b ethtool -N fb flow-type udp4 dst-port 5001 action 0 loc 5
expect_eq "used location replaced" "$(rule_action 5)" "Direct to queue 0"
expect_eq "replacing kept the count" "$(rxnfc count)" "$count"

# ---- injected insertion failure
expect_eq "knob default errno" "$(cat "$DBG_B"/fail_rule_insert_errno)" 22
echo 1 >"$DBG_B"/fail_next_rule_insert
ins_refused "an invalid rule fails on its own" EINVAL 50 5 udp4 dport=1
expect_eq "knob still armed" "$(cat "$DBG_B"/fail_next_rule_insert)" Y
ins_refused "injected failure" EINVAL 50 0 udp4 dport=1
expect_eq "not inserted" "$(rxnfc get 50)" ENOENT
expect_eq "knob disarmed" "$(cat "$DBG_B"/fail_next_rule_insert)" N
expect_eq "next insertion works" "$(rxnfc ins 50 1 udp4 dport=1)" ok
echo 28 >"$DBG_B"/fail_rule_insert_errno
echo 1 >"$DBG_B"/fail_next_rule_insert
ins_refused "injected errno ENOSPC, replacing loc 50" ENOSPC 50 0 udp4 dport=2
expect_eq "failed replacement left loc 50 empty (mlx5e)" "$(rxnfc get 50)" ENOENT
echo 22 >"$DBG_B"/fail_rule_insert_errno

# ---- table size
rxnfc clear >/dev/null
expect_eq "table empty" "$(rxnfc count)" "0 1024"
expect_eq "1024 rules inserted" "$(rxnfc fill 1024 1)" 1024
expect_eq "count and table size" "$(rxnfc count)" "1024 1024"
out=$(n b ethtool -N fb flow-type udp4 dst-port 1 action 0 2>&1 || true)
case $out in *"Cannot find appropriate slot"*) echo "ok: full table: $out" ;;
*) die "full table: ethtool found a location: $out" ;; esac
expect_eq "still 1024" "$(rxnfc count)" "1024 1024"
ins_refused "loc 1024 with a full table: ENOSPC" ENOSPC 1024 0 udp4 dport=1
check "ethtool -n lists 1024" sh -c "ip netns exec b ethtool -n fb | grep -q '^Total 1024 rules'"

# ---- devlink reload: no rules, default RSS, same netdev
if devlink dev show "fakenic/$BUS_B" >/dev/null 2>&1; then
	check "devlink lists both ends" sh -c "devlink dev | grep -c '^fakenic/fakenic' | grep -qx 2"
	ifindex=$(n b cat /sys/class/net/fb/ifindex)
	check "devlink reload" devlink dev reload "fakenic/$BUS_B"
	expect_eq "rules dropped by reload" "$(rxnfc count)" "0 1024"
	check "RSS back to default" sh -c "ip netns exec b ethtool -x fb | grep -qE '^ *0: +0 +1 +0 +1 '"
	expect_eq "same netdev" "$(n b cat /sys/class/net/fb/ifindex)" "$ifindex"
	check "ping after reload" n a ping -c 2 -W 3 -i 0.3 198.51.100.2
else
	echo "skip: no devlink in this kernel: reload not tested"
	rxnfc clear >/dev/null
fi

# ---- deletion: ip link del, del_pair, netns exit, rmmod
check "ip link del fb" n b ip link del fb
check_fails "fa went with it" has_link a fa
expect_eq "no bus device left" "$(nports)" 0
check_fails "no fb IRQ left" grep -q 'fb-rx-' /proc/interrupts
check "4-channel pair" n a sh -c "echo 'p1 p2 4' >$BUS/new_pair"
expect_eq "4 channels" "$(n a ethtool -l p1 | awk '/^Combined:/ { v = $2 } END { print v }')" 4
check "p1-rx-3 IRQ" grep -q 'p1-rx-3$' /proc/interrupts
check_fails "del_pair sees only the writer's netns" sh -c "echo p2 >$BUS/del_pair"
check "del_pair p2" n a sh -c "echo p2 >$BUS/del_pair"
check_fails "p1 went with it" has_link a p1
ip netns add c
n c sh -c "echo 'c1 c2 8' >$BUS/new_pair"
n c ip link set c1 up
n c ip link set c2 up
ip netns del c
for _ in $(seq 100); do [ "$(nports)" = 0 ] && break; sleep 0.1; done
expect_eq "netns exit deleted its pair" "$(nports)" 0
check "pair in the initial netns" sh -c "echo 'r1 r2' >$BUS/new_pair"
check "pair in a" n a sh -c "echo 's1 s2 8' >$BUS/new_pair"
ip link set r1 up
ip link set r2 up
check "rmmod with pairs left" rmmod fakenic
check_fails "r1 gone" has_link - r1
check_fails "s1 gone" has_link a s1
check_fails "bus gone" test -d $BUS
echo "fakenic: all checks passed"
