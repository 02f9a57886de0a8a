// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the allowed-IPs trie: a long pseudo-random sequence of
 * inserts, removals (by the right and by the wrong peer), removals by
 * peer and list replacements, with lookups through the packet path's
 * own entry points, every result compared with a plain model (a list of
 * prefixes searched for the longest match). The addresses are drawn from
 * a small space so that prefixes nest, collide and diverge often; after
 * each batch the trie's layout and each peer's list are checked too.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include "allowedips.h"
#include "peer.h"
#include "selftest.h"

#define AIP_PEERS	4
#define AIP_MODEL_MAX	192
#define AIP_OPS		3000
#define AIP_BATCH	50
#define AIP_LOOKUPS	8	/* random addresses after each operation */

struct aip_prefix {
	u8 bits[16];	/* masked */
	u8 cidr;
	u8 peer;	/* index into the test's peers */
};

struct aip_test {
	struct wgi_selftest *t;
	struct wgi_allowedips trie;
	struct mutex lock;	/* the trie's writer lock, as update_lock */
	struct rnd_state rnd;
	struct wgi_peer *peers[AIP_PEERS];
	struct sk_buff *skb;	/* one packet, readdressed for each lookup */
	int family;
	u8 bitlen;
	struct aip_prefix model[AIP_MODEL_MAX];
	unsigned int n;
	unsigned int mismatches;
	bool freed_peer;	/* a lookup's put dropped the last reference */
};

static u32 aip_rand(struct aip_test *a, u32 below)
{
	return prandom_u32_state(&a->rnd) % below;
}

static void aip_mask(u8 dst[16], const u8 *addr, u8 cidr)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (cidr >= 8)
			dst[i] = addr[i];
		else
			dst[i] = addr[i] & (u8)(0xff << (8 - cidr));
		cidr -= min_t(u8, cidr, 8);
	}
}

/* An address in a few hundred; v4 10.x.(0-15).(0-3), v6 alike. */
static void aip_random_addr(struct aip_test *a, u8 addr[16])
{
	memset(addr, 0, 16);
	if (a->family == AF_INET) {
		addr[0] = 10;
		addr[1] = aip_rand(a, 4) << 6 | aip_rand(a, 2);
		addr[2] = aip_rand(a, 16);
		addr[3] = aip_rand(a, 4) << 6;
		return;
	}
	addr[0] = 0x20;
	addr[1] = 0x01;
	addr[4] = aip_rand(a, 4) << 4;
	addr[7] = aip_rand(a, 16);
	addr[15] = aip_rand(a, 4);
}

/* Longest-prefix match over the model; -1 if nothing covers @addr. */
static int aip_model_lookup(struct aip_test *a, const u8 *addr)
{
	int best = -1, best_cidr = -1;
	unsigned int i;
	u8 masked[16];

	for (i = 0; i < a->n; i++) {
		aip_mask(masked, addr, a->model[i].cidr);
		if (!memcmp(masked, a->model[i].bits, 16) &&
		    a->model[i].cidr > best_cidr) {
			best = a->model[i].peer;
			best_cidr = a->model[i].cidr;
		}
	}
	return best;
}

static int aip_model_find(struct aip_test *a, const u8 *addr, u8 cidr)
{
	unsigned int i;
	u8 masked[16];

	aip_mask(masked, addr, cidr);
	for (i = 0; i < a->n; i++)
		if (a->model[i].cidr == cidr &&
		    !memcmp(a->model[i].bits, masked, 16))
			return i;
	return -1;
}

static void aip_model_drop(struct aip_test *a, unsigned int i)
{
	a->model[i] = a->model[--a->n];
}

static void aip_release(struct kref *ref)
{
	/* The test holds every peer's first reference until the end. */
	WARN_ON_ONCE(1);
}

/* The packet path's lookups, by destination and by source. */
static int aip_lookup_one(struct aip_test *a, const u8 *addr, bool by_src)
{
	struct wgi_peer *peer;
	int i;

	if (a->family == AF_INET) {
		memcpy(by_src ? &ip_hdr(a->skb)->saddr : &ip_hdr(a->skb)->daddr,
		       addr, 4);
		memset(by_src ? &ip_hdr(a->skb)->daddr : &ip_hdr(a->skb)->saddr,
		       0xff, 4);
	} else {
		memcpy(by_src ? &ipv6_hdr(a->skb)->saddr : &ipv6_hdr(a->skb)->daddr,
		       addr, 16);
		memset(by_src ? &ipv6_hdr(a->skb)->daddr : &ipv6_hdr(a->skb)->saddr,
		       0xff, 16);
	}
	peer = by_src ? wgi_allowedips_lookup_src(&a->trie, a->skb) :
			wgi_allowedips_lookup_dst(&a->trie, a->skb);
	if (!peer)
		return -1;
	for (i = 0; i < AIP_PEERS && a->peers[i] != peer; i++)
		;
	if (kref_put(&peer->refcount, aip_release))
		a->freed_peer = true;
	return i < AIP_PEERS ? i : -2;
}

