// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, as WireGuard uses it (whitepaper
 * section 5.4), and the transport keypairs a completed handshake yields.
 *
 * Lock order: static_identity->lock, then handshake->lock, then the index
 * table's and keypairs' spinlocks. Message builders and consumers sleep
 * (Curve25519 on the generic path, random bytes, rwsems): process context.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/random.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/moduleparam.h>
#include <crypto/algapi.h>
#include "noise.h"
#include "peer.h"
#include "device.h"
#include "race_delay.h"
#include "timers.h"

#ifdef WGI_DEBUG
/*
 * Test builds only: the first sending nonce of every new session, so a
 * test can reach the message limits (2^60, 2^64 - 2^13 - 1) in seconds.
 */
static unsigned long long wgi_first_nonce;
module_param_named(first_nonce, wgi_first_nonce, ullong, 0644);
MODULE_PARM_DESC(first_nonce,
		 "Debug builds only: first sending nonce of each new session (tests)");

static u64 wgi_first_sending_nonce(void)
{
	return READ_ONCE(wgi_first_nonce);
}

/*
 * Self-test inputs (wgi_noise_test_inputs()): set only while the
 * self-tests run at load, before any device exists to race with them.
 */
static u8 wgi_test_ephemeral[WGI_KEY_LEN];
static u8 wgi_test_timestamp[WGI_TIMESTAMP_LEN];
static bool wgi_test_have_ephemeral, wgi_test_have_timestamp;

void wgi_noise_test_inputs(const u8 ephemeral_private[WGI_KEY_LEN],
			   const u8 timestamp[WGI_TIMESTAMP_LEN])
{
	wgi_test_have_ephemeral = !!ephemeral_private;
	if (ephemeral_private)
		memcpy(wgi_test_ephemeral, ephemeral_private, WGI_KEY_LEN);
	else
		memzero_explicit(wgi_test_ephemeral, WGI_KEY_LEN);
	wgi_test_have_timestamp = !!timestamp;
	if (timestamp)
		memcpy(wgi_test_timestamp, timestamp, WGI_TIMESTAMP_LEN);
	else
		memset(wgi_test_timestamp, 0, WGI_TIMESTAMP_LEN);
}

static bool wgi_test_fixed_ephemeral(u8 out[WGI_KEY_LEN])
{
	if (!wgi_test_have_ephemeral)
		return false;
	memcpy(out, wgi_test_ephemeral, WGI_KEY_LEN);
	curve25519_clamp_secret(out);
	return true;
}

static bool wgi_test_fixed_timestamp(u8 out[WGI_TIMESTAMP_LEN])
{
	if (!wgi_test_have_timestamp)
		return false;
	memcpy(out, wgi_test_timestamp, WGI_TIMESTAMP_LEN);
	return true;
}
#else
static u64 wgi_first_sending_nonce(void)
{
	return 0;
}

static bool wgi_test_fixed_ephemeral(u8 out[WGI_KEY_LEN])
{
	return false;
}

static bool wgi_test_fixed_timestamp(u8 out[WGI_TIMESTAMP_LEN])
{
	return false;
}
#endif

static const u8 construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/* Initial chaining key and hash, the same for every handshake. */
static u8 initial_chaining_key[WGI_HASH_LEN];
static u8 initial_hash[WGI_HASH_LEN];

/* Leak accounting, compared by the tests after teardown. */
atomic64_t wgi_keypairs_created = ATOMIC64_INIT(0);
atomic64_t wgi_keypairs_destroyed = ATOMIC64_INIT(0);
static atomic64_t keypair_id_counter = ATOMIC64_INIT(0);

/* Flood guard: at most this many accepted initiations per peer a second. */
#define WGI_MAX_INITIATIONS_PER_SECOND	50
#define WGI_INITIATION_MIN_INTERVAL \
	DIV_ROUND_UP(HZ, WGI_MAX_INITIATIONS_PER_SECOND)
/*
 * Our timestamps carry no finer time than this, so they do not give away
 * the clock precisely; it matches the flood guard's interval.
 */
#define WGI_TIMESTAMP_GRANULARITY_NS \
	(NSEC_PER_SEC / WGI_MAX_INITIATIONS_PER_SECOND)

/* ---- Primitives: HASH, HMAC and the HKDF-style KDF over BLAKE2s ---- */

