// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending protocol messages: data (a batch of plaintext
 * encrypted and sent on the current core; the execution mode decides
 * which core that is), handshake initiations (always from a work item,
 * never in the caller's context), responses and cookie replies (from the
 * handshake worker), keepalives, and the staging queue that holds
 * plaintext while no session exists.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include "crypt.h"
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "race_delay.h"
#include "timers.h"

/* Headroom for a keepalive: the data header plus every outer header. */
#define WGI_KEEPALIVE_HEADROOM	(LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr) + WGI_DATA_HEADER_LEN)

static bool wgi_handshake_recently_sent(struct wgi_peer *peer)
{
	return !wgi_birthdate_has_expired(atomic64_read(&peer->last_sent_handshake),
					  WGI_REKEY_TIMEOUT);
}

/*
 * Lifts the once-per-REKEY_TIMEOUT limit for the next initiation: for a new
 * peer, after "down", and when the last initiation was made with a private
 * key we no longer hold, so nobody can answer it.
 */
void wgi_send_handshake_allow_now(struct wgi_peer *peer)
{
	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns() -
		     (u64)(WGI_REKEY_TIMEOUT + 1) * NSEC_PER_SEC);
}

void wgi_send_handshake_initiation(struct wgi_peer *peer, bool is_retry)
{
	if (!is_retry)
		peer->timer_handshake_attempts = 0;
	if (READ_ONCE(peer->is_dead) || !netif_running(peer->device->dev))
		return;
	/* The whitepaper's rate limit: one initiation per REKEY_TIMEOUT. */
	if (!is_retry && wgi_handshake_recently_sent(peer))
		return;

	wgi_peer_queue_work(peer, &peer->transmit_handshake_work);
}

void wgi_send_handshake_initiation_worker(struct work_struct *work)
{
	struct wgi_peer *peer = container_of(work, struct wgi_peer,
					     transmit_handshake_work);
	struct wgi_msg_handshake_initiation msg;

	if (READ_ONCE(peer->is_dead) || !netif_running(peer->device->dev))
		goto out;

	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());
	if (!wgi_noise_create_initiation(&msg, &peer->handshake))
		goto out_zero;
	wgi_cookie_add_mac_to_packet(&msg, sizeof(msg), peer);
	wgi_timers_any_authenticated_packet_traversal(peer);
	wgi_timers_any_authenticated_packet_sent(peer);
	wgi_socket_send_buffer_to_peer(peer, &msg, sizeof(msg), 0);
	wgi_timers_handshake_initiated(peer);
out_zero:
	memzero_explicit(&msg, sizeof(msg));
out:
	wgi_peer_put(peer);
}

/* Called by the handshake worker after a valid initiation from @peer. */
void wgi_send_handshake_response(struct wgi_peer *peer)
{
	struct wgi_msg_handshake_response msg;

	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());
	if (!wgi_noise_create_response(&msg, &peer->handshake))
		goto out;
	wgi_cookie_add_mac_to_packet(&msg, sizeof(msg), peer);
	if (!wgi_noise_begin_session(&peer->handshake, &peer->keypairs))
		goto out;

	wgi_timers_session_derived(peer);
	wgi_timers_any_authenticated_packet_traversal(peer);
	wgi_timers_any_authenticated_packet_sent(peer);
	wgi_socket_send_buffer_to_peer(peer, &msg, sizeof(msg), 0);
out:
	memzero_explicit(&msg, sizeof(msg));
}

void wgi_send_cookie_reply(struct wgi_device *wg, struct sk_buff *skb,
			   __le32 sender_index)
{
	struct wgi_msg_cookie_reply reply;

	wgi_cookie_message_create(&reply, skb, sender_index,
				  &wg->cookie_checker);
	wgi_socket_send_buffer_as_reply_to_skb(wg, skb, &reply,
					       sizeof(reply));
}

static struct sk_buff *wgi_alloc_keepalive(struct wgi_peer *peer)
{
	struct sk_buff *skb;

