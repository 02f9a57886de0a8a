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
#include "messages.h"

struct wgi_device;
struct wgi_peer;

/*
 * One end of a tunnel for the handshake and cookie suites: a device
 * with identity @private_key and no net_device, holding one peer.
 */
struct wgi_selftest_end {
	struct wgi_device *wg;
	struct wgi_peer *peer;
};

int wgi_selftest_end_init(struct wgi_selftest_end *end,
			  const u8 private_key[WGI_KEY_LEN],
			  const u8 peer_public_key[WGI_PUBKEY_LEN],
			  const u8 preshared_key[WGI_KEY_LEN]);
/* Drops its keypairs and wipes its keys; waits for RCU. No-op if unset. */
void wgi_selftest_end_destroy(struct wgi_selftest_end *end);

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
void wgi_selftest_noise(struct wgi_selftest *t);
void wgi_selftest_cookie(struct wgi_selftest *t);
#else
static inline int wgi_selftests_run(void)
{
	return 0;
}
#endif

#endif
