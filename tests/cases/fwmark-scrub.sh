# Marks do not cross the tunnel boundary. An outer packet carries the
# device's fwmark, whatever the inner packet's mark was (wg-quick's "not
# fwmark" rule and connmark rules depend on it; before the fix an outer
# packet kept the inner packet's mark). A decrypted inner packet carries
# no mark, whatever the outer one had (before the fix it inherited it, so
# a connmark restored on the outer packet steered the inner one's reverse
# path check and routing). Marks are read with tc's fw classifier.
# timeout: 180
. "$WGI_ROOT/tests/lib.sh"

FWMARK=51820		# 0xca6c, wg-quick's
INNER_MARK=7		# put on the inner packets by the sender (SO_MARK)
OUTER_IN_MARK=0x1234	# put on a's incoming outer packets

load_wg_inline
veth_pair a b
tunnel_pair wgi wgi 4 no
n a "$WGAFF" set wga fwmark $FWMARK

# pkts NS DEV DIR PRIO: packets the filter of that priority matched.
pkts() {
	n "$1" tc -s filter show dev "$2" "$3" prio "$4" |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { for (i = 1; i < NF; i++) if ($(i + 1) == "pkt") { print $i; exit } }'
}

# a's outgoing outer packets (UDP from port 51820): counted by mark.
n a tc qdisc add dev veth0 clsact
n a tc filter add dev veth0 egress prio 1 protocol ip handle $FWMARK fw action ok
n a tc filter add dev veth0 egress prio 2 protocol ip handle $INNER_MARK fw action ok
# a's incoming outer packets get a mark, as a connmark restore would give.
n a tc filter add dev veth0 ingress prio 1 protocol ip u32 match ip protocol 17 0xff \
	action skbedit mark $OUTER_IN_MARK
# a's decrypted inner packets: counted if they carry that mark, or any.
n a tc qdisc add dev wga clsact
n a tc filter add dev wga ingress prio 1 protocol ip handle $OUTER_IN_MARK fw action ok
n a tc filter add dev wga ingress prio 2 protocol ip u32 match u32 0 0 action ok

check "session up" n a ping -q -c 1 -W 5 10.9.0.2
n a python3 - $INNER_MARK <<'PY' || die "could not send marked packets"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, int(sys.argv[1]))
for i in range(20):
    s.sendto(b"marked", ("10.9.0.2", 9))
    time.sleep(0.01)
PY
check "b answers through the tunnel" n b ping -q -c 5 -i 0.2 -W 5 10.9.0.1
sleep 0.5

with_fwmark=$(pkts a veth0 egress 1)
with_inner=$(pkts a veth0 egress 2)
log "a's outer packets: $with_fwmark with the fwmark, $with_inner with the inner mark"
[ "${with_fwmark:-0}" -ge 26 ] || die "outer packets with the fwmark: ${with_fwmark:-0}, expected >= 26"
expect_eq "no outer packet carries the inner packet's mark" "${with_inner:-0}" 0

inner_all=$(pkts a wga ingress 2)
inner_marked=$(pkts a wga ingress 1)
log "a's decrypted packets: ${inner_all:-0}, ${inner_marked:-0} with the outer mark"
[ "${inner_all:-0}" -ge 5 ] || die "decrypted packets seen on wga: ${inner_all:-0}"
expect_eq "no decrypted packet carries the outer packet's mark" "${inner_marked:-0}" 0