static void aip_check_addr(struct aip_test *a, const u8 *addr)
{
	int want = aip_model_lookup(a, addr);

	if (aip_lookup_one(a, addr, false) != want ||
	    aip_lookup_one(a, addr, true) != want)
		a->mismatches++;
}

static int aip_insert(struct aip_test *a, const u8 *addr, u8 cidr, u8 peer)
{
	int ret;

	if (a->family == AF_INET)
		ret = wgi_allowedips_insert_v4(&a->trie, (const void *)addr,
					       cidr, a->peers[peer], &a->lock);
	else
		ret = wgi_allowedips_insert_v6(&a->trie, (const void *)addr,
					       cidr, a->peers[peer], &a->lock);
	return ret;
}

static int aip_remove(struct aip_test *a, const u8 *addr, u8 cidr, u8 peer)
{
	if (a->family == AF_INET)
		return wgi_allowedips_remove_v4(&a->trie, (const void *)addr,
						cidr, a->peers[peer], &a->lock);
	return wgi_allowedips_remove_v6(&a->trie, (const void *)addr, cidr,
					a->peers[peer], &a->lock);
}

/* Insert, or move an existing prefix to another peer. */
static void aip_op_insert(struct aip_test *a)
{
	u8 addr[16], cidr = aip_rand(a, a->bitlen + 1);
	u8 peer = aip_rand(a, AIP_PEERS);
	int i;

	aip_random_addr(a, addr);
	i = aip_model_find(a, addr, cidr);
	if (i < 0 && a->n == AIP_MODEL_MAX)
		return;
	if (!wgi_selftest_expect(a->t, !aip_insert(a, addr, cidr, peer),
				 "insert", cidr))
		return;
	if (i < 0) {
		i = a->n++;
		aip_mask(a->model[i].bits, addr, cidr);
		a->model[i].cidr = cidr;
	}
	a->model[i].peer = peer;
}

/* Remove a configured prefix, half the time naming the wrong peer. */
static void aip_op_remove(struct aip_test *a)
{
	struct aip_prefix p;
	unsigned int i;
	bool right;
	u8 peer;

	if (!a->n)
		return;
	i = aip_rand(a, a->n);
	p = a->model[i];
	right = aip_rand(a, 2);
	peer = right ? p.peer : (p.peer + 1 + aip_rand(a, AIP_PEERS - 1)) %
				AIP_PEERS;
	wgi_selftest_expect(a->t, !aip_remove(a, p.bits, p.cidr, peer),
			    "remove", p.cidr);
	if (right)
		aip_model_drop(a, i);
}

static void aip_op_remove_by_peer(struct aip_test *a)
{
	u8 peer = aip_rand(a, AIP_PEERS);
	unsigned int i = 0;

	wgi_allowedips_remove_by_peer(&a->trie, a->peers[peer], &a->lock);
	while (i < a->n) {
		if (a->model[i].peer == peer)
			aip_model_drop(a, i);
		else
			i++;
	}
}

/* A peer's whole list replaced, as a netlink replace-allowedips does. */
static void aip_op_replace(struct aip_test *a)
{
	unsigned int k = aip_rand(a, 6), i = 0;
	u8 peer = aip_rand(a, AIP_PEERS);
	LIST_HEAD(stale);

	wgi_allowedips_replace_begin(a->peers[peer], &stale);
	while (i < a->n) {
		if (a->model[i].peer == peer)
			aip_model_drop(a, i);
		else
			i++;
	}
	while (k--) {
		u8 addr[16], cidr = aip_rand(a, a->bitlen + 1);
		int j;

		aip_random_addr(a, addr);
		j = aip_model_find(a, addr, cidr);
		if (j < 0 && a->n == AIP_MODEL_MAX)
			break;
		if (!wgi_selftest_expect(a->t, !aip_insert(a, addr, cidr, peer),
					 "insert while replacing", cidr))
			break;
		if (j < 0) {
			j = a->n++;
			aip_mask(a->model[j].bits, addr, cidr);
			a->model[j].cidr = cidr;
		}
		a->model[j].peer = peer;
	}
	wgi_allowedips_replace_end(&a->trie, &stale, &a->lock);
}

/* Each peer's list holds exactly its prefixes in the model. */
static unsigned int aip_check_lists(struct aip_test *a)
{
	struct wgi_allowedips_node *node;
	unsigned int p, listed = 0, bad = 0;
	u8 ip[16], cidr;
	int i;

	for (p = 0; p < AIP_PEERS; p++) {
		list_for_each_entry(node, &a->peers[p]->allowedips_list,
				    peer_list) {
			listed++;
			if (wgi_allowedips_read_node(node, ip, &cidr) !=
			    a->family) {
				bad++;
				continue;
			}
			i = aip_model_find(a, ip, cidr);
			bad += i < 0 || a->model[i].peer != p;
		}
	}
	return bad + (listed != a->n);
}

