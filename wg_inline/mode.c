// SPDX-License-Identifier: GPL-2.0
/*
 * The table of execution modes and the only code that writes a tunnel's
 * mode (peer->ops): when the tunnel is created, and when it is switched,
 * which may happen while traffic flows and loses and reorders nothing:
 *
 *  1. park: from now on every packet for the tunnel (plaintext from any
 *     sender, data messages from the receive path) is parked in order on
 *     peer->mode_switch instead of reaching a mode. Every entry to a mode
 *     goes through wgi_mode_xmit / wgi_mode_receive_data, which check the
 *     flag inside an RCU-bh read side;
 *  2. synchronize_net(): whoever did not see the flag has left the old
 *     mode's entry points;
 *  3. napi_disable(): no poll of the tunnel runs (the inline mode's
 *     hand-off work, deliveries);
 *  4. the old mode's drain gives back, oldest first, what it holds (the
 *     parallel mode finishes what its workers started, in order, first);
 *     its peer_stop ends what is left of it. A mode whose poll does none
 *     of its work (no napi_work: parallel) is drained before step 3, so
 *     that what the drain delivers reaches the stack meanwhile instead
 *     of piling up on the tunnel's rx_queue;
 *  5. the new mode's peer_init, napi_enable();
 *  6. under the park lock: the new mode's refeed takes the drained
 *     packets, then the parked ones: queued where later ones queue behind
 *     them, or (the inline mode, on the tunnel's core or without one)
 *     worked on right there, later ones waiting for the lock;
 *     what the refeed sends itself (a staged flush) goes straight to the
 *     new mode, which peer->ops already is; then the flag is cleared. A sender
 *     that found the flag set and waits for the lock sees it clear and
 *     goes to the new mode, behind the refed packets;
 *  7. in its refeed the new mode also schedules one NAPI poll, where its
 *     work belongs (the inline mode: on the tunnel's core, or the poll
 *     would send from the wrong CPU): deliveries the drain left on the
 *     tunnel's rx_queue, older than anything the new mode delivers.
 *
 * The tunnel is parked for a few milliseconds (two grace periods,
 * expedited as RTNL is held, and the drain); at most WGI_MAX_PARKED
 * packets per direction wait, the newest beyond that are dropped.
 */
#include <linux/netlink.h>
#include "datapath.h"
#include "device.h"
#include "mode.h"
#include "peer.h"

/* Packets that may be parked per direction while a tunnel switches. */
#define WGI_MAX_PARKED	4096

static const struct wgi_mode_ops *const wgi_modes[__WGI_TUNNEL_MODE_MAX] = {
	[WGI_TUNNEL_MODE_INLINE] = &wgi_inline_ops,
	[WGI_TUNNEL_MODE_PARALLEL] = &wgi_parallel_ops,
};

/*
 * Parks @list on @q if the tunnel is switching; false if it is not (any
 * more). BH disabled.
 */
static bool wgi_mode_park(struct wgi_peer *peer, struct sk_buff_head *q,
			  struct sk_buff_head *list, enum wgi_drop_reason why)
{
	struct wgi_mode_switch *sw = &peer->mode_switch;
	struct sk_buff *skb;

	/*
	 * The refeed itself may send (a staged flush as a session turns up):
	 * that goes to the new mode, as the lock it would wait for is its
	 * own. Only that task can be it: it holds the lock with BH off.
	 */
	if (READ_ONCE(sw->releaser) == current)
		return false;
	spin_lock(&sw->lock);
	if (!sw->parked) {
		spin_unlock(&sw->lock);
		return false;
	}
	while ((skb = __skb_dequeue(list))) {
		if (unlikely(skb_queue_len(q) >= WGI_MAX_PARKED)) {
			wgi_drop_skb(peer->device, skb, why);
			continue;
		}
		/* The route may be a no-ref one that dies with this softirq. */
		skb_dst_drop(skb);
		__skb_queue_tail(q, skb);
	}
	spin_unlock(&sw->lock);
	return true;
}

static bool wgi_mode_is_parked(struct wgi_peer *peer)
{
	/* Pairs with the release in wgi_mode_release: then ops is new. */
	return smp_load_acquire(&peer->mode_switch.parked);
}

bool wgi_mode_is_switching(struct wgi_peer *peer)
{
	return wgi_mode_is_parked(peer);
}

void wgi_mode_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	rcu_read_lock_bh();
	if (likely(!wgi_mode_is_parked(peer)) ||
	    !wgi_mode_park(peer, &peer->mode_switch.tx, packets,
			   WGI_DROP_TX_SWITCH_OVERFLOW))
		READ_ONCE(peer->ops)->xmit(peer, packets);
	rcu_read_unlock_bh();
}

void wgi_mode_receive_data(struct wgi_peer *peer, struct wgi_keypair *kp,
			   struct sk_buff *skb)
{
	struct sk_buff_head one;

	if (likely(!wgi_mode_is_parked(peer))) {
		READ_ONCE(peer->ops)->receive_data(peer, kp, skb);
		return;
	}
	/* Parked unopened; the new mode looks its session up again. */
	__skb_queue_head_init(&one);
	__skb_queue_tail(&one, skb);
	if (wgi_mode_park(peer, &peer->mode_switch.rx, &one,
			  WGI_DROP_RX_SWITCH_OVERFLOW))
		return;
	__skb_unlink(skb, &one);
	READ_ONCE(peer->ops)->receive_data(peer, kp, skb);
}

