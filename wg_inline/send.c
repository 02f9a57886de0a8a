// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending protocol messages other than data: handshake
 * initiations (always from a work item, never in the caller's context),
 * responses and cookie replies (from the handshake worker), keepalives,
 * and the staging queue that holds plaintext while no session exists.
 */
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
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

	/* The pending work holds a reference; coalesced requests do not. */
	wgi_peer_get(peer);
	if (!queue_work(peer->device->handshake_wq,
			&peer->transmit_handshake_work))
		wgi_peer_put(peer);
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
		wgi_send_staged_packets(peer);
		return;
	}
	skb = wgi_alloc_keepalive(peer);
	if (unlikely(!skb))
		return;
	__skb_queue_head_init(&packets);
	__skb_queue_tail(&packets, skb);
	peer->ops->xmit(peer, &packets);
}

void wgi_send_staged_packets(struct wgi_peer *peer)
{
	struct sk_buff_head packets;

	__skb_queue_head_init(&packets);
	spin_lock_bh(&peer->staged_packet_queue.lock);
	skb_queue_splice_init(&peer->staged_packet_queue, &packets);
	spin_unlock_bh(&peer->staged_packet_queue.lock);
	if (skb_queue_empty(&packets))
		return;
	/* Without a session the mode puts them back and asks for one. */
	peer->ops->xmit(peer, &packets);
}

/*
 * Parks @list until a session exists (bounded: the oldest packets give
 * way) and asks for the handshake that will release them.
 */
void wgi_send_stage_packets(struct wgi_peer *peer, struct sk_buff_head *list)
{
	struct sk_buff_head *staged = &peer->staged_packet_queue;
	struct sk_buff_head overflow;
	struct sk_buff *skb;

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
