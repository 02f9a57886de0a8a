// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake ratelimiter: a token bucket per (netns, source prefix), in
 * one hash table shared by every device. A bucket holds nanoseconds of
 * credit; each initiation costs NSEC_PER_SEC / WGI_RATELIMIT_PER_SECOND
 * and credit accrues with time up to WGI_RATELIMIT_BURST initiations.
 *
 * A bucket idle for WGI_RATELIMIT_IDLE_NS is full again, so it means
 * no more than an absent one: a periodic GC frees those, which keeps a
 * flood from spoofed sources from holding memory past its end. The table
 * is bounded; once full, new sources are refused until the GC makes room
 * (established peers' buckets are usually idle and cheap to re-create).
 *
 * The lock is taken with BHs off so the table may be used from any
 * context; nothing here sleeps except get/put.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include "ratelimiter.h"

#define WGI_RATELIMIT_COST_NS	(NSEC_PER_SEC / WGI_RATELIMIT_PER_SECOND)
#define WGI_RATELIMIT_MAX_NS	(WGI_RATELIMIT_COST_NS * WGI_RATELIMIT_BURST)
/* Time to refill an empty bucket; idler buckets are dropped by the GC. */
#define WGI_RATELIMIT_IDLE_NS	WGI_RATELIMIT_MAX_NS
#define WGI_RATELIMIT_GC_PERIOD	HZ
#define WGI_RATELIMIT_BUCKETS	1024	/* power of two */

/* What a bucket is keyed by: netns, family and the source prefix. */
struct wgi_rl_key {
	const struct net *net;		/* compared only, never dereferenced */
	u32 family;
	u32 prefix[2];			/* v4: address, 0; v6: the /64 */
};

struct wgi_rl_entry {
	struct hlist_node node;
	struct wgi_rl_key key;
	u64 last_ns;			/* when credit was last brought up to date */
	u64 credit_ns;
};

static struct hlist_head wgi_rl_table[WGI_RATELIMIT_BUCKETS];
static DEFINE_SPINLOCK(wgi_rl_lock);	/* table and entries */
static unsigned int wgi_rl_entries;	/* under wgi_rl_lock */
static u32 wgi_rl_seed;
static DEFINE_MUTEX(wgi_rl_users_lock);
static unsigned int wgi_rl_users;	/* under wgi_rl_users_lock */

#ifdef WGI_DEBUG
static u64 wgi_rl_test_now;	/* non-zero: the self-test's clock */
#endif

/* Read under wgi_rl_lock, so that no entry is newer than now. */
static u64 wgi_rl_now(void)
{
#ifdef WGI_DEBUG
	u64 now = READ_ONCE(wgi_rl_test_now);

	if (now)
		return now;
#endif
	return ktime_get_coarse_boottime_ns();
}

static void wgi_rl_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(wgi_rl_gc_work, wgi_rl_gc);

static struct hlist_head *wgi_rl_bucket(const struct wgi_rl_key *key)
{
	u32 h = jhash(key, sizeof(*key), wgi_rl_seed);

	return &wgi_rl_table[h & (WGI_RATELIMIT_BUCKETS - 1)];
}

/* Frees idle entries (all of them if @all); wgi_rl_lock held. */
static void wgi_rl_prune(u64 now, bool all)
{
	struct wgi_rl_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < WGI_RATELIMIT_BUCKETS; i++) {
		hlist_for_each_entry_safe(e, tmp, &wgi_rl_table[i], node) {
			if (!all && now - e->last_ns < WGI_RATELIMIT_IDLE_NS)
				continue;
			hlist_del(&e->node);
			kfree(e);
			wgi_rl_entries--;
		}
	}
}

static void wgi_rl_gc(struct work_struct *work)
{
	spin_lock_bh(&wgi_rl_lock);
	wgi_rl_prune(wgi_rl_now(), false);
	spin_unlock_bh(&wgi_rl_lock);
	queue_delayed_work(system_power_efficient_wq, &wgi_rl_gc_work,
			   WGI_RATELIMIT_GC_PERIOD);
}

