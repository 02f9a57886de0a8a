// SPDX-License-Identifier: GPL-2.0
/*
 * MAC1/MAC2 and cookie replies (whitepaper section 5.4.7).
 *
 * mac1 proves the sender knows our public key; mac2, checked only under
 * load, proves it can receive at its source address, because it is keyed
 * with a cookie we derived from that address and a secret rotated every
 * two minutes. All of this runs in process context (rwsems).
 */
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <crypto/algapi.h>
#include "cookie.h"
#include "peer.h"
#include "device.h"
#include "timers.h"

static const u8 label_mac1[] = "mac1----";
static const u8 label_cookie[] = "cookie--";

/* HASH(label || pubkey): the per-public-key MAC1 and cookie keys. */
static void derive_key(u8 out[WGI_KEY_LEN], const u8 label[8],
		       const u8 pubkey[WGI_PUBKEY_LEN])
{
	struct blake2s_state state;

	blake2s_init(&state, WGI_KEY_LEN);
	blake2s_update(&state, label, 8);
	blake2s_update(&state, pubkey, WGI_PUBKEY_LEN);
	blake2s_final(&state, out);
}

/* MAC(key, msg) = keyed BLAKE2s with a 16-byte output. */
static void mac16(u8 out[WGI_MAC_LEN], const void *msg, size_t len,
		  const u8 *key, size_t key_len)
{
	blake2s(out, msg, key, WGI_MAC_LEN, len, key_len);
}

static size_t mac1_offset(size_t len)
{
	return len - sizeof(struct wgi_msg_macs);
}

static size_t mac2_offset(size_t len)
{
	return len - sizeof(((struct wgi_msg_macs *)NULL)->mac2);
}

#ifdef WGI_DEBUG
/* The self-test's cookie reply nonce (wgi_cookie_test_nonce()). */
static u8 wgi_test_nonce[WGI_COOKIE_NONCE_LEN];
static bool wgi_test_have_nonce;

void wgi_cookie_test_nonce(const u8 nonce[WGI_COOKIE_NONCE_LEN])
{
	wgi_test_have_nonce = !!nonce;
	if (nonce)
		memcpy(wgi_test_nonce, nonce, WGI_COOKIE_NONCE_LEN);
	else
		memset(wgi_test_nonce, 0, WGI_COOKIE_NONCE_LEN);
}

static void reply_nonce(u8 nonce[WGI_COOKIE_NONCE_LEN])
{
	if (wgi_test_have_nonce)
		memcpy(nonce, wgi_test_nonce, WGI_COOKIE_NONCE_LEN);
	else
		get_random_bytes(nonce, WGI_COOKIE_NONCE_LEN);
}
#else
static void reply_nonce(u8 nonce[WGI_COOKIE_NONCE_LEN])
{
	get_random_bytes(nonce, WGI_COOKIE_NONCE_LEN);
}
#endif

/* ---- Responder side ---- */

void wgi_cookie_checker_init(struct wgi_cookie_checker *c,
			     struct wgi_device *wg)
{
	memset(c, 0, sizeof(*c));
	init_rwsem(&c->secret_lock);
	get_random_bytes(c->secret, sizeof(c->secret));
	c->secret_birthdate = get_jiffies_64();
	c->device = wg;
}

/* Caller holds the static identity's lock (for writing, when it changed). */
void wgi_cookie_checker_precompute_device_keys(struct wgi_cookie_checker *c)
{
	struct wgi_static_identity *id = &c->device->static_identity;

	down_write(&c->secret_lock);
	if (id->has_identity) {
		derive_key(c->cookie_encryption_key, label_cookie,
			   id->public_key);
		derive_key(c->message_mac1_key, label_mac1, id->public_key);
	} else {
		memzero_explicit(c->cookie_encryption_key,
				 sizeof(c->cookie_encryption_key));
		memzero_explicit(c->message_mac1_key,
				 sizeof(c->message_mac1_key));
	}
	up_write(&c->secret_lock);
}

