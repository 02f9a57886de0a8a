// SPDX-License-Identifier: GPL-2.0
/*
 * The inline execution mode: a tunnel's packets are encrypted and sent in
 * the context that transmitted them, and decrypted in the softirq that
 * received them, on that core; decrypted packets go to the tunnel's own
 * NAPI, scheduled on the same core. Nothing is handed to another CPU, so
 * there is no reordering and no cross-core cache traffic per packet;
 * scaling across cores comes from running many tunnels.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <crypto/chacha20poly1305.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

/* Enough scatterlist entries for any skb that skb_cow_data leaves. */
#define WGI_MAX_SG	(MAX_SKB_FRAGS + 8)

/* Is @kp still good for sending, and what nonce does @skb get? */
static bool wgi_keypair_next_nonce(struct wgi_keypair *kp, u64 *nonce)
{
	if (unlikely(!kp || !READ_ONCE(kp->sending.is_valid) ||
		     wgi_birthdate_has_expired(kp->sending.birthdate,
					       WGI_REJECT_AFTER_TIME)))
		return false;
	*nonce = atomic64_inc_return(&kp->sending_counter) - 1;
	return *nonce < WGI_REJECT_AFTER_MESSAGES;
}

static bool wgi_keypair_wants_rekey(struct wgi_keypair *kp)
{
	return atomic64_read(&kp->sending_counter) > WGI_REKEY_AFTER_MESSAGES ||
	       (kp->i_am_the_initiator &&
		wgi_birthdate_has_expired(kp->sending.birthdate,
					  WGI_REKEY_AFTER_TIME));
}

/* Pad to a multiple of 16, but never beyond the tunnel MTU. */
static unsigned int wgi_padded_len(unsigned int len, unsigned int mtu)
{
	unsigned int padded = ALIGN(len, WGI_PADDING_MULTIPLE);

	if (padded > mtu)
		padded = max(len, mtu);
	return padded;
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

/* Turns a plaintext packet into a data message, in place. */
static bool wgi_encrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			    u64 nonce, unsigned int mtu)
{
	unsigned int padded = wgi_padded_len(skb->len, mtu);
	unsigned int trailer_len = padded - skb->len + WGI_AEAD_TAG_LEN;
	struct scatterlist sg[WGI_MAX_SG];
	struct wgi_msg_data *hdr;
	struct sk_buff *trailer;
	int nsg;

	/* The payload is about to become opaque: finish checksums now. */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return false;
	if (skb_cow_head(skb, WGI_DATA_HEADER_LEN))
		return false;
	nsg = skb_cow_data(skb, trailer_len, &trailer);
	if (unlikely(nsg < 0 || nsg > ARRAY_SIZE(sg)))
		return false;
	/* Zero padding, then room for the tag the cipher appends. */
	memset(pskb_put(skb, trailer, trailer_len), 0, trailer_len);

	sg_init_table(sg, nsg);
	if (unlikely(skb_to_sgvec(skb, sg, 0, skb->len) < 0))
		return false;
	if (unlikely(!chacha20poly1305_encrypt_sg_inplace(sg, padded, NULL, 0,
							  nonce,
							  kp->sending.key)))
		return false;

	hdr = skb_push(skb, sizeof(*hdr));
	hdr->header.type = cpu_to_le32(WGI_MSG_DATA);
	hdr->key_idx = kp->remote_index;
	hdr->counter = cpu_to_le64(nonce);
	skb->ip_summed = CHECKSUM_NONE;
	return true;
}

/* Where a batch stands after sending, for the timers. */
struct wgi_xmit_result {
	bool sent_any;
	bool sent_data;
};

static void wgi_inline_xmit_one(struct wgi_peer *peer, struct wgi_keypair *kp,
				struct sk_buff *skb, u64 nonce,
				struct wgi_xmit_result *res)
{
	struct net_device *dev = peer->device->dev;
	unsigned int plain_len = skb->len;
	u8 ds = wgi_outer_dsfield(skb);

	if (unlikely(!wgi_encrypt_skb(skb, kp, nonce, READ_ONCE(dev->mtu)))) {
		wgi_drop_skb(peer->device, skb, WGI_DROP_TX_ENCRYPT_FAILED);
		return;
	}
	wgi_peer_stats_count_encrypted(peer);
	if (wgi_socket_send_skb_to_peer(peer, skb, ds))
		return;

	res->sent_any = true;
	if (plain_len) {
		res->sent_data = true;
		dev_sw_netstats_tx_add(dev, 1, plain_len);
	}
}

