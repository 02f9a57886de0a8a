// SPDX-License-Identifier: GPL-2.0
/*
 * The inline execution mode: a tunnel's packets are encrypted and sent in
 * the context that transmitted them, and decrypted in the softirq that
 * received them; decrypted packets go to the tunnel's own NAPI, scheduled
 * on the same core. There are no crypt workers and no per-device ring, so
 * there is no reordering and no cross-core cache traffic per packet;
 * scaling across cores comes from running many tunnels.
 *
 * A tunnel assigned to a core (placement.h) keeps that promise on any
 * NIC: a packet that arrives on another core is handed to the tunnel's
 * core, where its NAPI poll encrypts or opens it. Hand-offs are batched:
 * the first packet of a batch sends one inter-processor kick, and later
 * ones only queue until the poll has taken the queue (WGI_HANDOFF_KICKED
 * is cleared at the start of each poll, before the queues are read, so a
 * packet queued after that read always kicks again). Every hand-off is
 * counted per tunnel, direction and source CPU: NIC steering exists to
 * bring that count to zero.
 *
 * Order: while hand-offs wait, no packet is worked on directly (on the
 * tunnel's core, or anywhere once it is unassigned or offline): it
 * queues behind them instead of overtaking them, so a flow that moves
 * between cores is not reordered.
 *
 * Data messages are handed off before they are authenticated (as any
 * crypt queue must): a flood of forged messages naming a live session
 * can fill the hand-off queue (rx_handoff_overflow), which costs the
 * tunnel packets but no more CPU than opening them inline would.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/smp.h>
#include "datapath.h"
#include "device.h"
#include "mode.h"
#include "peer.h"

/* Packets a tunnel may have waiting for its core, per direction. */
#define WGI_MAX_HANDOFF		1024

/*
 * KICKED: the tunnel's NAPI has been asked to run and has not yet taken
 * the queues; producers only queue. IPI: the csd is in flight. The csd
 * may be reused only once its IPI has run, and the NAPI may be polled
 * for other reasons in between (local delivery, a repoll), so KICKED
 * alone cannot tell that the csd is free again.
 */
enum { WGI_HANDOFF_KICKED, WGI_HANDOFF_IPI };

/* Runs on the tunnel's core, in hard interrupt context. */
static void wgi_handoff_ipi(void *info)
{
	struct wgi_peer *peer = info;

	/* The core unlocks an async csd before calling us: reusable now. */
	clear_bit(WGI_HANDOFF_IPI, &peer->handoff.flags);
	smp_mb__after_atomic();
	napi_schedule(&peer->napi);
	/* The reference the kick took; the last put only queues an RCU free. */
	wgi_peer_put(peer);
}

/* Makes the tunnel's NAPI run on @core (or here, for -1). BH off. */
static void wgi_handoff_kick(struct wgi_peer *peer, int core)
{
	struct wgi_handoff *ho = &peer->handoff;

	if (test_and_set_bit(WGI_HANDOFF_KICKED, &ho->flags))
		return;
	if (core < 0 || core == smp_processor_id()) {
		napi_schedule(&peer->napi);
		return;
	}
	/*
	 * Teardown waits for an IPI in flight; after its grace period no
	 * producer sees the peer alive, so none starts a new one.
	 */
	if (READ_ONCE(peer->is_dead))
		return;
	/* One in flight: its napi_schedule is still to come. */
	if (test_and_set_bit(WGI_HANDOFF_IPI, &ho->flags))
		return;
	/* The peer must outlive the kick. */
	wgi_peer_get(peer);
	if (smp_call_function_single_async(core, &ho->csd)) {
		/* The core went offline meanwhile: do the work here. */
		clear_bit(WGI_HANDOFF_IPI, &ho->flags);
		wgi_peer_put(peer);
		napi_schedule(&peer->napi);
	}
}

/*
 * Appends @list to @q (oldest dropped first beyond the limit). BH off.
 * @handed: the packets came from another core than the tunnel's.
 */
