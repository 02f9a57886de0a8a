// SPDX-License-Identifier: GPL-2.0
/*
 * The inline execution mode: a tunnel's packets are encrypted and sent in
 * the context that transmitted them, and decrypted in the softirq that
 * received them; decrypted packets go to the tunnel's own NAPI, scheduled
 * on the same core. There are no crypt workers and no per-device ring, so
 * there is no reordering and no cross-core cache traffic per packet;
 * scaling across cores comes from running many tunnels.
 */
#include <linux/skbuff.h>
#include "datapath.h"
#include "mode.h"
#include "peer.h"

static void wgi_inline_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	wgi_send_data_packets(peer, packets);
}

static void wgi_inline_receive_data(struct wgi_peer *peer,
				    struct wgi_keypair *kp,
				    struct sk_buff *skb)
{
	wgi_receive_data_packet(peer, kp, skb);
}

static void wgi_inline_peer_init(struct wgi_peer *peer)
{
}

/* Inline holds no packets of its own: everything runs where it arrives. */
static void wgi_inline_drain(struct wgi_peer *peer, struct sk_buff_head *tx,
			     struct sk_buff_head *rx)
{
}

const struct wgi_mode_ops wgi_inline_ops = {
	.mode		= WGI_TUNNEL_MODE_INLINE,
	.name		= "inline",
	.peer_init	= wgi_inline_peer_init,
	.drain		= wgi_inline_drain,
	.xmit		= wgi_inline_xmit,
	.receive_data	= wgi_inline_receive_data,
};
