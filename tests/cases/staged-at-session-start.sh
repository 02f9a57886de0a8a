# Packets staged while a tunnel's first handshake runs are all sent once
# the session exists, in order per sender, even when a sender stages just
# after the handshake worker flushed the staging queue. The debug module
# spins 50 ms between a sender finding no session and staging its packet
# (race_stage_us), so with two senders, one pinned to each CPU, one of them
# is nearly always inside that window when the session appears; the module
# counts each time it was (race_stage_landed), and the test starts a fresh
# tunnel until it was, so a pass always covers the race. Before the fix
# such packets waited for the next handshake (up to minutes).
# kernels: 6.1
# timeout: 360
. "$WGI_ROOT/tests/lib.sh"

PER_SENDER=100
ATTEMPTS=6
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"
load_ko "$WGI_DEBUG_KO" race_stage_us=50000
veth_pair a b
landed=/sys/module/wg_inline/parameters/race_stage_landed
[ -r $landed ] || die "the debug module has no $landed"

# first_session ATTEMPT: a fresh tunnel, both senders during its first
# handshake, every packet checked at the sink.
first_session() {
	local attempt=$1 sink senders=() cpu t0 limit
	tunnel_pair wgi stock 4 no
	rm -f /run/sink.ready
	n b python3 - "$PER_SENDER" >/run/sink.out <<'PY' &
import socket, sys, time, os
per = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.9.0.2", 9000))
open("/run/sink.ready", "w").close()
s.settimeout(1.0)
seen = {0: [], 1: []}
deadline = time.time() + 60
quiet_since = None
while time.time() < deadline:
    try:
        data, _ = s.recvfrom(100)
    except socket.timeout:
        if sum(len(v) for v in seen.values()) >= 2 * per:
            break
        continue
    who, seq = data.decode().split()
    seen[int(who)].append(int(seq))
for who, got in seen.items():
    print(who, len(got), int(got == sorted(got)), len(set(got)))
PY
	sink=$!
	wait_for_file /run/sink.ready 100 "the sink did not start"

	# Two senders, one per CPU, from before the first handshake starts,
	# released together: a sender still starting up (seconds on a debug
	# kernel) while the other's packet completes the handshake would leave
	# nobody staging when the session appears.
	senders=()
	rm -f /run/sender.go /run/sender.ready.*
	for cpu in 0 1; do
		n a taskset -c $cpu python3 - $cpu "$PER_SENDER" <<'PY' &
import os, socket, sys, time
who, per = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
open("/run/sender.ready." + who, "w").close()
while not os.path.exists("/run/sender.go"):
    time.sleep(0.001)
for i in range(per):
    s.sendto(("%s %d" % (who, i)).encode(), ("10.9.0.2", 9000))
    time.sleep(0.01)
PY
		senders+=($!)
	done
	wait_for_file /run/sender.ready.0 $((100 * ${WGI_TIMEOUT_SCALE:-1})) "sender 0 did not start"
	wait_for_file /run/sender.ready.1 $((100 * ${WGI_TIMEOUT_SCALE:-1})) "sender 1 did not start"
	touch /run/sender.go
	wait "${senders[@]}" || die "a sender failed"
	# Everything must arrive within seconds of the senders finishing (seen:
	# under 1 s); a stranded packet would wait for the next handshake, 15 s
	# or more later. Slow kernels scale the wait (WGI_TIMEOUT_SCALE).
	t0=$SECONDS
	limit=$((5 * ${WGI_TIMEOUT_SCALE:-1}))
	wait $sink
	log "sink done $((SECONDS - t0)) s after the senders: $(tr '\n' ';' </run/sink.out)"
	while read -r who count ordered distinct; do
		expect_eq "attempt $attempt, sender $who: every packet arrived" "$count" "$PER_SENDER"
		expect_eq "attempt $attempt, sender $who: in order" "$ordered" 1
		expect_eq "attempt $attempt, sender $who: no duplicates" "$distinct" "$PER_SENDER"
	done </run/sink.out
	[ $((SECONDS - t0)) -le $limit ] ||
		die "the last packets arrived $((SECONDS - t0)) s after the senders (limit $limit s)"
}

for attempt in $(seq $ATTEMPTS); do
	first_session "$attempt"
	log "attempt $attempt: race_stage_landed $(cat $landed)"
	[ "$(cat $landed)" -gt 0 ] && break
done
[ "$(cat $landed)" -gt 0 ] ||
	die "in $ATTEMPTS first handshakes no session appeared while a sender staged: the race was not exercised"
