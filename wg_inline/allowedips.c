// SPDX-License-Identifier: GPL-2.0
/*
 * Allowed-IPs: longest-prefix match from an inner address to a peer.
 *
 * Each family has a path-compressed binary trie. Every node holds a masked
 * prefix (bits/cidr); a child's prefix extends its parent's, and the child
 * hangs off bit[] by the first bit past the parent's prefix. Nodes that carry
 * a peer are configured prefixes; nodes without one are branch points where
 * two configured prefixes diverge, and always have both children.
 *
 * Writers hold the caller's mutex (the device's update lock); the packet
 * path reads under RCU and never takes a lock.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/bitops.h>
#include <linux/socket.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include "allowedips.h"
#include "peer.h"

#define node_deref(p, lock) rcu_dereference_protected(p, lockdep_is_held(lock))

/* Longest root-to-leaf path: one node per prefix length 0..128. */
#define TRIE_MAX_DEPTH	129

static struct kmem_cache *node_cache;

/* Bit @pos of a network-order address, counting from the top. */
static inline unsigned int bit_at(const u8 *addr, u8 pos)
{
	return (addr[pos / 8] >> (7 - pos % 8)) & 1;
}

/* Number of leading bits @a and @b share, at most @bitlen (32 or 128). */
static u8 common_bits(const u8 *a, const u8 *b, u8 bitlen)
{
	u64 hi, lo;

	if (bitlen == 32)
		return 32 - fls(get_unaligned_be32(a) ^ get_unaligned_be32(b));
	hi = get_unaligned_be64(a) ^ get_unaligned_be64(b);
	if (hi)
		return 64 - fls64(hi);
	lo = get_unaligned_be64(a + 8) ^ get_unaligned_be64(b + 8);
	return 128 - fls64(lo);
}

/* Copies the first @cidr bits of @addr into @dst and zeroes the rest. */
static void mask_prefix(u8 dst[16], const u8 *addr, u8 cidr)
{
	unsigned int full = cidr / 8, rem = cidr % 8;

	memset(dst, 0, 16);
	memcpy(dst, addr, full);
	if (rem)
		dst[full] = addr[full] & (u8)(0xff << (8 - rem));
}

static struct wgi_allowedips_node *node_alloc(const u8 *addr, u8 cidr,
					      u8 bitlen)
{
	struct wgi_allowedips_node *node;

	node = kmem_cache_zalloc(node_cache, GFP_KERNEL);
	if (!node)
		return NULL;
	mask_prefix(node->bits, addr, cidr);
	node->cidr = cidr;
	node->bitlen = bitlen;
	INIT_LIST_HEAD(&node->peer_list);
	return node;
}

static void node_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(node_cache,
			container_of(rcu, struct wgi_allowedips_node, rcu));
}

static void node_free(struct wgi_allowedips_node *node)
{
	call_rcu(&node->rcu, node_free_rcu);
}

/*
 * Points @node at @peer and puts it on @peer's list, even when it pointed
 * there already: during a replace the node may be on the stale list.
 */
static void node_set_peer(struct wgi_allowedips_node *node,
			  struct wgi_peer *peer, struct mutex *lock)
{
	list_move_tail(&node->peer_list, &peer->allowedips_list);
	if (node_deref(node->peer, lock) != peer)
		rcu_assign_pointer(node->peer, peer);
}

static struct wgi_allowedips_node __rcu **
family_root(struct wgi_allowedips *t, u8 bitlen)
{
	return bitlen == 32 ? &t->root4 : &t->root6;
}