static void hash_two(u8 out[WGI_HASH_LEN], const u8 *a, size_t a_len,
		     const u8 *b, size_t b_len)
{
	struct blake2s_state state;

	blake2s_init(&state, WGI_HASH_LEN);
	blake2s_update(&state, a, a_len);
	blake2s_update(&state, b, b_len);
	blake2s_final(&state, out);
}

/* HMAC (RFC 2104) over BLAKE2s; @key is never longer than a hash. */
static void hmac_blake2s(u8 out[WGI_HASH_LEN], const u8 *in, size_t in_len,
			 const u8 *key, size_t key_len)
{
	u8 pad[BLAKE2S_BLOCK_SIZE] __aligned(sizeof(u32));
	u8 inner[WGI_HASH_LEN];
	struct blake2s_state state;
	unsigned int i;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, min_t(size_t, key_len, sizeof(pad)));
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	blake2s_init(&state, WGI_HASH_LEN);
	blake2s_update(&state, pad, sizeof(pad));
	blake2s_update(&state, in, in_len);
	blake2s_final(&state, inner);

	/* 0x36 ^ 0x5c turns the inner pad into the outer one. */
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&state, WGI_HASH_LEN);
	blake2s_update(&state, pad, sizeof(pad));
	blake2s_update(&state, inner, sizeof(inner));
	blake2s_final(&state, out);

	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
}

/*
 * KDF_n(key, input) from the whitepaper: t0 = HMAC(key, input),
 * t1 = HMAC(t0, 0x1), ti = HMAC(t0, t(i-1) || i). Outputs not wanted are
 * passed as NULL; each output is WGI_HASH_LEN bytes.
 */
static void kdf(u8 *out1, u8 *out2, u8 *out3, const u8 *input,
		size_t input_len, const u8 key[WGI_HASH_LEN])
{
	u8 *outs[3] = { out1, out2, out3 };
	u8 prk[WGI_HASH_LEN], block[WGI_HASH_LEN + 1];
	size_t block_len = 0;
	unsigned int i;

	hmac_blake2s(prk, input, input_len, key, WGI_HASH_LEN);
	for (i = 0; i < ARRAY_SIZE(outs) && outs[i]; i++) {
		block[block_len] = i + 1;
		hmac_blake2s(block, block, block_len + 1, prk, WGI_HASH_LEN);
		memcpy(outs[i], block, WGI_HASH_LEN);
		block_len = WGI_HASH_LEN;
	}
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(block, sizeof(block));
}

static void mix_hash(u8 hash[WGI_HASH_LEN], const u8 *data, size_t len)
{
	hash_two(hash, hash, WGI_HASH_LEN, data, len);
}

/* C := KDF1(C, data): ephemeral keys and DH results enter the chain. */
static void mix_chain(u8 ck[WGI_HASH_LEN], const u8 *data, size_t len)
{
	kdf(ck, NULL, NULL, data, len, ck);
}

/* (C, k) := KDF2(C, data). */
static void mix_key(u8 ck[WGI_HASH_LEN], u8 key[WGI_KEY_LEN],
		    const u8 *data, size_t len)
{
	kdf(ck, key, NULL, data, len, ck);
}

/* Mixes DH(priv, pub) into the chain (and @key, if given). */
static bool __must_check mix_dh(u8 ck[WGI_HASH_LEN], u8 *key,
				const u8 priv[WGI_KEY_LEN],
				const u8 pub[WGI_PUBKEY_LEN])
{
	u8 shared[WGI_KEY_LEN];
	bool ok;

	ok = curve25519(shared, priv, pub);	/* false: all-zero output */
	if (ok) {
		if (key)
			mix_key(ck, key, shared, sizeof(shared));
		else
			mix_chain(ck, shared, sizeof(shared));
	}
	memzero_explicit(shared, sizeof(shared));
	return ok;
}

/* As mix_dh, from DH(s_i, S_r) computed when the keys were configured. */
static bool __must_check mix_static_static(u8 ck[WGI_HASH_LEN],
					   u8 key[WGI_KEY_LEN],
					   const u8 ss[WGI_KEY_LEN])
{
	static const u8 zero[WGI_KEY_LEN];

	if (!crypto_memneq(ss, zero, WGI_KEY_LEN))
		return false;	/* no identity, or a low-order peer key */
	mix_key(ck, key, ss, WGI_KEY_LEN);
	return true;
}

