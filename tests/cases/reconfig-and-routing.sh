# Reconfiguration and routing edge cases, as production WireGuard behaves:
# fwmark marks our encrypted UDP (proved by policy routing, v4 and v6
# outer); a routing loop (the endpoint routed into the tunnel itself) is
# dropped and counted without runaway, and traffic recovers once the
# route is fixed; packets with no peer, or for a peer without endpoint,
# get ICMP unreachable back; changing the private key removes the peer
# holding the new public key and rebuilds sessions, against a stock
# wireguard.ko peer, as responder and as initiator.
# timeout: 370
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
modprobe wireguard
veth_pair a b
genkeys a
genkeys b
genkeys c
genkeys a2

# eventually WHAT NS ADDR: a ping that may need a handshake first.
eventually() {
	check "$1" n "$2" ping -q -c 1 -w 15 -W 2 "$3"
}
fails() {
	check_fails "$1" n "$2" ping -q -c 1 -W 1 "$3"
}
peer_a=$(pubkey a) peer_b=$(pubkey b)

# --- fwmark: the endpoint is reachable only through table 100, which
# only packets marked 0x51 use. b is given a's address of the same family:
# any packet b sends (a handshake, a keepalive) moves a's endpoint to b's
# source address, and with b still on IPv4 it moved a back to IPv4 in the
# middle of the IPv6 round (seen under the debug kernel).
tunnel_pair wgi wgi 4 no
eventually "fwmark: tunnel up" a 10.9.0.2
for outer in 4 6; do
	if [ $outer = 4 ]; then
		ip=(ip -4) host=192.0.2.2/32 ep=192.0.2.2:51820 ep_a=192.0.2.1:51820
	else
		ip=(ip -6) host=2001:db8::2/128 ep=[2001:db8::2]:51820 ep_a=[2001:db8::1]:51820
	fi
	n b "$WGAFF" set wgb peer "$peer_a" endpoint "$ep_a"
	n a "$WGAFF" set wga fwmark 0 peer "$peer_b" endpoint "$ep"
	n a "${ip[@]}" route add unreachable $host
	n a "${ip[@]}" route add $host dev veth0 table 100
	n a "${ip[@]}" rule add fwmark 0x51 table 100
	before=$(drop_count wga tx_no_route)
	fails "fwmark v$outer: unmarked traffic finds no route" a 10.9.0.2
	[ "$(drop_count wga tx_no_route)" -gt "$before" ] ||
		die "fwmark v$outer: tx_no_route did not count"
	n a "$WGAFF" set wga fwmark 0x51
	expect_eq "fwmark v$outer: read back" "$(n a "$WGAFF" show wga fwmark)" 0x51
	check "fwmark v$outer: marked traffic uses table 100" \
		n a ping -q -c 2 -i 0.3 -W 3 10.9.0.2
	n a "$WGAFF" set wga fwmark 0
	fails "fwmark v$outer: unmarked again" a 10.9.0.2
	n a "${ip[@]}" rule del fwmark 0x51 table 100
	n a "${ip[@]}" route del $host dev veth0 table 100
	n a "${ip[@]}" route del unreachable $host
	check "fwmark v$outer: main table again" n a ping -q -c 2 -i 0.3 -W 3 10.9.0.2
done
log "fwmark done at ${SECONDS}s"

# --- Routing loop: the peer's allowed-IPs cover its own endpoint and the
# endpoint is routed into the tunnel. Each packet must be dropped once
# (tx_no_route), not encapsulated again and again.
for outer in 4 6; do
	if [ $outer = 4 ]; then
		ip=(ip -4) host=192.0.2.2/32 ep=192.0.2.2:51820
	else
		ip=(ip -6) host=2001:db8::2/128 ep=[2001:db8::2]:51820
	fi
	n a "$WGAFF" set wga peer "$peer_b" endpoint "$ep" \
		allowed-ips 10.9.0.2/32,fd00::2/128,192.0.2.2/32,2001:db8::2/128
	eventually "loop v$outer: tunnel up" a 10.9.0.2
	n a "${ip[@]}" route add $host dev wga
	before=$(drop_count wga tx_no_route)
	start=$SECONDS
	check_fails "loop v$outer: traffic into the loop goes nowhere" \
		n a ping -q -c 10 -i 0.2 -W 1 10.9.0.2
	took=$((SECONDS - start))
	dropped=$(($(drop_count wga tx_no_route) - before))
	[ "$dropped" -ge 10 ] || die "loop v$outer: only $dropped tx_no_route drops"
	[ "$dropped" -le 40 ] || die "loop v$outer: $dropped drops for 10 packets: runaway"
	[ "$took" -le 15 ] || die "loop v$outer: 10 pings took ${took}s"
	dmesg_has 'Dead loop|recursion' && die "loop v$outer: the stack saw a recursion"
	echo "ok: loop v$outer: $dropped drops in ${took}s"
	n a "${ip[@]}" route del $host dev wga
	eventually "loop v$outer: recovers once the route is fixed" a 10.9.0.2
