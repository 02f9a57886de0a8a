# The outer header's DS field, as WireGuard treats it: the inner ECN bits
# are copied out (ECT stays ECT) but the DSCP is not leaked, and a CE mark
# set on the outer header on the way (tc pedit) reaches the inner packet
# (RFC 6040 decapsulation), so ECN-capable flows see the congestion.
# timeout: 220
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 1 -W 3 10.9.0.2

# tos_of NS DEV FILTER COUNT: TOS bytes of the first COUNT IPv4 packets
# matching FILTER ("udp51820" outer, or "icmp" inner) received on DEV.
# Outer packets count only if they carry data: a handshake message or a
# keepalive (a data message with nothing in it, 32 bytes) has no inner
# header to take ECN bits from, and on a busy host a's keepalive, due 10 s
# after the last reply, fell into the capture.
tos_of() {
	n "$1" python3 - "$2" "$3" "$4" <<'PY' &
import socket, sys
dev, what, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind((dev, 0))
s.settimeout(8)
open("/run/tos.ready", "w").close()
seen = []
while len(seen) < count:
    p = s.recv(2048)
    ihl = (p[0] & 15) * 4
    if (what == "udp51820" and p[9] == 17 and p[ihl + 2:ihl + 4] == b"\xca\x6c" and
            p[ihl + 8] == 4 and len(p) - ihl - 8 > 32):
        seen.append(p[1])
    elif what == "icmp" and p[9] == 1 and p[ihl] == 8:
        seen.append(p[1])
print(" ".join("0x%02x" % t for t in seen))
PY
}
# capture NS DEV FILTER: TOS of 3 packets while a pings with TOS $TOS.
capture() {
	rm -f /run/tos.ready
	tos_of "$1" "$2" "$3" 3 >/run/tos.out
	local pid=$!
	wait_for_file /run/tos.ready 50 "the capture on $1/$2 did not start"
	n a ping -q -c 3 -i 0.2 -W 2 -Q "$TOS" 10.9.0.2 >/dev/null || true
	wait $pid || die "capture on $1/$2 saw no packets"
	cat /run/tos.out
}

# 1. Encapsulation: DSCP EF + ECT(0) inside -> ECT(0) only outside.
TOS=0xba
outer=$(capture b veth0 udp51820)
echo "# inner TOS $TOS -> outer TOS: $outer"
for t in $outer; do expect_eq "outer TOS of an EF/ECT(0) packet" "$t" 0x02; done
echo "ok: outer header carries ECT(0) and no DSCP"
TOS=0xb8
outer=$(capture b veth0 udp51820)
for t in $outer; do expect_eq "outer TOS of a Not-ECT packet" "$t" 0x00; done
echo "ok: Not-ECT inner gives Not-ECT outer"

# 2. Decapsulation: a router on the way marks CE on the outer header.
n a tc qdisc add dev veth0 root handle 1: prio
n a tc filter add dev veth0 parent 1: protocol ip prio 1 u32 \
	match ip protocol 17 0xff match ip dport 51820 0xffff \
	action pedit ex munge ip tos set 0x03 pipe action csum ip
TOS=0x02
inner=$(capture b wgb icmp)
echo "# inner ECT(0), outer marked CE -> inner TOS at b: $inner"
for t in $inner; do expect_eq "inner TOS after outer CE" "$t" 0x03; done
echo "ok: CE on the outer header reaches the inner packet"
marked=$(n a tc -s filter show dev veth0 parent 1: | awk '/Sent/ { s += $4 } END { print s + 0 }')
[ "$marked" -ge 3 ] || die "the CE marker did not act ($marked packets)"
n a tc qdisc del dev veth0 root
tunnel_down
