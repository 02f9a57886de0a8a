/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet paths. socket.c owns the UDP sockets and the raw send;
 * send.c builds and sends messages; receive.c parses, opens and
 * delivers them; crypt.c seals and opens one message. The execution
 * modes (mode.h) decide where send.c's and receive.c's data functions
 * run.
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
/* Sends what was staged while no session existed, through peer->ops->xmit. */
void wgi_send_flush_staged(struct wgi_peer *peer);
/*
 * Holds @list until a session exists (the oldest give way beyond the
 * limit) and asks for the handshake that will release it.
 */
void wgi_send_stage(struct wgi_peer *peer, struct sk_buff_head *list);
/*
 * With a session, before sending @packets: what is staged goes first
 * (it is older). After staging because @kp (or no session) could not
 * send: sends what was staged if a newer session appeared meanwhile.
 * Every mode's TX uses both, so that staging and the session's own flush
 * cannot strand a packet. BH disabled, in an RCU-bh read side.
 */
void wgi_send_take_staged(struct wgi_peer *peer, struct sk_buff_head *packets);
void wgi_send_recheck_session(struct wgi_peer *peer, struct wgi_keypair *kp);
/*
 * Encrypts and sends @packets with the current session, on this core;
 * without a usable session they are staged. Every mode's TX ends here,
 * whole (inline) or in the steps below (parallel: meta where the packet
 * is queued, seal in a crypt worker, emit and finish in the tunnel's
 * order).
 */
void wgi_send_data_packets(struct wgi_peer *peer, struct sk_buff_head *packets);

/* What a plaintext packet's message needs from it before it is sealed. */
struct wgi_send_meta {
	unsigned int plain_len;
	u8 ds;		/* the outer DS field */
};

/* Where a batch stands after sending, for the timers. */
struct wgi_send_result {
	bool sent_any;
	bool sent_data;
};

void wgi_send_data_meta(const struct sk_buff *skb, struct wgi_send_meta *meta);
/*
 * Seals @skb in place with @kp and @nonce, counted on this CPU; false:
 * it failed, the caller drops it (tx_encrypt_failed). BH disabled.
 */
bool wgi_send_data_seal(struct wgi_peer *peer, struct wgi_keypair *kp,
			struct sk_buff *skb, u64 nonce,
			const struct wgi_send_meta *meta);
/* Sends a sealed message (consumed), counted on this CPU. BH disabled. */
void wgi_send_data_emit(struct wgi_peer *peer, struct sk_buff *skb,
			const struct wgi_send_meta *meta,
			struct wgi_send_result *res);
/* After a batch: the timers, and a handshake if @kp (or NULL) wants one. */
void wgi_send_data_finish(struct wgi_peer *peer, struct wgi_keypair *kp,
			  const struct wgi_send_result *res);

/* receive.c */
int wgi_receive(struct sock *sk, struct sk_buff *skb);	/* encap_rcv */
void wgi_handshake_worker(struct work_struct *work);
int wgi_napi_poll(struct napi_struct *napi, int budget);
/* A data message at skb->data: finds its session, then peer->ops decides. */
void wgi_receive_data(struct wgi_device *wg, struct sk_buff *skb);
/*
 * The session of a data message a mode moved to @peer's context, looked
 * up again (it may have ended meanwhile), with a reference; NULL (and
 * @skb dropped) if it no longer belongs to @peer.
 */
struct wgi_keypair *wgi_receive_data_session(struct wgi_peer *peer,
					     struct sk_buff *skb);
/* That, then wgi_receive_data_packet on this core. */
void wgi_receive_data_here(struct wgi_peer *peer, struct sk_buff *skb);
/*
 * Opens one data message, then the post-authentication bookkeeping
 * (endpoint, timers, session confirmation) and delivery to the tunnel's
 * NAPI, on this core. Every mode's RX ends here, whole (inline) or in
 * the steps below (parallel: meta where the message is queued, open in a
 * crypt worker, opened in the tunnel's order).
 */
void wgi_receive_data_packet(struct wgi_peer *peer, struct wgi_keypair *kp,
			     struct sk_buff *skb);

/* What a data message's opening needs from it, read before. */
struct wgi_receive_meta {
	u64 counter;
	unsigned int msg_len;	/* the message as received */
	u8 outer_ds;		/* the outer DS field */
};

void wgi_receive_data_meta(const struct sk_buff *skb,
			   struct wgi_receive_meta *meta);
/*
 * Authenticates and decrypts @skb in place, counted on this CPU; false:
 * the caller drops it for *@why. BH disabled.
 */
bool wgi_receive_data_open(struct wgi_peer *peer, struct wgi_keypair *kp,
			   struct sk_buff *skb,
			   const struct wgi_receive_meta *meta,
			   enum wgi_drop_reason *why);
/*
 * The rest, in the tunnel's order: the replay window, what an authentic
 * message tells about the peer, the inner packet's checks, delivery to
 * the tunnel's NAPI on this CPU. BH disabled.
 */
void wgi_receive_data_opened(struct wgi_peer *peer, struct wgi_keypair *kp,
			     struct sk_buff *skb,
			     const struct wgi_receive_meta *meta);

#endif
