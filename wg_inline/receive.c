// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side. wgi_receive is the UDP encap_rcv hook and runs in the
 * softirq that received the datagram: it validates the message framing,
 * then either decrypts a data message right there (through the peer's
 * mode ops) or queues a handshake message for the handshake worker, so
 * that Curve25519 never runs on the packet path and a handshake flood
 * only costs the receive softirq a queue append.
 */
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "ratelimiter.h"
#include "timers.h"

/* Handshake queue fill level from which mac2 cookies are demanded. */
#define WGI_UNDER_LOAD_QUEUE_LEN	(WGI_MAX_QUEUED_HANDSHAKES / 8)
/*
 * Messages one run of the handshake worker handles before it requeues
 * itself, so a flood lets other work on the pool (and other devices'
 * handshakes) in between instead of holding a worker for as long as it
 * lasts.
 */
#define WGI_HANDSHAKE_WORK_BUDGET	64

/*
 * Returns the message type if @skb (at the message start) has the type's
 * exact size (at least the minimum, for data), else 0 with a drop reason.
 */
static u32 wgi_message_type(struct sk_buff *skb, enum wgi_drop_reason *why)
{
	u32 type;

	if (unlikely(skb->len < sizeof(struct wgi_msg_header) ||
		     !pskb_may_pull(skb, sizeof(struct wgi_msg_header)))) {
		*why = WGI_DROP_RX_TOO_SHORT;
		return 0;
	}
	/* One type byte, three reserved zero bytes: one le32 comparison. */
	type = le32_to_cpu(((struct wgi_msg_header *)skb->data)->type);
	*why = WGI_DROP_RX_BAD_SIZE;
	switch (type) {
	case WGI_MSG_HANDSHAKE_INITIATION:
		return skb->len == sizeof(struct wgi_msg_handshake_initiation) ?
		       type : 0;
	case WGI_MSG_HANDSHAKE_RESPONSE:
		return skb->len == sizeof(struct wgi_msg_handshake_response) ?
		       type : 0;
	case WGI_MSG_COOKIE_REPLY:
		return skb->len == sizeof(struct wgi_msg_cookie_reply) ?
		       type : 0;
	case WGI_MSG_DATA:
		return skb->len >= WGI_DATA_MIN_LEN ? type : 0;
	default:
		*why = WGI_DROP_RX_BAD_TYPE;
		return 0;
	}
}

static void wgi_queue_handshake(struct wgi_device *wg, struct sk_buff *skb)
{
	/* Make the whole message linear for the worker. */
	if (unlikely(!pskb_may_pull(skb, skb->len))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_TOO_SHORT);
		return;
	}
	if (skb_queue_len_lockless(&wg->handshake_queue) >=
	    WGI_MAX_QUEUED_HANDSHAKES) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_HANDSHAKE_QUEUE_FULL);
		return;
	}
	/* The route may be a no-ref one that dies with this softirq. */
	skb_dst_drop(skb);
	skb_queue_tail(&wg->handshake_queue, skb);
	queue_work(wg->handshake_wq, &wg->handshake_work);
}

static void wgi_receive_data(struct wgi_device *wg, struct sk_buff *skb)
{
	const struct wgi_msg_data *msg;
	struct wgi_index_entry *entry;
	struct wgi_keypair *kp = NULL;
	struct wgi_peer *peer = NULL;

	if (unlikely(!pskb_may_pull(skb, WGI_DATA_HEADER_LEN))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_TOO_SHORT);
		return;
	}
	msg = (const struct wgi_msg_data *)skb->data;

	rcu_read_lock_bh();
	entry = wgi_index_table_lookup(wg->index_hashtable, WGI_INDEX_KEYPAIR,
				       msg->key_idx, &peer);
	if (entry)
		kp = wgi_keypair_get(container_of(entry, struct wgi_keypair,
						  entry));
	rcu_read_unlock_bh();

	if (unlikely(!kp)) {
		wgi_peer_put(peer);
		wgi_drop_skb(wg, skb, WGI_DROP_RX_UNKNOWN_INDEX);
		return;
	}
	peer->ops->receive_data(peer, kp, skb);
	wgi_keypair_put(kp, false);
	wgi_peer_put(peer);
}

int wgi_receive(struct sock *sk, struct sk_buff *skb)
{
	struct wgi_device *wg = rcu_dereference_sk_user_data(sk);
	enum wgi_drop_reason why;

	if (unlikely(!wg)) {
		kfree_skb(skb);
		return 0;
	}
	if (unlikely(!pskb_may_pull(skb, sizeof(struct udphdr)))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_TOO_SHORT);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));

	switch (wgi_message_type(skb, &why)) {
	case WGI_MSG_HANDSHAKE_INITIATION:
	case WGI_MSG_HANDSHAKE_RESPONSE:
	case WGI_MSG_COOKIE_REPLY:
		wgi_queue_handshake(wg, skb);
		break;
	case WGI_MSG_DATA:
		wgi_receive_data(wg, skb);
		break;
	default:
		wgi_drop_skb(wg, skb, why);
		break;
	}
	return 0;
}

