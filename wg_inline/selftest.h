/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-module self-tests (WGI_DEBUG builds only): run at module load,
 * before anything is registered; a failure refuses the load.
 */
#ifndef WGI_SELFTEST_H
#define WGI_SELFTEST_H

#include <linux/types.h>

/* One suite's tally; wgi_selftest_expect() records each check. */
struct wgi_selftest {
	const char *suite;
	unsigned int checks;
	unsigned int failed;
};

#ifdef WGI_DEBUG
/*
 * Records one check, and logs it if it failed. @what names it; @arg is
 * printed with it. selftest_fail_at=N makes check N count as failed, so
 * that a test can see a failure refuse the load.
 */
bool wgi_selftest_expect(struct wgi_selftest *t, bool ok, const char *what,
			 u64 arg);
int wgi_selftests_run(void);
void wgi_selftest_replay(struct wgi_selftest *t);
void wgi_selftest_allowedips(struct wgi_selftest *t);
void wgi_selftest_ratelimiter(struct wgi_selftest *t);
#else
static inline int wgi_selftests_run(void)
{
	return 0;
}
#endif

#endif
