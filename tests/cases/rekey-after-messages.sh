# The message limits (whitepaper 6.1-6.2), seen on the wire. The debug
# module's first_nonce parameter starts every new session's sending nonce
# just below a limit, so the test reaches it in a few hundred packets:
# a session that has sent REKEY_AFTER_MESSAGES (2^60) messages starts a
# new handshake while it keeps sending, and no message ever leaves with a
# nonce at or past REJECT_AFTER_MESSAGES (2^64 - 2^13 - 1).
# The default module must not have the parameter at all.
# kernels: 6.1
# timeout: 250
. "$WGI_ROOT/tests/lib.sh"

REKEY_AFTER=1152921504606846976		# 2^60
REJECT_AFTER=18446744073709543423	# 2^64 - 2^13 - 1
LOGGER=$WGI_ROOT/tests/wire/log_sent_messages.py

[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
check_fails "default module has no first_nonce" \
	sh -c "modinfo -p '$WGI_KO' | grep -q first_nonce"
first=$(python3 -c "print($REKEY_AFTER - 150)")
load_ko "$WGI_DEBUG_KO" first_nonce="$first"
expect_eq "first_nonce" "$(cat /sys/module/wg_inline/parameters/first_nonce)" "$first"
veth_pair a b

# log_a_while CMD...: runs CMD with a's sent messages logged to /tmp/wire.
log_a_while() {
	rm -f /tmp/wire.ready
	ip netns exec a python3 "$LOGGER" veth0 51820 /tmp/wire.ready /tmp/wire &
	local pid=$!
	wait_for_file /tmp/wire.ready 50 "the wire logger did not start"
	"$@" || true
	sleep 0.5
	kill "$pid"
	wait "$pid" || true
}

# 1. Rekey after messages: 400 pings at 50/s take a's first session past
#    2^60 in its 150th message. Its next handshake initiation must follow
#    that, promptly, with no packet lost, and a new session must take over
#    (its nonces start again at first_nonce). A peer initiates at most once
#    per REKEY_TIMEOUT (5 s), so the session is set up first and left idle
#    for longer than that. b is the stock module, whose nonces start at 0:
#    were both ends past 2^60 at once, their initiations would cross, each
#    would answer the other's and drop the answer to its own, as the
#    protocol has it, and traffic stays on the old session until one side
#    retries alone.
tunnel_pair wgi stock 4 no
log_a_while sh -c 'ip netns exec a ping -q -c 1 -W 3 10.9.0.2 && sleep 6 &&
	ip netns exec a ping -q -c 400 -i 0.02 -W 1 10.9.0.2' >/tmp/ping.out
cat /tmp/ping.out
[ "$(grep -c ' 0% packet loss' /tmp/ping.out)" = 2 ] || die "pings lost across the rekey"
python3 - /tmp/wire "$first" "$REKEY_AFTER" <<'PY' || die "no rekey after 2^60 messages"
import sys
msgs = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
first, limit = int(sys.argv[2]), int(sys.argv[3])
data = [c for t, c in msgs if t == 4]
print("# handshake messages a sent (index, type):",
      [(i, t) for i, (t, _) in enumerate(msgs) if t != 4])
print("# a sent %d messages, %d of them data, nonces %d..%d" %
      (len(msgs), len(data), min(data) - first, max(data) - first),
      "above first_nonce")
assert msgs[0] == (1, 0), "a did not start with an initiation: %r" % (msgs[:3],)
assert data[0] == first, "the first session did not start at first_nonce"
# The initiation that follows the first session's data messages.
i = next(i for i, m in enumerate(msgs) if i > 0 and m[0] == 1 and
         any(t == 4 for t, _ in msgs[:i]))
before = [c for t, c in msgs[:i] if t == 4]
print("# rekey initiation after nonce %d = 2^60 %+d" %
      (max(before), max(before) - limit))
assert max(before) >= limit, "rekeyed before 2^60 messages were sent"
assert max(before) <= limit + 10, "rekeyed late, after nonce 2^60 + %d" % (max(before) - limit)
after = [c for t, c in msgs[i:] if t == 4]
assert first in after, "no new session took over after the rekey"
PY
echo "ok: a session past 2^60 messages rekeyed, no packet lost"

# 2. Reject after messages: a session that starts 10 nonces below the
#    limit sends exactly those 10 and then nothing more with it.
first=$(python3 -c "print($REJECT_AFTER - 10)")
echo "$first" >/sys/module/wg_inline/parameters/first_nonce
tunnel_pair wgi wgi 4 no
log_a_while n a ping -q -c 40 -i 0.05 -W 1 10.9.0.2 >/tmp/ping.out
cat /tmp/ping.out
python3 - /tmp/wire "$REJECT_AFTER" <<'PY' || die "a nonce at or past REJECT_AFTER_MESSAGES was sent"
import sys
limit = int(sys.argv[2])
data = [int(c) for t, c in (l.split() for l in open(sys.argv[1])) if t == "4"]
print("# a sent %d data messages, nonces %d..%d below the limit" %
      (len(data), limit - min(data), limit - max(data)))
assert data, "no data message was sent"
assert min(data) == limit - 10, "the session did not start at first_nonce"
assert max(data) == limit - 1, "last nonce was limit %+d, not limit - 1" % (max(data) - limit)
PY
echo "ok: the last nonce sent was REJECT_AFTER_MESSAGES - 1"