static void wgi_handoff_enqueue(struct wgi_peer *peer, struct sk_buff_head *q,
				struct sk_buff_head *list,
				enum wgi_drop_reason why, bool is_tx, bool handed)
{
	unsigned int n = skb_queue_len(list);
	struct sk_buff_head overflow;
	struct sk_buff *skb;

	__skb_queue_head_init(&overflow);
	spin_lock(&q->lock);
	skb_queue_splice_tail_init(list, q);
	while (skb_queue_len(q) > WGI_MAX_HANDOFF)
		__skb_queue_tail(&overflow, __skb_dequeue(q));
	spin_unlock(&q->lock);

	while ((skb = __skb_dequeue(&overflow)))
		wgi_drop_skb(peer->device, skb, why);
	if (handed)
		wgi_peer_stats_count_handoff(peer, is_tx, n);
}

/*
 * Whether a packet may be worked on right here: the tunnel belongs on
 * this core (or on none), and nothing handed off earlier waits in @q
 * for the poll, which it would overtake.
 */
static bool wgi_handoff_here(int core, struct sk_buff_head *q)
{
	return (core < 0 || core == smp_processor_id()) &&
	       skb_queue_empty_lockless(q);
}

static void wgi_inline_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	int core;

	/* Some callers are work items: stay on one CPU while deciding. */
	local_bh_disable();
	core = wgi_placement_target(&peer->placement);
	if (wgi_handoff_here(core, &peer->handoff.tx)) {
		wgi_send_data_packets(peer, packets);
	} else {
		wgi_handoff_enqueue(peer, &peer->handoff.tx, packets,
				    WGI_DROP_TX_HANDOFF_OVERFLOW, true,
				    core >= 0 && core != smp_processor_id());
		wgi_handoff_kick(peer, core);
	}
	local_bh_enable();
}

static void wgi_inline_receive_data(struct wgi_peer *peer,
				    struct wgi_keypair *kp,
				    struct sk_buff *skb)
{
	int core = wgi_placement_target(&peer->placement);
	struct sk_buff_head one;

	if (wgi_handoff_here(core, &peer->handoff.rx)) {
		wgi_receive_data_packet(peer, kp, skb);
		return;
	}
	/* The route may be a no-ref one that dies with this softirq. */
	skb_dst_drop(skb);
	__skb_queue_head_init(&one);
	__skb_queue_tail(&one, skb);
	wgi_handoff_enqueue(peer, &peer->handoff.rx, &one,
			    WGI_DROP_RX_HANDOFF_OVERFLOW, false,
			    core >= 0 && core != smp_processor_id());
	wgi_handoff_kick(peer, core);
}

/* Takes up to @max packets off @q, oldest first. */
static int wgi_handoff_take(struct sk_buff_head *q, struct sk_buff_head *out,
			    int max)
{
	int n = 0;

	if (max <= 0 || skb_queue_empty_lockless(q))
		return 0;
	spin_lock(&q->lock);
	while (n < max && !skb_queue_empty(q)) {
		__skb_queue_tail(out, __skb_dequeue(q));
		n++;
	}
	spin_unlock(&q->lock);
	return n;
}

/*
 * In the tunnel's NAPI poll, on its core: the handed-off packets, TX
 * first, within one budget shared with the delivery that follows.
 */
static int wgi_inline_napi_work(struct wgi_peer *peer, int budget)
{
	struct wgi_handoff *ho = &peer->handoff;
	struct sk_buff_head tx, rx;
	struct sk_buff *skb;
	int n;

	clear_bit(WGI_HANDOFF_KICKED, &ho->flags);
	/* Pairs with test_and_set_bit in wgi_handoff_kick. */
	smp_mb__after_atomic();

	__skb_queue_head_init(&tx);
	__skb_queue_head_init(&rx);
	n = wgi_handoff_take(&ho->tx, &tx, budget);
	n += wgi_handoff_take(&ho->rx, &rx, budget - n);
	if (!skb_queue_empty(&tx))
		wgi_send_data_packets(peer, &tx);
	while ((skb = __skb_dequeue(&rx)))
		wgi_receive_data_here(peer, skb);
	/* Left over: claim the whole budget so that the poll comes back. */
	if (!skb_queue_empty_lockless(&ho->tx) ||
	    !skb_queue_empty_lockless(&ho->rx))
		return budget;
	return n;
}

