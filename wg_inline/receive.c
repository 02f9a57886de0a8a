// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side. wgi_receive is the UDP encap_rcv hook and runs in the
 * softirq that received the datagram: it validates the message framing,
 * then hands a data message to the peer's execution mode (which decides
 * on which core wgi_receive_data_packet opens it) or queues a handshake
 * message for the handshake worker, so that Curve25519 never runs on the
 * packet path and a handshake flood only costs the receive softirq a
 * queue append. Decrypted packets reach the stack through the tunnel's
 * NAPI.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include "crypt.h"
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
	wgi_device_queue_handshake_work(wg);
}

/*
 * The session a data message at skb->data belongs to, with a reference
 * on it and on *@peer; NULL (and @skb dropped) if there is none.
 */
static struct wgi_keypair *wgi_receive_find_keypair(struct wgi_device *wg,
						    struct sk_buff *skb,
						    struct wgi_peer **peer)
{
	const struct wgi_msg_data *msg;
	struct wgi_index_entry *entry;
	struct wgi_keypair *kp = NULL;

	*peer = NULL;
	if (unlikely(!pskb_may_pull(skb, WGI_DATA_HEADER_LEN))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_TOO_SHORT);
		return NULL;
	}
	msg = (const struct wgi_msg_data *)skb->data;

	rcu_read_lock_bh();
	entry = wgi_index_table_lookup(wg->index_hashtable, WGI_INDEX_KEYPAIR,
				       msg->key_idx, peer);
	if (entry)
		kp = wgi_keypair_get(container_of(entry, struct wgi_keypair,
						  entry));
	rcu_read_unlock_bh();

	if (unlikely(!kp)) {
		wgi_peer_put(*peer);
		*peer = NULL;
		wgi_drop_skb(wg, skb, WGI_DROP_RX_UNKNOWN_INDEX);
	}
	return kp;
}

void wgi_receive_data(struct wgi_device *wg, struct sk_buff *skb)
{
	struct wgi_keypair *kp;
	struct wgi_peer *peer;

	kp = wgi_receive_find_keypair(wg, skb, &peer);
	if (!kp)
		return;
	wgi_mode_receive_data(peer, kp, skb);
	wgi_keypair_put(kp, false);
	wgi_peer_put(peer);
}

struct wgi_keypair *wgi_receive_data_session(struct wgi_peer *for_peer,
					     struct sk_buff *skb)
{
	struct wgi_keypair *kp;
	struct wgi_peer *peer;

	kp = wgi_receive_find_keypair(for_peer->device, skb, &peer);
	if (!kp)
		return NULL;
	if (unlikely(peer != for_peer)) {
		/* the index went to another tunnel meanwhile */
		wgi_drop_skb(peer->device, skb, WGI_DROP_RX_UNKNOWN_INDEX);
		wgi_keypair_put(kp, false);
		kp = NULL;
	}
	wgi_peer_put(peer);
	return kp;
}

void wgi_receive_data_here(struct wgi_peer *peer, struct sk_buff *skb)
{
	/* Looked up again: the session may have ended meanwhile. */
	struct wgi_keypair *kp = wgi_receive_data_session(peer, skb);

	if (!kp)
		return;
	wgi_receive_data_packet(peer, kp, skb);
	wgi_keypair_put(kp, false);
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
			wgi_device_queue_handshake_work(wg);
			return;
		}
		cond_resched();
	}
}

/*
 * The decrypted payload must be exactly one IP packet of the family its
 * header says; trims the padding off. Returns the L3 protocol, or 0.
 */
static __be16 wgi_inner_packet_validate(struct sk_buff *skb)
{
	unsigned int len;

	if (skb->len < sizeof(struct iphdr) ||
	    !pskb_may_pull(skb, sizeof(struct iphdr)))
		return 0;
	/* From here on the headers are the inner packet's. */
	skb_reset_network_header(skb);

	switch (ip_hdr(skb)->version) {
	case 4:
		len = ntohs(ip_hdr(skb)->tot_len);
		if (len < ip_hdr(skb)->ihl * 4U || len < sizeof(struct iphdr) ||
		    len > skb->len || pskb_trim(skb, len))
			return 0;
		return htons(ETH_P_IP);
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return 0;
		len = sizeof(struct ipv6hdr) +
		      ntohs(ipv6_hdr(skb)->payload_len);
		if (len > skb->len || pskb_trim(skb, len))
			return 0;
		return htons(ETH_P_IPV6);
	default:
		return 0;
	}
}

