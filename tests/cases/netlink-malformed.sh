# Malformed and unauthorised netlink SET/GET requests: every attribute of
# every level with a wrong length or type, unknown and non-nested
# attributes, bad selectors, the per-peer allowed-IP limit (one nest, and
# split over entries of one request), an unprivileged caller, root of a
# user namespace that does not own the device's netns, a port change on a
# device moved away from its socket's namespace. Each is refused with an
# extack message and leaves the device as it was.
# timeout: 200
. "$WGI_ROOT/tests/lib.sh"
T=$WGI_ROOT/tests/netlink
genkeys a
genkeys b
load_wg_inline
ip link add wgi0 type wg-inline
check "configure" "$WGAFF" set wgi0 private-key /run/keys/a.key listen-port 51820 \
	peer "$(pubkey b)" endpoint 192.0.2.2:51820 allowed-ips 10.0.0.0/24,fd00::/64
ip link set wgi0 up
before=$("$WGAFF" show wgi0 dump)

check "malformed requests refused with messages" python3 -u "$T/badreq.py" wg-inline wgi0 malformed
after=$("$WGAFF" show wgi0 dump)
# the last step of badreq clears the private key; the rest is unchanged
expect_eq "peers unchanged" "$(echo "$after" | tail -n +2)" "$(echo "$before" | tail -n +2)"
check "restore the key" "$WGAFF" set wgi0 private-key /run/keys/a.key
expect_eq "device unchanged" "$("$WGAFF" show wgi0 dump)" "$before"

if command -v capsh >/dev/null; then
	check "unprivileged caller refused" capsh --drop=cap_net_admin -- -c \
		"python3 -u $T/badreq.py wg-inline wgi0 unpriv"
else
	check "unprivileged caller refused" setpriv --inh-caps=-all --bounding-set=-net_admin \
		python3 -u "$T/badreq.py" wg-inline wgi0 unpriv
fi
expect_eq "device unchanged by the unprivileged caller" "$("$WGAFF" show wgi0 dump)" "$before"

# What counts is CAP_NET_ADMIN over the device's netns. Root of a child
# user namespace that does not own this netns is refused...
check "root of a child user namespace refused" \
	unshare -U -r python3 -u "$T/badreq.py" wg-inline wgi0 unpriv
expect_eq "device unchanged by it" "$("$WGAFF" show wgi0 dump)" "$before"
# ...but in a netns of its own it creates and configures a device.
out=$(unshare -U -r -n sh -c "ip link add wgu type wg-inline &&
	$WGAFF set wgu private-key /run/keys/a.key listen-port 4242 &&
	$WGAFF show wgu listen-port") || die "user namespace: own device: $out"
expect_eq "a user namespace configures its own device" "$out" 4242
# A device moved into such a namespace may get peers there, but its port
# and fwmark belong to the socket, which stayed here: refused.
unshare -U -r -n sleep 60 &
holder=$!
for _ in $(seq 50); do
	[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
in_userns() { nsenter -t "$holder" -U -n "$@"; }
ip link add wgm type wg-inline
"$WGAFF" set wgm private-key /run/keys/b.key listen-port 51830
check "move the device into the user namespace's netns" ip link set wgm netns "$holder"
check "peers may be changed there" in_userns "$WGAFF" set wgm peer "$(pubkey a)" allowed-ips 10.5.0.0/24
out=$(in_userns "$WGAFF" set wgm listen-port 1 2>&1) && die "port change allowed from the user namespace"
echo "$out" | grep -q "CAP_NET_ADMIN in the socket namespace" || die "no message: $out"
echo "ok: port change refused there: $out"
out=$(in_userns "$WGAFF" set wgm fwmark 7 2>&1) && die "fwmark change allowed from the user namespace"
expect_eq "port unchanged" "$(in_userns "$WGAFF" show wgm listen-port)" 51830
expect_eq "fwmark unchanged" "$(in_userns "$WGAFF" show wgm fwmark)" off
kill "$holder"
wait "$holder" 2>/dev/null || true

# The allowed-IP limit on a second device.
ip link add wgi1 type wg-inline
"$WGAFF" set wgi1 private-key /run/keys/b.key
t0=$(date +%s)
check "per-peer allowed-IP limit enforced" python3 -u "$T/badreq.py" wg-inline wgi1 limit "$(pubkey a)"
log "limit test took $(($(date +%s) - t0)) s"
expect_eq "peer at exactly the limit" \
	"$("$WGAFF" show wgi1 allowed-ips | awk -v k="$(pubkey a)" '$1 == k { print NF - 1 }')" 65536
ip link del wgi1
ip link del wgi0
sleep 0.5
for o in peers keypairs; do
	expect_eq "$o created == destroyed" "$(obj_count ${o}_destroyed)" "$(obj_count ${o}_created)"
done
