# The hardware-in-the-loop scripts (tests/hil/) end to end on their netns
# transport: four namespaces as the paper's hosts (source, gw1, gw2,
# drain) joined by fakenic links, two tunnels on cores 0 and 1 with
# steering on. inventory.sh names the NICs and says what is missing (no
# mstflint, no PCI devlink) without failing; setup.sh builds the tunnels
# and routes from the config and checks each carries traffic; run.sh
# runs one iperf3 flow per tunnel and writes throughput.csv and the
# per-gateway placement (per-queue packets, softirqs, busy CPUs, hand-offs,
# none with steering on); a config naming a netdev that does not exist
# fails with a message; teardown.sh leaves nothing behind.
# timeout: 480
. "$WGI_ROOT/tests/lib.sh"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
HIL=$WGI_ROOT/tests/hil
BUS=/sys/bus/fakenic
load_ko "$WGI_BUILD/fakenic/fakenic.ko"

for ns in source gw1 gw2 drain; do ip netns add $ns; n $ns ip link set lo up; done
# link NS_A DEV_A NS_B DEV_B: a fakenic pair, up
link() {
	n "$1" sh -c "echo '$2 $4 2' >$BUS/new_pair"
	n "$1" ip link set "$4" netns "$3"
	n "$1" ip link set "$2" up
	n "$3" ip link set "$4" up
	n "$1" ethtool -K "$2" ntuple on
	n "$3" ethtool -K "$4" ntuple on
}
link source s0 gw1 g1l
link gw1 g1w gw2 g2w
link gw2 g2l drain d0
n source ip addr add 10.1.0.2/24 dev s0
n gw1 ip addr add 10.1.0.1/24 dev g1l
n gw1 ip addr add 192.0.2.1/24 dev g1w
n gw2 ip addr add 192.0.2.2/24 dev g2w
n gw2 ip addr add 10.2.0.1/24 dev g2l
n drain ip addr add 10.2.0.2/24 dev d0

R=/tmp/hil-results
cat >/tmp/hil.conf <<EOC
TRANSPORT=netns
SOURCE=source GW1=gw1 GW2=gw2 DRAIN=drain
SOURCE_IF=s0 GW1_LAN=g1l GW1_WAN=g1w GW1_WAN_IP=192.0.2.1
GW2_WAN=g2w GW2_WAN_IP=192.0.2.2 GW2_LAN=g2l DRAIN_IF=d0
MODULES=$WGI_BUILD
WGAFF=$WGAFF
TUNNELS=2
CORES="0 1"
MODE=inline
STEERING=on
DURATION=3
SOURCE_CPUS="0 1"
RESULTS=$R
EOC

check "inventory" "$HIL/inventory.sh" /tmp/hil.conf
grep -q '^gw1,g1w,.*,fakenic,' $R/inventory.csv || die "inventory lacks gw1's WAN NIC"
grep -q '^gw2,g2l,' $R/inventory.csv || die "inventory lacks gw2's LAN NIC"
grep -q ',no-mstflint,' $R/inventory.csv || die "a missing mstflint is not said"
expect_eq "inventory rows" "$(($(wc -l <$R/inventory.csv) - 1))" 4

check "setup" "$HIL/setup.sh" /tmp/hil.conf
expect_eq "tunnel 1's core" "$(tunnel_field gw1 wgh1 "$(n gw2 wg pubkey </run/wg-hil/gw2.key)" core)" 1
sleep 1	# the steering rules follow the events
check "run" env LABEL=steered "$HIL/run.sh" /tmp/hil.conf
cat $R/throughput.csv
expect_eq "throughput rows" "$(grep -c '^steered,2,' $R/throughput.csv)" 2
awk -F, '$1 == "steered" && $5 <= 0 { exit 1 }' $R/throughput.csv || die "a tunnel carried nothing"
for gw in gw1 gw2; do
	f=$R/placement-steered-$gw.csv
	[ -f "$f" ] || die "no placement for $gw"
	grep -q '^rxq_packets,' "$f" || die "$gw: no per-queue counters"
	grep -q '^net_rx,cpu0,' "$f" || die "$gw: no softirq counts"
	grep -q '^busy_pct,cpu1,' "$f" || die "$gw: no busy time"
	hand=$(awk -F, '$1 ~ /^handoff_/ { t += $3 } END { print t + 0 }' "$f")
	expect_eq "$gw: hand-offs with steering on" "$hand" 0
done
n gw1 ethtool -n g1w | grep -q "Filter:" || die "no steering rule on gw1's WAN NIC"

sed 's/GW1_LAN=g1l/GW1_LAN=nosuch/' /tmp/hil.conf >/tmp/bad.conf
out=$("$HIL/setup.sh" /tmp/bad.conf 2>&1) && die "setup with a missing netdev succeeded"
echo "$out" | grep -q "^hil: " || die "no clear message for a missing netdev: $out"
echo "ok: a missing netdev: $(echo "$out" | grep '^hil: ' | head -n1)"

check "teardown" env UNLOAD=1 "$HIL/teardown.sh" /tmp/hil.conf
check_fails "tunnels gone" has_link gw1 wgh0
[ ! -d /sys/module/wg_inline ] || die "wg_inline still loaded"
n gw1 ethtool -n g1w | grep -q "Filter:" && die "a steering rule survived teardown"
echo "ok: nothing left"