/* (C, tau, k) := KDF3(C, Q); H := HASH(H || tau). */
static void mix_psk(u8 ck[WGI_HASH_LEN], u8 hash[WGI_HASH_LEN],
		    u8 key[WGI_KEY_LEN], const u8 psk[WGI_KEY_LEN])
{
	u8 tau[WGI_HASH_LEN];

	kdf(ck, tau, key, psk, WGI_KEY_LEN, ck);
	mix_hash(hash, tau, sizeof(tau));
	memzero_explicit(tau, sizeof(tau));
}

/* AEAD(k, 0, plain, H), then H := HASH(H || ciphertext). */
static void seal_and_hash(u8 *dst, const u8 *plain, size_t len,
			  const u8 key[WGI_KEY_LEN], u8 hash[WGI_HASH_LEN])
{
	chacha20poly1305_encrypt(dst, plain, len, hash, WGI_HASH_LEN, 0, key);
	mix_hash(hash, dst, len + WGI_AEAD_TAG_LEN);
}

static bool __must_check open_and_hash(u8 *dst, const u8 *src, size_t src_len,
				       const u8 key[WGI_KEY_LEN],
				       u8 hash[WGI_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(dst, src, src_len, hash, WGI_HASH_LEN,
				      0, key))
		return false;
	mix_hash(hash, src, src_len);
	return true;
}

/* C := HASH(CONSTRUCTION), H := HASH(HASH(C || IDENTIFIER) || S_r). */
static void handshake_start(u8 ck[WGI_HASH_LEN], u8 hash[WGI_HASH_LEN],
			    const u8 responder_static[WGI_PUBKEY_LEN])
{
	memcpy(ck, initial_chaining_key, WGI_HASH_LEN);
	memcpy(hash, initial_hash, WGI_HASH_LEN);
	mix_hash(hash, responder_static, WGI_PUBKEY_LEN);
}

/* TAI64N: big-endian 2^62 + 10 + seconds, then nanoseconds (coarsened). */
static void tai64n_now(u8 out[WGI_TIMESTAMP_LEN])
{
	struct timespec64 now;
	__be64 secs;
	__be32 nsecs;

	if (wgi_test_fixed_timestamp(out))
		return;
	ktime_get_real_ts64(&now);
	now.tv_nsec -= now.tv_nsec % WGI_TIMESTAMP_GRANULARITY_NS;
	secs = cpu_to_be64((1ULL << 62) + 10 + now.tv_sec);
	nsecs = cpu_to_be32(now.tv_nsec);
	memcpy(out, &secs, sizeof(secs));
	memcpy(out + sizeof(secs), &nsecs, sizeof(nsecs));
}

/* A fresh ephemeral private key (debug builds: the self-test's, if set). */
static void generate_ephemeral(u8 out[WGI_KEY_LEN])
{
	if (!wgi_test_fixed_ephemeral(out))
		curve25519_generate_secret(out);
}

void wgi_noise_init(void)
{
	blake2s(initial_chaining_key, construction, NULL, WGI_HASH_LEN,
		sizeof(construction) - 1, 0);
	hash_two(initial_hash, initial_chaining_key, WGI_HASH_LEN,
		 identifier, sizeof(identifier) - 1);
}

/* ---- Static identity and per-peer handshake state ---- */

void wgi_noise_static_identity_init(struct wgi_static_identity *id)
{
	memset(id->private_key, 0, sizeof(id->private_key));
	memset(id->public_key, 0, sizeof(id->public_key));
	id->has_identity = false;
	init_rwsem(&id->lock);
}

void wgi_noise_static_identity_clear(struct wgi_static_identity *id)
{
	down_write(&id->lock);
	memzero_explicit(id->private_key, sizeof(id->private_key));
	memset(id->public_key, 0, sizeof(id->public_key));
	id->has_identity = false;
	up_write(&id->lock);
}

void wgi_noise_set_static_identity_private_key(struct wgi_static_identity *id,
					       const u8 private_key[WGI_KEY_LEN])
{
	static const u8 zero[WGI_KEY_LEN];

	lockdep_assert_held_write(&id->lock);
	/*
	 * An all-zero key means "no identity". Test before clamping, which
	 * would turn zero into a valid-looking scalar.
	 */
	id->has_identity = crypto_memneq(private_key, zero, WGI_KEY_LEN);
	memcpy(id->private_key, private_key, WGI_KEY_LEN);
	curve25519_clamp_secret(id->private_key);
	if (id->has_identity)
		id->has_identity = curve25519_generate_public(id->public_key,
							      id->private_key);
	if (!id->has_identity) {
		memzero_explicit(id->private_key, sizeof(id->private_key));
		memset(id->public_key, 0, sizeof(id->public_key));
	}
}

