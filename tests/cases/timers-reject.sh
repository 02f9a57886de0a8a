# A session outlives REKEY_AFTER_TIME when no new handshake can complete,
# and is refused at REJECT_AFTER_TIME: with handshake messages dropped on
# the wire (tc), pings through a fresh session keep working past 120 s
# and stop at 180 s of protocol time (time_scale=10: 12 s and 18 s; a
# busy guest takes seconds to start the few processes that block the
# handshakes, which must all run well before REKEY_AFTER_TIME).
# kernels: 6.1
# timeout: 320
. "$WGI_ROOT/tests/lib.sh"

S=10
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
load_ko "$WGI_DEBUG_KO" time_scale=$S

# Microseconds, from bash itself.
now_us() { echo $((${EPOCHREALTIME/./})); }
# tc's modules load slowly on a busy guest (seen: 8 s, i.e. 240 s of
# protocol time, past REJECT_AFTER_TIME, when drop_handshakes loaded them
# after the session had started): load them before any clock runs.
modprobe -a sch_prio cls_u32 act_gact || die "tc modules missing"
veth_pair a b
tunnel_pair wgi wgi 4 no
check "tunnel up" n a ping -c 1 -W 3 10.9.0.2

# session_life: a fresh session with handshakes dropped from its start;
# sets life to the time of its last ping reply after it started, or
# fails (returns 1) when the host was too slow to start the drops well
# before REKEY_AFTER_TIME (12 s), so the attempt proves nothing.
session_life() {
	local created t_before t0 late secs
	# Let the previous session die of old age (idle, > 180 s scaled),
	# so the next ping starts a session at a time we know.
	sleep 20
	created=$(obj_count keypairs_created)
	t_before=$(now_us)
	check "fresh session" n a ping -c 1 -W 3 10.9.0.2
	t0=$(now_us)
	[ "$(obj_count keypairs_created)" -gt "$created" ] || die "no new session after 20 s idle"
	drop_handshakes a
	drop_handshakes b
	late=$(($(now_us) - t_before))
	if [ $late -gt 8000000 ]; then
		log "handshakes dropped only $((late / 1000)) ms after the fresh-session ping began: again"
		pass_handshakes a
		pass_handshakes b
		return 1
	fi
	# One pinger for the whole window (a ping per process would measure
	# the guest's process start-up, seconds on a busy host); -D stamps
	# each reply with the clock now_us reads.
	secs=$(python3 -c "import math; print(max(1, math.ceil(28 - ($(now_us) - $t0) / 1e6)))")
	n a ping -D -n -i 0.2 -w "$secs" 10.9.0.2 >/tmp/pings || true
	last=$(awk '/bytes from/ { t = $1 } END { gsub(/[][]/, "", t); print t }' /tmp/pings)
	[ -n "$last" ] || last=$(python3 -c "print($t0 / 1e6)")
	replies=$(grep -c 'bytes from' /tmp/pings)
	life=$(python3 -c "print(round($last - $t0 / 1e6, 2))")
}

for attempt in 1 2 3; do
	session_life && break
	[ $attempt -lt 3 ] || die "3 times the host was too slow to block handshakes at a session's start"
done
echo "# last of $replies ping replies through the session $life s after it started"
python3 -c "import sys; sys.exit(0 if 13.5 <= $life <= 20.0 else 1)" ||
	die "session lived $life s, expected rekey attempts past 12 s and rejection at ~18 s"
echo "ok: session kept past REKEY_AFTER_TIME while rekeying failed, rejected at ~REJECT_AFTER_TIME ($life s of 18 s)"

# The failed rekey attempts were really made and really dropped.
init_drops=$(n a tc -s filter show dev veth0 parent 1: | awk '/Sent/ { s += $4 } END { print s + 0 }')
echo "# handshake messages dropped on a's veth: $init_drops packets"
[ "$init_drops" -ge 2 ] || die "no rekey attempts seen on the wire"
echo "ok: initiator retried the handshake ($init_drops initiations dropped)"

pass_handshakes a
pass_handshakes b
check "tunnel recovers once handshakes pass" n a ping -c 2 -i 0.3 -W 3 10.9.0.2
tunnel_down
