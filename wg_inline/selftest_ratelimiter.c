// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the handshake ratelimiter, on a clock the test moves
 * itself (so that a slow machine cannot change a result): the burst and
 * the sustained rate of one source, independence of sources, network
 * namespaces and IPv6 /64s, the GC of idle sources and the bounded
 * table. It runs at load, before any device holds the table.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/time64.h>
#include "ratelimiter.h"
#include "selftest.h"

#define RL_COST		(NSEC_PER_SEC / WGI_RATELIMIT_PER_SECOND)
#define RL_REFILL	(RL_COST * WGI_RATELIMIT_BURST)

struct rl_test {
	struct wgi_selftest *t;
	struct sk_buff *v4, *v6, *arp;
	u64 now;
};

/* Two network namespaces, compared by address only. */
static const int rl_netns[2];
#define RL_NET(i)	((const struct net *)&rl_netns[i])

static void rl_at(struct rl_test *r, u64 now)
{
	r->now = now;
	wgi_ratelimiter_test_clock(now);
}

static bool rl_allow4(struct rl_test *r, u32 saddr, int net)
{
	ip_hdr(r->v4)->saddr = htonl(saddr);
	return wgi_ratelimiter_allow(r->v4, RL_NET(net));
}

/* From 2001:db8:0:@net64::@host. */
static bool rl_allow6(struct rl_test *r, u16 net64, u16 host)
{
	struct in6_addr *a = &ipv6_hdr(r->v6)->saddr;

	memset(a, 0, sizeof(*a));
	a->s6_addr16[0] = htons(0x2001);
	a->s6_addr16[1] = htons(0xdb8);
	a->s6_addr16[3] = htons(net64);
	a->s6_addr16[7] = htons(host);
	return wgi_ratelimiter_allow(r->v6, RL_NET(0));
}

/* How many of @n initiations from @saddr, all now, are allowed. */
static unsigned int rl_burst4(struct rl_test *r, u32 saddr, unsigned int n)
{
	unsigned int ok = 0;

	while (n--)
		ok += rl_allow4(r, saddr, 0);
	return ok;
}

static void rl_test_one_source(struct rl_test *r)
{
	const u32 a = 0xc0000201, b = 0xc0000202;	/* 192.0.2.1, .2 */
	u64 t0 = r->now;

	wgi_selftest_expect(r->t, rl_burst4(r, a, WGI_RATELIMIT_BURST + 3) ==
			    WGI_RATELIMIT_BURST, "a new source gets the burst",
			    WGI_RATELIMIT_BURST);
	wgi_selftest_expect(r->t, rl_allow4(r, b, 0),
			    "another source is not held back", 0);
	rl_at(r, t0 + RL_COST - 1);
	wgi_selftest_expect(r->t, !rl_allow4(r, a, 0),
			    "no credit before one interval", RL_COST - 1);
	rl_at(r, t0 + RL_COST);
	wgi_selftest_expect(r->t, rl_allow4(r, a, 0),
			    "one initiation per interval", RL_COST);
	wgi_selftest_expect(r->t, !rl_allow4(r, a, 0),
			    "and only one", RL_COST);
	/* Idle for far longer than a refill: credit stops at the burst. */
	rl_at(r, t0 + 100 * RL_REFILL);
	wgi_selftest_expect(r->t, rl_burst4(r, a, 2 * WGI_RATELIMIT_BURST) ==
			    WGI_RATELIMIT_BURST, "credit is capped at the burst",
			    WGI_RATELIMIT_BURST);
}

static void rl_test_keys(struct rl_test *r)
{
	const u32 a = 0xc6336401;	/* 198.51.100.1 */
	unsigned int i;

	rl_burst4(r, a, WGI_RATELIMIT_BURST);
	wgi_selftest_expect(r->t, rl_allow4(r, a, 1),
			    "the same address in another netns is another source",
			    1);
	for (i = 0; i < WGI_RATELIMIT_BURST; i++)
		rl_allow6(r, 1, i + 1);
	wgi_selftest_expect(r->t, !rl_allow6(r, 1, 0x99),
			    "one IPv6 /64 is one source", 0x99);
	wgi_selftest_expect(r->t, rl_allow6(r, 2, 1),
			    "another /64 is another source", 2);
	wgi_selftest_expect(r->t, !wgi_ratelimiter_allow(r->arp, RL_NET(0)),
			    "a packet neither IPv4 nor IPv6 is refused", 0);
}

/* A source idle for a whole refill is full again: the GC frees it. */
static void rl_test_gc(struct rl_test *r)
{
	u64 t0 = r->now;

	rl_at(r, t0 + RL_REFILL - 1);
	wgi_selftest_expect(r->t, wgi_ratelimiter_test_gc() > 0,
			    "the GC keeps sources not yet refilled", 0);
	rl_allow4(r, 0xcb007101, 0);	/* 203.0.113.1: busy just now */
	rl_at(r, t0 + RL_REFILL);
	wgi_selftest_expect(r->t, wgi_ratelimiter_test_gc() == 1,
			    "the GC frees refilled sources only", 1);
	rl_at(r, t0 + 2 * RL_REFILL);
	wgi_selftest_expect(r->t, wgi_ratelimiter_test_gc() == 0,
			    "the GC frees every refilled source", 0);
}

static void rl_test_table_full(struct rl_test *r)
{
	const u32 base = 0x0a000000;	/* 10.0.0.0/8: 8192 sources */
	unsigned int i, ok = 0;

	for (i = 0; i < WGI_RATELIMIT_MAX_ENTRIES; i++)
		ok += rl_allow4(r, base + i, 0);
	wgi_selftest_expect(r->t, ok == WGI_RATELIMIT_MAX_ENTRIES,
			    "every source fits the table", ok);
	wgi_selftest_expect(r->t, !rl_allow4(r, base + i, 0),
			    "a full table refuses a new source", i);
	wgi_selftest_expect(r->t, rl_allow4(r, base, 0),
			    "a full table still serves its sources", 0);
	rl_at(r, r->now + RL_REFILL);
	wgi_selftest_expect(r->t, wgi_ratelimiter_test_gc() == 0,
			    "the GC empties the table once idle", 0);
	wgi_selftest_expect(r->t, rl_allow4(r, base + i, 0),
			    "a new source after the GC", i);
}

static struct sk_buff *rl_skb(__be16 proto, unsigned int hdr_len)
{
	struct sk_buff *skb = alloc_skb(hdr_len, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	skb_put_zero(skb, hdr_len);
	skb->protocol = proto;
	return skb;
}

void wgi_selftest_ratelimiter(struct wgi_selftest *t)
{
	struct rl_test r = { .t = t };

	r.v4 = rl_skb(htons(ETH_P_IP), sizeof(struct iphdr));
	r.v6 = rl_skb(htons(ETH_P_IPV6), sizeof(struct ipv6hdr));
	r.arp = rl_skb(htons(ETH_P_ARP), 28);
	wgi_ratelimiter_get();
	if (wgi_selftest_expect(t, r.v4 && r.v6 && r.arp,
				"test packets allocated", 0)) {
		/* Any start will do; away from 0, which means the real clock. */
		rl_at(&r, 1000 * NSEC_PER_SEC);
		rl_test_one_source(&r);
		rl_test_keys(&r);
		rl_test_gc(&r);
		rl_test_table_full(&r);
	}
	/* The last put frees every entry: the table is left as found. */
	wgi_ratelimiter_test_clock(0);
	wgi_ratelimiter_put();
	kfree_skb(r.v4);
	kfree_skb(r.v6);
	kfree_skb(r.arp);
}
