/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device tables: 32-bit session index -> handshake or keypair, and
 * static public key -> peer. Lookups are RCU, inserts under a spinlock.
 */
#ifndef WGI_INDEX_H
#define WGI_INDEX_H

#include <linux/hashtable.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include "messages.h"

struct wgi_peer;

enum wgi_index_type {
	WGI_INDEX_HANDSHAKE = 1 << 0,
	WGI_INDEX_KEYPAIR = 1 << 1,
};

struct wgi_index_entry {
	struct hlist_node node;
	struct wgi_peer *peer;
	enum wgi_index_type type;
	__le32 index;
};

struct wgi_index_table {
	DECLARE_HASHTABLE(buckets, 13);
	spinlock_t lock;
};

struct wgi_pubkey_table {
	DECLARE_HASHTABLE(buckets, 11);
	siphash_key_t key;
	struct mutex lock;
};

struct wgi_index_table *wgi_index_table_alloc(void);
void wgi_index_table_free(struct wgi_index_table *t);	/* kvfree() */
/* Picks a fresh random index not in use and publishes @entry under it. */
__le32 wgi_index_table_insert(struct wgi_index_table *t,
			      struct wgi_index_entry *entry);
#ifdef WGI_DEBUG
/*
 * Self-tests: the next insert, into any table, uses @index (host order)
 * if it is free there, so that a message can be compared with a fixed
 * vector; later inserts are random again.
 */
void wgi_index_test_next(u32 index);
#endif
/* Moves @new into @old's slot (handshake -> keypair); false if @old is gone. */
bool wgi_index_table_replace(struct wgi_index_table *t,
			     struct wgi_index_entry *old,
			     struct wgi_index_entry *new);
void wgi_index_table_remove(struct wgi_index_table *t,
			    struct wgi_index_entry *entry);
/*
 * Returns the entry with a reference held on entry->peer, or NULL. A
 * keypair entry is only kept alive by RCU: callers that go on to
 * wgi_keypair_get() it must hold rcu_read_lock_bh() (or run in softirq)
 * across the lookup and the get.
 */
struct wgi_index_entry *wgi_index_table_lookup(struct wgi_index_table *t,
					       unsigned int type_mask,
					       __le32 index,
					       struct wgi_peer **peer);

struct wgi_pubkey_table *wgi_pubkey_table_alloc(void);
void wgi_pubkey_table_free(struct wgi_pubkey_table *t);
/* Keyed by peer->handshake.remote_static, which must already be set. */
void wgi_pubkey_table_add(struct wgi_pubkey_table *t, struct wgi_peer *peer);
void wgi_pubkey_table_remove(struct wgi_pubkey_table *t, struct wgi_peer *peer);
/* Returns the peer with a reference held, or NULL. */
struct wgi_peer *wgi_pubkey_table_lookup(struct wgi_pubkey_table *t,
					 const u8 pubkey[WGI_PUBKEY_LEN]);

#endif
