# wgaff's assign, mode and show -j/-p against the wg_inline module's
# wg-inline-ext family, in the test VM (needs the module, so not part of
# `make check`):  tests/vm/run.sh [-k RELEASE] tools/test/ext-vm.sh
# Checks: spread and single assignments as show -j reports them, the
# kernel's refusals printed as "wgaff: VERB DEV: <extack> (<strerror>)",
# per-CPU lines under traffic, 400 tunnels (multi-message dumps), and with
# compat=1 that everything wg prints is printed byte-identically.
# timeout: 500
# shellcheck source=../../tests/lib.sh
. "$WGI_ROOT/tests/lib.sh"
set +e
W=$WGAFF
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAILED: $*"; fails=$((fails+1)); }
ck() { if "$@"; then ok "$*"; else bad "$*"; fi; }
# err_ck RC PATTERN CMD...: exit status and a stderr line matching PATTERN
err_ck() {
	local want=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" = "$want" ] && echo "$out" | grep -qE -- "$pat"; then
		ok "$* -> $out"
	else
		bad "$* -> rc $rc, '$out' (want $want, /$pat/)"
	fi
}
jq_py() { local code=$1; shift; python3 -c "import json,sys; d=json.load(sys.stdin); $code" "$@"; }

echo "cpus: $(nproc)"
[ "$(nproc)" -ge 2 ] || die "needs 2 vCPUs"
load_wg_inline
mkdir -p /run/keys
ip link add wg0 type wg-inline
genkeys dev
for i in $(seq 1 6); do genkeys "p$i"; done
args=()
for i in $(seq 1 6); do args+=(peer "$(pubkey "p$i")" allowed-ips "10.0.$i.0/24"); done
ck "$W" set wg0 private-key /run/keys/dev.key listen-port 51820 "${args[@]}"
ip link set wg0 up

echo "--- show wg0"
WG_COLOR_MODE=never "$W" show wg0
echo "--- show wg0 -j -p"
"$W" show wg0 -j -p
"$W" show wg0 -j >/run/j || bad "show -j"
ck jq_py 'assert len(d)==1 and len(d[0]["peers"])==6, d; assert d[0]["default_mode"]=="inline"; assert all(p["core"] is None and p["core_state"]=="unassigned" for p in d[0]["peers"])' </run/j
"$W" show all -j | jq_py 'assert len(d)==1' || bad "show all -j"
"$W" show interfaces -j | jq_py 'assert d==["wg0"], d' || bad "show interfaces -j"
[ "$("$W" show wg0 -j | jq_py 'print("private_key" in json.dumps(d))')" = False ] || bad "private key in JSON"

echo "--- spread"
ck "$W" assign wg0 spread cores 0-1
"$W" show wg0 -j | jq_py '
p = d[0]["peers"]
print([q["core"] for q in p], [q["core_state"] for q in p])
assert [q["core"] for q in p] == [0, 1, 0, 1, 0, 1]
assert all(q["core_state"] == "on-core" for q in p)' || bad "spread cores 0-1"
ck "$W" assign wg0 spread cores 1,0
"$W" show wg0 -j | jq_py 'assert [q["core"] for q in d[0]["peers"]] == [1, 0, 1, 0, 1, 0]' || bad "spread 1,0"
WG_COLOR_MODE=never "$W" show wg0 | grep -E '^  (core|mode|hand-offs|per-cpu):' | sort | uniq -c

echo "--- one peer"
ck "$W" assign wg0 peer "$(pubkey p1)" core 1
ck "$W" assign wg0 peer "$(pubkey p2)" core none
"$W" show wg0 -j | jq_py '
p = {q["public_key"]: q for q in d[0]["peers"]}
import sys
assert p[sys.argv[1]]["core"] == 1 and p[sys.argv[2]]["core"] is None and p[sys.argv[2]]["core_state"] == "unassigned"
' "$(pubkey p1)" "$(pubkey p2)" 2>&1 || bad "assign one peer"
WG_COLOR_MODE=never "$W" show wg0 | grep -A8 "$(pubkey p1)"
WG_COLOR_MODE=never "$W" show wg0 | grep -A8 "$(pubkey p2)" | grep -q '  core: none' || bad "core: none line"

echo "--- refusals"
err_ck 1 '^wgaff: assign wg0: .+ \((Invalid argument|Numerical result out of range|No such device)\)$' \
	"$W" assign wg0 peer "$(pubkey p1)" core 99
genkeys stranger
err_ck 1 '^wgaff: assign wg0: .+ \(No such file or directory\)$' \
	"$W" assign wg0 peer "$(pubkey stranger)" core 1
err_ck 1 '^wgaff: assign nosuch0: .+' "$W" assign nosuch0 peer "$(pubkey p1)" core 1
err_ck 1 '^wgaff: assign wg0: peer .+ core 99: .+' "$W" assign wg0 spread cores 0,99
err_ck 1 'tunnels were assigned before the error' "$W" assign wg0 spread cores 0,99
ip link add dummy0 type dummy
err_ck 1 '^wgaff: mode dummy0: ' "$W" mode dummy0 inline
ck "$W" mode wg0 parallel
"$W" show wg0 -j | jq_py 'assert d[0]["default_mode"] == "parallel" and all(p["mode"] == "parallel" for p in d[0]["peers"]), d' || bad "mode wg0 parallel"
ck "$W" mode wg0 peer "$(pubkey p1)" inline
ck "$W" mode wg0 inline
ck "$W" mode wg0 peer "$(pubkey p3)" inline
err_ck 1 'core must be a CPU number or none' "$W" assign wg0 peer "$(pubkey p1)" core x
# the kernel's words, whatever they are, for the report
for c in "assign wg0 peer $(pubkey p1) core 99" "assign wg0 peer $(pubkey stranger) core 1" \
	"assign nosuch0 spread cores 1" "mode dummy0 inline"; do
	echo "\$ wgaff $c"
	# shellcheck disable=SC2086
	"$W" $c
	echo "rc=$?"
