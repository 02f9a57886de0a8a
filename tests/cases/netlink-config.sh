# wg_inline netlink: wgaff against our family, extack errors, atomicity,
# big split dumps; then compat=1 where unmodified wg must agree with wgaff.
# timeout: 580
. "$WGI_ROOT/tests/lib.sh"
set +e
T=$WGI_ROOT/tests/netlink
W=$WGI_ROOT/tools/wgaff
. $T/compare.sh
fails=0
ck() { if "$@"; then :; else echo "FAILED: $*"; fails=$((fails+1)); fi; }
genkeys a; genkeys b; genkeys c; genpsk ab
load_wg_inline || die "load"
ip link add wgi0 type wg-inline || die "link"
ck $W set wgi0 private-key /run/keys/a.key listen-port 51820 fwmark 0x42 \
	peer "$(pubkey b)" preshared-key /run/keys/ab.psk endpoint 192.0.2.2:51820 \
	allowed-ips 10.0.0.0/24,fd00::/64 persistent-keepalive 25
WG_HIDE_KEYS=never $W show wgi0
$W show wgi0 dump
$W showconf wgi0
ck [ "$($W show wgi0 public-key)" = "$(pubkey a)" ]
ck [ "$($W show wgi0 listen-port)" = 51820 ]
ck [ "$($W show wgi0 fwmark)" = 0x42 ]
ck [ "$($W show interfaces)" = wgi0 ]
ip link set wgi0 up
ck $W set wgi0 listen-port 51830
ck [ "$($W show wgi0 listen-port)" = 51830 ]
# +/- allowed IPs
ck $W set wgi0 peer "$(pubkey b)" allowed-ips +10.5.0.0/16,-10.0.0.0/24,+fd01::1
ck [ "$($W show wgi0 allowed-ips | cut -f2)" = "fd00::/64 10.5.0.0/16 fd01::1/128" ]
$W show wgi0 allowed-ips
# own public key as a peer is ignored
ck $W set wgi0 peer "$(pubkey a)" allowed-ips 10.7.0.0/16
ck [ "$($W show wgi0 peers | wc -l)" = 1 ]
# removing a missing peer: rejected with the kernel's message
out=$($W set wgi0 peer "$(pubkey c)" remove 2>&1); rc=$?
echo "$out"
ck [ $rc != 0 ]
ck grep -q "peer to remove does not exist" <<<"$out"
# malformed requests through raw genl; device unchanged afterwards
before=$($W show wgi0 dump)
ck python3 $T/badreq.py wg-inline wgi0
after=$($W show wgi0 dump)
# badreq's last step clears the private key; the rest must be identical
ck [ "$(echo "$before" | tail -n +2)" = "$(echo "$after" | tail -n +2)" ]
echo "$after" | head -1
pk=$($W show wgi0 private-key)
ck [ "$pk" = "(none)" ]   # clearing the key leaves no identity
# setting the private key to the peer's key removes that peer
ck $W set wgi0 private-key /run/keys/b.key
ck [ -z "$($W show wgi0 peers)" ]
# big: split SET and split dumps, showconf round trip
python3 $T/mkconf.py 400 3 8000 1 >/run/big.conf
t0=$(date +%s%N)
ck $W setconf wgi0 /run/big.conf
t1=$(date +%s%N)
$W showconf wgi0 >/run/rt1.conf
t2=$(date +%s%N)
echo "# setconf $(( (t1-t0)/1000000 )) ms, showconf $(( (t2-t1)/1000000 )) ms"
ck [ "$($W show wgi0 peers | wc -l)" = 400 ]
ck [ "$($W show wgi0 allowed-ips | wc -w)" = $((399 * 3 + 8000 + 400)) ]
# every peer reads back protocol version 1, over a dump of many messages
python3 $T/peer_versions.py wg-inline wgi0 >/run/versions
ck [ "$(grep -c '^1$' /run/versions)" = 400 ]
ck [ "$(sed -n 's/^messages //p' /run/versions)" -ge 10 ]
tail -n1 /run/versions
ck $W setconf wgi0 /run/rt1.conf
$W showconf wgi0 >/run/rt2.conf
ck cmp /run/rt1.conf /run/rt2.conf
# normalise the generated file like showconf prints it and compare
python3 - <<'PY' || { echo "FAILED: showconf != input"; fails=$((fails+1)); }
import re
def norm(path):
    out = []
    for line in open(path):
        line = line.strip()
        if not line: continue
        out.append(line)
    return out
a, b = norm('/run/big.conf'), norm('/run/rt1.conf')
# showconf prints ListenPort/FwMark/PrivateKey and AllowedIPs before Endpoint
def peers(lines):
    res, cur = [], None
    for l in lines:
        if l == '[Peer]': cur = {}; res.append(cur); continue
        if cur is None: continue
        k, v = l.split(' = ', 1); cur[k] = v
    return res
pa, pb = peers(a), peers(b)
assert len(pa) == len(pb), (len(pa), len(pb))
for x, y in zip(pa, pb):
    assert x == y, (x, y)
print('ok: showconf matches the generated config for', len(pa), 'peers')
PY
# syncconf removes extra peers and keeps the rest
python3 $T/mkconf.py 40 2 0 7 >/run/small.conf
ck $W syncconf wgi0 /run/small.conf
ck [ "$($W show wgi0 peers | wc -l)" = 40 ]
ck $W addconf wgi0 /run/small.conf
ck [ "$($W show wgi0 peers | wc -l)" = 40 ]
ip link del wgi0
rmmod wg_inline || die "rmmod"

log "compat=1: unmodified wg against wg_inline"
load_wg_inline compat=1 || die "load compat"
ip link add wg0 type wireguard || die "compat link"
ck wg setconf wg0 /run/big.conf
ck compare_tools wg0
ck [ "$(wg showconf wg0 | md5sum)" = "$(md5sum </run/rt1.conf)" ]
ck $W setconf wg0 /run/small.conf
ck compare_tools wg0
ip link del wg0
rmmod wg_inline
[ $fails = 0 ] && echo ALLOK
exit $fails