/*
 * The initiator rekeys shortly before its session would be rejected,
 * once, if the peer is still talking to it. The session that matters is
 * the current one, whichever keypair this packet came on: a late packet
 * on the previous keypair must not start a handshake for a fresh
 * session, nor one on a fresh keypair hide an old current session.
 */
static void wgi_maybe_lastminute_rekey(struct wgi_peer *peer)
{
	struct wgi_keypair *kp;

	kp = rcu_dereference_bh(peer->keypairs.current_keypair);
	if (kp && kp->i_am_the_initiator &&
	    !READ_ONCE(peer->sent_lastminute_handshake) &&
	    wgi_birthdate_has_expired(kp->sending.birthdate,
				      WGI_REJECT_AFTER_TIME -
				      WGI_KEEPALIVE_TIMEOUT -
				      WGI_REKEY_TIMEOUT)) {
		WRITE_ONCE(peer->sent_lastminute_handshake, true);
		wgi_send_handshake_initiation(peer, false);
	}
}

/*
 * DS field of the IP header at the network header, of the family
 * skb->protocol says; the caller made sure that header is there.
 */
static u8 wgi_ip_dsfield(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ipv4_get_dsfield(ip_hdr(skb));
	return ipv6_get_dsfield(ipv6_hdr(skb));
}

/*
 * Hands a decrypted packet to this tunnel's NAPI. Called in a softirq (or
 * the tunnel's own poll), so the poll runs on this core.
 */
static void wgi_deliver_to_napi(struct wgi_peer *peer, struct sk_buff *skb,
				__be16 protocol, u8 outer_ds)
{
	struct wgi_device *wg = peer->device;
	/* Only compared, never dereferenced. */
	struct net *creating_net = rcu_access_pointer(wg->creating_net);

	skb_scrub_packet(skb, !net_eq(dev_net(wg->dev), creating_net));
	/*
	 * The inner packet is new to this host: the outer one's mark (the
	 * device's fwmark, or one restored by connmark rules) must not steer
	 * its reverse-path check or policy routing (scrub keeps the mark
	 * within one namespace).
	 */
	skb->mark = 0;
	skb->dev = wg->dev;
	skb->protocol = protocol;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = SKB_MAX_CSUM_LEVEL;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb->mac_len = 0;
	skb_reset_transport_header(skb);
	/* Congestion marked on the way (outer CE) must reach the receiver. */
	INET_ECN_decapsulate(skb, outer_ds, wgi_ip_dsfield(skb));

	/*
	 * While the tunnel switches modes its poll cannot keep up with the
	 * refeed (BH is off throughout), and what reaches the backlog then
	 * is already bounded by the switch: none of it is dropped.
	 */
	if (unlikely(skb_queue_len_lockless(&peer->rx_queue) >=
		     WGI_MAX_RX_BACKLOG) && !wgi_mode_is_switching(peer)) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_NAPI_BACKLOG);
		return;
	}
	skb_queue_tail(&peer->rx_queue, skb);
	napi_schedule(&peer->napi);
}

/* Authentic and fresh: what every such message tells us about the peer. */
static void wgi_receive_authenticated(struct wgi_peer *peer,
				      struct wgi_keypair *kp,
				      struct sk_buff *skb, unsigned int len)
{
	/* The peer is really at this address now. */
	wgi_socket_set_peer_endpoint_from_skb(peer, skb);
	wgi_peer_stats_count_received(peer, len);
	wgi_timers_any_authenticated_packet_received(peer);
	wgi_timers_any_authenticated_packet_traversal(peer);
	if (unlikely(wgi_noise_received_with_keypair(&peer->keypairs, kp))) {
		/* The responder's session is confirmed: release its backlog. */
		wgi_timers_handshake_complete(peer);
		wgi_send_flush_staged(peer);
	}
	wgi_maybe_lastminute_rekey(peer);
}

