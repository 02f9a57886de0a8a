#!/bin/bash
# Runs inside the test guest as PID 1 (after tests/vm/init): prepares a
# usable userland, runs one test script under its timeout, saves its
# output, exit status and the kernel log to the results share, powers off.
R=/wgi-results
. $R/job.env

mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname wgi-guest
ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
# Hung tasks must surface within a test's lifetime, not after 120 s.
echo 30 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null

# Every ping turns the kernel's receive-timestamp static key on and off
# (SO_TIMESTAMP), live-patching a branch in netif_rx and friends, and
# under multi-threaded TCG a vCPU can then run a stale int3 of that patch
# (docs/testing.md). One socket holding SO_TIMESTAMP for the whole boot
# keeps the key on, so no ping patches kernel text during a test.
"$(dirname "$WGI_BUILD")/hold_timestamp" </dev/null >/dev/console 2>&1 ||
	echo "guest: could not pin the timestamp static key" >/dev/console
sleep 0.2	# the key is switched on from a work item

# Debug kernel (make check-debug): forget what boot left unreferenced, so
# what kmemleak reports after the test is the test's.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w $KMEMLEAK ]; then
	t0=$SECONDS
	echo scan >$KMEMLEAK
	echo clear >$KMEMLEAK
	echo "guest: kmemleak baseline scan took $((SECONDS - t0)) s" >/dev/console
fi

export WGI_ROOT WGI_BUILD WGI_KREL WGI_TEST WGI_TIMEOUT_SCALE WGI_FUZZ_SEED \
	WGI_FUZZ_REQUESTS WGI_BENCH WGI_RESULTS=$R
cd "$WGI_ROOT" || exit 1
echo "guest: running $WGI_TEST on $(uname -r)" >/dev/console

# On timeout, record what was stuck before killing it: blocked tasks go
# to the kernel log (sysrq w), the process tree to ps.log.
on_timeout() {
	echo "guest: test timed out after ${WGI_TIMEOUT}s; dumping state" >/dev/console
	ps -eo pid,ppid,stat,wchan:32,args >"$R/ps.log" 2>&1
	echo w >/proc/sysrq-trigger
}
setsid bash -c 'bash "$1" 2>&1 | tee "$2/output.log" >/dev/console; exit ${PIPESTATUS[0]}' \
	test "$WGI_TEST" "$R" &
pid=$!
( sleep "$WGI_TIMEOUT"; kill -0 $pid 2>/dev/null && { on_timeout; kill -9 -- -$pid; } ) &
watchdog=$!
wait $pid
rc=$?
if kill -0 $watchdog 2>/dev/null; then
	kill $watchdog
else
	rc=124
fi

# Let deferred work (RCU frees, workqueues) report before we read the log.
sleep 1
# kmemleak reports objects unreferenced for 5 s, on the second scan that
# still finds them unreferenced (the first may see a pointer in flight).
if [ -w $KMEMLEAK ]; then
	sleep 5
	t0=$SECONDS
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	cat $KMEMLEAK >"$R/kmemleak.log"
	echo "guest: kmemleak scans took $((SECONDS - t0)) s" >/dev/console
fi
dmesg >"$R/dmesg.log"
echo "$rc" >"$R/rc"
sync
echo o >/proc/sysrq-trigger
sleep 30