done
log "routing loop done at ${SECONDS}s"

# --- ICMP unreachable for undeliverable packets.
n a "$WGAFF" set wga peer "$(pubkey c)" allowed-ips 10.9.0.3/32,fd00::3/128
for case in "no peer|10.9.0.77|fd00::77|tx_no_peer|ENOKEY" \
	"no endpoint|10.9.0.3|fd00::3|tx_no_endpoint|EDESTADDRREQ"; do
	IFS='|' read -r what v4 v6 counter errname <<<"$case"
	before=$(drop_count wga "$counter")
	out=$(n a ping -c 1 -W 3 "$v4" 2>&1) || true
	echo "$out" | grep -q 'From 10.9.0.1 .*Destination Host Unreachable' ||
		die "icmp $what v4: no host unreachable: $out"
	echo "ok: icmp $what v4: host unreachable"
	out=$(n a ping -6 -c 1 -W 3 "$v6" 2>&1) || true
	echo "$out" | grep -q 'Address unreachable' ||
		die "icmp $what v6: no address unreachable: $out"
	echo "ok: icmp $what v6: address unreachable"
	# A UDP sender is told at once, with stock WireGuard's errno:
	# ENOKEY without a peer, EDESTADDRREQ without an endpoint.
	n a /usr/bin/python3 -c '
import errno, socket, sys
want = getattr(errno, sys.argv[3])
for fam, addr in ((socket.AF_INET, sys.argv[1]), (socket.AF_INET6, sys.argv[2])):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.sendto(b"x", (addr, 9))
        sys.exit(f"{addr}: send succeeded")
    except OSError as e:
        if e.errno != want:
            sys.exit(f"{addr}: {e}, wanted {errno.errorcode[want]}")' \
		"$v4" "$v6" "$errname" || die "icmp $what: UDP sender not told"
	echo "ok: icmp $what: UDP send fails with $errname"
	[ "$(drop_count wga "$counter")" -ge $((before + 4)) ] ||
		die "icmp $what: $counter did not count"
done
log "icmp done at ${SECONDS}s"

# --- Private key change against stock WireGuard in b.
stock_peer() { # stock_peer OLD NEW: b's peer for a switches key
	n b wg set wgb peer "$(pubkey "$1")" remove peer "$(pubkey "$2")" \
		endpoint 192.0.2.1:51820 allowed-ips 10.9.0.1/32,fd00::1/128
}
tunnel_pair wgi stock 4 no
eventually "key: tunnel up" a 10.9.0.2
n a "$WGAFF" set wga peer "$(pubkey a2)" allowed-ips 10.9.0.50/32
n a "$WGAFF" show wga peers | grep -qF "$(pubkey a2)" || die "key: extra peer not added"
n a "$WGAFF" set wga private-key /run/keys/a2.key
expect_eq "key: new public key" "$(n a "$WGAFF" show wga public-key)" "$(pubkey a2)"
n a "$WGAFF" show wga peers | grep -qF "$(pubkey a2)" &&
	die "key: the peer with our new public key was kept"
n a "$WGAFF" show wga peers | grep -qF "$peer_b" || die "key: peer b lost"
echo "ok: key: peer with the new public key removed, others kept"
# The old session must not be used: b no longer matches our key.
fails "key: old session no longer used" a 10.9.0.2
stock_peer a a2
eventually "key: stock initiates to our new key" b 10.9.0.1
check "key: and back" n a ping -q -c 2 -i 0.3 -W 3 10.9.0.2
# Back to the first key; this time we initiate.
n a "$WGAFF" set wga private-key /run/keys/a.key
stock_peer a2 a
eventually "key: we initiate with the changed key" a 10.9.0.2
check "key: stock answers" n b ping -q -c 2 -i 0.3 -W 3 10.9.0.1
log "private key done at ${SECONDS}s"

tunnel_down
