/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowed-IPs: a longest-prefix-match trie per address family that maps an
 * inner address to a peer. Writers hold the device's update lock; readers
 * (the packet path) use RCU.
 */
#ifndef WGI_ALLOWEDIPS_H
#define WGI_ALLOWEDIPS_H

#include <linux/mutex.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>

struct wgi_peer;

/*
 * Trie node; nodes that carry a prefix are also on their peer's list.
 * A node with no peer is a branch point and always has both children.
 */
struct wgi_allowedips_node {
	struct wgi_peer __rcu *peer;
	struct wgi_allowedips_node __rcu *bit[2];
	/* trie-internal layout is allowedips.c's business */
	u8 cidr, bitlen;
	u8 bits[16] __aligned(__alignof(u64));	/* network order, masked */
	struct list_head peer_list;	/* on peer->allowedips_list */
	struct rcu_head rcu;
};

struct wgi_allowedips {
	struct wgi_allowedips_node __rcu *root4;
	struct wgi_allowedips_node __rcu *root6;
	u64 seq;	/* bumped on every change, lets dumps resume safely */
};

void wgi_allowedips_init(struct wgi_allowedips *t);
void wgi_allowedips_free(struct wgi_allowedips *t, struct mutex *lock);
int wgi_allowedips_insert_v4(struct wgi_allowedips *t, const struct in_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock);
int wgi_allowedips_insert_v6(struct wgi_allowedips *t, const struct in6_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock);
/*
 * Removes the exact prefix only if it currently maps to @peer; returns 0
 * also when there was nothing to remove, -EINVAL for a bad cidr.
 */
int wgi_allowedips_remove_v4(struct wgi_allowedips *t, const struct in_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock);
int wgi_allowedips_remove_v6(struct wgi_allowedips *t, const struct in6_addr *ip,
			     u8 cidr, struct wgi_peer *peer, struct mutex *lock);
void wgi_allowedips_remove_by_peer(struct wgi_allowedips *t,
				   struct wgi_peer *peer, struct mutex *lock);
/*
 * Read-back for netlink dumps: walk peer->allowedips_list (entries are
 * nodes, linked by peer_list) under the update lock. Writes the address into
 * @ip (16 bytes room), sets *cidr, returns AF_INET or AF_INET6.
 */
void wgi_allowedips_replace_begin(struct wgi_peer *peer,
				  struct list_head *stale);
void wgi_allowedips_replace_end(struct wgi_allowedips *t,
				struct list_head *stale, struct mutex *lock);
int wgi_allowedips_read_node(struct wgi_allowedips_node *node, u8 ip[16],
			     u8 *cidr);

/*
 * Packet path: RCU-protected, returns the peer with a reference, or NULL.
 * Family from skb->protocol; the caller has made the inner IPv4/IPv6
 * header readable at skb_network_header().
 */
struct wgi_peer *wgi_allowedips_lookup_dst(struct wgi_allowedips *t,
					   struct sk_buff *skb);
struct wgi_peer *wgi_allowedips_lookup_src(struct wgi_allowedips *t,
					   struct sk_buff *skb);

#ifdef WGI_DEBUG
/*
 * Self-tests: walks @family's trie checking the layout's promises;
 * returns the number of configured prefixes, or -EUCLEAN.
 */
int wgi_allowedips_check(struct wgi_allowedips *t, int family,
			 struct mutex *lock);
#endif

int wgi_allowedips_slab_init(void);
void wgi_allowedips_slab_uninit(void);	/* rcu_barrier()s first */

#endif
