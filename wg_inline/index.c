// SPDX-License-Identifier: GPL-2.0
/*
 * The device's two lookup tables:
 *  - session index -> handshake or keypair, for incoming responses, cookie
 *    replies and data messages (the receiver_index/key_idx on the wire);
 *  - static public key -> peer, for incoming initiations.
 * Readers walk RCU hash chains; writers serialise on the table's lock.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "index.h"
#include "peer.h"

struct wgi_index_table *wgi_index_table_alloc(void)
{
	struct wgi_index_table *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	hash_init(t->buckets);
	spin_lock_init(&t->lock);
	return t;
}

void wgi_index_table_free(struct wgi_index_table *t)
{
	kvfree(t);
}

static struct hlist_head *index_bucket(struct wgi_index_table *t,
				       __le32 index)
{
	return &t->buckets[hash_32((__force u32)index, HASH_BITS(t->buckets))];
}

static bool index_in_use(struct wgi_index_table *t, __le32 index)
{
	struct wgi_index_entry *e;

	hlist_for_each_entry(e, index_bucket(t, index), node)
		if (e->index == index)
			return true;
	return false;
}

/*
 * Unhashes @entry but leaves its forward link intact, so a reader standing
 * on it can still walk off the end of the chain.
 */
static void index_unhash(struct wgi_index_entry *entry)
{
	if (!hlist_unhashed(&entry->node))
		hlist_del_init_rcu(&entry->node);
}

#ifdef WGI_DEBUG
/* The self-test's next index (wgi_index_test_next()); 0: none. */
static u32 wgi_index_test_index;

void wgi_index_test_next(u32 index)
{
	WRITE_ONCE(wgi_index_test_index, index);
}

/* Taken once: the insert after that is random again. */
static u32 index_candidate(void)
{
	u32 index = xchg(&wgi_index_test_index, 0);

	return index ?: get_random_u32();
}
#else
static u32 index_candidate(void)
{
	return get_random_u32();
}
#endif

__le32 wgi_index_table_insert(struct wgi_index_table *t,
			      struct wgi_index_entry *entry)
{
	__le32 index;

	spin_lock_bh(&t->lock);
	/* A handshake re-inserted for a new attempt gets a fresh index. */
	index_unhash(entry);
	do {
		index = cpu_to_le32(index_candidate());
	} while (index_in_use(t, index));
	entry->index = index;
	hlist_add_head_rcu(&entry->node, index_bucket(t, index));
	spin_unlock_bh(&t->lock);
	return index;
}

bool wgi_index_table_replace(struct wgi_index_table *t,
			     struct wgi_index_entry *old,
			     struct wgi_index_entry *new)
{
	bool replaced = false;

	spin_lock_bh(&t->lock);
	if (hlist_unhashed(&old->node))
		goto out;
	new->index = old->index;
	hlist_replace_rcu(&old->node, &new->node);
	/*
	 * hlist_replace_rcu() poisons old's back link; mark it unhashed
	 * instead so later removals of @old are no-ops. Its forward link
	 * stays valid for readers still standing on it.
	 */
	old->node.pprev = NULL;
	replaced = true;
out:
	spin_unlock_bh(&t->lock);
	return replaced;
}

void wgi_index_table_remove(struct wgi_index_table *t,
			    struct wgi_index_entry *entry)
{
	spin_lock_bh(&t->lock);
	index_unhash(entry);
	spin_unlock_bh(&t->lock);
}

struct wgi_index_entry *wgi_index_table_lookup(struct wgi_index_table *t,
					       unsigned int type_mask,
					       __le32 index,
					       struct wgi_peer **peer)
{
	struct wgi_index_entry *e, *found = NULL;

	*peer = NULL;
	rcu_read_lock_bh();
	hlist_for_each_entry_rcu(e, index_bucket(t, index), node) {
		if (e->index == index && (e->type & type_mask)) {
			found = e;
			break;
		}
	}
	if (found) {
		*peer = wgi_peer_get_maybe_zero(READ_ONCE(found->peer));
		if (!*peer)
			found = NULL;	/* peer is being torn down */
	}
	rcu_read_unlock_bh();
	return found;
}

struct wgi_pubkey_table *wgi_pubkey_table_alloc(void)
{
	struct wgi_pubkey_table *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	hash_init(t->buckets);
	get_random_bytes(&t->key, sizeof(t->key));
	mutex_init(&t->lock);
	return t;
}

void wgi_pubkey_table_free(struct wgi_pubkey_table *t)
{
	if (!t)
		return;
	mutex_destroy(&t->lock);
	kvfree(t);
}

/* Keyed hash, so remote parties cannot pick keys that share a bucket. */
static struct hlist_head *pubkey_bucket(struct wgi_pubkey_table *t,
					const u8 pubkey[WGI_PUBKEY_LEN])
{
	u64 h = siphash(pubkey, WGI_PUBKEY_LEN, &t->key);

	return &t->buckets[hash_64(h, HASH_BITS(t->buckets))];
}

void wgi_pubkey_table_add(struct wgi_pubkey_table *t, struct wgi_peer *peer)
{
	mutex_lock(&t->lock);
	hlist_add_head_rcu(&peer->pubkey_hash,
			   pubkey_bucket(t, peer->handshake.remote_static));
	mutex_unlock(&t->lock);
}

void wgi_pubkey_table_remove(struct wgi_pubkey_table *t, struct wgi_peer *peer)
{
	mutex_lock(&t->lock);
	if (!hlist_unhashed(&peer->pubkey_hash))
		hlist_del_init_rcu(&peer->pubkey_hash);
	mutex_unlock(&t->lock);
}

struct wgi_peer *wgi_pubkey_table_lookup(struct wgi_pubkey_table *t,
					 const u8 pubkey[WGI_PUBKEY_LEN])
{
	struct wgi_peer *p, *found = NULL;

	rcu_read_lock_bh();
	hlist_for_each_entry_rcu(p, pubkey_bucket(t, pubkey), pubkey_hash) {
		/* Public keys are not secret; a plain compare is fine. */
		if (!memcmp(p->handshake.remote_static, pubkey,
			    WGI_PUBKEY_LEN)) {
			found = wgi_peer_get_maybe_zero(p);
			break;
		}
	}
	rcu_read_unlock_bh();
	return found;
}
