# The in-module self-tests (debug builds run them at load; see
# wg_inline/selftest.c): every suite passes on this kernel, and a failing
# check refuses the load with a message naming it (selftest_fail_at
# makes one check fail, so this test sees the runner can fail, in the
# first suite and in a later one). The
# default module has neither the self-tests nor the parameter.
# timeout: 150
. "$WGI_ROOT/tests/lib.sh"
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"

SUITES="replay allowedips ratelimiter noise cookie"
start=$(date +%s.%N)
load_ko "$WGI_DEBUG_KO"
echo "loaded in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }') s"
dmesg | grep -E "wg_inline: selftest" || die "no self-test ran at load"
for suite in $SUITES; do
	dmesg_has "wg_inline: selftest $suite: [0-9]+ checks, 0 failed" ||
		die "the $suite suite did not pass"
done
dmesg_has "wg_inline: selftests passed \([0-9]+ checks\)" ||
	die "the self-tests did not pass"
echo "ok: every suite passed"
replay_checks=$(dmesg | sed -n 's/.*selftest replay: \([0-9]*\) checks.*/\1/p')
rmmod wg_inline

dmesg -C
if load_ko "$WGI_DEBUG_KO" selftest_fail_at=3 2>/tmp/insmod.err; then
	die "a failed self-test check did not refuse the load"
fi
[ ! -d /sys/module/wg_inline ] || die "the module stayed loaded"
dmesg | grep -E "wg_inline: selftest" || true
dmesg_has "wg_inline: selftest replay: check 3 failed" ||
	die "the failed check is not named"
dmesg_has "wg_inline: selftests FAILED: 1 of [0-9]+ checks" ||
	die "no summary of the failure"
echo "ok: a failed check refuses the load: $(cat /tmp/insmod.err)"

# A check failing in a later suite, after the module's caches exist:
# the load unwinds them (a leak would show under make check-debug).
dmesg -C
if load_ko "$WGI_DEBUG_KO" selftest_fail_at=$((replay_checks + 5)) 2>/dev/null; then
	die "a failed allowedips check did not refuse the load"
fi
dmesg_has "wg_inline: selftest allowedips: check 5 failed" ||
	die "the failed allowedips check is not named"
echo "ok: a failed check in a later suite refuses the load"

modinfo -p "$WGI_KO" | grep -q selftest &&
	die "the default module has a self-test parameter"
echo "ok: the default module has no self-test parameter"
