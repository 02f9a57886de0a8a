# Removing a peer, deleting the device and unloading the module while
# iperf3 runs through the tunnel: no kernel warning, no leaked peer or
# keypair (objects created == destroyed).
# timeout: 230
. "$WGI_ROOT/tests/lib.sh"
load_wg_inline
veth_pair a b

traffic() { # background UDP flood a->b through the tunnel
	n b iperf3 -s -1 -D -B 10.9.0.2 >/dev/null
	sleep 0.3
	n a iperf3 -c 10.9.0.2 -u -b 50M -t "$1" >/dev/null 2>&1 &
}

# 1. peer removal and re-add under traffic, traffic resumes
tunnel_pair wgi wgi 4 yes
check "tunnel up" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
traffic 4
sleep 1.5
check "remove peer under traffic" n a "$WGAFF" set wga peer "$(pubkey b)" remove
sleep 0.5
check "re-add peer" n a "$WGAFF" set wga peer "$(pubkey b)" preshared-key /run/keys/ab.psk \
	endpoint 192.0.2.2:51820 allowed-ips 10.9.0.2/32,fd00::2/128
wait
check "traffic resumes after re-adding the peer" n a ping -c 2 -W 3 -i 0.3 10.9.0.2

# 2. device deletion under traffic, then the object counts balance
traffic 4
sleep 1.5
n a ip link del wga
n b ip link del wgb
wait || true
sleep 1
for o in peers keypairs; do
	c=$(obj_count ${o}_created) d=$(obj_count ${o}_destroyed)
	[ "$c" -gt 0 ] || die "no $o were counted"
	expect_eq "$o created == destroyed" "$d" "$c"
done

# 3. rmmod under traffic; the module reports its final counts on exit.
#    Once in CI (6.1) the first handshake of these re-created devices did
#    not finish within 3 s; the protocol's answer to a lost handshake
#    message is the retransmit after REKEY_TIMEOUT (5 s), so allow for
#    one, and say so when it was needed.
tunnel_pair wgi wgi 4 no
t0=$(date +%s.%N)
check "first reply through the re-created tunnel" n a ping -c 1 -W 8 10.9.0.2
took=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
python3 -c "import sys; sys.exit(0 if $took < 3 else 1)" ||
	echo "# note: the first handshake took $took s (a retransmit)"
check "tunnel up again" n a ping -c 2 -W 3 -i 0.3 10.9.0.2
traffic 4
sleep 1.5
check "rmmod while traffic flows" rmmod wg_inline
wait || true
line=$(dmesg | grep 'wg_inline: unloaded' | tail -n1)
echo "$line"
echo "$line" | grep -qE 'peers [0-9]+/[0-9]+' || die "no object summary at unload"
echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+,?$/) { split($i, x, "/"); sub(",", "", x[2]); if (x[1] != x[2]) exit 1 } }' ||
	die "objects leaked at unload: $line"
echo "ok: nothing leaked at unload"