/* Under load from now on, and for a second after the flood ebbs. */
static bool wgi_handshake_under_load(struct wgi_device *wg)
{
	if (skb_queue_len_lockless(&wg->handshake_queue) >=
	    WGI_UNDER_LOAD_QUEUE_LEN) {
		WRITE_ONCE(wg->last_under_load, jiffies);
		return true;
	}
	return time_before(jiffies, READ_ONCE(wg->last_under_load) + HZ);
}

/* The handshake's derived session is ready: send what waited for it. */
static void wgi_handshake_response_consumed(struct wgi_peer *peer)
{
	if (!wgi_noise_begin_session(&peer->handshake, &peer->keypairs))
		return;
	wgi_timers_session_derived(peer);
	wgi_timers_handshake_complete(peer);
	/*
	 * The initiator must speak first on the new session so that the
	 * responder can confirm it: staged data if any, else a keepalive.
	 */
	wgi_send_keepalive(peer);
}

static void wgi_process_handshake(struct wgi_device *wg, struct sk_buff *skb)
{
	const struct wgi_msg_handshake_initiation *init;
	enum wgi_cookie_mac_state macs;
	struct wgi_peer *peer = NULL;
	bool under_load;
	u32 type;

	type = le32_to_cpu(((struct wgi_msg_header *)skb->data)->type);
	if (type == WGI_MSG_COOKIE_REPLY) {
		if (!wgi_cookie_message_consume((void *)skb->data, wg))
			wgi_drop_count(wg, WGI_DROP_RX_COOKIE_INVALID);
		return;
	}

	under_load = wgi_handshake_under_load(wg);
	macs = wgi_cookie_validate_packet(&wg->cookie_checker, skb, skb->data,
					  skb->len, under_load);
	if (macs == WGI_MACS_INVALID) {
		wgi_drop_count(wg, WGI_DROP_RX_BAD_MAC);
		return;
	}
	if (under_load && macs != WGI_MACS_VALID_MAC1_AND_COOKIE) {
		/*
		 * Prove you can receive at that address first. Initiation and
		 * response share the sender_index offset.
		 */
		init = (const void *)skb->data;
		wgi_send_cookie_reply(wg, skb, init->sender_index);
		wgi_drop_count(wg, WGI_DROP_RX_COOKIE_REPLY_SENT);
		return;
	}
	/*
	 * Under load each initiation's Curve25519 work is rationed: a source
	 * that proved its address with a cookie gets only so many a second.
	 * Not otherwise: without a cookie the source address may be forged,
	 * and charging it would let anyone lock a real peer (or, filling the
	 * table, everyone) out of handshakes.
	 */
	if (under_load && type == WGI_MSG_HANDSHAKE_INITIATION &&
	    !wgi_ratelimiter_allow(skb, rcu_access_pointer(wg->creating_net))) {
		wgi_drop_count(wg, WGI_DROP_RX_HANDSHAKE_RATELIMITED);
		return;
	}

	if (type == WGI_MSG_HANDSHAKE_INITIATION)
		peer = wgi_noise_consume_initiation((void *)skb->data, wg);
	else
		peer = wgi_noise_consume_response((void *)skb->data, wg);
	if (!peer) {
		wgi_drop_count(wg, WGI_DROP_RX_HANDSHAKE_INVALID);
		return;
	}

	wgi_socket_set_peer_endpoint_from_skb(peer, skb);
	wgi_peer_stats_add_rx(peer, skb->len);
	wgi_timers_any_authenticated_packet_received(peer);
	wgi_timers_any_authenticated_packet_traversal(peer);
	if (type == WGI_MSG_HANDSHAKE_INITIATION)
		wgi_send_handshake_response(peer);
	else
		wgi_handshake_response_consumed(peer);
	wgi_peer_put(peer);
}

void wgi_handshake_worker(struct work_struct *work)
{
	struct wgi_device *wg = container_of(work, struct wgi_device,
					     handshake_work);
	unsigned int budget = WGI_HANDSHAKE_WORK_BUDGET;
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&wg->handshake_queue))) {
		wgi_process_handshake(wg, skb);
		dev_kfree_skb(skb);
		if (!--budget) {
			/* More may be queued: come back after the others. */
			queue_work(wg->handshake_wq, &wg->handshake_work);
			return;
		}
		cond_resched();
	}
}

/* The tunnel's NAPI: feeds decrypted packets to GRO and the stack. */
int wgi_napi_poll(struct napi_struct *napi, int budget)
{
	struct wgi_peer *peer = container_of(napi, struct wgi_peer, napi);
	struct net_device *dev = peer->device->dev;
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&peer->rx_queue))) {
		dev_sw_netstats_rx_add(dev, skb->len);
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}