static int trie_insert(struct wgi_allowedips *t, const u8 *addr, u8 cidr,
		       u8 bitlen, struct wgi_peer *peer, struct mutex *lock)
{
	struct wgi_allowedips_node __rcu **slot = family_root(t, bitlen);
	struct wgi_allowedips_node *node, *leaf, *top, *branch;
	u8 prefix[16], common = 0;

	mask_prefix(prefix, addr, cidr);
	for (;;) {
		node = node_deref(*slot, lock);
		if (!node)
			break;
		common = min3(common_bits(node->bits, prefix, bitlen),
			      node->cidr, cidr);
		if (common < node->cidr)
			break;	/* new prefix leaves this subtree here */
		if (node->cidr == cidr) {
			node_set_peer(node, peer, lock);
			t->seq++;
			return 0;
		}
		slot = &node->bit[bit_at(prefix, node->cidr)];
	}

	leaf = node_alloc(prefix, cidr, bitlen);
	if (!leaf)
		return -ENOMEM;
	top = leaf;
	if (node && common == cidr) {
		/* The new prefix covers @node: slot it in above. */
		RCU_INIT_POINTER(leaf->bit[bit_at(node->bits, cidr)], node);
	} else if (node) {
		/* They diverge at bit @common: join them under a branch. */
		branch = node_alloc(prefix, common, bitlen);
		if (!branch) {
			kmem_cache_free(node_cache, leaf);
			return -ENOMEM;
		}
		RCU_INIT_POINTER(branch->bit[bit_at(prefix, common)], leaf);
		RCU_INIT_POINTER(branch->bit[bit_at(node->bits, common)], node);
		top = branch;
	}
	node_set_peer(leaf, peer, lock);
	rcu_assign_pointer(*slot, top);
	t->seq++;
	return 0;
}

static struct wgi_allowedips_node *
trie_find_exact(struct wgi_allowedips *t, const u8 *prefix, u8 cidr,
		u8 bitlen, struct mutex *lock)
{
	struct wgi_allowedips_node *node;

	node = node_deref(*family_root(t, bitlen), lock);
	while (node && node->cidr <= cidr &&
	       common_bits(node->bits, prefix, bitlen) >= node->cidr) {
		if (node->cidr == cidr)
			return node;
		node = node_deref(node->bit[bit_at(prefix, node->cidr)], lock);
	}
	return NULL;
}

/* Drops @node's prefix and prunes nodes that no longer branch. */
static void trie_remove_node(struct wgi_allowedips *t,
			     struct wgi_allowedips_node *node,
			     struct mutex *lock)
{
	struct wgi_allowedips_node __rcu **slot = family_root(t, node->bitlen);
	struct wgi_allowedips_node __rcu **parent_slot = NULL;
	struct wgi_allowedips_node *n, *parent = NULL, *child0, *child1;

	/* @node lies on the path of its own prefix. */
	while ((n = node_deref(*slot, lock)) != node) {
		if (WARN_ON_ONCE(!n))
			return;
		parent_slot = slot;
		parent = n;
		slot = &n->bit[bit_at(node->bits, n->cidr)];
	}

	list_del_init(&node->peer_list);
	RCU_INIT_POINTER(node->peer, NULL);
	t->seq++;
	child0 = node_deref(node->bit[0], lock);
	child1 = node_deref(node->bit[1], lock);
	if (child0 && child1)
		return;		/* still needed as a branch point */

	rcu_assign_pointer(*slot, child0 ?: child1);
	node_free(node);
	if (child0 || child1 || !parent || node_deref(parent->peer, lock))
		return;

	/* @parent was a branch point and is down to one child: splice it. */
	child0 = node_deref(parent->bit[0], lock);
	child1 = node_deref(parent->bit[1], lock);
	rcu_assign_pointer(*parent_slot, child0 ?: child1);
	node_free(parent);
}

static void trie_free(struct wgi_allowedips_node __rcu **root,
		      struct mutex *lock)
{
	/* DFS keeps at most one pending sibling per level, plus one. */
	struct wgi_allowedips_node *stack[TRIE_MAX_DEPTH + 1];
	struct wgi_allowedips_node *node, *child;
	unsigned int depth = 0, i;

	node = node_deref(*root, lock);
	RCU_INIT_POINTER(*root, NULL);
	if (node)
		stack[depth++] = node;
	while (depth) {
		node = stack[--depth];
		for (i = 0; i < 2; i++) {
			child = node_deref(node->bit[i], lock);
			if (!child)
				continue;
			if (WARN_ON_ONCE(depth >= ARRAY_SIZE(stack)))
				break;	/* impossible; leak rather than crash */
			stack[depth++] = child;
		}
		list_del_init(&node->peer_list);
		node_free(node);
	}
}

