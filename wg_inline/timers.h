/* SPDX-License-Identifier: GPL-2.0 */
/* Per-peer protocol timers (whitepaper section 6). */
#ifndef WGI_TIMERS_H
#define WGI_TIMERS_H

#include <linux/ktime.h>

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

/* True once @birth (ktime ns) is more than @secs in the past. */
static inline bool wgi_birthdate_has_expired(u64 birth, u64 secs)
{
	return (s64)(birth + secs * NSEC_PER_SEC) <=
	       (s64)ktime_get_coarse_boottime_ns();
}

#endif
