/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Execution modes: how a tunnel's packets are threaded. Every mode runs
 * the same per-packet code (send.c: wgi_send_data_packets, receive.c:
 * wgi_receive_data_packet); a mode only decides in which context and on
 * which core that code runs. A tunnel's mode is peer->ops, which mode.c
 * alone writes.
 */
#ifndef WGI_MODE_H
#define WGI_MODE_H

#include <linux/skbuff.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <linux/wg_inline.h>

struct wgi_device;
struct wgi_peer;
struct wgi_keypair;
struct netlink_ext_ack;

struct wgi_mode_ops {
	enum wgi_tunnel_mode mode;
	const char *name;
	/*
	 * Optional: state a mode shares across a device's tunnels, set up
	 * when the mode is first asked for (a tunnel switched to it, or made
	 * the default for new ones), so that a device that never uses the
	 * mode pays nothing for it. Idempotent; process context, under the
	 * device's update_lock. Kept until device_uninit.
	 */
	int (*device_prepare)(struct wgi_device *wg);
	void (*device_uninit)(struct wgi_device *wg);
	/* A tunnel enters the mode; its NAPI exists but is not polled yet. */
	void (*peer_init)(struct wgi_peer *peer);
	/*
	 * Gives back, oldest first, every packet the mode holds for the
	 * tunnel: plaintext on @tx, data messages on @rx. The caller keeps
	 * new packets away (parked, or the tunnel is dead) and has stopped
	 * the tunnel's NAPI if the mode has napi_work. A packet the mode
	 * cannot give back (already encrypted) it finishes first, in order.
	 * Process context.
	 */
	void (*drain)(struct wgi_peer *peer, struct sk_buff_head *tx,
		      struct sk_buff_head *rx);
	/*
	 * Takes, oldest first, what another mode gave back and what was
	 * parked meanwhile, ahead of any packet sent or received after
	 * (queued, or worked on at once), and schedules one NAPI poll
	 * where the mode's work belongs. The tunnel's NAPI is enabled;
	 * called with BH disabled, under the switch's lock.
	 */
	void (*refeed)(struct wgi_peer *peer, struct sk_buff_head *tx,
		       struct sk_buff_head *rx);
	/* Optional: the tunnel leaves the mode (after drain). */
	void (*peer_stop)(struct wgi_peer *peer);
	/* Encrypts and sends a list of plaintext skbs for @peer. */
	void (*xmit)(struct wgi_peer *peer, struct sk_buff_head *packets);
	/* Opens one data message whose keypair was found for @peer. */
	void (*receive_data)(struct wgi_peer *peer, struct wgi_keypair *kp,
			     struct sk_buff *skb);
	/*
	 * Optional: work the mode deferred to the tunnel's NAPI poll, done
	 * first in each poll. Returns how much of @budget it used.
	 */
	int (*napi_work)(struct wgi_peer *peer, int budget);
	/*
	 * Optional: the tunnel's NAPI poll delivered what it could from the
	 * tunnel's backlog (room was made for more). BH disabled.
	 */
	void (*napi_delivered)(struct wgi_peer *peer);
};

/*
 * The inline mode's per-tunnel state: packets that arrived on another
 * core than the tunnel's, waiting for its NAPI to run there.
 */
struct wgi_handoff {
	struct sk_buff_head tx;		/* plaintext to encrypt and send */
	struct sk_buff_head rx;		/* data messages to open */
	call_single_data_t csd;		/* the kick to the tunnel's core */
	unsigned long flags;		/* WGI_HANDOFF_KICKED */
};

/*
 * The parallel mode's per-tunnel state: the tunnel's packets in the order
 * they were queued, while crypt workers seal or open them, until the
 * tunnel's ordered stage sends or delivers them.
 */
struct wgi_parallel_peer {
	struct sk_buff_head tx;		/* plaintext being sealed */
	struct sk_buff_head rx;		/* data messages being opened */
	struct work_struct stage;	/* the ordered stage, on the tunnel's core */
	unsigned long flags;		/* WGI_PAR_WANTS_ROOM */
};

/*
 * A tunnel's packets while it changes modes (mode.c): parked, in order,
 * until the new mode takes them. @lock guards @parked and both queues.
 */
struct wgi_mode_switch {
	spinlock_t lock;
	bool parked;
	/* The task refeeding under @lock: what it sends is not parked. */
	struct task_struct *releaser;
	struct sk_buff_head tx;		/* plaintext */
	struct sk_buff_head rx;		/* data messages, not yet opened */
};

extern const struct wgi_mode_ops wgi_inline_ops;
extern const struct wgi_mode_ops wgi_parallel_ops;

/*
 * Hands @packets to the tunnel's mode, from any context: an RCU-bh read
 * side around the call lets a mode switch wait for every caller that
 * may still be in the old mode (synchronize_net).
 */
void wgi_mode_xmit(struct wgi_peer *peer, struct sk_buff_head *packets);
/* The same for a data message whose session was found for @peer; BH off. */
void wgi_mode_receive_data(struct wgi_peer *peer, struct wgi_keypair *kp,
			   struct sk_buff *skb);
/*
 * Whether the tunnel is switching modes: then everything that reaches
 * its backlog is bounded by the switch itself (parked, drained).
 */
bool wgi_mode_is_switching(struct wgi_peer *peer);
/* The ops of @mode, or NULL if this build does not implement it. */
const struct wgi_mode_ops *wgi_mode_ops(enum wgi_tunnel_mode mode);
int wgi_mode_prepare(struct wgi_device *wg, enum wgi_tunnel_mode mode,
		     struct netlink_ext_ack *extack);
void wgi_mode_device_uninit(struct wgi_device *wg);
/* A new tunnel's mode; the one place (with wgi_mode_set) writing ops. */
void wgi_mode_peer_init(struct wgi_peer *peer, enum wgi_tunnel_mode mode);
/* Drops what the mode holds (device down, teardown); NAPI disabled. */
void wgi_mode_peer_discard(struct wgi_peer *peer);
/* Leaves the mode for good (teardown), after wgi_mode_peer_discard. */
void wgi_mode_peer_stop(struct wgi_peer *peer);
/* Checks that @mode can be used, with a message if not. */
int wgi_mode_check(enum wgi_tunnel_mode mode, struct netlink_ext_ack *extack);
/*
 * Puts a tunnel in @mode (checked), also while traffic flows: no packet
 * is lost or reordered by the switch (see mode.c). RTNL and update_lock
 * held; sleeps.
 */
int wgi_mode_set(struct wgi_peer *peer, enum wgi_tunnel_mode mode,
		 struct netlink_ext_ack *extack);

#endif