void wgi_ratelimiter_get(void)
{
	mutex_lock(&wgi_rl_users_lock);
	if (!wgi_rl_users++) {
		wgi_rl_seed = get_random_u32();
		queue_delayed_work(system_power_efficient_wq, &wgi_rl_gc_work,
				   WGI_RATELIMIT_GC_PERIOD);
	}
	mutex_unlock(&wgi_rl_users_lock);
}

void wgi_ratelimiter_put(void)
{
	mutex_lock(&wgi_rl_users_lock);
	if (!WARN_ON_ONCE(!wgi_rl_users) && !--wgi_rl_users) {
		cancel_delayed_work_sync(&wgi_rl_gc_work);
		spin_lock_bh(&wgi_rl_lock);
		wgi_rl_prune(0, true);
		spin_unlock_bh(&wgi_rl_lock);
	}
	mutex_unlock(&wgi_rl_users_lock);
}

/* Fills @key from the outer header; false if neither IPv4 nor IPv6. */
static bool wgi_rl_key_from_skb(struct wgi_rl_key *key, struct sk_buff *skb,
				const struct net *net)
{
	memset(key, 0, sizeof(*key));
	key->net = net;
	if (skb->protocol == htons(ETH_P_IP)) {
		key->family = AF_INET;
		key->prefix[0] = (__force u32)ip_hdr(skb)->saddr;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		/* A host owns at least a /64: one bucket for all of it. */
		key->family = AF_INET6;
		memcpy(key->prefix, &ipv6_hdr(skb)->saddr, sizeof(key->prefix));
		return true;
	}
	return false;
}

/* Brings @e's credit up to date and spends one initiation if it can. */
static bool wgi_rl_spend(struct wgi_rl_entry *e, u64 now)
{
	e->credit_ns = min_t(u64, e->credit_ns + (now - e->last_ns),
			     WGI_RATELIMIT_MAX_NS);
	e->last_ns = now;
	if (e->credit_ns < WGI_RATELIMIT_COST_NS)
		return false;
	e->credit_ns -= WGI_RATELIMIT_COST_NS;
	return true;
}

/* A new source: a full bucket, less this initiation. wgi_rl_lock held. */
static bool wgi_rl_insert(struct hlist_head *head,
			  const struct wgi_rl_key *key, u64 now)
{
	struct wgi_rl_entry *e;

	if (wgi_rl_entries >= WGI_RATELIMIT_MAX_ENTRIES)
		return false;
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return false;
	e->key = *key;
	e->last_ns = now;
	e->credit_ns = WGI_RATELIMIT_MAX_NS - WGI_RATELIMIT_COST_NS;
	hlist_add_head(&e->node, head);
	wgi_rl_entries++;
	return true;
}

bool wgi_ratelimiter_allow(struct sk_buff *skb, const struct net *net)
{
	struct wgi_rl_entry *e;
	struct hlist_head *head;
	struct wgi_rl_key key;
	bool ok;
	u64 now;

	if (!wgi_rl_key_from_skb(&key, skb, net))
		return false;
	head = wgi_rl_bucket(&key);

	spin_lock_bh(&wgi_rl_lock);
	now = wgi_rl_now();
	hlist_for_each_entry(e, head, node) {
		if (!memcmp(&e->key, &key, sizeof(key))) {
			ok = wgi_rl_spend(e, now);
			goto out;
		}
	}
	ok = wgi_rl_insert(head, &key, now);
out:
	spin_unlock_bh(&wgi_rl_lock);
	return ok;
}

#ifdef WGI_DEBUG
void wgi_ratelimiter_test_clock(u64 now_ns)
{
	WRITE_ONCE(wgi_rl_test_now, now_ns);
}

unsigned int wgi_ratelimiter_test_gc(void)
{
	unsigned int left;

	spin_lock_bh(&wgi_rl_lock);
	wgi_rl_prune(wgi_rl_now(), false);
	left = wgi_rl_entries;
	spin_unlock_bh(&wgi_rl_lock);
	return left;
}
#endif