	skb = alloc_skb(WGI_KEEPALIVE_HEADROOM + WGI_AEAD_TAG_LEN, GFP_ATOMIC);
	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, WGI_KEEPALIVE_HEADROOM);
	skb_reset_network_header(skb);
	skb->dev = peer->device->dev;
	return skb;
}

/*
 * An empty data message. Packets waiting in the staging queue would carry
 * the same proof of life, so they go instead when there are any.
 */
void wgi_send_keepalive(struct wgi_peer *peer)
{
	struct sk_buff_head packets;
	struct sk_buff *skb;

	if (!skb_queue_empty_lockless(&peer->staged_packet_queue)) {
		wgi_send_flush_staged(peer);
		return;
	}
	skb = wgi_alloc_keepalive(peer);
	if (unlikely(!skb))
		return;
	__skb_queue_head_init(&packets);
	__skb_queue_tail(&packets, skb);
	wgi_mode_xmit(peer, &packets);
}

/* Moves everything staged to the front of @list (it is older). */
static void wgi_send_unstage(struct wgi_peer *peer, struct sk_buff_head *list)
{
	struct sk_buff_head *staged = &peer->staged_packet_queue;

	spin_lock_bh(&staged->lock);
	skb_queue_splice_init(staged, list);
	spin_unlock_bh(&staged->lock);
}

void wgi_send_flush_staged(struct wgi_peer *peer)
{
	struct sk_buff_head packets;

	__skb_queue_head_init(&packets);
	wgi_send_unstage(peer, &packets);
	if (skb_queue_empty(&packets))
		return;
	/* Without a session the mode puts them back and asks for one. */
	wgi_mode_xmit(peer, &packets);
}

/*
 * Parks @list until a session exists (bounded: the oldest packets give
 * way) and asks for the handshake that will release them.
 */
void wgi_send_stage(struct wgi_peer *peer, struct sk_buff_head *list)
{
	struct sk_buff_head *staged = &peer->staged_packet_queue;
	struct sk_buff_head overflow;
	struct sk_buff *skb;

	/*
	 * A staged packet may wait for a handshake: it must not hold its
	 * sender's socket memory (and block the socket) meanwhile.
	 */
	skb_queue_walk(list, skb)
		skb_orphan(skb);

	__skb_queue_head_init(&overflow);
	spin_lock_bh(&staged->lock);
	skb_queue_splice_tail_init(list, staged);
	while (skb_queue_len(staged) > WGI_MAX_STAGED_PACKETS)
		__skb_queue_tail(&overflow, __skb_dequeue(staged));
	spin_unlock_bh(&staged->lock);

	while ((skb = __skb_dequeue(&overflow)))
		wgi_drop_skb(peer->device, skb, WGI_DROP_TX_STAGED_OVERFLOW);

	wgi_send_handshake_initiation(peer, false);
}

/* Outer DS field: no DSCP leaks out of the tunnel, ECN does. */
static u8 wgi_outer_dsfield(const struct sk_buff *skb)
{
	u8 inner = 0;

	if (skb->len >= sizeof(struct iphdr) &&
	    skb->protocol == htons(ETH_P_IP))
		inner = ipv4_get_dsfield(ip_hdr(skb));
	else if (skb->len >= sizeof(struct ipv6hdr) &&
		 skb->protocol == htons(ETH_P_IPV6))
		inner = ipv6_get_dsfield(ipv6_hdr(skb));
	return INET_ECN_encapsulate(0, inner);
}

void wgi_send_data_meta(const struct sk_buff *skb, struct wgi_send_meta *meta)
{
	meta->plain_len = skb->len;
	meta->ds = wgi_outer_dsfield(skb);
}

bool wgi_send_data_seal(struct wgi_peer *peer, struct wgi_keypair *kp,
			struct sk_buff *skb, u64 nonce,
			const struct wgi_send_meta *meta)
{
	if (unlikely(!wgi_crypt_encrypt_skb(skb, kp, nonce,
					    READ_ONCE(peer->device->dev->mtu))))
		return false;
	wgi_peer_stats_count_encrypted(peer, meta->plain_len);
	return true;
}

