#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of wgaff that need no kernel module (`make check`):
#  - argument errors of every verb: exit status 1, a message naming what
#    was wrong on stderr, nothing on stdout, and (where strace works) not
#    one netlink socket opened: parsing finishes before any request;
#  - --help/-h/help: the verb's usage on stdout, exit status 0;
#  - the unit tests (test/unit): CPU lists and bitmaps, JSON escaping and layout,
#    parsing of split GET_TUNNEL replies;
#  - the text lines and JSON `show` prints for sample data: exact text,
#    valid JSON, no private or preshared key in it;
#  - the man page renders without warnings.
#
# WGAFF=path overrides the binary; UNIT=path the unit-test binary.

set -u

here=$(cd "$(dirname "$0")" && pwd)
W=${WGAFF:-$here/wgaff}
UNIT=${UNIT:-$here/test/unit}
MAN=$here/../docs/wgaff.8
KEY=ia/yJ4rljJB7RbfY70DZkILjAL3ZTo7KsB3HNhcDBmw=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fails=0
passes=0

fail() {
	echo "FAILED: $*"
	fails=$((fails + 1))
}

pass() {
	passes=$((passes + 1))
}

# strace, when it can trace here, proves that no netlink socket was opened.
use_strace=0
if command -v strace >/dev/null 2>&1 &&
	strace -f -qq -o /dev/null -e trace=socket true 2>/dev/null; then
	use_strace=1
fi

