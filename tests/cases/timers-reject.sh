# A session outlives REKEY_AFTER_TIME when no new handshake can complete,
# and is refused at REJECT_AFTER_TIME: with handshake messages dropped on
# the wire (tc), pings through a fresh session keep working past 120 s
# and stop at 180 s of protocol time (time_scale=30: 4 s and 6 s).
# kernels: 6.1
# timeout: 120
. "$WGI_ROOT/tests/lib.sh"

S=30
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
load_ko "$WGI_DEBUG_KO" time_scale=$S

# Microseconds, from bash itself: the polling loop below must be tight.
now_us() { echo $((${EPOCHREALTIME/./})); }
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 1 -W 3 10.9.0.2
# Let that session die of old age (idle, > 180 s scaled), so the next
# ping starts a session at a time we know.
sleep 7
created=$(obj_count keypairs_created)
check "fresh session" n a ping -c 1 -W 3 10.9.0.2
t0=$(now_us)
[ "$(obj_count keypairs_created)" -gt "$created" ] || die "no new session after 7 s idle"
drop_handshakes a
drop_handshakes b

last_ok=$t0 tries=0
while [ "$(now_us)" -lt $((t0 + 9500000)) ]; do
	if n a ping -c 1 -W 0.3 10.9.0.2 >/dev/null 2>&1; then
		last_ok=$(now_us)
	fi
	tries=$((tries + 1))
	sleep 0.1
done
life=$(python3 -c "print(round(($last_ok - $t0) / 1e6, 2))")
echo "# last of $tries pings through the session $life s after it started"
python3 -c "import sys; sys.exit(0 if 5.2 <= $life <= 7.0 else 1)" ||
	die "session lived $life s, expected rekey attempts past 4 s and rejection at ~6 s"
echo "ok: session kept past REKEY_AFTER_TIME while rekeying failed, rejected at ~REJECT_AFTER_TIME ($life s of 6 s)"

# The failed rekey attempts were really made and really dropped.
init_drops=$(n a tc -s filter show dev veth0 parent 1: | awk '/Sent/ { s += $4 } END { print s + 0 }')
echo "# handshake messages dropped on a's veth: $init_drops packets"
[ "$init_drops" -ge 2 ] || die "no rekey attempts seen on the wire"
echo "ok: initiator retried the handshake ($init_drops initiations dropped)"

n a tc qdisc del dev veth0 root
n b tc qdisc del dev veth0 root
check "tunnel recovers once handshakes pass" n a ping -c 2 -i 0.3 -W 3 10.9.0.2
tunnel_down