void wgi_send_data_emit(struct wgi_peer *peer, struct sk_buff *skb,
			const struct wgi_send_meta *meta,
			struct wgi_send_result *res)
{
	if (wgi_socket_send_skb_to_peer(peer, skb, meta->ds))
		return;
	wgi_peer_stats_count_sent(peer);
	res->sent_any = true;
	if (meta->plain_len) {
		res->sent_data = true;
		dev_sw_netstats_tx_add(peer->device->dev, 1, meta->plain_len);
	}
}

void wgi_send_data_finish(struct wgi_peer *peer, struct wgi_keypair *kp,
			  const struct wgi_send_result *res)
{
	if (res->sent_any) {
		wgi_timers_any_authenticated_packet_traversal(peer);
		wgi_timers_any_authenticated_packet_sent(peer);
	}
	if (res->sent_data)
		wgi_timers_data_sent(peer);
	if (kp && wgi_crypt_wants_rekey(kp))
		wgi_send_handshake_initiation(peer, false);
}

static void wgi_send_data_one(struct wgi_peer *peer, struct wgi_keypair *kp,
			      struct sk_buff *skb, u64 nonce,
			      struct wgi_send_result *res)
{
	struct wgi_send_meta meta;

	wgi_send_data_meta(skb, &meta);
	if (unlikely(!wgi_send_data_seal(peer, kp, skb, nonce, &meta))) {
		wgi_drop_skb(peer->device, skb, WGI_DROP_TX_ENCRYPT_FAILED);
		return;
	}
	wgi_send_data_emit(peer, skb, &meta, res);
}

/*
 * Packets staged before a session existed are older than @packets: they
 * go first. Staging and the session's own flush can race (a sender that
 * found no session stages just after the handshake worker flushed), so
 * every send with a session also collects what is staged; the lockless
 * check keeps this off the fast path while nothing waits.
 */
void wgi_send_take_staged(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	if (likely(skb_queue_empty_lockless(&peer->staged_packet_queue)))
		return;
	wgi_send_unstage(peer, packets);
}

/*
 * After staging: if a session appeared since @kp was read (the handshake
 * worker installed it and flushed an empty queue meanwhile), nobody else
 * will send what was just staged, so send it now. Only a keypair other
 * than the one that failed counts, so an exhausted one cannot loop.
 */
void wgi_send_recheck_session(struct wgi_peer *peer, struct wgi_keypair *kp)
{
	struct wgi_keypair *now;

	now = rcu_dereference_bh(peer->keypairs.current_keypair);
	if (now && now != kp) {
		wgi_race_landed(WGI_RACE_STAGE);
		wgi_send_flush_staged(peer);
	}
}

void wgi_send_data_packets(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	struct wgi_send_result res = { };
	struct wgi_keypair *kp;
	struct sk_buff *skb;
	bool staged = false;
	u64 nonce;

	/* Also keeps this batch on one CPU for the per-CPU counters. */
	rcu_read_lock_bh();
	kp = rcu_dereference_bh(peer->keypairs.current_keypair);
	if (kp)
		kp = wgi_keypair_get(kp);
	if (kp)
		wgi_send_take_staged(peer, packets);

	while ((skb = __skb_dequeue(packets))) {
		if (unlikely(!wgi_crypt_next_nonce(kp, &nonce))) {
			/* No usable session: park the rest for the handshake. */
			__skb_queue_head(packets, skb);
			wgi_race_delay(WGI_RACE_STAGE);
			wgi_send_stage(peer, packets);
			staged = true;
			break;
		}
		wgi_send_data_one(peer, kp, skb, nonce, &res);
	}
	wgi_send_data_finish(peer, kp, &res);

	if (staged)
		wgi_send_recheck_session(peer, kp);
	if (kp)
		wgi_keypair_put(kp, false);
	rcu_read_unlock_bh();
}
