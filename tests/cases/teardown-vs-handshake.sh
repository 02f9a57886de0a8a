# A handshake worker that found a peer just before the peer was removed
# must not give the removed peer a session. The debug module sleeps 3 s
# between the initiation's peer lookup and taking the handshake's lock
# (race_consume_initiation_us); the peer is removed during that sleep.
# Before the fix the worker then answered, installed a keypair and an
# index entry on the dead peer (a leaked keypair, and a data packet from
# the far end then looked up freed memory: KASAN in make check-debug).
# Now: no response leaves, the far end never completes a handshake, and
# every peer and keypair created is destroyed.
# kernels: 6.1
# timeout: 240
. "$WGI_ROOT/tests/lib.sh"

[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
load_ko "$WGI_DEBUG_KO" race_consume_initiation_us=3000000
veth_pair a b
tunnel_pair wgi stock 4 no

# b initiates (its ping is staged behind the handshake); a's worker finds
# peer b and sleeps.
n b ping -q -c 1 -W 1 10.9.0.1 >/dev/null 2>&1 &
sleep 1
check "peer removed while the worker sleeps" \
	n a "$WGAFF" set wga peer "$(pubkey b)" remove
# The worker wakes 3 s after the lookup; give it and any answer time.
sleep 4
hs=$(n b wg show wgb latest-handshakes | awk '{print $2}')
expect_eq "b never completed a handshake with the removed peer" "$hs" 0
# And b's retry 5 s later finds no peer at all on a.
sleep 2

n a ip link del wga
created= destroyed=
for _ in $(seq 50); do
	created=$(obj_count keypairs_created)
	destroyed=$(obj_count keypairs_destroyed)
	[ "$created" = "$destroyed" ] &&
		[ "$(obj_count peers_created)" = "$(obj_count peers_destroyed)" ] && break
	sleep 0.2
done
expect_eq "keypairs destroyed = created" "$destroyed" "$created"
expect_eq "peers destroyed = created" "$(obj_count peers_destroyed)" "$(obj_count peers_created)"