static bool secret_is_stale(struct wgi_cookie_checker *c)
{
	return time_after64(get_jiffies_64(), c->secret_birthdate +
			    wgi_protocol_secs_to_jiffies(WGI_COOKIE_SECRET_MAX_AGE));
}

/* Rotates the secret if due; returns with c->secret_lock held for read. */
static void secret_read_lock_fresh(struct wgi_cookie_checker *c)
{
	down_read(&c->secret_lock);
	if (likely(!secret_is_stale(c)))
		return;
	up_read(&c->secret_lock);

	down_write(&c->secret_lock);
	if (secret_is_stale(c)) {	/* unless another task just did */
		get_random_bytes(c->secret, sizeof(c->secret));
		c->secret_birthdate = get_jiffies_64();
	}
	downgrade_write(&c->secret_lock);
}

/*
 * The bytes a cookie binds to: outer source address then UDP source port,
 * as they appear on the wire. Returns their length (0 if not IP).
 */
static size_t source_address_bytes(struct sk_buff *skb, u8 out[18])
{
	__be16 port = udp_hdr(skb)->source;

	if (skb->protocol == htons(ETH_P_IP)) {
		memcpy(out, &ip_hdr(skb)->saddr, 4);
		memcpy(out + 4, &port, sizeof(port));
		return 4 + sizeof(port);
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		memcpy(out, &ipv6_hdr(skb)->saddr, 16);
		memcpy(out + 16, &port, sizeof(port));
		return 16 + sizeof(port);
	}
	return 0;
}

/* cookie = MAC(secret, source address || port); secret_lock held. */
static void make_cookie(u8 cookie[WGI_COOKIE_LEN], struct sk_buff *skb,
			struct wgi_cookie_checker *c)
{
	u8 source[18];
	size_t len = source_address_bytes(skb, source);

	mac16(cookie, source, len, c->secret, sizeof(c->secret));
}

enum wgi_cookie_mac_state
wgi_cookie_validate_packet(struct wgi_cookie_checker *c, struct sk_buff *skb,
			   const void *msg, size_t len, bool check_cookie)
{
	const struct wgi_msg_macs *macs;
	enum wgi_cookie_mac_state state = WGI_MACS_INVALID;
	u8 computed[WGI_MAC_LEN], cookie[WGI_COOKIE_LEN];

	might_sleep();
	if (len < sizeof(struct wgi_msg_header) + sizeof(*macs))
		return WGI_MACS_INVALID;
	macs = msg + mac1_offset(len);

	secret_read_lock_fresh(c);
	mac16(computed, msg, mac1_offset(len), c->message_mac1_key,
	      sizeof(c->message_mac1_key));
	if (crypto_memneq(computed, macs->mac1, WGI_MAC_LEN))
		goto out;

	state = WGI_MACS_VALID_MAC1_NO_COOKIE;
	if (!check_cookie)
		goto out;

	make_cookie(cookie, skb, c);
	mac16(computed, msg, mac2_offset(len), cookie, sizeof(cookie));
	if (!crypto_memneq(computed, macs->mac2, WGI_MAC_LEN))
		state = WGI_MACS_VALID_MAC1_AND_COOKIE;
out:
	up_read(&c->secret_lock);
	memzero_explicit(cookie, sizeof(cookie));
	memzero_explicit(computed, sizeof(computed));
	return state;
}

void wgi_cookie_message_create(struct wgi_msg_cookie_reply *dst,
			       struct sk_buff *skb, __le32 index,
			       struct wgi_cookie_checker *c)
{
	u8 cookie[WGI_COOKIE_LEN], mac1[WGI_MAC_LEN];

	/* The message replied to runs from skb->data to the end, macs last. */
	memset(mac1, 0, sizeof(mac1));
	if (!WARN_ON_ONCE(skb->len < sizeof(struct wgi_msg_macs)))
		skb_copy_bits(skb, mac1_offset(skb->len), mac1, sizeof(mac1));

	dst->header.type = cpu_to_le32(WGI_MSG_COOKIE_REPLY);
	dst->receiver_index = index;
	reply_nonce(dst->nonce);