/* Caller holds hs->lock for writing (or owns @hs exclusively). */
static void handshake_precompute_locked(struct wgi_handshake *hs)
{
	struct wgi_static_identity *id = hs->static_identity;

	if (!id->has_identity ||
	    !curve25519(hs->precomputed_static_static, id->private_key,
			hs->remote_static))
		memzero_explicit(hs->precomputed_static_static,
				 sizeof(hs->precomputed_static_static));
}

void wgi_noise_precompute_static_static(struct wgi_peer *peer)
{
	struct wgi_handshake *hs = &peer->handshake;

	down_write(&hs->lock);
	handshake_precompute_locked(hs);
	up_write(&hs->lock);
}

void wgi_noise_handshake_init(struct wgi_handshake *hs,
			      struct wgi_static_identity *id,
			      const u8 peer_public_key[WGI_PUBKEY_LEN],
			      const u8 preshared_key[WGI_KEY_LEN],
			      struct wgi_peer *peer)
{
	memset(hs, 0, sizeof(*hs));
	init_rwsem(&hs->lock);
	INIT_HLIST_NODE(&hs->entry.node);
	hs->entry.type = WGI_INDEX_HANDSHAKE;
	hs->entry.peer = peer;
	hs->static_identity = id;
	hs->state = WGI_HS_ZEROED;
	memcpy(hs->remote_static, peer_public_key, WGI_PUBKEY_LEN);
	if (preshared_key)
		memcpy(hs->preshared_key, preshared_key, WGI_KEY_LEN);
	handshake_precompute_locked(hs);
}

void wgi_noise_set_preshared_key(struct wgi_handshake *hs,
				 const u8 preshared_key[WGI_KEY_LEN])
{
	down_write(&hs->lock);
	if (preshared_key)
		memcpy(hs->preshared_key, preshared_key, WGI_KEY_LEN);
	else
		memzero_explicit(hs->preshared_key, WGI_KEY_LEN);
	up_write(&hs->lock);
}

static struct wgi_index_table *handshake_index_table(struct wgi_handshake *hs)
{
	return hs->entry.peer->device->index_hashtable;
}

/* Forgets the in-flight handshake; keeps configuration and replay guard. */
static void handshake_zero_locked(struct wgi_handshake *hs)
{
	memzero_explicit(hs->ephemeral_private, sizeof(hs->ephemeral_private));
	memzero_explicit(hs->remote_ephemeral, sizeof(hs->remote_ephemeral));
	memzero_explicit(hs->hash, sizeof(hs->hash));
	memzero_explicit(hs->chaining_key, sizeof(hs->chaining_key));
	hs->remote_index = 0;
	hs->state = WGI_HS_ZEROED;
}

void wgi_noise_handshake_clear(struct wgi_handshake *hs)
{
	down_write(&hs->lock);
	wgi_index_table_remove(handshake_index_table(hs), &hs->entry);
	handshake_zero_locked(hs);
	up_write(&hs->lock);
}

/*
 * One locked section: a handshake worker that found the peer before it
 * was unlinked either finished with the handshake before this (and its
 * state and index entry are wiped here) or finds it dead after, and
 * then creates nothing. Two sections would let it slip in between and
 * install a session on a peer that teardown has already passed.
 */
void wgi_noise_handshake_destroy(struct wgi_handshake *hs)
{
	down_write(&hs->lock);
	hs->is_dead = true;
	wgi_index_table_remove(handshake_index_table(hs), &hs->entry);
	handshake_zero_locked(hs);
	memzero_explicit(hs->preshared_key, sizeof(hs->preshared_key));
	memzero_explicit(hs->precomputed_static_static,
			 sizeof(hs->precomputed_static_static));
	up_write(&hs->lock);
}

/* ---- Handshake messages ---- */

bool wgi_noise_create_initiation(struct wgi_msg_handshake_initiation *dst,
				 struct wgi_handshake *hs)
{
	struct wgi_static_identity *id = hs->static_identity;
	u8 timestamp[WGI_TIMESTAMP_LEN];
	u8 key[WGI_KEY_LEN];
	bool ok = false;

	down_read(&id->lock);
	down_write(&hs->lock);
	if (!id->has_identity || hs->is_dead)
		goto out;

	dst->header.type = cpu_to_le32(WGI_MSG_HANDSHAKE_INITIATION);
	handshake_start(hs->chaining_key, hs->hash, hs->remote_static);

