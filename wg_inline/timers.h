/* SPDX-License-Identifier: GPL-2.0 */
/* Per-peer protocol timers (whitepaper section 6). */
#ifndef WGI_TIMERS_H
#define WGI_TIMERS_H

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>

struct wgi_peer;

void wgi_timers_init(struct wgi_peer *peer);
void wgi_timers_stop(struct wgi_peer *peer);
void wgi_timers_data_sent(struct wgi_peer *peer);
void wgi_timers_data_received(struct wgi_peer *peer);
void wgi_timers_any_authenticated_packet_sent(struct wgi_peer *peer);
void wgi_timers_any_authenticated_packet_received(struct wgi_peer *peer);
void wgi_timers_handshake_initiated(struct wgi_peer *peer);
void wgi_timers_handshake_complete(struct wgi_peer *peer);
void wgi_timers_session_derived(struct wgi_peer *peer);
void wgi_timers_any_authenticated_packet_traversal(struct wgi_peer *peer);

/*
 * Every protocol duration goes through the helpers below. Debug builds
 * (WGI_DEBUG) divide it by the time_scale module parameter, so tests can
 * watch minutes of protocol time pass in seconds; other builds have no
 * such parameter and the helpers reduce to the exact constants.
 */
#ifdef WGI_DEBUG
extern unsigned int wgi_time_scale;

static inline unsigned int wgi_protocol_time_scale(void)
{
	return max(READ_ONCE(wgi_time_scale), 1U);
}
#else
static inline unsigned int wgi_protocol_time_scale(void)
{
	return 1;
}
#endif

static inline u64 wgi_protocol_secs_to_ns(u64 secs)
{
	return secs * NSEC_PER_SEC / wgi_protocol_time_scale();
}

static inline unsigned long wgi_protocol_jiffies(unsigned long j)
{
	return j / wgi_protocol_time_scale();
}

static inline unsigned long wgi_protocol_secs_to_jiffies(unsigned long secs)
{
	return wgi_protocol_jiffies(secs * HZ);
}

static inline unsigned long wgi_protocol_ms_to_jiffies(unsigned int ms)
{
	return wgi_protocol_jiffies(msecs_to_jiffies(ms));
}

/* True once @birth (ktime ns) is more than @secs of protocol time past. */
static inline bool wgi_birthdate_has_expired(u64 birth, u64 secs)
{
	return (s64)(birth + wgi_protocol_secs_to_ns(secs)) <=
	       (s64)ktime_get_coarse_boottime_ns();
}

#endif
