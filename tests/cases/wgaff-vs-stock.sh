# wgaff against stock wireguard.ko: output identical to wg, set/setconf/addconf/syncconf equivalent.
# timeout: 500
. "$WGI_ROOT/tests/lib.sh"
set +e
T=$WGI_ROOT/tests/netlink
W=$WGI_ROOT/tools/wgaff
. $T/compare.sh
modprobe wireguard
fails=0
ck() { if "$@"; then :; else echo "FAILED: $*"; fails=$((fails+1)); fi; }
genkeys a; genkeys b; genpsk ab
ip link add wg0 type wireguard
ip link add wg1 type wireguard
ck $W --compat set wg0 private-key /run/keys/a.key listen-port 51820 fwmark 0x42 \
	peer "$(pubkey b)" preshared-key /run/keys/ab.psk endpoint 192.0.2.2:51820 \
	allowed-ips 10.0.0.0/24,fd00::/64 persistent-keepalive 25
$W --compat show wg0
WG_HIDE_KEYS=never $W --compat show wg0 dump
ck compare_tools wg0 --compat
# auto fallback to the wireguard family when wg-inline is absent
ck compare_tools wg0
# set syntax equivalence: same commands through wg on wg1
wg set wg1 private-key /run/keys/a.key listen-port 51821 fwmark 0x42 \
	peer "$(pubkey b)" preshared-key /run/keys/ab.psk endpoint 192.0.2.2:51820 \
	allowed-ips 10.0.0.0/24,fd00::/64 persistent-keepalive 25
ck [ "$(wg show wg0 dump | tail -n +2)" = "$(wg show wg1 dump | tail -n +2)" ]
# removal of key, psk, keepalive off, fwmark off
ck $W set wg0 private-key /dev/null fwmark off peer "$(pubkey b)" preshared-key /dev/null persistent-keepalive off
wg set wg1 private-key /dev/null fwmark off peer "$(pubkey b)" preshared-key /dev/null persistent-keepalive off
ck [ "$(wg show wg0 dump | cut -f1,2,4-)" = "$(wg show wg1 dump | cut -f1,2,4-)" ]
wg show wg0 dump
# big config: setconf + addconf + syncconf, compared with wg doing the same
python3 $T/mkconf.py 400 3 3000 1 >/run/big.conf
python3 $T/mkconf.py 100 2 0 2 | sed '1,/^$/d' >/run/add.conf
python3 $T/mkconf.py 300 2 10 3 >/run/sync.conf
sed -i 's/^ListenPort = .*/ListenPort = 51822/' /run/sync.conf
for step in "setconf /run/big.conf" "addconf /run/add.conf" "syncconf /run/sync.conf" "syncconf /run/big.conf"; do
	t0=$(date +%s%N)
	ck $W --compat ${step% *} wg0 ${step#* }
	t1=$(date +%s%N)
	ck wg ${step% *} wg1 ${step#* }
	t2=$(date +%s%N); echo "# $step: wgaff $(( (t1-t0)/1000000 )) ms / wg $(( (t2-t1)/1000000 )) ms"
	a=$(wg show wg0 dump | tail -n +2 | md5sum); b=$(wg show wg1 dump | tail -n +2 | md5sum)
	ck [ "$a" = "$b" ] || echo "DIFF after $step"
	ck [ "$(wg show wg0 private-key)" = "$(wg show wg1 private-key)" ]
done
ck compare_tools wg0 --compat
echo "peers: $(wg show wg0 peers | wc -l) lines in dump: $($W --compat show wg0 dump | wc -l)"
# errors: a non-zero exit and a message that says what was wrong
err_ck() { # err_ck PATTERN CMD...
	local pat=$1 out
	shift
	if out=$("$@" 2>&1 </run/notakey); then
		echo "FAILED (exit 0): $*"; fails=$((fails+1)); return
	fi
	if echo "$out" | grep -q -- "$pat"; then
		echo "ok: $* -> $(echo "$out" | head -n1)"
	else
		echo "FAILED (no '$pat' in '$out'): $*"; fails=$((fails+1))
	fi
}
echo notakey >/run/notakey
err_ck "Unable to access interface" $W --compat show nosuch0
err_ck "Unable to modify interface" $W --compat set nosuch0 listen-port 1
err_ck "Unable to modify interface" $W --compat set lo listen-port 1
err_ck "Unable to parse port: .abc" $W --compat set wg0 listen-port abc
err_ck "Key is not the correct length or format: .zzz" $W --compat set wg0 peer zzz
err_ck "Unable to parse IP address" $W --compat set wg0 peer "$(pubkey b)" allowed-ips 10.0.0.300/24
err_ck "Key is not the correct length or format" $W pubkey
err_ck "Invalid subcommand: .frob" $W frob
# key verbs agree with wg's
k=$($W genkey)
ck [ "$(echo "$k" | $W pubkey)" = "$(echo "$k" | wg pubkey)" ]
ck [ "$($W genpsk | base64 -d | wc -c)" = 32 ]
ck [ "$($W genkey)" != "$k" ]
$W --compat set wg0 peer "$(pubkey a)" allowed-ips +10.9.9.0/24,-10.0.0.0/24; echo "rc=$? (stock may lack REMOVE_ME)"
[ $fails = 0 ] && echo ALLOK
exit $fails