	/* e */
	generate_ephemeral(hs->ephemeral_private);
	if (!curve25519_generate_public(dst->unencrypted_ephemeral,
					hs->ephemeral_private))
		goto fail;
	mix_chain(hs->chaining_key, dst->unencrypted_ephemeral, WGI_PUBKEY_LEN);
	mix_hash(hs->hash, dst->unencrypted_ephemeral, WGI_PUBKEY_LEN);

	/* es */
	if (!mix_dh(hs->chaining_key, key, hs->ephemeral_private,
		    hs->remote_static))
		goto fail;

	/* s */
	seal_and_hash(dst->encrypted_static, id->public_key, WGI_PUBKEY_LEN,
		      key, hs->hash);

	/* ss */
	if (!mix_static_static(hs->chaining_key, key,
			       hs->precomputed_static_static))
		goto fail;

	/* {t} */
	tai64n_now(timestamp);
	seal_and_hash(dst->encrypted_timestamp, timestamp, WGI_TIMESTAMP_LEN,
		      key, hs->hash);

	dst->sender_index = wgi_index_table_insert(handshake_index_table(hs),
						   &hs->entry);
	hs->state = WGI_HS_CREATED_INITIATION;
	ok = true;
	goto out;
fail:
	handshake_zero_locked(hs);
out:
	up_write(&hs->lock);
	up_read(&id->lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(timestamp, sizeof(timestamp));
	return ok;
}

/* Replay and flood checks for a decrypted initiation; hs->lock held. */
static bool initiation_is_acceptable(struct wgi_handshake *hs,
				     const u8 timestamp[WGI_TIMESTAMP_LEN])
{
	/* Big-endian TAI64N: byte order is numeric order. */
	if (memcmp(timestamp, hs->latest_timestamp, WGI_TIMESTAMP_LEN) <= 0)
		return false;
	if (hs->last_initiation_consumption &&
	    time_before64(get_jiffies_64(), hs->last_initiation_consumption +
			  wgi_protocol_jiffies(WGI_INITIATION_MIN_INTERVAL)))
		return false;
	return true;
}

struct wgi_peer *
wgi_noise_consume_initiation(const struct wgi_msg_handshake_initiation *src,
			     struct wgi_device *wg)
{
	struct wgi_static_identity *id = &wg->static_identity;
	u8 ck[WGI_HASH_LEN], hash[WGI_HASH_LEN], key[WGI_KEY_LEN];
	u8 remote_static[WGI_PUBKEY_LEN];
	u8 timestamp[WGI_TIMESTAMP_LEN];
	struct wgi_peer *peer = NULL;
	struct wgi_handshake *hs;
	bool ok = false;

	down_read(&id->lock);
	if (!id->has_identity)
		goto out;

	handshake_start(ck, hash, id->public_key);

	/* e */
	mix_chain(ck, src->unencrypted_ephemeral, WGI_PUBKEY_LEN);
	mix_hash(hash, src->unencrypted_ephemeral, WGI_PUBKEY_LEN);

	/* es */
	if (!mix_dh(ck, key, id->private_key, src->unencrypted_ephemeral))
		goto out;

	/* s */
	if (!open_and_hash(remote_static, src->encrypted_static,
			   sizeof(src->encrypted_static), key, hash))
		goto out;

	peer = wgi_pubkey_table_lookup(wg->peer_hashtable, remote_static);
	if (!peer)
		goto out;
	hs = &peer->handshake;

	/* The peer may be removed right here (tests widen the window). */
	wgi_race_delay(WGI_RACE_CONSUME_INITIATION);
	down_write(&hs->lock);
	/* ss, {t}: cheap (precomputed DH), so done under the lock. */
	ok = !hs->is_dead &&
	     mix_static_static(ck, key, hs->precomputed_static_static) &&
	     open_and_hash(timestamp, src->encrypted_timestamp,
			   sizeof(src->encrypted_timestamp), key, hash) &&
	     initiation_is_acceptable(hs, timestamp);
	if (ok) {
		memcpy(hs->latest_timestamp, timestamp, WGI_TIMESTAMP_LEN);
		hs->last_initiation_consumption = get_jiffies_64();
		memcpy(hs->remote_ephemeral, src->unencrypted_ephemeral,
		       WGI_PUBKEY_LEN);
		memcpy(hs->chaining_key, ck, WGI_HASH_LEN);
		memcpy(hs->hash, hash, WGI_HASH_LEN);
		hs->remote_index = src->sender_index;
		hs->state = WGI_HS_CONSUMED_INITIATION;
	}
	up_write(&hs->lock);
out:
	up_read(&id->lock);
	memzero_explicit(ck, sizeof(ck));
	memzero_explicit(hash, sizeof(hash));
	memzero_explicit(key, sizeof(key));
	memzero_explicit(timestamp, sizeof(timestamp));
	if (peer && !ok) {
		wgi_peer_put(peer);
		peer = NULL;
	}
	return peer;
}

bool wgi_noise_create_response(struct wgi_msg_handshake_response *dst,
			       struct wgi_handshake *hs)
{
	struct wgi_static_identity *id = hs->static_identity;
	u8 key[WGI_KEY_LEN];
	bool ok = false;

