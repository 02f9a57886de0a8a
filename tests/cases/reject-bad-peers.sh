# Wrong public key, wrong preshared key and an allowed-IPs violation: no
# session (or the packet dropped), each counted by reason, no crash.
# timeout: 220
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
modprobe wireguard
veth_pair a b
genkeys a
genkeys b
genkeys stranger

handshake_time() { n a "$WGAFF" show wga latest-handshakes | awk '{print $2}'; }

# 1. b (stock) knows our key, we list a stranger instead of b.
tunnel_pair wgi stock 4 no
n a "$WGAFF" set wga peer "$(pubkey b)" remove
n a "$WGAFF" set wga peer "$(pubkey stranger)" endpoint 192.0.2.2:51820 allowed-ips 10.9.0.2/32
before=$(drop_count wga rx_handshake_invalid)
check_fails "no traffic from an unknown public key" n b ping -c 2 -W 1 -i 0.3 10.9.0.1
sleep 1
after=$(drop_count wga rx_handshake_invalid)
[ "$after" -gt "$before" ] || die "initiation from an unknown key not counted ($before -> $after)"
echo "ok: unknown-key initiations dropped and counted ($before -> $after)"
expect_eq "no handshake with the stranger" "$(handshake_time)" 0

# 2. Preshared keys differ: our initiation is answered, the response fails.
genpsk x
genpsk y
tunnel_pair wgi stock 4 no
n a "$WGAFF" set wga peer "$(pubkey b)" preshared-key /run/keys/x.psk
n b wg set wgb peer "$(pubkey a)" preshared-key /run/keys/y.psk
before=$(drop_count wga rx_handshake_invalid)
check_fails "no session with a wrong preshared key" n a ping -c 2 -W 1 -i 0.3 10.9.0.2
sleep 1
after=$(drop_count wga rx_handshake_invalid)
[ "$after" -gt "$before" ] || die "response under a wrong PSK not counted ($before -> $after)"
echo "ok: wrong-PSK responses dropped and counted ($before -> $after)"
expect_eq "no handshake under a wrong psk" "$(handshake_time)" 0

# 3. b sends from an inner source we do not allow for it.
tunnel_pair wgi stock 4 no
check "tunnel works" n b ping -c 1 -W 3 10.9.0.1
n b ip addr add 10.9.0.3/24 dev wgb
n b wg set wgb peer "$(pubkey a)" allowed-ips 10.9.0.0/24
before=$(drop_count wga rx_allowedips)
check_fails "spoofed inner source dropped" n b ping -c 3 -W 1 -i 0.3 -I 10.9.0.3 10.9.0.1
after=$(drop_count wga rx_allowedips)
[ $((after - before)) -ge 3 ] || die "allowed-IPs violations not counted ($before -> $after)"
echo "ok: allowed-IPs violations dropped and counted ($before -> $after)"
check "legitimate source still works" n b ping -c 1 -W 3 -I 10.9.0.2 10.9.0.1
tunnel_down