	secret_read_lock_fresh(c);
	make_cookie(cookie, skb, c);
	/* mac1 as AD ties the reply to the message it answers. */
	xchacha20poly1305_encrypt(dst->encrypted_cookie, cookie,
				  sizeof(cookie), mac1, sizeof(mac1),
				  dst->nonce, c->cookie_encryption_key);
	up_read(&c->secret_lock);
	memzero_explicit(cookie, sizeof(cookie));
}

/* ---- Initiator side ---- */

void wgi_cookie_init(struct wgi_cookie *cookie)
{
	memset(cookie, 0, sizeof(*cookie));
	init_rwsem(&cookie->lock);
}

void wgi_cookie_checker_precompute_peer_keys(struct wgi_peer *peer)
{
	struct wgi_cookie *cookie = &peer->latest_cookie;
	const u8 *remote = peer->handshake.remote_static;

	down_write(&cookie->lock);
	derive_key(cookie->cookie_decryption_key, label_cookie, remote);
	derive_key(cookie->message_mac1_key, label_mac1, remote);
	up_write(&cookie->lock);
}

/* Cookies we received expire a little before the responder's secret. */
static bool cookie_is_usable(const struct wgi_cookie *cookie)
{
	return cookie->is_valid &&
	       time_before64(get_jiffies_64(), cookie->birthdate +
			     wgi_protocol_secs_to_jiffies(WGI_COOKIE_SECRET_MAX_AGE -
							  WGI_COOKIE_SECRET_LATENCY));
}

void wgi_cookie_add_mac_to_packet(void *msg, size_t len,
				  struct wgi_peer *peer)
{
	struct wgi_cookie *cookie = &peer->latest_cookie;
	struct wgi_msg_macs *macs;

	if (WARN_ON_ONCE(len < sizeof(struct wgi_msg_header) + sizeof(*macs)))
		return;
	macs = msg + mac1_offset(len);

	down_write(&cookie->lock);
	mac16(macs->mac1, msg, mac1_offset(len), cookie->message_mac1_key,
	      sizeof(cookie->message_mac1_key));
	/* A cookie reply must carry this mac1 as AD to be accepted. */
	memcpy(cookie->last_mac1_sent, macs->mac1, WGI_MAC_LEN);
	cookie->have_sent_mac1 = true;

	if (cookie_is_usable(cookie))
		mac16(macs->mac2, msg, mac2_offset(len), cookie->cookie,
		      sizeof(cookie->cookie));
	else
		memset(macs->mac2, 0, WGI_MAC_LEN);
	up_write(&cookie->lock);
}

bool wgi_cookie_message_consume(const struct wgi_msg_cookie_reply *src,
				struct wgi_device *wg)
{
	struct wgi_index_entry *entry;
	struct wgi_cookie *cookie;
	struct wgi_peer *peer;
	u8 plain[WGI_COOKIE_LEN];
	bool ok = false;

	entry = wgi_index_table_lookup(wg->index_hashtable,
				       WGI_INDEX_HANDSHAKE | WGI_INDEX_KEYPAIR,
				       src->receiver_index, &peer);
	if (!entry)
		return false;
	cookie = &peer->latest_cookie;

	down_write(&cookie->lock);
	if (!cookie->have_sent_mac1)
		goto out;	/* unsolicited */
	ok = xchacha20poly1305_decrypt(plain, src->encrypted_cookie,
				       sizeof(src->encrypted_cookie),
				       cookie->last_mac1_sent, WGI_MAC_LEN,
				       src->nonce,
				       cookie->cookie_decryption_key);
	if (!ok)
		goto out;
	memcpy(cookie->cookie, plain, WGI_COOKIE_LEN);
	cookie->birthdate = get_jiffies_64();
	cookie->is_valid = true;
	/* One reply per mac1: a replayed reply finds nothing to decrypt. */
	cookie->have_sent_mac1 = false;
out:
	up_write(&cookie->lock);
	memzero_explicit(plain, sizeof(plain));
	wgi_peer_put(peer);
	return ok;
}
