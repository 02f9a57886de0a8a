// SPDX-License-Identifier: GPL-2.0
/*
 * The self-test runner (WGI_DEBUG builds): each suite checks one piece
 * of the protocol core against what the whitepaper promises, at load,
 * so that `make check` exercises them on every test kernel.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include "noise.h"
#include "selftest.h"

static unsigned int wgi_selftest_fail_at;
module_param_named(selftest_fail_at, wgi_selftest_fail_at, uint, 0444);
MODULE_PARM_DESC(selftest_fail_at,
		 "Debug builds only: count self-test check N (from 1) as failed (tests of the runner)");

/* Checks counted over every suite, for selftest_fail_at. */
static unsigned int wgi_selftest_seq;

bool wgi_selftest_expect(struct wgi_selftest *t, bool ok, const char *what,
			 u64 arg)
{
	t->checks++;
	if (++wgi_selftest_seq == wgi_selftest_fail_at)
		ok = false;
	if (!ok) {
		t->failed++;
		pr_err("wg_inline: selftest %s: check %u failed: %s (%llu)\n",
		       t->suite, t->checks, what, arg);
	}
	return ok;
}

typedef void (*wgi_selftest_fn)(struct wgi_selftest *t);

static const struct {
	const char *name;
	wgi_selftest_fn run;
} wgi_suites[] = {
	{ "replay", wgi_selftest_replay },
	{ "allowedips", wgi_selftest_allowedips },
	{ "ratelimiter", wgi_selftest_ratelimiter },
	{ "noise", wgi_selftest_noise },
	{ "cookie", wgi_selftest_cookie },
};

/*
 * The noise and cookie suites make and destroy keypairs of their own.
 * They must balance, and are then taken out of the object counters,
 * which tests read to prove that devices' objects balance.
 */
static void wgi_selftest_objects(struct wgi_selftest *t, s64 created0,
				 s64 destroyed0)
{
	s64 made = atomic64_read(&wgi_keypairs_created) - created0;
	s64 gone = atomic64_read(&wgi_keypairs_destroyed) - destroyed0;

	wgi_selftest_expect(t, made == gone,
			    "the self-tests destroyed every keypair they made",
			    made - gone);
	atomic64_sub(made, &wgi_keypairs_created);
	atomic64_sub(gone, &wgi_keypairs_destroyed);
}

int wgi_selftests_run(void)
{
	s64 created0 = atomic64_read(&wgi_keypairs_created);
	s64 destroyed0 = atomic64_read(&wgi_keypairs_destroyed);
	unsigned int i, checks = 0, failed = 0;
	struct wgi_selftest t;

	wgi_selftest_seq = 0;
	for (i = 0; i < ARRAY_SIZE(wgi_suites); i++) {
		t = (struct wgi_selftest){ .suite = wgi_suites[i].name };
		wgi_suites[i].run(&t);
		pr_info("wg_inline: selftest %s: %u checks, %u failed\n",
			t.suite, t.checks, t.failed);
		checks += t.checks;
		failed += t.failed;
	}
	t = (struct wgi_selftest){ .suite = "objects" };
	wgi_selftest_objects(&t, created0, destroyed0);
	checks += t.checks;
	failed += t.failed;
	if (failed) {
		pr_err("wg_inline: selftests FAILED: %u of %u checks\n",
		       failed, checks);
		return -ENOTRECOVERABLE;
	}
	pr_info("wg_inline: selftests passed (%u checks)\n", checks);
	return 0;
}
