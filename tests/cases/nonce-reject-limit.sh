# A session that reaches REJECT_AFTER_MESSAGES (2^64 - 2^13 - 1) while no
# new session can replace it sends nothing more with its key, however many
# packets it is then asked to send: its nonce counter must not move past
# the limit, or 2^13 + 1 refused sends would wrap it to 0 and nonces would
# be used twice under one key. The debug module starts the session 20
# nonces below the limit (first_nonce); the far end's handshake messages
# are dropped on its link, so a cannot get a new session; then a is asked
# to send 12000 datagrams. Every message a sends is read off the wire.
# kernels: 6.1
# timeout: 180
. "$WGI_ROOT/tests/lib.sh"

REJECT_AFTER=18446744073709543423	# 2^64 - 2^13 - 1
BEFORE=20				# nonces left in the session
BLAST=12000				# send attempts: well past 2^13 + 1 + 20
LOGGER=$WGI_ROOT/tests/wire/log_sent_keys.py

[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
first=$(python3 -c "print($REJECT_AFTER - $BEFORE)")
load_ko "$WGI_DEBUG_KO" first_nonce="$first"
expect_eq "first_nonce" "$(cat /sys/module/wg_inline/parameters/first_nonce)" "$first"
veth_pair a b

# The far end is the stock module: its sessions start at nonce 0, so it
# never reaches a limit itself, and its replay window is the protocol's
# reference for what a receiver makes of a's messages.
tunnel_pair wgi stock 4 no
rm -f /tmp/wire.ready
ip netns exec a python3 "$LOGGER" veth0 51820 /tmp/wire.ready /tmp/wire &
logger=$!
wait_for_file /tmp/wire.ready 50 "the wire logger did not start"

# 1. The session: one handshake, one ping (nonce limit - 20).
check "session up" n a ping -q -c 1 -W 5 10.9.0.2
# drop_handshakes (lib.sh) on b blocks every handshake between a and b,
# whoever starts it: a's initiations arrive and are answered, the answers
# never leave b, and an initiation b might make never leaves either.
# Nothing a sends is touched, so a's logger (on a's own veth, which sees
# a's outgoing frames) misses nothing.
drop_handshakes b

# 2. 12000 datagrams into the tunnel, as fast as a sends them: 19 use the
#    session's last nonces, the rest find it exhausted (and are staged for
#    a handshake that cannot complete, the oldest dropped beyond 128).
n a python3 - "$BLAST" <<'PY' || die "the datagrams did not reach the tunnel"
import socket, sys
n, failed = int(sys.argv[1]), 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    try:
        s.sendto(b"%d" % i + bytes(32), ("10.9.0.2", 9))
    except OSError:
        failed += 1
print("# %d datagrams sent into the tunnel, %d refused by the socket" %
      (n - failed, failed))
sys.exit(1 if failed > n // 10 else 0)
PY

# 3. An exhausted session asks for a new one. Initiations are limited to one
#    per REKEY_TIMEOUT (5 s) and the last was the session's own, so keep
#    offering a packet every half second until a has sent an initiation
#    after its last nonce (24 tries at most; the check below says if none
#    came).
init_after_limit() {
	python3 - /tmp/wire "$REJECT_AFTER" <<'PY'
import sys
limit = int(sys.argv[2])
msgs = [l.split() for l in open(sys.argv[1]) if not l.startswith("#")]
at = [i for i, m in enumerate(msgs) if m[0] == "4" and int(m[2]) == limit - 1]
sys.exit(0 if at and any(m[0] == "1" for m in msgs[at[0] + 1:]) else 1)
PY
}
for _ in $(seq 24); do
	init_after_limit && break
	n a python3 -c 'import socket; socket.socket(socket.AF_INET,
		socket.SOCK_DGRAM).sendto(b"late", ("10.9.0.2", 9))'
	sleep 0.5
done
# b's answers to those initiations were really made and really dropped
# (the answer to the last one may take a moment under TCG).
for _ in $(seq 30); do
	dropped=$(n b tc -s filter show dev veth0 parent 1: | awk '/Sent/ { s += $4 } END { print s + 0 }')
	[ "$dropped" -ge 1 ] && break
	sleep 0.1
done
echo "# a: $(drop_count wga tx_staged_overflow) packets dropped beyond the staging bound; b: $dropped handshake messages dropped"
[ "$dropped" -ge 1 ] || die "b answered no initiation: the handshake block was not exercised"

# 4. Handshakes pass again: a new session (from nonce 0) must take over.
#    Judged after the log: with a broken counter the old key would still
#    be in use, and the log says more about that than a lost ping.
echo 0 >/sys/module/wg_inline/parameters/first_nonce
pass_handshakes b
recovered=yes
n a ping -q -c 1 -W 12 10.9.0.2 || recovered=no
sleep 0.5
kill "$logger"
wait "$logger" || true

python3 - /tmp/wire "$REJECT_AFTER" "$BEFORE" <<'PY' || die "the exhausted session's nonces, above"
import collections, sys
limit, before = int(sys.argv[2]), int(sys.argv[3])
first = limit - before
lost, msgs = None, []
for l in open(sys.argv[1]):
    if l.startswith("# lost "):
        lost = int(l.split()[2])
    else:
        msgs.append(tuple(map(int, l.split())))
data = [(i, k, c) for i, (t, k, c) in enumerate(msgs) if t == 4]
assert lost is not None, "the logger did not finish its log"
assert data, "a sent no data message"
key = data[0][1]
old = [c for _, k, c in data if k == key]
wrapped = [c for c in old if c < first]
print("# a sent %d messages: %d initiations, %d data, %d of them with "
      "the first session's key" % (len(msgs), sum(t == 1 for t, _, _ in msgs),
                                   len(data), len(old)))
top = [c for c in old if c >= first] or [first]
print("# first session: %d data messages at nonces limit-%d..limit-%d, %d "
      "more below its first nonce (wrapped)%s" %
      (len(old) - len(wrapped), limit - min(top), limit - max(top),
       len(wrapped),
       ": %d..%d" % (min(wrapped), max(wrapped)) if wrapped else ""))
assert lost == 0, "the logger lost %d frames: the log is incomplete" % lost
assert old[0] == first, "the session did not start at first_nonce"
# (b) no counter at or past the limit, on any session.
past = [c for _, _, c in data if c >= limit]
assert not past, "%d data messages at or past the limit" % len(past)
# (a) no nonce used twice under one key.
twice = [kc for kc, n in collections.Counter((k, c) for _, k, c in data).items() if n > 1]
assert not twice, "%d nonces used twice under one key, e.g. %r" % (len(twice), twice[:3])
# (c) the session used each of its nonces once, up to limit - 1, and
# nothing after: no wrapped counter, no data message beyond those 20.
# (This session began at first_nonce, so a wrapped counter does not repeat
# one it used; a real session begins at 0, and there it would.)
assert not wrapped, ("the counter wrapped: %d data messages with nonces "
                     "%d..%d after limit - 1, under the same key" %
                     (len(wrapped), min(wrapped), max(wrapped)))
assert sorted(old) == list(range(first, limit)), \
    "the session's nonces are not exactly limit-%d..limit-1" % before
# ... and asked for a new handshake once it had no nonce left.
end = next(i for i, k, c in data if k == key and c == limit - 1)
assert any(t == 1 for t, _, _ in msgs[end + 1:]), \
    "no initiation after the session's last nonce"
# The session that took over once handshakes passed is a new one.
new = [c for _, k, c in data if k != key]
assert new and min(new) == 0, "no new session from nonce 0 took over"
print("# new session: %d data messages, nonces %d..%d" % (len(new), min(new), max(new)))
PY
[ "$recovered" = yes ] || die "no ping through a new session once handshakes passed"
echo "ok: a new session took over once handshakes passed"
echo "ok: the exhausted session sent exactly nonces limit-$BEFORE..limit-1, no nonce twice, none past the limit after $BLAST send attempts, and asked for a new handshake"
