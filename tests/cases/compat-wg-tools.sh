# compat=1: unmodified wg (set/show/showconf/syncconf) and wg-quick drive
# wg_inline.ko, and `wg showconf` round-trips the configuration exactly.
# timeout: 220
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline compat=1
grep -q '^wireguard ' /proc/modules && die "stock wireguard must not be loaded here"
veth_pair a b
genkeys a
genkeys b
genkeys c
genpsk ab

# b first: a's persistent keepalive starts a handshake at once, and
# retries are (rightly) spaced by REKEY_TIMEOUT.
n b ip link add wgb type wireguard
n b wg set wgb private-key /run/keys/b.key listen-port 51820 \
	peer "$(pubkey a)" preshared-key /run/keys/ab.psk endpoint 192.0.2.1:51820 \
	allowed-ips 10.9.0.1/32,fd00::1/128
n b ip addr add 10.9.0.2/24 dev wgb
n b ip addr add fd00::2/64 dev wgb nodad
n b ip link set wgb up

mkdir -p /etc/wireguard
cat >/etc/wireguard/wga.conf <<EOC
[Interface]
Address = 10.9.0.1/24, fd00::1/64
ListenPort = 51820
PrivateKey = $(cat /run/keys/a.key)

[Peer]
PublicKey = $(pubkey b)
PresharedKey = $(cat /run/keys/ab.psk)
Endpoint = 192.0.2.2:51820
AllowedIPs = 10.9.0.2/32, fd00::2/128
PersistentKeepalive = 25
EOC
chmod 600 /etc/wireguard/wga.conf
check "wg-quick up drives wg_inline" n a wg-quick up wga
ip -n a -d link show wga | grep -q wireguard || die "wga is not a wireguard-kind link"

check "ping over the compat tunnel" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
check "ping v6 over the compat tunnel" n a ping -6 -c 2 -W 3 -i 0.3 fd00::2

out=$(n a wg show wga)
echo "$out"
echo "$out" | grep -q "peer: $(pubkey b)" || die "wg show lacks the peer"
echo "$out" | grep -q "latest handshake:" || die "wg show lacks the handshake time"
echo "$out" | grep -q "persistent keepalive: every 25 seconds" || die "keepalive not read back"
expect_eq "wg show public-key" "$(n a wg show wga public-key)" "$(pubkey a)"
expect_eq "wg show listen-port" "$(n a wg show wga listen-port)" 51820

# showconf round-trip: load a richer config with setconf, read it back,
# compare normalised text, then feed showconf's output to a fresh device.
cat >/run/less.conf <<EOC
[Interface]
ListenPort = 51821
FwMark = 0x2a
PrivateKey = $(cat /run/keys/a.key)

[Peer]
PublicKey = $(pubkey b)
PresharedKey = $(cat /run/keys/ab.psk)
AllowedIPs = 10.9.0.2/32, fd00::2/128, 172.16.0.0/12
Endpoint = 192.0.2.2:51820
PersistentKeepalive = 25
EOC
cat /run/less.conf - >/run/rich.conf <<EOC

[Peer]
PublicKey = $(pubkey c)
AllowedIPs = 10.10.0.0/16, fd01::/48
Endpoint = [2001:db8::2]:51999
EOC
n a ip link add wgr type wireguard
check "wg setconf" n a wg setconf wgr /run/rich.conf
n a wg showconf wgr >/run/back.conf
cat /run/back.conf
# Section by section, in order; within a section the keys may come in
# wg's own order, and each AllowedIPs list is compared as a set.
sections() {
	python3 - "$1" <<'PY'
import re, sys
out = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    if line.startswith("["):
        out.append([line])
        continue
    k, v = re.split(r"\s*=\s*", line, maxsplit=1)
    if k == "AllowedIPs":
        v = ",".join(sorted(x.strip() for x in v.split(",")))
    out[-1].append("%s=%s" % (k, v))
for sec in out:
    print(" | ".join([sec[0]] + sorted(sec[1:])))
PY
}
diff <(sections /run/rich.conf) <(sections /run/back.conf) || die "showconf did not round-trip"
echo "ok: showconf round-trips, section by section"
n a ip link add wgr2 type wireguard
n a wg setconf wgr2 /run/back.conf
n a wg showconf wgr2 >/run/back2.conf
cmp /run/back.conf /run/back2.conf || die "showconf output does not load back byte for byte"
echo "ok: showconf output loads back byte for byte"

# syncconf removes what the file no longer lists.
n a wg syncconf wgr /run/less.conf
n a wg show wgr peers | grep -q "$(pubkey c)" && die "syncconf kept a removed peer"
echo "ok: syncconf removed the dropped peer"
n a ip link del wgr
n a ip link del wgr2

check "wg-quick down" n a wg-quick down wga
has_link a wga && die "wga still exists after wg-quick down"
rmmod wg_inline
