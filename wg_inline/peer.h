/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer is one tunnel: its keys, endpoint, timers, NAPI context, the
 * execution mode its packets are processed in and the core it is
 * assigned to.
 */
#ifndef WGI_PEER_H
#define WGI_PEER_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>
#include "noise.h"
#include "cookie.h"
#include "index.h"
#include "mode.h"
#include "placement.h"
#include "tunnel_events.h"

struct wgi_device;

/* Decrypted packets a tunnel may have waiting for its NAPI poll. */
#define WGI_MAX_RX_BACKLOG	1024

/* Where a peer is reached, and which local address we last used for it. */
struct wgi_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		struct {
			struct in_addr src4;
			int src_if4;	/* where the peer reached src4 */
		};
		struct in6_addr src6;
	};
};

/*
 * Per-CPU tunnel counters. The crypto and hand-off counters exist so
 * tests and operators can see on which core each tunnel's work ran, and
 * how much of it arrived on another one.
 */
struct wgi_peer_pcpu_stats {
	u64 tx_bytes;		/* UDP payload bytes sent, all message types */
	u64 rx_bytes;		/* UDP payload bytes received and accepted */
	u64 encrypted_pkts;
	u64 encrypted_bytes;	/* plaintext, before padding */
	u64 decrypted_pkts;
	u64 decrypted_bytes;	/* plaintext, padding included */
	u64 handoff_tx;		/* packets this CPU handed to the tunnel's core */
	u64 handoff_rx;
	u64 sent_pkts;		/* data messages handed to the UDP socket here */
	u64 delivered_pkts;	/* decrypted packets given to the stack here */
	struct u64_stats_sync syncp;
};

/* One CPU's share of a tunnel's work, as read back. */
struct wgi_peer_cpu_work {
	u64 encrypted_pkts, encrypted_bytes;
	u64 decrypted_pkts, decrypted_bytes;
	u64 handoff_tx, handoff_rx;
	u64 sent_pkts, delivered_pkts;
};

struct wgi_peer {
	struct wgi_device *device;
	/* The execution mode; written by mode.c only. */
	const struct wgi_mode_ops *ops;
	struct wgi_placement placement;
	struct wgi_handoff handoff;	/* inline mode */
	struct wgi_parallel_peer parallel;	/* parallel mode */
	struct wgi_mode_switch mode_switch;	/* mode.c */
	/* tunnel_events.c, under its queue lock: */
	struct wgi_event_rec *pending_endpoint_event;	/* queued, replaceable */
	bool events_closed;		/* TUNNEL_REMOVED queued: no more */

	struct wgi_endpoint endpoint;
	rwlock_t endpoint_lock;
	struct dst_cache endpoint_cache;
	u32 endpoint_gen;		/* endpoint_lock; bumped with each cache reset */

	struct wgi_handshake handshake;
	struct wgi_keypairs keypairs;
	struct wgi_cookie latest_cookie;

	/* Plaintext held only while no session exists; oldest dropped first. */
	struct sk_buff_head staged_packet_queue;
	/* Decrypted packets waiting for this tunnel's NAPI poll. */
	struct sk_buff_head rx_queue;
	struct napi_struct napi;

	struct timer_list timer_retransmit_handshake;
	struct timer_list timer_send_keepalive;
	struct timer_list timer_new_handshake;
	struct timer_list timer_zero_key_material;
	struct timer_list timer_persistent_keepalive;
	struct work_struct transmit_handshake_work;
	struct work_struct clear_peer_work;
	unsigned int timer_handshake_attempts;
	u16 persistent_keepalive_interval;	/* seconds, 0 = off */
	bool timer_need_another_keepalive;
	bool sent_lastminute_handshake;

	atomic64_t last_sent_handshake;	/* ktime ns */
	/* Wall-clock time of the last completed handshake, for read-back. */
	struct timespec64 walltime_last_handshake;

	struct wgi_peer_pcpu_stats __percpu *stats;

	struct hlist_node pubkey_hash;
	struct list_head peer_list;		/* on device->peer_list */
	struct list_head allowedips_list;	/* wgi_allowedips_node */
	u64 internal_id;
	struct kref refcount;
	struct rcu_head rcu;
	bool is_dead;	/* set under device->update_lock before teardown */
};

struct wgi_peer *wgi_peer_create(struct wgi_device *wg,
				 const u8 public_key[WGI_PUBKEY_LEN],
				 const u8 preshared_key[WGI_KEY_LEN]);
struct wgi_peer *__must_check wgi_peer_get_maybe_zero(struct wgi_peer *peer);
static inline struct wgi_peer *wgi_peer_get(struct wgi_peer *peer)
{
	kref_get(&peer->refcount);
	return peer;
}
void wgi_peer_put(struct wgi_peer *peer);
/*
 * Queues one of the peer's work items on the device's workqueue; the
 * pending work holds a reference that the work function drops.
 */
void wgi_peer_queue_work(struct wgi_peer *peer, struct work_struct *work);
/* Caller holds device->update_lock. */
void wgi_peer_remove(struct wgi_peer *peer);
void wgi_peer_remove_all(struct wgi_device *wg);

void wgi_peer_stats_add_tx(struct wgi_peer *peer, unsigned int bytes);
void wgi_peer_stats_add_rx(struct wgi_peer *peer, unsigned int bytes);
void wgi_peer_stats_sum(struct wgi_peer *peer, u64 *rx_bytes, u64 *tx_bytes);
/*
 * Packet path, BH disabled: one data message en/decrypted on this CPU
 * (@plain_len of plaintext), one authentic data message of @msg_len
 * accepted, one sent, @n decrypted packets delivered to the stack.
 */
void wgi_peer_stats_count_encrypted(struct wgi_peer *peer,
				    unsigned int plain_len);
void wgi_peer_stats_count_decrypted(struct wgi_peer *peer,
				    unsigned int plain_len);
void wgi_peer_stats_count_received(struct wgi_peer *peer,
				   unsigned int msg_len);
void wgi_peer_stats_count_sent(struct wgi_peer *peer);
void wgi_peer_stats_count_delivered(struct wgi_peer *peer, unsigned int n);
/* Packet path, BH disabled: @n packets handed from this CPU to the core. */
void wgi_peer_stats_count_handoff(struct wgi_peer *peer, bool is_tx,
				  unsigned int n);
/* One CPU's share of the tunnel's work. */
void wgi_peer_stats_read_cpu(struct wgi_peer *peer, int cpu,
			     struct wgi_peer_cpu_work *work);

/*
 * Object counters, checked by the leak tests through debugfs: created
 * minus destroyed is what is still alive. The keypair pair lives in
 * noise.c.
 */
extern atomic64_t wgi_peers_created, wgi_peers_destroyed;
extern atomic64_t wgi_keypairs_created, wgi_keypairs_destroyed;

#endif
