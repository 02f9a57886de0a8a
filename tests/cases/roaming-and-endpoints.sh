# Endpoints follow the peer as production WireGuard does: an authenticated
# packet from a new source address or port moves the endpoint (v4 and v6
# outer), a replayed or forged one does not; changing our listen port under
# traffic keeps the tunnel up (the far end learns the new port) and closes
# the old one; replies leave from the local address the peer reached us
# on, and when that address goes away we fall back to another one.
# timeout: 400
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b
genkeys a
genkeys b
PKT=$WGI_ROOT/tests/hostile/pkt_replay.py

# endpoint NS DEV PEER: the endpoint DEV in NS has for PEER's public key.
endpoint() {
	n "$1" "$WGAFF" show "$2" endpoints | awk -v k="$(pubkey "$3")" '$1 == k { print $2 }'
}
# eventually WHAT NS ADDR: a ping that may need a handshake first.
eventually() {
	check "$1" n "$2" ping -q -c 1 -w 15 -W 2 "$3"
}

for outer in 4 6; do
	if [ $outer = 4 ]; then
		a_ip=192.0.2.1 b_old=192.0.2.2 b_new=192.0.2.3 len=24 nodad=
		ep_old=$b_old:51820 ep_new=$b_new:51820
	else
		a_ip=2001:db8::1 b_old=2001:db8::2 b_new=2001:db8::3 len=64 nodad=nodad
		ep_old=[$b_old]:51820 ep_new=[$b_new]:51820
	fi
	tunnel_pair wgi wgi $outer no
	eventually "v$outer: tunnel up" a 10.9.0.2
	expect_eq "v$outer: configured endpoint" "$(endpoint a wga b)" "$ep_old"

	# Not authentic: a replay (authentic once, already seen) and a
	# forgery, both from another source port. The endpoint stays. (The
	# check after decryption is family-blind: v4 outer is enough.)
	if [ $outer = 4 ]; then
		n b /usr/bin/python3 "$PKT" veth0 $a_ip 51820 40000 replay,forge 20 &
		pid=$!
		sleep 1
		n b ping -q -c 8 -i 0.3 10.9.0.1 >/dev/null || true
		wait $pid || die "replay/forge helper failed"
		[ "$(drop_count wga rx_replayed)" -ge 3 ] || die "replays not counted"
		[ "$(drop_count wga rx_decrypt_failed)" -ge 3 ] ||
			die "forgeries not counted"
		expect_eq "replay/forgery leave the endpoint" "$(endpoint a wga b)" "$ep_old"
	fi

	# Roaming: b's address changes; its next authenticated packet moves
	# our endpoint, and our traffic follows.
	n b ip addr del $b_old/$len dev veth0
	n b ip addr add $b_new/$len dev veth0 $nodad
	check "v$outer: ping b->a from the new address" n b ping -q -c 2 -W 3 -i 0.3 10.9.0.1
	expect_eq "v$outer: endpoint roamed" "$(endpoint a wga b)" "$ep_new"
	check "v$outer: ping a->b after roaming" n a ping -q -c 2 -W 3 -i 0.3 10.9.0.2
	n b ip addr del $b_new/$len dev veth0
	n b ip addr add $b_old/$len dev veth0 $nodad
done

log "roaming and non-authentic packets done at ${SECONDS}s"

# Listen port change under traffic (v4 outer): b learns a's new port from
# a's next authenticated packet; the old port is closed.
tunnel_pair wgi wgi 4 no
eventually "port: tunnel up" a 10.9.0.2
n a ping -q -c 40 -i 0.1 -W 2 10.9.0.2 >/run/port-ping.log 2>&1 &
pid=$!
sleep 1
check "port: change a's listen port under traffic" n a "$WGAFF" set wga listen-port 51830
wait $pid || true
rcvd=$(awk '/packets transmitted/ { print $4 }' /run/port-ping.log)
[ "${rcvd:-0}" -ge 25 ] || die "port: traffic stalled across the port change ($rcvd/40 replies)"
echo "ok: traffic across the port change ($rcvd/40 replies)"
expect_eq "port: b learned a's new port" "$(endpoint b wgb a)" "192.0.2.1:51830"
n a ss -Huln | grep -q ':51820 ' && die "port: old port still open"
[ "$(n a ss -Huln | grep -c ':51830 ')" -ge 2 ] || die "port: new port not bound v4+v6"
echo "ok: old port closed, new port bound"
check "port: ping b->a to the new port" n b ping -q -c 2 -W 3 -i 0.3 10.9.0.1
# And the other side: our module learns the far end's new port.
n b "$WGAFF" set wgb listen-port 51831
check "port: ping b->a from b's new port" n b ping -q -c 2 -W 3 -i 0.3 10.9.0.1
expect_eq "port: a learned b's new port" "$(endpoint a wga b)" "192.0.2.2:51831"

log "listen port changes done at ${SECONDS}s"

# Source-address stickiness: a has a second address and b talks to it.
for outer in 4 6; do
	if [ $outer = 4 ]; then
		second=192.0.2.11 len=24 nodad= ep2=192.0.2.11:51820 ep1=192.0.2.1:51820
	else
		second=2001:db8::11 len=64 nodad=nodad ep2=[2001:db8::11]:51820 ep1=[2001:db8::1]:51820
	fi
	tunnel_pair wgi wgi $outer no
	n a ip addr add $second/$len dev veth0 $nodad
	n b "$WGAFF" set wgb peer "$(pubkey a)" endpoint "$ep2"
	eventually "sticky v$outer: b->a via the second address" b 10.9.0.1
	check "sticky v$outer: ping a->b" n a ping -q -c 2 -W 3 -i 0.3 10.9.0.2
	# Had a answered from its primary address, b would have roamed to it.
	expect_eq "sticky v$outer: replies from the address b talks to" "$(endpoint b wgb a)" "$ep2"
	n a ip addr del $second/$len dev veth0
	eventually "sticky v$outer: a->b after the address went away" a 10.9.0.2
	expect_eq "sticky v$outer: fell back to a valid source" "$(endpoint b wgb a)" "$ep1"
done

log "stickiness done at ${SECONDS}s"
tunnel_down
