/* SPDX-License-Identifier: GPL-2.0 */
/* MAC1/MAC2 and the cookie-reply mechanism (whitepaper section 5.4.7). */
#ifndef WGI_COOKIE_H
#define WGI_COOKIE_H

#include <linux/rwsem.h>
#include <linux/skbuff.h>
#include "messages.h"

struct wgi_device;
struct wgi_peer;

/* Responder side: validates MACs and mints cookies. One per device. */
struct wgi_cookie_checker {
	u8 secret[WGI_HASH_LEN];
	u8 cookie_encryption_key[WGI_KEY_LEN];	/* from our public key */
	u8 message_mac1_key[WGI_KEY_LEN];
	u64 secret_birthdate;			/* jiffies64 */
	struct rw_semaphore secret_lock;
	struct wgi_device *device;
};

/* Initiator side: remembers the last cookie a peer gave us. One per peer. */
struct wgi_cookie {
	u64 birthdate;				/* jiffies64 */
	bool is_valid;
	u8 cookie[WGI_COOKIE_LEN];
	bool have_sent_mac1;
	u8 last_mac1_sent[WGI_MAC_LEN];
	u8 cookie_decryption_key[WGI_KEY_LEN];	/* from peer's public key */
	u8 message_mac1_key[WGI_KEY_LEN];
	struct rw_semaphore lock;
};

enum wgi_cookie_mac_state {
	WGI_MACS_INVALID,
	WGI_MACS_VALID_MAC1_NO_COOKIE,		/* mac1 ok, mac2 absent/wrong */
	WGI_MACS_VALID_MAC1_AND_COOKIE,		/* both ok */
};

void wgi_cookie_checker_init(struct wgi_cookie_checker *c,
			     struct wgi_device *wg);
/*
 * Re-derives keys after our static identity changed; caller holds the
 * identity's lock (it does not take it).
 */
void wgi_cookie_checker_precompute_device_keys(struct wgi_cookie_checker *c);
void wgi_cookie_init(struct wgi_cookie *cookie);
void wgi_cookie_checker_precompute_peer_keys(struct wgi_peer *peer);

/*
 * @msg is a handshake message of @len bytes whose last 32 bytes are the
 * wgi_msg_macs. @skb is only used for the source address bound to mac2
 * (outer IP header and UDP header must still be reachable). Sleeps.
 */
enum wgi_cookie_mac_state
wgi_cookie_validate_packet(struct wgi_cookie_checker *c, struct sk_buff *skb,
			   const void *msg, size_t len, bool check_cookie);
/* Fills the trailing MACs of an outgoing handshake message. */
void wgi_cookie_add_mac_to_packet(void *msg, size_t len,
				  struct wgi_peer *peer);
/*
 * Builds a cookie reply to the handshake message that spans skb->data to
 * skb->len (its mac1 is the reply's AD); @index is its sender_index.
 */
void wgi_cookie_message_create(struct wgi_msg_cookie_reply *dst,
			       struct sk_buff *skb, __le32 index,
			       struct wgi_cookie_checker *c);
/*
 * Consumes a cookie reply; looks the peer up by receiver index. Returns
 * false if it was unknown, unsolicited or failed to authenticate.
 */
bool wgi_cookie_message_consume(const struct wgi_msg_cookie_reply *src,
				struct wgi_device *wg);

#ifdef WGI_DEBUG
/*
 * Self-tests: cookie replies built from now on carry @nonce instead of a
 * random one (NULL: random again). Only while no device exists.
 */
void wgi_cookie_test_nonce(const u8 nonce[WGI_COOKIE_NONCE_LEN]);
#endif

#endif