	down_read(&id->lock);
	down_write(&hs->lock);
	if (hs->state != WGI_HS_CONSUMED_INITIATION || hs->is_dead)
		goto out;

	dst->header.type = cpu_to_le32(WGI_MSG_HANDSHAKE_RESPONSE);
	dst->receiver_index = hs->remote_index;

	/* e */
	generate_ephemeral(hs->ephemeral_private);
	if (!curve25519_generate_public(dst->unencrypted_ephemeral,
					hs->ephemeral_private))
		goto fail;
	mix_chain(hs->chaining_key, dst->unencrypted_ephemeral, WGI_PUBKEY_LEN);
	mix_hash(hs->hash, dst->unencrypted_ephemeral, WGI_PUBKEY_LEN);

	/* ee, se */
	if (!mix_dh(hs->chaining_key, NULL, hs->ephemeral_private,
		    hs->remote_ephemeral) ||
	    !mix_dh(hs->chaining_key, NULL, hs->ephemeral_private,
		    hs->remote_static))
		goto fail;

	/* psk */
	mix_psk(hs->chaining_key, hs->hash, key, hs->preshared_key);

	/* {} */
	seal_and_hash(dst->encrypted_nothing, dst->encrypted_nothing, 0, key,
		      hs->hash);

	dst->sender_index = wgi_index_table_insert(handshake_index_table(hs),
						   &hs->entry);
	hs->state = WGI_HS_CREATED_RESPONSE;
	ok = true;
	goto out;
fail:
	handshake_zero_locked(hs);
out:
	up_write(&hs->lock);
	up_read(&id->lock);
	memzero_explicit(key, sizeof(key));
	return ok;
}

struct wgi_peer *
wgi_noise_consume_response(const struct wgi_msg_handshake_response *src,
			   struct wgi_device *wg)
{
	struct wgi_static_identity *id = &wg->static_identity;
	u8 ck[WGI_HASH_LEN], hash[WGI_HASH_LEN], key[WGI_KEY_LEN];
	u8 nothing[1];	/* the empty plaintext's (unused) destination */
	struct wgi_index_entry *entry;
	struct wgi_handshake *hs;
	struct wgi_peer *peer;
	bool ok = false;

	entry = wgi_index_table_lookup(wg->index_hashtable, WGI_INDEX_HANDSHAKE,
				       src->receiver_index, &peer);
	if (!entry)
		return NULL;
	hs = container_of(entry, struct wgi_handshake, entry);

	down_read(&id->lock);
	if (!id->has_identity)
		goto out_identity;
	down_write(&hs->lock);
	/* A newer initiation replaced the one this answers: stale. */
	if (hs->state != WGI_HS_CREATED_INITIATION ||
	    hs->entry.index != src->receiver_index || hs->is_dead)
		goto out;

	/* Work on copies so a forged response cannot spoil our state. */
	memcpy(ck, hs->chaining_key, WGI_HASH_LEN);
	memcpy(hash, hs->hash, WGI_HASH_LEN);

	/* e */
	mix_chain(ck, src->unencrypted_ephemeral, WGI_PUBKEY_LEN);
	mix_hash(hash, src->unencrypted_ephemeral, WGI_PUBKEY_LEN);

	/* ee, se */
	if (!mix_dh(ck, NULL, hs->ephemeral_private,
		    src->unencrypted_ephemeral) ||
	    !mix_dh(ck, NULL, id->private_key, src->unencrypted_ephemeral))
		goto out;

	/* psk, {} */
	mix_psk(ck, hash, key, hs->preshared_key);
	if (!open_and_hash(nothing, src->encrypted_nothing,
			   sizeof(src->encrypted_nothing), key, hash))
		goto out;