done

echo "--- traffic: per-cpu lines"
veth_pair a b
tunnel_pair wgi wgi 4 no
check "ping" n a ping -c 5 -i 0.2 -W 3 10.9.0.2
ck n a "$W" assign wga peer "$(pubkey b)" core 1
check "ping on core 1" n a ping -c 5 -i 0.2 -W 3 10.9.0.2
WG_COLOR_MODE=never n a "$W" show wga
n a "$W" show wga -j -p
n a "$W" show wga -j | jq_py '
p = d[0]["peers"][0]
assert p["core"] == 1 and p["core_state"] == "on-core", p
assert len(p["pcpu"]) >= 1 and sum(c["encrypted_pkts"] for c in p["pcpu"]) >= 5, p
assert p["latest_handshake"] > 0 and p["transfer_tx"] > 0' || bad "counters in JSON"
WG_COLOR_MODE=never n a "$W" show wga | grep -q '^  per-cpu: cpu[0-9]* [0-9]* enc / [0-9]* dec$' || bad "per-cpu line"

echo "--- many tunnels: split dumps"
{
	echo "[Interface]"; echo "PrivateKey = $(cat /run/keys/dev.key)"; echo "ListenPort = 51830"
	for i in $(seq 1 400); do
		echo; echo "[Peer]"; echo "PublicKey = $(wg genkey | wg pubkey)"
		echo "AllowedIPs = 10.$((i / 250)).$((i % 250)).0/24"
	done
} >/run/big.conf
ip link add wg1 type wg-inline
ck "$W" setconf wg1 /run/big.conf
t0=$(date +%s%N)
ck "$W" assign wg1 spread cores 0-$(( $(nproc) - 1 ))
echo "# spread over 400 tunnels: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
"$W" show wg1 -j | jq_py '
import sys
n = int(sys.argv[1])
p = d[0]["peers"]
assert len(p) == 400, len(p)
assert [q["core"] for q in p] == [i % n for i in range(400)], [q["core"] for q in p][:20]
assert len(set(q["tunnel_id"] for q in p)) == 400' "$(nproc)" || bad "400 tunnels"
ck "$W" mode wg1 inline
[ "$(WG_COLOR_MODE=never "$W" show wg1 | grep -c '^  core: ')" = 400 ] || bad "400 core lines"

echo "--- compat=1: byte-identical to wg where wg prints"
tunnel_down
ip link del wg0; ip link del wg1
rmmod wg_inline || bad "rmmod"
load_wg_inline compat=1
ip link add wg0 type wireguard
ck "$W" set wg0 private-key /run/keys/dev.key listen-port 51820 "${args[@]}"
ck "$W" assign wg0 spread cores 0-1
for f in "" dump peers allowed-ips endpoints transfer; do
	a=$(WG_HIDE_KEYS=never wg show wg0 $f 2>&1); b=$(WG_HIDE_KEYS=never "$W" --compat show wg0 $f 2>&1)
	[ "$a" = "$b" ] || { bad "wg show wg0 $f differs from wgaff --compat"; diff <(echo "$a") <(echo "$b") | head; }
done
a=$(wg show wg0); b=$("$W" show wg0 | grep -vE '^  (core|mode|hand-offs|per-cpu|worker cpus|steering): ')
if [ "$a" = "$b" ]; then
	ok "wgaff show = wg show + extension lines"
else
	bad "show differs beyond the extension lines"; diff <(echo "$a") <(echo "$b") | head
fi
[ "$("$W" show wg0 | grep -c '^  core: ')" = 6 ] || bad "no extension lines in compat=1 without --compat"
[ "$("$W" --compat show wg0 | grep -c '^  core: ')" = 0 ] || bad "extension lines with --compat"
"$W" --compat show wg0 -j | jq_py 'assert "default_mode" not in d[0] and "core" not in d[0]["peers"][0], d' || bad "--compat JSON has ext keys"
[ "$("$W" show wg0 dump)" = "$(wg show wg0 dump)" ] || bad "dump differs"
a=$(wg show all); b=$("$W" show all | grep -vE '^  (core|mode|hand-offs|per-cpu|worker cpus|steering): ')
if [ "$a" = "$b" ]; then ok "show all"; else bad "show all differs beyond the extension lines"; fi
[ "$(wg show all dump)" = "$("$W" show all dump)" ] || bad "show all dump differs"
"$W" show wg0 -j | jq_py 'assert [q["core"] for q in d[0]["peers"]] == [0, 1, 0, 1, 0, 1]' || bad "compat=1 JSON ext keys"
WG_COLOR_MODE=never "$W" show

[ $fails = 0 ] && echo ALLOK
exit $fails
