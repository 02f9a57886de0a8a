# wg-quick's full tunnel (AllowedIPs = 0.0.0.0/0) over wg_inline in
# compat=1, with strict reverse-path filtering, and nft rules that read
# the marks. It works only if marks are right both ways:
# - the outer packets carry the fwmark (wg-quick's "not fwmark" rule
#   keeps them out of the tunnel; without the mark they would be routed
#   back into it: the endpoint is reached through a default route, which
#   the "suppress_prefixlength 0" rule ignores);
# - the decrypted packets carry no mark (wg-quick restores the outer
#   flow's conntrack mark onto the incoming outer packets; a decrypted
#   packet that kept it would be reverse-path checked against the main
#   table, whose default route leaves through veth0, and dropped).
# timeout: 200
. "$WGI_ROOT/tests/lib.sh"
command -v nft >/dev/null || die "nft is not installed (make deps)"
load_wg_inline compat=1
veth_pair a b
genkeys a
genkeys b

# b: the endpoint 203.0.113.2 and an "internet" host 198.51.100.1 on lo,
# both off a's subnet, so a reaches them only by its default route.
n b ip addr add 203.0.113.2/32 dev lo
n b ip addr add 198.51.100.1/32 dev lo
n b ip link add wgb type wireguard
n b wg set wgb private-key /run/keys/b.key listen-port 51820 \
	peer "$(pubkey a)" allowed-ips 10.9.0.1/32
n b ip addr add 10.9.0.2/24 dev wgb
n b ip link set wgb up

n a ip route add default via 192.0.2.2 dev veth0
n a sysctl -qw net.ipv4.conf.all.rp_filter=1
n a sysctl -qw net.ipv4.conf.default.rp_filter=1
n a sysctl -qw net.ipv4.conf.veth0.rp_filter=1
mkdir -p /etc/wireguard
cat >/etc/wireguard/wga.conf <<EOC
[Interface]
Address = 10.9.0.1/24
PrivateKey = $(cat /run/keys/a.key)

[Peer]
PublicKey = $(pubkey b)
Endpoint = 203.0.113.2:51820
AllowedIPs = 0.0.0.0/0
EOC
chmod 600 /etc/wireguard/wga.conf
check "wg-quick up (full tunnel)" n a wg-quick up wga
n a sysctl -qw net.ipv4.conf.wga.rp_filter=1
n a ip rule show
n a nft list ruleset

# Our own counters, before wg-quick's chains (priority -150) in both
# directions: what the module gave the packet, not what rules made of it.
n a nft -f - <<'EOF'
table ip marks {
	chain out {
		type filter hook postrouting priority -200;
		oifname "veth0" udp dport 51820 meta mark 51820 counter
		oifname "veth0" udp dport 51820 meta mark != 51820 counter
	}
	chain in {
		type filter hook prerouting priority -200;
		iifname "wga" meta mark != 0 counter
		iifname "wga" ip saddr 198.51.100.1 counter
	}
}
EOF

check "ping the peer through the full tunnel" n a ping -c 3 -W 5 -i 0.3 10.9.0.2
check "ping beyond the peer (strict rp_filter)" n a ping -c 5 -W 5 -i 0.3 198.51.100.1

# counter CHAIN N: packets of the Nth counter rule of that chain.
counter() {
	n a nft list chain ip marks "$1" |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }' |
		sed -n "$2p"
}
marked=$(counter out 1)
unmarked=$(counter out 2)
inner_marked=$(counter in 1)
beyond=$(counter in 2)
log "outer: $marked with the fwmark, $unmarked without; decrypted: $beyond from beyond, $inner_marked marked"
[ "${marked:-0}" -ge 8 ] || die "outer packets with the fwmark: ${marked:-0}, expected >= 8"
expect_eq "outer packets without the fwmark" "${unmarked:-0}" 0
[ "${beyond:-0}" -ge 5 ] || die "decrypted replies from beyond the peer: ${beyond:-0}"
expect_eq "decrypted packets with a mark" "${inner_marked:-0}" 0
n a nft delete table ip marks

check "wg-quick down" n a wg-quick down wga
n a nft list tables | grep -q wg-quick && die "wg-quick left its nft table"
n b ip link del wgb
rmmod wg_inline
