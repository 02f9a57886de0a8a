/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Noise_IKpsk2 handshake state and the transport keypairs it produces
 * (whitepaper section 5.4).
 */
#ifndef WGI_NOISE_H
#define WGI_NOISE_H

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include "messages.h"
#include "index.h"
#include "replay.h"

struct wgi_peer;
struct wgi_device;

/* Our long-term identity; guarded by the device's update lock + rwsem. */
struct wgi_static_identity {
	u8 private_key[WGI_KEY_LEN];
	u8 public_key[WGI_PUBKEY_LEN];
	struct rw_semaphore lock;
	bool has_identity;
};

enum wgi_handshake_state {
	WGI_HS_ZEROED,
	WGI_HS_CREATED_INITIATION,
	WGI_HS_CONSUMED_INITIATION,
	WGI_HS_CREATED_RESPONSE,
	WGI_HS_CONSUMED_RESPONSE,
};

/* Per-peer handshake in progress; all fields under @lock. */
struct wgi_handshake {
	struct wgi_index_entry entry;	/* WGI_INDEX_HANDSHAKE */
	struct wgi_static_identity *static_identity;
	enum wgi_handshake_state state;
	/* Set once by destroy: no new state, index entry or session. */
	bool is_dead;
	u64 last_initiation_consumption;	/* jiffies64-based, flood guard */

	u8 remote_static[WGI_PUBKEY_LEN];
	u8 precomputed_static_static[WGI_KEY_LEN];	/* DH(s_i, S_r) */
	u8 preshared_key[WGI_KEY_LEN];

	u8 ephemeral_private[WGI_KEY_LEN];
	u8 remote_ephemeral[WGI_PUBKEY_LEN];
	u8 hash[WGI_HASH_LEN];
	u8 chaining_key[WGI_HASH_LEN];
	u8 latest_timestamp[WGI_TIMESTAMP_LEN];	/* replay guard for inits */
	__le32 remote_index;

	struct rw_semaphore lock;
};

struct wgi_symmetric_key {
	u8 key[WGI_KEY_LEN];
	u64 birthdate;		/* ktime_get_coarse_boottime_ns() */
	bool is_valid;
};

/* One transport session. Read under RCU on the packet path. */
struct wgi_keypair {
	struct wgi_index_entry entry;	/* WGI_INDEX_KEYPAIR, local index */
	struct wgi_symmetric_key sending;
	atomic64_t sending_counter;
	struct wgi_symmetric_key receiving;
	struct wgi_replay_window receiving_counter;
	__le32 remote_index;
	bool i_am_the_initiator;
	u64 internal_id;
	struct kref refcount;
	struct rcu_head rcu;
};

/* The three session slots of a peer (whitepaper 6.3). */
struct wgi_keypairs {
	struct wgi_keypair __rcu *current_keypair;
	struct wgi_keypair __rcu *previous_keypair;
	struct wgi_keypair __rcu *next_keypair;
	spinlock_t lock;	/* serialises slot rotation */
};

/* Keypairs ever created/freed (after their RCU grace period): leak check. */
extern atomic64_t wgi_keypairs_created, wgi_keypairs_destroyed;

void wgi_noise_init(void);	/* precomputes the protocol's constant hashes */
/*
 * Configuration calls (handshake_init, precompute_static_static,
 * set_static_identity_private_key) run under the device's update lock;
 * they read the static identity without taking id->lock.
 */
void wgi_noise_handshake_init(struct wgi_handshake *hs,
			      struct wgi_static_identity *id,
			      const u8 peer_public_key[WGI_PUBKEY_LEN],
			      const u8 preshared_key[WGI_KEY_LEN],
			      struct wgi_peer *peer);
/*
 * Drops the in-flight handshake and its index; keeps config/timestamps.
 * Sleeps (hs->lock): call from process context, e.g. a work item.
 */
void wgi_noise_handshake_clear(struct wgi_handshake *hs);
/* handshake_clear plus wiping the preshared and static-static keys. */
void wgi_noise_handshake_destroy(struct wgi_handshake *hs);
/* Sets (or, with NULL, clears) the preshared key under hs->lock. */
void wgi_noise_set_preshared_key(struct wgi_handshake *hs,
				 const u8 preshared_key[WGI_KEY_LEN]);
void wgi_noise_precompute_static_static(struct wgi_peer *peer);
/*
 * Caller holds id->lock for writing (and then re-precomputes every peer's
 * static-static DH and the cookie checker's keys before releasing it).
 * An all-zero key leaves the device without an identity.
 */
void wgi_noise_set_static_identity_private_key(struct wgi_static_identity *id,
					       const u8 private_key[WGI_KEY_LEN]);
void wgi_noise_static_identity_init(struct wgi_static_identity *id);
/* Takes id->lock itself. */
void wgi_noise_static_identity_clear(struct wgi_static_identity *id);

/* Handshake message builders/consumers. Process context only (Curve25519). */
bool wgi_noise_create_initiation(struct wgi_msg_handshake_initiation *dst,
				 struct wgi_handshake *hs);
struct wgi_peer *
wgi_noise_consume_initiation(const struct wgi_msg_handshake_initiation *src,
			     struct wgi_device *wg);
bool wgi_noise_create_response(struct wgi_msg_handshake_response *dst,
			       struct wgi_handshake *hs);
struct wgi_peer *
wgi_noise_consume_response(const struct wgi_msg_handshake_response *src,
			   struct wgi_device *wg);

/*
 * Turns a completed handshake into the peer's next/current keypair and
 * stamps peer->walltime_last_handshake. Timers are the caller's business.
 */
bool wgi_noise_begin_session(struct wgi_handshake *hs,
			     struct wgi_keypairs *keypairs);
/* Responder promotes "next" to "current" on first authenticated data. */
bool wgi_noise_received_with_keypair(struct wgi_keypairs *keypairs,
				     struct wgi_keypair *received);
void wgi_noise_keypairs_init(struct wgi_keypairs *keypairs);
void wgi_noise_keypairs_clear(struct wgi_keypairs *keypairs);
void wgi_noise_expire_current_keypair(struct wgi_keypairs *keypairs);

#ifdef WGI_DEBUG
/*
 * Self-tests: every handshake message built from now on uses
 * @ephemeral_private and @timestamp instead of a random key and the
 * clock, so that it can be compared with fixed vectors; NULL gives the
 * random key (the clock) back. Only while no device exists.
 */
void wgi_noise_test_inputs(const u8 ephemeral_private[WGI_KEY_LEN],
			   const u8 timestamp[WGI_TIMESTAMP_LEN]);
#endif

/* Under rcu_read_lock(_bh); NULL-safe; NULL if the keypair is dying. */
struct wgi_keypair *wgi_keypair_get(struct wgi_keypair *kp);
/*
 * NULL-safe. @unreference_now also drops its index entry at once, so no new
 * packet finds it; the last put frees it after an RCU grace period.
 */
void wgi_keypair_put(struct wgi_keypair *kp, bool unreference_now);

#endif