static void wgi_inline_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	struct wgi_xmit_result res = { };
	struct wgi_keypair *kp;
	struct sk_buff *skb;
	u64 nonce;

	/* Also keeps this batch on one CPU for the per-CPU counters. */
	rcu_read_lock_bh();
	kp = rcu_dereference_bh(peer->keypairs.current_keypair);
	if (kp)
		kp = wgi_keypair_get(kp);

	while ((skb = __skb_dequeue(packets))) {
		if (unlikely(!wgi_keypair_next_nonce(kp, &nonce))) {
			/* No usable session: park the rest for the handshake. */
			__skb_queue_head(packets, skb);
			wgi_send_stage_packets(peer, packets);
			break;
		}
		wgi_inline_xmit_one(peer, kp, skb, nonce, &res);
	}

	if (res.sent_any) {
		wgi_timers_any_authenticated_packet_traversal(peer);
		wgi_timers_any_authenticated_packet_sent(peer);
	}
	if (res.sent_data)
		wgi_timers_data_sent(peer);
	if (kp && wgi_keypair_wants_rekey(kp))
		wgi_send_handshake_initiation(peer, false);

	if (kp)
		wgi_keypair_put(kp, false);
	rcu_read_unlock_bh();
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

static bool wgi_receiving_key_usable(struct wgi_keypair *kp, u64 counter)
{
	return READ_ONCE(kp->receiving.is_valid) &&
	       !wgi_birthdate_has_expired(kp->receiving.birthdate,
					  WGI_REJECT_AFTER_TIME) &&
	       counter < WGI_REJECT_AFTER_MESSAGES;
}

/* Authenticates and decrypts in place; leaves the plaintext at skb->data. */
static bool wgi_decrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			    u64 counter)
{
	struct scatterlist sg[WGI_MAX_SG];
	struct sk_buff *trailer;
	int nsg;

	__skb_pull(skb, WGI_DATA_HEADER_LEN);
	nsg = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nsg < 0 || nsg > ARRAY_SIZE(sg)))
		return false;
	sg_init_table(sg, nsg);
	if (unlikely(skb_to_sgvec(skb, sg, 0, skb->len) < 0))
		return false;
	if (!chacha20poly1305_decrypt_sg_inplace(sg, skb->len, NULL, 0,
						 counter, kp->receiving.key))
		return false;
	return !pskb_trim(skb, skb->len - WGI_AEAD_TAG_LEN);
}

/*
 * The initiator rekeys shortly before its session would be rejected,
 * once, if the peer is still talking to it.
 */
static void wgi_maybe_lastminute_rekey(struct wgi_peer *peer,
				       struct wgi_keypair *kp)
{
	if (kp->i_am_the_initiator && !READ_ONCE(peer->sent_lastminute_handshake) &&
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

/* Hands a decrypted packet to this tunnel's NAPI on the current core. */
static void wgi_deliver_to_napi(struct wgi_peer *peer, struct sk_buff *skb,
				__be16 protocol, u8 outer_ds)
{
	struct wgi_device *wg = peer->device;
	/* Only compared, never dereferenced. */
	struct net *creating_net = rcu_access_pointer(wg->creating_net);

	skb_scrub_packet(skb, !net_eq(dev_net(wg->dev), creating_net));
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

	if (unlikely(skb_queue_len_lockless(&peer->rx_queue) >=
		     WGI_MAX_RX_BACKLOG)) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_NAPI_BACKLOG);
		return;
	}
	skb_queue_tail(&peer->rx_queue, skb);
	/* We are in the receiving softirq, so this polls on this core. */
	napi_schedule(&peer->napi);
}

static void wgi_inline_receive_data(struct wgi_peer *peer,
				    struct wgi_keypair *kp,
				    struct sk_buff *skb)
{
	struct wgi_device *wg = peer->device;
	/* The outer IP header is still in front of the message. */
	u8 outer_ds = wgi_ip_dsfield(skb);
	unsigned int msg_len = skb->len;
	struct wgi_peer *routed;
	__be16 protocol;
	u64 counter;

	counter = le64_to_cpu(((struct wgi_msg_data *)skb->data)->counter);
	if (unlikely(!wgi_receiving_key_usable(kp, counter))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_KEY_EXPIRED);
		return;
	}
	if (unlikely(!wgi_decrypt_skb(skb, kp, counter))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_DECRYPT_FAILED);
		return;
	}
	/* Only authenticated counters may move the replay window. */
	if (unlikely(!wgi_replay_check_and_update(&kp->receiving_counter,
						  counter,
						  WGI_REJECT_AFTER_MESSAGES))) {
		wgi_drop_skb(wg, skb, WGI_DROP_RX_REPLAYED);
		return;
	}

	/* Authentic and fresh: the peer is really at this address now. */
	wgi_socket_set_peer_endpoint_from_skb(peer, skb);
	wgi_peer_stats_count_decrypted(peer, msg_len);
	wgi_timers_any_authenticated_packet_received(peer);
	wgi_timers_any_authenticated_packet_traversal(peer);
	if (unlikely(wgi_noise_received_with_keypair(&peer->keypairs, kp))) {
		/* The responder's session is confirmed: release its backlog. */
		wgi_timers_handshake_complete(peer);
		wgi_send_staged_packets(peer);
	}
	wgi_maybe_lastminute_rekey(peer, kp);

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
	wgi_deliver_to_napi(peer, skb, protocol, outer_ds);
}

const struct wgi_datapath_ops wgi_inline_ops = {
	.mode		= WGI_MODE_INLINE,
	.xmit		= wgi_inline_xmit,
	.receive_data	= wgi_inline_receive_data,
};