	memcpy(hs->remote_ephemeral, src->unencrypted_ephemeral,
	       WGI_PUBKEY_LEN);
	memcpy(hs->chaining_key, ck, WGI_HASH_LEN);
	memcpy(hs->hash, hash, WGI_HASH_LEN);
	hs->remote_index = src->sender_index;
	hs->state = WGI_HS_CONSUMED_RESPONSE;
	ok = true;
out:
	up_write(&hs->lock);
out_identity:
	up_read(&id->lock);
	memzero_explicit(ck, sizeof(ck));
	memzero_explicit(hash, sizeof(hash));
	memzero_explicit(key, sizeof(key));
	if (!ok) {
		wgi_peer_put(peer);
		peer = NULL;
	}
	return peer;
}

/* ---- Keypairs ---- */

static void keypair_free_rcu(struct rcu_head *rcu)
{
	/* kfree_sensitive() wipes the session keys before freeing. */
	kfree_sensitive(container_of(rcu, struct wgi_keypair, rcu));
	atomic64_inc(&wgi_keypairs_destroyed);
}

static void keypair_release(struct kref *kref)
{
	struct wgi_keypair *kp = container_of(kref, struct wgi_keypair,
					      refcount);

	/* Normally unhashed already when it left its peer's slots. */
	if (!hlist_unhashed(&kp->entry.node))
		wgi_index_table_remove(kp->entry.peer->device->index_hashtable,
				       &kp->entry);
	call_rcu(&kp->rcu, keypair_free_rcu);
}

struct wgi_keypair *wgi_keypair_get(struct wgi_keypair *kp)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "keypair get outside RCU read side");
	if (unlikely(!kp || !kref_get_unless_zero(&kp->refcount)))
		return NULL;
	return kp;
}

void wgi_keypair_put(struct wgi_keypair *kp, bool unreference_now)
{
	if (!kp)
		return;
	/* Stop new lookups by index now, not when the last ref goes. */
	if (unreference_now)
		wgi_index_table_remove(kp->entry.peer->device->index_hashtable,
				       &kp->entry);
	kref_put(&kp->refcount, keypair_release);
}

/* Derives transport keys from a finished handshake; hs->lock held. */
static struct wgi_keypair *keypair_create(struct wgi_handshake *hs,
					  bool initiator)
{
	struct wgi_keypair *kp = kzalloc(sizeof(*kp), GFP_KERNEL);
	u64 now = ktime_get_coarse_boottime_ns();

	if (!kp)
		return NULL;
	kref_init(&kp->refcount);
	INIT_HLIST_NODE(&kp->entry.node);
	kp->entry.type = WGI_INDEX_KEYPAIR;
	kp->entry.peer = hs->entry.peer;
	kp->internal_id = atomic64_inc_return(&keypair_id_counter);
	kp->i_am_the_initiator = initiator;
	kp->remote_index = hs->remote_index;
	atomic64_set(&kp->sending_counter, wgi_first_sending_nonce());
	wgi_replay_init(&kp->receiving_counter);

	/* (T_send_i, T_recv_i) = (T_recv_r, T_send_r) = KDF2(C, empty). */
	if (initiator)
		kdf(kp->sending.key, kp->receiving.key, NULL, NULL, 0,
		    hs->chaining_key);
	else
		kdf(kp->receiving.key, kp->sending.key, NULL, NULL, 0,
		    hs->chaining_key);
	kp->sending.birthdate = now;
	kp->receiving.birthdate = now;
	kp->sending.is_valid = true;
	kp->receiving.is_valid = true;
	atomic64_inc(&wgi_keypairs_created);
	return kp;
}

#define keypairs_deref(kps, slot) \
	rcu_dereference_protected((kps)->slot, lockdep_is_held(&(kps)->lock))

/*
 * Initiator: the new session is usable at once, so it becomes current.
 * If an unconfirmed responder session was waiting in next, it is newer
 * than current and the peer may already send with it, so it is the one
 * kept as previous. Responder: the new session waits in next until the
 * initiator proves it has it by sending data.
 */