static void aip_check_batch(struct aip_test *a)
{
	unsigned int i;
	u8 addr[16];

	for (i = 0; i < a->n; i++) {
		/* The prefix's own first address, and one just inside it. */
		aip_check_addr(a, a->model[i].bits);
		memcpy(addr, a->model[i].bits, 16);
		addr[a->bitlen / 8 - 1] |= 1;
		aip_check_addr(a, addr);
	}
	wgi_selftest_expect(a->t,
			    wgi_allowedips_check(&a->trie, a->family, &a->lock) ==
			    (int)a->n, "trie layout and prefix count", a->n);
	wgi_selftest_expect(a->t, !aip_check_lists(a),
			    "each peer lists its own prefixes", a->n);
}

static void aip_run_ops(struct aip_test *a)
{
	unsigned int op, i, r;
	u8 addr[16];

	for (op = 1; op <= AIP_OPS; op++) {
		r = aip_rand(a, 100);
		if (r < 55)
			aip_op_insert(a);
		else if (r < 85)
			aip_op_remove(a);
		else if (r < 88)
			aip_op_remove_by_peer(a);
		else
			aip_op_replace(a);
		for (i = 0; i < AIP_LOOKUPS; i++) {
			aip_random_addr(a, addr);
			aip_check_addr(a, addr);
		}
		if (op % AIP_BATCH == 0)
			aip_check_batch(a);
	}
	wgi_selftest_expect(a->t, !a->mismatches,
			    "lookups agree with the model", a->mismatches);
}

static void aip_check_edges(struct aip_test *a)
{
	u8 addr[16] = { 10 };
	u8 over = a->bitlen + 1;

	wgi_selftest_expect(a->t, aip_insert(a, addr, over, 0) == -EINVAL,
			    "insert past the address length", over);
	wgi_selftest_expect(a->t, aip_remove(a, addr, over, 0) == -EINVAL,
			    "remove past the address length", over);
	wgi_selftest_expect(a->t, !aip_remove(a, addr, 7, 0),
			    "removing an absent prefix", 7);
	/* The default route, then a host route above it. */
	wgi_selftest_expect(a->t, !aip_insert(a, addr, 0, 1), "default route",
			    0);
	wgi_selftest_expect(a->t, !aip_insert(a, addr, a->bitlen, 2),
			    "host route", a->bitlen);
	wgi_selftest_expect(a->t, aip_lookup_one(a, addr, false) == 2,
			    "host route wins over the default", 0);
	addr[1] = 1;
	wgi_selftest_expect(a->t, aip_lookup_one(a, addr, false) == 1,
			    "default route covers the rest", 0);
	wgi_allowedips_free(&a->trie, &a->lock);
	wgi_selftest_expect(a->t, aip_lookup_one(a, addr, false) == -1,
			    "empty after free", 0);
}

static int aip_setup(struct aip_test *a)
{
	unsigned int i;

	for (i = 0; i < AIP_PEERS; i++) {
		a->peers[i] = kzalloc(sizeof(*a->peers[i]), GFP_KERNEL);
		if (!a->peers[i])
			return -ENOMEM;
		kref_init(&a->peers[i]->refcount);
		INIT_LIST_HEAD(&a->peers[i]->allowedips_list);
	}
	a->skb = alloc_skb(sizeof(struct ipv6hdr), GFP_KERNEL);
	if (!a->skb)
		return -ENOMEM;
	skb_reset_network_header(a->skb);
	if (a->family == AF_INET) {
		skb_put_zero(a->skb, sizeof(struct iphdr));
		a->skb->protocol = htons(ETH_P_IP);
	} else {
		skb_put_zero(a->skb, sizeof(struct ipv6hdr));
		a->skb->protocol = htons(ETH_P_IPV6);
	}
	return 0;
}

static void aip_teardown(struct aip_test *a)
{
	unsigned int i;

	wgi_allowedips_free(&a->trie, &a->lock);
	for (i = 0; i < AIP_PEERS; i++) {
		if (a->peers[i])
			wgi_selftest_expect(a->t,
					    list_empty(&a->peers[i]->allowedips_list),
					    "free empties every peer's list", i);
		kfree(a->peers[i]);
	}
	kfree_skb(a->skb);
	wgi_selftest_expect(a->t, !a->freed_peer,
			    "lookups' references balance", 0);
}

static void aip_test_family(struct wgi_selftest *t, int family, u32 seed)
{
	struct aip_test *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!wgi_selftest_expect(t, a, "test state allocated", 0))
		return;
	a->t = t;
	a->family = family;
	a->bitlen = family == AF_INET ? 32 : 128;
	mutex_init(&a->lock);
	prandom_seed_state(&a->rnd, seed);
	wgi_allowedips_init(&a->trie);
	mutex_lock(&a->lock);
	if (wgi_selftest_expect(t, !aip_setup(a), "test peers allocated", 0)) {
		aip_check_edges(a);
		aip_run_ops(a);
	}
	aip_teardown(a);
	mutex_unlock(&a->lock);
	mutex_destroy(&a->lock);
	kfree(a);
}

void wgi_selftest_allowedips(struct wgi_selftest *t)
{
	/* Fixed seeds: a failure reproduces on the next load. */
	aip_test_family(t, AF_INET, 0x5eed4);
	aip_test_family(t, AF_INET6, 0x5eed6);
}