void wgi_allowedips_init(struct wgi_allowedips *t)
{
	RCU_INIT_POINTER(t->root4, NULL);
	RCU_INIT_POINTER(t->root6, NULL);
	t->seq = 1;
}

void wgi_allowedips_free(struct wgi_allowedips *t, struct mutex *lock)
{
	t->seq++;
	trie_free(&t->root4, lock);
	trie_free(&t->root6, lock);
}

int wgi_allowedips_insert_v4(struct wgi_allowedips *t, const struct in_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock)
{
	if (cidr > 32)
		return -EINVAL;
	return trie_insert(t, (const u8 *)&ip->s_addr, cidr, 32, peer, lock);
}

int wgi_allowedips_insert_v6(struct wgi_allowedips *t, const struct in6_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock)
{
	if (cidr > 128)
		return -EINVAL;
	return trie_insert(t, ip->s6_addr, cidr, 128, peer, lock);
}

static int trie_remove_prefix(struct wgi_allowedips *t, const u8 *addr,
			      u8 cidr, u8 bitlen, struct wgi_peer *peer,
			      struct mutex *lock)
{
	struct wgi_allowedips_node *node;
	u8 prefix[16];

	mask_prefix(prefix, addr, cidr);
	node = trie_find_exact(t, prefix, cidr, bitlen, lock);
	if (node && node_deref(node->peer, lock) == peer)
		trie_remove_node(t, node, lock);
	return 0;
}

int wgi_allowedips_remove_v4(struct wgi_allowedips *t, const struct in_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock)
{
	if (cidr > 32)
		return -EINVAL;
	return trie_remove_prefix(t, (const u8 *)&ip->s_addr, cidr, 32, peer,
				  lock);
}

int wgi_allowedips_remove_v6(struct wgi_allowedips *t, const struct in6_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock)
{
	if (cidr > 128)
		return -EINVAL;
	return trie_remove_prefix(t, ip->s6_addr, cidr, 128, peer, lock);
}

void wgi_allowedips_remove_by_peer(struct wgi_allowedips *t,
				   struct wgi_peer *peer, struct mutex *lock)
{
	struct wgi_allowedips_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, &peer->allowedips_list, peer_list)
		trie_remove_node(t, node, lock);
}

/*
 * Replacing a peer's prefixes must not leave a moment where they route
 * nowhere (a local sender would get ENOKEY): the old nodes stay in the
 * trie, parked on @stale, while the new ones are inserted (re-inserting
 * one moves it back to the peer), and only what is left is removed.
 */
void wgi_allowedips_replace_begin(struct wgi_peer *peer,
				  struct list_head *stale)
{
	list_splice_init(&peer->allowedips_list, stale);
}

void wgi_allowedips_replace_end(struct wgi_allowedips *t,
				struct list_head *stale, struct mutex *lock)
{
	struct wgi_allowedips_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, stale, peer_list)
		trie_remove_node(t, node, lock);
}

int wgi_allowedips_read_node(struct wgi_allowedips_node *node, u8 ip[16],
			     u8 *cidr)
{
	memset(ip, 0, 16);
	memcpy(ip, node->bits, node->bitlen / 8);
	*cidr = node->cidr;
	return node->bitlen == 32 ? AF_INET : AF_INET6;
}

/* Most specific configured prefix covering @addr. Caller holds RCU-bh. */
static struct wgi_peer *trie_lookup(struct wgi_allowedips_node __rcu *root,
				    const u8 *addr, u8 bitlen)
{
	struct wgi_allowedips_node *node = rcu_dereference_bh(root);
	struct wgi_peer *best = NULL, *peer;

	while (node && common_bits(node->bits, addr, bitlen) >= node->cidr) {
		peer = rcu_dereference_bh(node->peer);
		if (peer)
			best = peer;
		if (node->cidr == bitlen)
			break;
		node = rcu_dereference_bh(node->bit[bit_at(addr, node->cidr)]);
	}
	return best;
}