static void keypairs_install(struct wgi_keypairs *kps, struct wgi_keypair *kp)
{
	struct wgi_keypair *drop1 = NULL, *drop2 = NULL;
	struct wgi_keypair *next, *current_kp;

	spin_lock_bh(&kps->lock);
	next = keypairs_deref(kps, next_keypair);
	current_kp = keypairs_deref(kps, current_keypair);
	if (!kp->i_am_the_initiator) {
		drop1 = next;
		rcu_assign_pointer(kps->next_keypair, kp);
	} else if (next) {
		drop1 = keypairs_deref(kps, previous_keypair);
		drop2 = current_kp;
		RCU_INIT_POINTER(kps->next_keypair, NULL);
		rcu_assign_pointer(kps->previous_keypair, next);
		rcu_assign_pointer(kps->current_keypair, kp);
	} else {
		drop1 = keypairs_deref(kps, previous_keypair);
		rcu_assign_pointer(kps->previous_keypair, current_kp);
		rcu_assign_pointer(kps->current_keypair, kp);
	}
	spin_unlock_bh(&kps->lock);
	wgi_keypair_put(drop1, true);
	wgi_keypair_put(drop2, true);
}

bool wgi_noise_begin_session(struct wgi_handshake *hs,
			     struct wgi_keypairs *keypairs)
{
	struct wgi_keypair *kp;
	bool initiator;
	bool ok = false;

	down_write(&hs->lock);
	/*
	 * A dead peer gets no session: teardown clears the keypairs after
	 * destroying the handshake, so one installed now would never go.
	 */
	if ((hs->state != WGI_HS_CREATED_RESPONSE &&
	     hs->state != WGI_HS_CONSUMED_RESPONSE) || hs->is_dead)
		goto out;
	initiator = hs->state == WGI_HS_CONSUMED_RESPONSE;

	kp = keypair_create(hs, initiator);
	if (!kp)
		goto out;
	/* The keypair takes over the index the peer already knows us by. */
	if (!wgi_index_table_replace(handshake_index_table(hs), &hs->entry,
				     &kp->entry)) {
		wgi_keypair_put(kp, false);
		goto out;
	}
	handshake_zero_locked(hs);
	keypairs_install(keypairs, kp);
	ktime_get_real_ts64(&hs->entry.peer->walltime_last_handshake);
	ok = true;
out:
	up_write(&hs->lock);
	return ok;
}

bool wgi_noise_received_with_keypair(struct wgi_keypairs *keypairs,
				     struct wgi_keypair *received)
{
	struct wgi_keypair *old_previous;

	/* Lockless early out for the common case: not the next keypair. */
	if (likely(received != rcu_access_pointer(keypairs->next_keypair)))
		return false;

	spin_lock_bh(&keypairs->lock);
	if (received != keypairs_deref(keypairs, next_keypair)) {
		spin_unlock_bh(&keypairs->lock);
		return false;
	}
	old_previous = keypairs_deref(keypairs, previous_keypair);
	rcu_assign_pointer(keypairs->previous_keypair,
			   keypairs_deref(keypairs, current_keypair));
	rcu_assign_pointer(keypairs->current_keypair, received);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);
	spin_unlock_bh(&keypairs->lock);

	wgi_keypair_put(old_previous, true);
	return true;
}

void wgi_noise_keypairs_clear(struct wgi_keypairs *keypairs)
{
	struct wgi_keypair *slots[3];
	unsigned int i;

	spin_lock_bh(&keypairs->lock);
	slots[0] = keypairs_deref(keypairs, previous_keypair);
	slots[1] = keypairs_deref(keypairs, current_keypair);
	slots[2] = keypairs_deref(keypairs, next_keypair);
	RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);
	spin_unlock_bh(&keypairs->lock);

	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		/* Holders of a reference must stop using the keys now. */
		if (slots[i]) {
			WRITE_ONCE(slots[i]->sending.is_valid, false);
			WRITE_ONCE(slots[i]->receiving.is_valid, false);
		}
		wgi_keypair_put(slots[i], true);
	}
}

void wgi_noise_expire_current_keypair(struct wgi_keypairs *keypairs)
{
	struct wgi_keypair *kp;

	/* Stop sending with what we have, which forces a new handshake. */
	spin_lock_bh(&keypairs->lock);
	kp = keypairs_deref(keypairs, next_keypair);
	if (kp)
		WRITE_ONCE(kp->sending.is_valid, false);
	kp = keypairs_deref(keypairs, current_keypair);
	if (kp)
		WRITE_ONCE(kp->sending.is_valid, false);
	spin_unlock_bh(&keypairs->lock);
}

void wgi_noise_keypairs_init(struct wgi_keypairs *keypairs)
{
	RCU_INIT_POINTER(keypairs->previous_keypair, NULL);
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	RCU_INIT_POINTER(keypairs->next_keypair, NULL);
	spin_lock_init(&keypairs->lock);
}