static void wgi_inline_peer_init(struct wgi_peer *peer)
{
	struct wgi_handoff *ho = &peer->handoff;

	skb_queue_head_init(&ho->tx);
	skb_queue_head_init(&ho->rx);
	INIT_CSD(&ho->csd, wgi_handoff_ipi, peer);
	ho->flags = 0;
}

static void wgi_inline_drain(struct wgi_peer *peer, struct sk_buff_head *tx,
			     struct sk_buff_head *rx)
{
	struct wgi_handoff *ho = &peer->handoff;

	spin_lock_bh(&ho->tx.lock);
	skb_queue_splice_tail_init(&ho->tx, tx);
	spin_unlock_bh(&ho->tx.lock);
	spin_lock_bh(&ho->rx.lock);
	skb_queue_splice_tail_init(&ho->rx, rx);
	spin_unlock_bh(&ho->rx.lock);
	/*
	 * KICKED stays as it is: the caller schedules a poll once NAPI runs
	 * again, which clears it. An IPI in flight finds NAPI disabled.
	 */
}

/*
 * Packets from the previous mode and the switch, oldest first, before
 * anything sent or received later (the switch holds later packets back
 * until this returns). For a tunnel on another core: onto the hand-off
 * queues, where later packets queue behind them (on its core nothing
 * overtakes the poll). Otherwise right here: were they left to a poll,
 * a later packet arriving on another CPU could be worked on directly
 * while the poll still has them. The bounds of the queues do not apply:
 * the switch bounds what it parks.
 */
static void wgi_inline_refeed(struct wgi_peer *peer, struct sk_buff_head *tx,
			      struct sk_buff_head *rx)
{
	int core = wgi_placement_target(&peer->placement);
	struct wgi_handoff *ho = &peer->handoff;
	struct sk_buff *skb;

	if (core < 0 || core == smp_processor_id()) {
		if (!skb_queue_empty(tx))
			wgi_send_data_packets(peer, tx);
		while ((skb = __skb_dequeue(rx)))
			wgi_receive_data_here(peer, skb);
	} else {
		spin_lock(&ho->tx.lock);
		skb_queue_splice_tail_init(tx, &ho->tx);
		spin_unlock(&ho->tx.lock);
		spin_lock(&ho->rx.lock);
		skb_queue_splice_tail_init(rx, &ho->rx);
		spin_unlock(&ho->rx.lock);
	}
	/*
	 * One poll, on the tunnel's core: a poll elsewhere would send what
	 * waits from the wrong CPU, racing what the core sends directly.
	 */
	wgi_handoff_kick(peer, core);
}

static void wgi_inline_peer_stop(struct wgi_peer *peer)
{
	/* Teardown: let an IPI in flight finish with the peer first. */
	while (test_bit(WGI_HANDOFF_IPI, &peer->handoff.flags))
		cpu_relax();
}

const struct wgi_mode_ops wgi_inline_ops = {
	.mode		= WGI_TUNNEL_MODE_INLINE,
	.name		= "inline",
	.peer_init	= wgi_inline_peer_init,
	.drain		= wgi_inline_drain,
	.refeed		= wgi_inline_refeed,
	.peer_stop	= wgi_inline_peer_stop,
	.xmit		= wgi_inline_xmit,
	.receive_data	= wgi_inline_receive_data,
	.napi_work	= wgi_inline_napi_work,
};
