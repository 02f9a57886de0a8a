/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source token buckets for incoming handshake initiations, so that
 * one address cannot make us spend unbounded Curve25519 work.
 */
#ifndef WGI_RATELIMITER_H
#define WGI_RATELIMITER_H

#include <linux/types.h>

struct net;
struct sk_buff;

/* Sustained initiations a second per source (v4 /32, v6 /64), and burst. */
#define WGI_RATELIMIT_PER_SECOND	20
#define WGI_RATELIMIT_BURST		5
/* Sources tracked at once; a full table refuses new sources. */
#define WGI_RATELIMIT_MAX_ENTRIES	8192

/*
 * Each device takes a reference in ndo_init and drops it in its
 * destructor, after its handshake work has stopped; the last one frees
 * every entry. Process context.
 */
void wgi_ratelimiter_get(void);
void wgi_ratelimiter_put(void);

/*
 * True if the initiation in @skb (outer IP header reachable), received in
 * @net, is within its source's budget; consumes a token. Never sleeps.
 */
bool wgi_ratelimiter_allow(struct sk_buff *skb, const struct net *net);

#ifdef WGI_DEBUG
/*
 * Self-tests: run the table on a clock of their own (@now_ns, in the
 * boot-time clock's nanoseconds; 0 gives the real clock back), and run
 * the GC now, returning the entries it left.
 */
void wgi_ratelimiter_test_clock(u64 now_ns);
unsigned int wgi_ratelimiter_test_gc(void);
#endif

#endif
