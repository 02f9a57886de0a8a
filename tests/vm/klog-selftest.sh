#!/bin/bash
# Host-side checks of klog.sh on kernel logs in tests/vm/testdata/:
# int3-in-code-*.log are real oopses of the int3_on_load fixture;
# int3-stale-*.log are the same with the byte before the trap changed from
# int3 to a jmp opcode, as a stale translation leaves it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$here/testdata
bad=0

expect() {
	local want=$1 log=$2 got
	if "$here/klog.sh" stale-int3 "$data/$log" >/dev/null; then
		got=stale
	else
		got=genuine
	fi
	if [ "$got" = "$want" ]; then
		echo "ok: klog.sh stale-int3 calls $log $want"
	else
		echo "FAIL: klog.sh stale-int3 calls $log $got, not $want"
		bad=1
	fi
}

expect genuine int3-in-code-6.1.log
expect genuine int3-in-code-6.12.log
expect stale int3-stale-6.1.log
expect stale int3-stale-6.12.log
expect genuine int3-no-code.log
expect genuine warning-then-stale-int3.log

# 6.1's oops header has no "Oops": it must still be a problem line.
if "$here/klog.sh" problems "$data/int3-in-code-6.1.log" | grep -q 'int3: 0000 \[#1\]'; then
	echo "ok: klog.sh problems catches 6.1's oops header"
else
	echo "FAIL: klog.sh problems misses 6.1's oops header"
	bad=1
fi
where=$("$here/klog.sh" stale-int3 "$data/int3-stale-6.12.log")
case $where in
int3_on_load_init+0x*"memory holds e9"*) echo "ok: klog.sh names where: $where" ;;
*) echo "FAIL: klog.sh stale-int3 printed '$where'"; bad=1 ;;
esac
# The debug kernel's start-up lines are not problems; each of its report
# kinds is, one line each.
if [ -n "$("$here/klog.sh" problems "$data/debug-kernel-boot.log")" ]; then
	echo "FAIL: klog.sh problems flags the debug kernel's start-up lines"
	bad=1
else
	echo "ok: the debug kernel's start-up lines are not problems"
fi
n=$("$here/klog.sh" problems "$data/debug-kernel-reports.log" | wc -l)
if [ "$n" = "$(wc -l <"$data/debug-kernel-reports.log")" ]; then
	echo "ok: every debug report kind is a problem ($n lines)"
else
	echo "FAIL: klog.sh problems caught $n of the debug report lines"
	bad=1
fi
exit $bad
