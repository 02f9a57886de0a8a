# The in-module self-tests (debug builds run them at load; see
# wg_inline/selftest.c): every suite passes on this kernel, and a failing
# check refuses the load with a message naming it (selftest_fail_at
# makes one check fail, so this test sees the runner can fail). The
# default module has neither the self-tests nor the parameter.
# timeout: 60
. "$WGI_ROOT/tests/lib.sh"
[ -f "$WGI_DEBUG_KO" ] || die "debug module not built: $WGI_DEBUG_KO"

load_ko "$WGI_DEBUG_KO"
dmesg | grep -E "wg_inline: selftest" || die "no self-test ran at load"
dmesg_has "wg_inline: selftest replay: [0-9]+ checks, 0 failed" ||
	die "the replay suite did not pass"
dmesg_has "wg_inline: selftests passed \([0-9]+ checks\)" ||
	die "the self-tests did not pass"
echo "ok: every suite passed"
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

modinfo -p "$WGI_KO" | grep -q selftest &&
	die "the default module has a self-test parameter"
echo "ok: the default module has no self-test parameter"
