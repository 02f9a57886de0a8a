/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test builds only (WGI_DEBUG): stretch a race window so that a test can
 * land in it every time, instead of once in a million runs. Each point
 * is a module parameter in microseconds, 0 (off) by default; production
 * builds compile every point to nothing.
 */
#ifndef WGI_RACE_DELAY_H
#define WGI_RACE_DELAY_H

enum wgi_race_point {
	/* Sleeps: between finding an initiation's peer and locking its handshake. */
	WGI_RACE_CONSUME_INITIATION,
	/* Spins (BH off): between finding no session and staging the packets. */
	WGI_RACE_STAGE,
	__WGI_RACE_MAX
};

/*
 * wgi_race_landed() marks that the race a point widens really happened
 * (read back as the race_*_landed parameters), so that a test can tell
 * it exercised the window instead of hoping it did.
 */
#ifdef WGI_DEBUG
void wgi_race_delay(enum wgi_race_point point);
void wgi_race_landed(enum wgi_race_point point);
#else
static inline void wgi_race_delay(enum wgi_race_point point)
{
}

static inline void wgi_race_landed(enum wgi_race_point point)
{
}
#endif

#endif