void wgi_receive_data_meta(const struct sk_buff *skb,
			   struct wgi_receive_meta *meta)
{
	meta->counter = le64_to_cpu(((struct wgi_msg_data *)skb->data)->counter);
	meta->msg_len = skb->len;
	/* The outer IP header is still in front of the message. */
	meta->outer_ds = wgi_ip_dsfield(skb);
}

bool wgi_receive_data_open(struct wgi_peer *peer, struct wgi_keypair *kp,
			   struct sk_buff *skb,
			   const struct wgi_receive_meta *meta,
			   enum wgi_drop_reason *why)
{
	int ret;

	if (unlikely(!wgi_crypt_receiving_key_usable(kp, meta->counter))) {
		*why = WGI_DROP_RX_KEY_EXPIRED;
		return false;
	}
	ret = wgi_crypt_decrypt_skb(skb, kp, meta->counter);
	if (unlikely(ret)) {
		/* Only a message that fails authentication is a forgery. */
		*why = ret == -EBADMSG ? WGI_DROP_RX_DECRYPT_FAILED :
					 WGI_DROP_RX_BAD_BUFFER;
		return false;
	}
	wgi_peer_stats_count_decrypted(peer, skb->len);
	return true;
}

void wgi_receive_data_opened(struct wgi_peer *peer, struct wgi_keypair *kp,
			     struct sk_buff *skb,
			     const struct wgi_receive_meta *meta)
{
	struct wgi_device *wg = peer->device;
	struct wgi_peer *routed;
	__be16 protocol;

	/* Only authenticated counters may move the replay window. */
	if (unlikely(!wgi_replay_check_and_update(&kp->receiving_counter,
						  meta->counter,
						  WGI_REJECT_AFTER_MESSAGES))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_REPLAYED);
		return;
	}
	wgi_receive_authenticated(peer, kp, skb, meta->msg_len);

	if (!skb->len) {
		/* A keepalive: it has done its job by arriving. */
		consume_skb(skb);
		return;
	}
	wgi_timers_data_received(peer);

	protocol = wgi_inner_packet_validate(skb);
	if (unlikely(!protocol)) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_BAD_INNER);
		return;
	}
	skb->protocol = protocol;

	/* Cryptokey routing: the source must be one this peer may use. */
	routed = wgi_allowedips_lookup_src(&wg->peer_allowedips, skb);
	wgi_peer_put(routed);
	if (unlikely(routed != peer)) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_ALLOWEDIPS);
		return;
	}
	wgi_deliver_to_napi(peer, skb, protocol, meta->outer_ds);
}

void wgi_receive_data_packet(struct wgi_peer *peer, struct wgi_keypair *kp,
			     struct sk_buff *skb)
{
	struct wgi_receive_meta meta;
	enum wgi_drop_reason why;

	wgi_receive_data_meta(skb, &meta);
	if (unlikely(!wgi_receive_data_open(peer, kp, skb, &meta, &why))) {
		wgi_drop_skb(peer->device, skb, why);
		return;
	}
	wgi_receive_data_opened(peer, kp, skb, &meta);
}

/*
 * The tunnel's NAPI: first the work its execution mode deferred to it
 * (which may decrypt more packets onto rx_queue), then decrypted packets
 * to GRO and the stack.
 */
int wgi_napi_poll(struct napi_struct *napi, int budget)
{
	struct wgi_peer *peer = container_of(napi, struct wgi_peer, napi);
	const struct wgi_mode_ops *ops = READ_ONCE(peer->ops);
	struct net_device *dev = peer->device->dev;
	int done = 0, deferred = 0;
	struct sk_buff *skb;

	/* One budget for the mode's work and the delivery after it. */
	if (ops->napi_work)
		deferred = ops->napi_work(peer, budget);
	while (deferred + done < budget &&
	       (skb = skb_dequeue(&peer->rx_queue))) {
		dev_sw_netstats_rx_add(dev, skb->len);
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done)
		wgi_peer_stats_count_delivered(peer, done);
	if (ops->napi_delivered)
		ops->napi_delivered(peer);
	/* The budget used up: more may wait, poll again. */
	if (deferred + done >= budget)
		return budget;
	napi_complete_done(napi, deferred + done);
	return deferred + done;
}