const struct wgi_mode_ops *wgi_mode_ops(enum wgi_tunnel_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(wgi_modes))
		return NULL;
	return wgi_modes[mode];
}

int wgi_mode_check(enum wgi_tunnel_mode mode, struct netlink_ext_ack *extack)
{
	if (wgi_mode_ops(mode))
		return 0;
	NL_SET_ERR_MSG(extack, "this execution mode is not implemented yet");
	return -EOPNOTSUPP;
}

/*
 * The device-wide state of @mode, set up before any tunnel may enter it:
 * before a switch, and before the mode becomes the device's default
 * (so that wgi_mode_peer_init cannot fail). Left in place if a later
 * step of the request is refused: it is only memory, freed with the
 * device.
 */
int wgi_mode_prepare(struct wgi_device *wg, enum wgi_tunnel_mode mode,
		     struct netlink_ext_ack *extack)
{
	const struct wgi_mode_ops *ops;
	int ret;

	lockdep_assert_held(&wg->update_lock);
	ret = wgi_mode_check(mode, extack);
	if (ret)
		return ret;
	ops = wgi_mode_ops(mode);
	if (!ops->device_prepare)
		return 0;
	ret = ops->device_prepare(wg);
	if (ret)
		NL_SET_ERR_MSG(extack,
			       "cannot allocate the execution mode's queues and workers");
	return ret;
}

void wgi_mode_device_uninit(struct wgi_device *wg)
{
	unsigned int i = ARRAY_SIZE(wgi_modes);

	while (i--)
		if (wgi_modes[i] && wgi_modes[i]->device_uninit)
			wgi_modes[i]->device_uninit(wg);
}

void wgi_mode_peer_init(struct wgi_peer *peer, enum wgi_tunnel_mode mode)
{
	const struct wgi_mode_ops *ops = wgi_mode_ops(mode) ?: &wgi_inline_ops;

	ops->peer_init(peer);
	/* Published before the peer is reachable by any packet path. */
	WRITE_ONCE(peer->ops, ops);
}

void wgi_mode_peer_discard(struct wgi_peer *peer)
{
	struct sk_buff_head tx, rx;

	__skb_queue_head_init(&tx);
	__skb_queue_head_init(&rx);
	peer->ops->drain(peer, &tx, &rx);
	__skb_queue_purge(&tx);
	__skb_queue_purge(&rx);
}

void wgi_mode_peer_stop(struct wgi_peer *peer)
{
	if (peer->ops->peer_stop)
		peer->ops->peer_stop(peer);
}

/* Step 1: from now on the tunnel's packets are parked. */
static void wgi_mode_park_begin(struct wgi_peer *peer)
{
	struct wgi_mode_switch *sw = &peer->mode_switch;

	spin_lock_bh(&sw->lock);
	WRITE_ONCE(sw->parked, true);
	spin_unlock_bh(&sw->lock);
}

/* Steps 2 to 5: the old mode emptied and left, the new one entered. */
static void wgi_mode_swap(struct wgi_peer *peer, const struct wgi_mode_ops *to,
			  struct sk_buff_head *tx, struct sk_buff_head *rx)
{
	const struct wgi_mode_ops *from = peer->ops;

	synchronize_net();
	if (from->napi_work) {
		napi_disable(&peer->napi);
		from->drain(peer, tx, rx);
	} else {
		from->drain(peer, tx, rx);
		napi_disable(&peer->napi);
	}
	if (from->peer_stop)
		from->peer_stop(peer);
	to->peer_init(peer);
	napi_enable(&peer->napi);
}

/* Steps 6 and 7: the new mode takes over, oldest packets first. */
static void wgi_mode_release(struct wgi_peer *peer,
			     const struct wgi_mode_ops *to,
			     struct sk_buff_head *tx, struct sk_buff_head *rx)
{
	struct wgi_mode_switch *sw = &peer->mode_switch;

	spin_lock_bh(&sw->lock);
	skb_queue_splice_tail_init(&sw->tx, tx);
	skb_queue_splice_tail_init(&sw->rx, rx);
	/* Before the refeed: what it sends itself goes to the new mode. */
	WRITE_ONCE(peer->ops, to);
	WRITE_ONCE(sw->releaser, current);
	to->refeed(peer, tx, rx);
	WRITE_ONCE(sw->releaser, NULL);
	smp_store_release(&sw->parked, false);
	spin_unlock_bh(&sw->lock);
}

int wgi_mode_set(struct wgi_peer *peer, enum wgi_tunnel_mode mode,
		 struct netlink_ext_ack *extack)
{
	const struct wgi_mode_ops *to;
	struct sk_buff_head tx, rx;
	int ret;

	lockdep_assert_held(&peer->device->update_lock);
	ASSERT_RTNL();	/* makes the grace periods expedited: a short park */
	/*
	 * Before the park: a failure changes nothing, and the swap's grace
	 * period orders the new state before any packet that reaches it.
	 */
	ret = wgi_mode_prepare(peer->device, mode, extack);
	if (ret)
		return ret;
	to = wgi_mode_ops(mode);
	if (peer->ops == to)
		return 0;

	__skb_queue_head_init(&tx);
	__skb_queue_head_init(&rx);
	wgi_mode_park_begin(peer);
	wgi_mode_swap(peer, to, &tx, &rx);
	wgi_mode_release(peer, to, &tx, &rx);
	wgi_event_raise(peer, WGI_EVENT_MODE_CHANGED, GFP_KERNEL);
	return 0;
}