# run ARGS...: runs wgaff; sets rc, out (stdout), err (stderr), netlink (0/1).
run() {
	netlink=0
	if [ $use_strace = 1 ]; then
		strace -f -qq -o "$tmp/trace" -e trace=socket "$W" "$@" \
			>"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		grep -q 'AF_NETLINK' "$tmp/trace" && netlink=1
	else
		"$W" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
	fi
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# bad MESSAGE ARGS...: an argument error, caught before any netlink request.
bad() {
	local msg=$1
	shift
	run "$@"
	if [ "$rc" != 1 ]; then
		fail "wgaff $* -> exit $rc, want 1 (stderr: $err)"
	elif [[ $err != *"$msg"* ]]; then
		fail "wgaff $* -> stderr '$err' lacks '$msg'"
	elif [ -n "$out" ]; then
		fail "wgaff $* -> wrote to stdout: $out"
	elif [ $netlink = 1 ]; then
		fail "wgaff $* -> opened a netlink socket for an argument error"
	else
		pass
	fi
}

# bad_usage MESSAGE VERB ARGS...: as bad, and the verb's usage on stderr.
bad_usage() {
	local msg=$1 verb=$2
	bad "$msg" "$verb" "${@:3}"
	[[ $err == *"Usage: wgaff $verb"* ]] || fail "wgaff $verb ${*:3} -> no usage on stderr"
}

# help VERB ARGS...: usage on stdout, nothing on stderr, exit 0, no netlink.
help() {
	local verb=$1
	run "$@"
	if [ "$rc" != 0 ]; then
		fail "wgaff $* -> exit $rc, want 0"
	elif [[ $out != *"Usage: wgaff $verb"* ]]; then
		fail "wgaff $* -> no usage on stdout: '$out'"
	elif [ -n "$err" ]; then
		fail "wgaff $* -> wrote to stderr: $err"
	elif [ $netlink = 1 ]; then
		fail "wgaff $* -> opened a netlink socket for --help"
	else
		pass
	fi
}

[ -x "$W" ] || { echo "no $W: run make first"; exit 1; }

# --- top level ---------------------------------------------------------
bad "Invalid subcommand: \`frob'" frob
run --help
if [ "$rc" = 0 ] && [[ $out == *"assign: "* && $out == *"mode: "* && $out == *"workers: "* && $out == *"steer: "* && $out == *"-j"* ]]; then
	pass
else
	fail "wgaff --help lacks the new verbs (rc $rc)"
fi

# --- assign ------------------------------------------------------------
bad_usage "assign: missing interface" assign
bad_usage "expected peer or spread after \`wg0'" assign wg0
bad_usage "unknown word \`frob' (expected peer or spread)" assign wg0 frob
bad_usage "unknown word \`Peer' (expected peer or spread)" assign wg0 Peer "$KEY" core 1
bad_usage "peer needs a base64 public key" assign wg0 peer
bad "Key is not the correct length or format: \`zzz'" assign wg0 peer zzz core 1
bad "Key is not the correct length or format: \`${KEY%=}'" assign wg0 peer "${KEY%=}" core 1
bad_usage "expected \`core' after the peer's key" assign wg0 peer "$KEY"
bad_usage "unknown word \`cpu' (expected core)" assign wg0 peer "$KEY" cpu 1
bad_usage "core needs a CPU number or none" assign wg0 peer "$KEY" core
for v in abc -1 +1 " 1" "1 " 1.5 0x10 4294967295 99999999999999999999 None ""; do
	bad "core must be a CPU number or none: \`$v'" assign wg0 peer "$KEY" core "$v"
done
bad_usage "unexpected argument \`extra'" assign wg0 peer "$KEY" core 1 extra
bad_usage "unexpected argument \`extra'" assign wg0 peer "$KEY" core none extra
bad_usage "expected \`cores' after spread" assign wg0 spread
bad_usage "unknown word \`cpus' (expected cores)" assign wg0 spread cpus 2-15
bad_usage "cores needs a CPU list" assign wg0 spread cores
bad "bad CPU list \`': the list is empty" assign wg0 spread cores ""
bad "bad CPU list \`1,': trailing comma" assign wg0 spread cores 1,
bad "bad CPU list \`1,,2': empty item" assign wg0 spread cores 1,,2
bad "bad CPU list \`,1': empty item" assign wg0 spread cores ,1
bad "bad CPU list \`7-4': range \`7-4' runs backwards" assign wg0 spread cores 7-4
bad "bad CPU list \`2-4,3': CPU 3 is listed twice" assign wg0 spread cores 2-4,3
bad "\`x' is not a CPU number (0-65535)" assign wg0 spread cores 0,x
bad "\`1-2-3' is not a CPU number (0-65535)" assign wg0 spread cores 1-2-3
bad "\`2-' is not a CPU number (0-65535)" assign wg0 spread cores 2-
bad "\`1 ' is not a CPU number (0-65535)" assign wg0 spread cores "1 ,2"
bad "\`65536' is not a CPU number (0-65535)" assign wg0 spread cores 65536
bad "\`none' is not a CPU number (0-65535)" assign wg0 spread cores none
bad_usage "unexpected argument \`extra'" assign wg0 spread cores 2-15 extra
bad "\`abcdefghijklmnop' is not an interface name (1 to 15 characters)" \
	assign abcdefghijklmnop peer "$KEY" core 1
bad "\`' is not an interface name" assign "" spread cores 1
help assign --help
help assign -h
help assign help
help assign wg0 peer "$KEY" core --help
help assign wg0 spread cores 2-15 -h

# --- mode --------------------------------------------------------------
bad_usage "mode: missing interface" mode
bad_usage "expected inline or parallel" mode wg0
bad "unknown mode \`fast' (expected inline or parallel)" mode wg0 fast
bad "unknown mode \`Inline' (expected inline or parallel)" mode wg0 Inline
bad_usage "peer needs a base64 public key" mode wg0 peer
bad "Key is not the correct length or format: \`zzz'" mode wg0 peer zzz inline
bad_usage "expected inline or parallel" mode wg0 peer "$KEY"
bad "unknown mode \`turbo'" mode wg0 peer "$KEY" turbo
bad_usage "unexpected argument \`extra'" mode wg0 inline extra
bad_usage "unexpected argument \`extra'" mode wg0 peer "$KEY" parallel extra
bad "\`abcdefghijklmnop' is not an interface name" mode abcdefghijklmnop inline
help mode --help
help mode -h
help mode help
help mode wg0 peer "$KEY" inline --help

# --- workers -------------------------------------------------------------
bad_usage "workers: missing interface" workers
bad_usage "unknown word \`cpu' (expected cpus)" workers wg0 cpu 0-15
bad_usage "cpus needs a CPU list" workers wg0 cpus
bad "bad CPU list \`': the list is empty" workers wg0 cpus ""
bad "bad CPU list \`3-1': range \`3-1' runs backwards" workers wg0 cpus 3-1
bad "bad CPU list \`1,1': CPU 1 is listed twice" workers wg0 cpus 1,1
bad "\`x' is not a CPU number (0-65535)" workers wg0 cpus 0,x
bad "CPU 8192 is beyond the 8192 a worker set can name" workers wg0 cpus 0,8192
bad_usage "unexpected argument \`extra'" workers wg0 cpus 0-1 extra
bad "\`abcdefghijklmnop' is not an interface name" workers abcdefghijklmnop cpus 0
help workers --help
help workers -h
help workers wg0 cpus 0-3 --help

# --- steer ---------------------------------------------------------------
bad_usage "steer: missing interface" steer
bad_usage "unknown word \`onn' (expected on, off, dry-run or lan)" steer wg0 onn
bad_usage "unknown word \`extra' (expected lan)" steer wg0 on extra
bad_usage "-j only goes with printing" steer wg0 on -j
bad "no LAN device \`nosuchdev0'" steer wg0 on lan nosuchdev0
bad "\`abcdefghijklmnop' is not an interface name" steer abcdefghijklmnop on
help steer --help
help steer wg0 dry-run lan -h

# --- show and the other verbs -------------------------------------------
help show --help
help show -h
[[ $out == *"--json"* ]] || fail "show --help does not mention --json"
bad_usage "Invalid parameter with --json: \`dump'" show wg0 dump -j
bad_usage "Invalid parameter with --json: \`peers'" show all peers --pretty
bad_usage "" show a b c
bad_usage "" show interfaces extra
help showconf --help
bad_usage "" showconf
help set --help
bad_usage "" set wg0
help setconf --help
help addconf -h
help syncconf help
bad_usage "" setconf wg0
bad_usage "" syncconf wg0 a b
help genkey --help
help genpsk -h
help pubkey --help
bad_usage "" genkey extra

# --- without the wg-inline-ext family (no wg_inline module here) ---------
run assign wg0 peer "$KEY" core 1
if [[ $err == *"netlink family is not available"* ]]; then
	[ "$rc" = 1 ] || fail "assign without the family -> exit $rc"
	pass
	run workers wg0 cpus 0-1
	[[ $rc = 1 && $err == *"netlink family is not available"* ]] ||
		fail "workers without the family -> exit $rc: $err"
	run steer wg0
	[[ $rc = 1 && $err == *"netlink family is not available"* ]] ||
		fail "steer without the family -> exit $rc: $err"
else
	echo "# skipped: the wg-inline-ext family seems present here ($err)"
fi

# --- unit tests and sample output -----------------------------------------
if [ -x "$UNIT" ]; then
	"$UNIT" || fail "unit tests"
	WG_COLOR_MODE=never "$UNIT" text >"$tmp/text"
	cat >"$tmp/text.want" <<-'EOF'
	  worker cpus: 0-3,8-11
	  steering: dry-run lan #999998 #999999
	  core: 7 (on core)
	  mode: inline
	  hand-offs: 12 tx, 0 rx
	  per-cpu: cpu1 10 enc / 20 dec
	  per-cpu: cpu3 5 enc / 6 dec
	  per-cpu: cpu7 1234 enc / 1200 dec
	  core: none
	  mode: inline
	  hand-offs: 12 tx, 0 rx
	  per-cpu: cpu0 1 enc / 1 dec
	  core: 5 (fallback: offline)
	  mode: inline
	  hand-offs: 12 tx, 0 rx
	EOF
	if cmp -s "$tmp/text" "$tmp/text.want"; then pass; else
		fail "text lines differ:"; diff "$tmp/text.want" "$tmp/text"
	fi
	"$UNIT" json >"$tmp/json"
	"$UNIT" json -p >"$tmp/json-p"
	[ "$(wc -l <"$tmp/json")" = 1 ] || fail "compact JSON is not one line"
	# 0xbb.. is the sample's private key, 0xdd.. its preshared key.
	if grep -q -e 'u7u7u7u7' -e '3d3d3d3d' "$tmp/json" "$tmp/json-p"; then
		fail "JSON output contains private or preshared key material"
	else
		pass
	fi
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$tmp/json" "$tmp/json-p" <<-'EOF' || fail "JSON checks"
		import json, sys
		docs = [json.load(open(p, encoding="utf-8")) for p in sys.argv[1:]]
		assert docs[0] == docs[1], "compact and pretty differ"
		ext, compat = docs[0]
		assert ext["ifname"] == "wg\"0\\\x01\xff", repr(ext["ifname"])
		assert ext["default_mode"] == "inline"
		assert ext["worker_cpus"] == [0, 2], ext["worker_cpus"]
		assert ext["steering"] == {"steer": "on", "lan": [
			{"ifindex": 999999, "ifname": None}]}, ext["steering"]
		p = ext["peers"]
		assert p[0]["core"] == 7 and p[0]["core_state"] == "on-core"
		assert [c["cpu"] for c in p[0]["pcpu"]] == [1, 3, 7]
		assert p[0]["preshared_key"] is True and p[1]["preshared_key"] is False
		assert p[0]["allowed_ips"] == ["10.0.0.0/24", "fd00::/64"]
		assert p[0]["endpoint"] == "192.0.2.2:51820" and p[1]["endpoint"] is None
		assert p[1]["core"] is None and p[1]["core_state"] == "unassigned"
		assert p[2]["core_state"] == "fallback" and p[2]["pcpu"] == []
		assert "tunnel_id" not in p[3], "a peer without a tunnel has no ext keys"
		assert "default_mode" not in compat and "worker_cpus" not in compat
		assert "steering" not in compat
		ext_keys = {"tunnel_id", "mode", "core", "core_state", "handoff_tx",
			    "handoff_rx", "pcpu"}
		assert not any(ext_keys & set(q) for q in compat["peers"])
		assert not any("private" in k for d in docs[0] for k in d)
		EOF
		pass
	else
		echo "# skipped: no python3 to validate the JSON"
	fi
else
	echo "# skipped: no $UNIT (make test/unit)"
fi

# --- the man page -----------------------------------------------------------
if [ -f "$MAN" ] && command -v groff >/dev/null 2>&1; then
	warn=$(groff -man -ww -z "$MAN" 2>&1)
	if [ -n "$warn" ]; then fail "groff warnings: $warn"; else pass; fi
	if command -v man >/dev/null 2>&1; then
		man -l "$MAN" 2>/dev/null | grep -q 'spread cores' || fail "man -l does not render $MAN"
	fi
fi

echo "test-cli: $passes passed, $fails failed$([ $use_strace = 1 ] || echo ' (no strace: netlink use not checked)')"
[ $fails = 0 ]