static struct wgi_peer *lookup_skb(struct wgi_allowedips *t,
				   struct sk_buff *skb, bool by_source)
{
	struct wgi_peer *peer = NULL;
	const u8 *addr;

	rcu_read_lock_bh();
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *ip4 = ip_hdr(skb);

		addr = (const u8 *)(by_source ? &ip4->saddr : &ip4->daddr);
		peer = trie_lookup(t->root4, addr, 32);
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);

		addr = by_source ? ip6->saddr.s6_addr : ip6->daddr.s6_addr;
		peer = trie_lookup(t->root6, addr, 128);
	}
	if (peer)
		peer = wgi_peer_get_maybe_zero(peer);
	rcu_read_unlock_bh();
	return peer;
}

struct wgi_peer *wgi_allowedips_lookup_dst(struct wgi_allowedips *t,
					   struct sk_buff *skb)
{
	return lookup_skb(t, skb, false);
}

struct wgi_peer *wgi_allowedips_lookup_src(struct wgi_allowedips *t,
					   struct sk_buff *skb)
{
	return lookup_skb(t, skb, true);
}

int wgi_allowedips_slab_init(void)
{
	node_cache = KMEM_CACHE(wgi_allowedips_node, 0);
	return node_cache ? 0 : -ENOMEM;
}

void wgi_allowedips_slab_uninit(void)
{
	/* Nodes still waiting out a grace period go back to the cache. */
	rcu_barrier();
	kmem_cache_destroy(node_cache);
}

#ifdef WGI_DEBUG
/* One node's promises to its parent (see the comment at the top). */
static bool trie_node_sound(const struct wgi_allowedips_node *node,
			    const struct wgi_allowedips_node *parent,
			    unsigned int side, u8 bitlen, struct mutex *lock)
{
	u8 masked[16];

	mask_prefix(masked, node->bits, node->cidr);
	if (node->bitlen != bitlen || node->cidr > bitlen ||
	    memcmp(masked, node->bits, bitlen / 8))
		return false;
	if (!node_deref(node->peer, lock) &&
	    !(node_deref(node->bit[0], lock) && node_deref(node->bit[1], lock)))
		return false;
	return !parent ||
	       (node->cidr > parent->cidr &&
		common_bits(node->bits, parent->bits, bitlen) >= parent->cidr &&
		bit_at(node->bits, parent->cidr) == side);
}

struct trie_check_entry {
	struct wgi_allowedips_node *node, *parent;
	unsigned int side;
};

/* Walks one family's trie; returns the prefixes, or -EUCLEAN if unsound. */
static int trie_check(struct wgi_allowedips_node __rcu **root, u8 bitlen,
		      struct mutex *lock)
{
	/* DFS: as in trie_free, at most one pending sibling per level. */
	const unsigned int room = TRIE_MAX_DEPTH + 1;
	struct trie_check_entry *stack, e;
	struct wgi_allowedips_node *child;
	unsigned int depth = 0, i;
	int prefixes = 0;

	stack = kmalloc_array(room, sizeof(*stack), GFP_KERNEL);
	if (!stack)
		return -ENOMEM;
	e.node = node_deref(*root, lock);
	if (e.node)
		stack[depth++] = (struct trie_check_entry){ e.node, NULL, 0 };
	while (depth && prefixes >= 0) {
		e = stack[--depth];
		if (!trie_node_sound(e.node, e.parent, e.side, bitlen, lock)) {
			prefixes = -EUCLEAN;
			break;
		}
		prefixes += !!node_deref(e.node->peer, lock);
		for (i = 0; i < 2; i++) {
			child = node_deref(e.node->bit[i], lock);
			if (!child)
				continue;
			if (depth >= room) {
				prefixes = -EUCLEAN;
				break;
			}
			stack[depth++] = (struct trie_check_entry){ child, e.node, i };
		}
	}
	kfree(stack);
	return prefixes;
}

int wgi_allowedips_check(struct wgi_allowedips *t, int family,
			 struct mutex *lock)
{
	if (family == AF_INET)
		return trie_check(&t->root4, 32, lock);
	return trie_check(&t->root6, 128, lock);
}
#endif
