/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet paths. socket.c owns the UDP sockets and the raw send;
 * send.c builds and sends messages; receive.c parses and dispatches
 * them; inline.c is the inline execution mode (encrypt/transmit and
 * decrypt/deliver on the current core).
 */
#ifndef WGI_DATAPATH_H
#define WGI_DATAPATH_H

#include <linux/skbuff.h>
#include "peer.h"
#include "device.h"

/* socket.c */
int wgi_socket_init(struct wgi_device *wg, u16 port);
void wgi_socket_reinit(struct wgi_device *wg, struct sock *new4,
		       struct sock *new6);
int wgi_socket_send_skb_to_peer(struct wgi_peer *peer, struct sk_buff *skb,
				u8 ds);
int wgi_socket_send_buffer_to_peer(struct wgi_peer *peer, void *buf,
				   size_t len, u8 ds);
int wgi_socket_send_buffer_as_reply_to_skb(struct wgi_device *wg,
					   struct sk_buff *in_skb, void *buf,
					   size_t len);
int wgi_socket_endpoint_from_skb(struct wgi_endpoint *ep,
				 const struct sk_buff *skb);
void wgi_socket_set_peer_endpoint(struct wgi_peer *peer,
				  const struct wgi_endpoint *ep);
void wgi_socket_set_peer_endpoint_from_skb(struct wgi_peer *peer,
					   const struct sk_buff *skb);
void wgi_socket_clear_peer_endpoint_src(struct wgi_peer *peer);

/* send.c */
/*
 * Asks for a handshake initiation: rate-limited to one per REKEY_TIMEOUT
 * unless @is_retry, and only queues peer->transmit_handshake_work, so it
 * is safe (and cheap) from ndo_start_xmit, softirq and timers.
 */
void wgi_send_handshake_initiation(struct wgi_peer *peer, bool is_retry);
void wgi_send_handshake_allow_now(struct wgi_peer *peer);
/* The work item behind the above: builds and sends the initiation. */
void wgi_send_handshake_initiation_worker(struct work_struct *work);
void wgi_send_handshake_response(struct wgi_peer *peer);
void wgi_send_cookie_reply(struct wgi_device *wg, struct sk_buff *skb,
			   __le32 sender_index);
void wgi_send_keepalive(struct wgi_peer *peer);
/* Flushes packets staged during the handshake through peer->ops->xmit. */
void wgi_send_staged_packets(struct wgi_peer *peer);
void wgi_send_stage_packets(struct wgi_peer *peer, struct sk_buff_head *list);

/* receive.c */
int wgi_receive(struct sock *sk, struct sk_buff *skb);	/* encap_rcv */
void wgi_handshake_worker(struct work_struct *work);
int wgi_napi_poll(struct napi_struct *napi, int budget);

/* inline.c */
extern const struct wgi_datapath_ops wgi_inline_ops;

#endif
