// SPDX-License-Identifier: GPL-2.0
/*
 * The parallel execution mode: a tunnel's cryptography is spread over the
 * device's crypt workers, while its packets still leave and arrive in the
 * order they were queued. For one tunnel carrying more than one core can
 * encrypt; the inline mode scales with many tunnels instead.
 *
 *  producer (ndo_start_xmit,        crypt workers (the device's worker     ordered stage (a work
 *  encap_rcv), BH off               CPUs, one work item per CPU)           item per tunnel, on
 *                                                                          its core if it has one)
 *  under the tunnel's queue lock:
 *   nonce, state QUEUED,
 *   append to parallel.{tx,rx}
 *  then, per chunk, to the ring of --> seal / open in place, counted on
 *  the next worker CPU (round-robin     this CPU; state DONE or FAILED
 *  with a cursor per producing CPU)     (release); kick the tunnel's  -->  take DONE/FAILED packets
 *                                       stage once per run of its          off the head, in order:
 *                                       packets                            send / replay check,
 *                                                                          deliver to the NAPI
 *
 * Order: a packet is appended to its tunnel's queue, and gets its nonce,
 * under one lock, so the queue is the tunnel's order and nonces rise
 * along it. The stage only ever takes packets from the head of the queue
 * and stops at the first one still QUEUED, so however the workers finish,
 * nothing overtakes anything. The stage is a work item: it never runs
 * twice at once, which is what keeps it serial.
 *
 * Where the stage runs: on the tunnel's assigned core when it has one
 * (wgi_placement_target), else on the CPU where the packet it waits for
 * arrived (where the inline mode would have done all the work). It is a
 * work item on a bound workqueue, so a kernel thread pinned to that core:
 * the process-context, schedulable delivery that threaded NAPI would
 * give, for this tunnel only. (On 6.1 and 6.12
 * threaded NAPI is a per-device switch, dev_set_threaded; turning it on
 * would move the device's inline tunnels into threads as well.) The
 * stage delivers through the tunnel's own NAPI, scheduled from that
 * thread with BH disabled, so GRO runs when the stage enables BH again,
 * in the same thread on the same core. The per-CPU sent_pkts and
 * delivered_pkts counters show where that was.
 *
 * CPU hotplug: a worker CPU or the tunnel's core is checked online when
 * work is queued to it; one that goes offline just then gets the work
 * run by an unbound worker instead (the workqueue's own rule), so for
 * that moment crypto may run outside the worker set, or the stage off
 * the tunnel's core. Nothing is lost or reordered.
 *
 * Per-packet state lives in skb->cb (struct wgi_par_cb): the tunnel, a
 * keypair reference (a rotation or a cleared session cannot free the
 * keys under a worker; taken once per chunk, dropped by the stage), the
 * nonce or counter, and the crypt state. The producer takes no global
 * lock: the tunnel's queue lock, and one worker ring's producer lock per
 * chunk. A worker consumes its own rings only.
 *
 * Lifetime: a worker runs each batch in an RCU-bh section, from taking it
 * off its ring to the last kick of a stage. A tunnel's drain (teardown,
 * device down, mode switch) first stops new packets (the caller parked
 * or killed the tunnel), lets the stage finish every queued packet in
 * order (or discard it, for a dead tunnel), waits a grace period (no
 * worker is still touching the tunnel) and cancels the stage.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/ptr_ring.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "crypt.h"
#include "datapath.h"
#include "device.h"
#include "mode.h"
#include "peer.h"
#include "workers.h"

/* Packets one worker CPU may have waiting, per direction. */
#define WGI_PAR_RING_SIZE	1024
/* Packets a tunnel may have in the pipeline, per direction. */
#define WGI_PAR_MAX_QUEUED	1024
/* Packets handed to one worker at once, and taken off a ring at once. */
#define WGI_PAR_CHUNK		32
/* Packets a worker or a stage handles before it lets others run. */
#define WGI_PAR_BUDGET		256

enum wgi_par_state { WGI_PAR_QUEUED, WGI_PAR_DONE, WGI_PAR_FAILED };

/* wgi_parallel_peer.flags: the stage waits for the poll to make room. */
#define WGI_PAR_WANTS_ROOM	0

/* A packet's state from its producer to the stage; lives in skb->cb. */
struct wgi_par_cb {
	struct wgi_peer *peer;
	struct wgi_keypair *kp;		/* a reference, dropped by the stage */
	union {
		struct {
			u64 nonce;
			struct wgi_send_meta meta;
		} tx;
		struct wgi_receive_meta rx;
	};
	atomic_t state;			/* enum wgi_par_state */
	u16 arrival;			/* the CPU that queued it */
	u8 why;				/* enum wgi_drop_reason once FAILED */
};

/* One worker CPU's rings, consumed by its work item alone. */
struct wgi_par_worker {
	struct ptr_ring tx;
	struct ptr_ring rx;
	struct work_struct work;
	struct wgi_parallel *par;
	int cpu;
};

struct wgi_parallel {
	struct workqueue_struct *crypt_wq;	/* per-CPU: the workers */
	struct workqueue_struct *stage_wq;	/* per-CPU: the ordered stages */
	struct wgi_par_worker __percpu *workers;
	int __percpu *cursor;		/* each producing CPU's round-robin */
};

static struct wgi_par_cb *wgi_par_cb(struct sk_buff *skb)
{
	static_assert(sizeof(struct wgi_par_cb) <=
		      sizeof_field(struct sk_buff, cb));
	static_assert(NR_CPUS <= U16_MAX + 1);	/* for arrival */
	return (struct wgi_par_cb *)skb->cb;
}

/* ---------------------------------------------------------------------
 * The ordered stage
 */

/*
 * Runs the tunnel's stage where it belongs: on its core, or without one
 * on @arrival, the CPU where the packet it waits for arrived (so that
 * the stage, and the NAPI poll it schedules, stay where the traffic is,
 * as in the inline mode). BH disabled.
 */
static void wgi_par_kick_stage_from(struct wgi_peer *peer, int arrival)
{
	int core = wgi_placement_target(&peer->placement);

	if (core < 0)
		core = cpu_online(arrival) ? arrival : smp_processor_id();
	queue_work_on(core, peer->device->parallel->stage_wq,
		      &peer->parallel.stage);
}

static void wgi_par_kick_stage(struct wgi_peer *peer)
{
	wgi_par_kick_stage_from(peer, smp_processor_id());
}

/*
 * Moves to @out, in order, the packets at the head of @q whose crypto is
 * over, at most @max; stops at the first one still being worked on.
 */
static int wgi_par_take_finished(struct sk_buff_head *q,
				 struct sk_buff_head *out, int max)
{
	struct sk_buff *skb;
	int n = 0;

	spin_lock(&q->lock);
	while (n < max && (skb = skb_peek(q)) &&
	       atomic_read_acquire(&wgi_par_cb(skb)->state) != WGI_PAR_QUEUED) {
		__skb_unlink(skb, q);
		__skb_queue_tail(out, skb);
		n++;
	}
	spin_unlock(&q->lock);
	return n;
}

/* Drops the reference of @kp unless it is *@held, which then becomes it. */
static void wgi_par_hold_last(struct wgi_keypair **held, struct wgi_keypair *kp)
{
	if (kp == *held) {
		wgi_keypair_put(kp, false);
		return;
	}
	wgi_keypair_put(*held, false);
	*held = kp;
}

static void wgi_par_send_finished(struct wgi_peer *peer,
				  struct sk_buff_head *list)
{
	bool discard = READ_ONCE(peer->is_dead);
	struct wgi_send_result res = { };
	struct wgi_keypair *last = NULL;
	struct wgi_send_meta meta;
	struct wgi_par_cb *cb;
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		cb = wgi_par_cb(skb);
		/* Kept for the rekey check after the batch. */
		wgi_par_hold_last(&last, cb->kp);
		/* Sending reuses skb->cb, and frees the skb, before emit ends. */
		meta = cb->tx.meta;
		if (unlikely(discard))
			kfree_skb(skb);
		else if (likely(atomic_read(&cb->state) == WGI_PAR_DONE))
			wgi_send_data_emit(peer, skb, &meta, &res);
		else
			wgi_drop_skb(peer->device, skb, cb->why);
	}
	if (!discard)
		wgi_send_data_finish(peer, last, &res);
	wgi_keypair_put(last, false);
}

static void wgi_par_deliver_finished(struct wgi_peer *peer,
				     struct sk_buff_head *list)
{
	bool discard = READ_ONCE(peer->is_dead);
	struct wgi_receive_meta meta;
	struct wgi_keypair *kp;
	struct wgi_par_cb *cb;
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		cb = wgi_par_cb(skb);
		kp = cb->kp;
		/* The stack reuses skb->cb on the way up. */
		meta = cb->rx;
		if (unlikely(discard))
			kfree_skb(skb);
		else if (likely(atomic_read(&cb->state) == WGI_PAR_DONE))
			wgi_receive_data_opened(peer, kp, skb, &meta);
		else
			wgi_drop_skb(peer->device, skb, cb->why);
		wgi_keypair_put(kp, false);
	}
}

/*
 * How many decrypted packets the stage may deliver now: what the tunnel's
 * NAPI backlog has room for, within the budget. The stage runs in a
 * thread and the poll in a softirq, possibly on another CPU: the stage
 * must not outrun the poll, or the backlog overflows. With no room it
 * comes back later (the poll drains the backlog meanwhile). Not while
 * the device is down or the tunnel dead: NAPI is disabled then, and the
 * drain must make progress (what it delivers is purged).
 */
static int wgi_par_rx_room(struct wgi_peer *peer)
{
	int used = skb_queue_len_lockless(&peer->rx_queue);

	if (READ_ONCE(peer->is_dead) || !netif_running(peer->device->dev))
		return WGI_PAR_BUDGET;
	return clamp(WGI_MAX_RX_BACKLOG - used, 0, WGI_PAR_BUDGET);
}

/*
 * The backlog is full: the stage stops taking decrypted packets and the
 * tunnel's poll kicks it again once it has delivered (napi_delivered),
 * rather than the stage spinning against the poll. True if room appeared
 * meanwhile (the poll may have run before it saw the flag).
 */
static bool wgi_par_wait_for_room(struct wgi_peer *peer)
{
	set_bit(WGI_PAR_WANTS_ROOM, &peer->parallel.flags);
	smp_mb__after_atomic();	/* pairs with test_and_clear_bit in the poll */
	return wgi_par_rx_room(peer) > 0;
}

static void wgi_par_napi_delivered(struct wgi_peer *peer)
{
	if (test_bit(WGI_PAR_WANTS_ROOM, &peer->parallel.flags) &&
	    test_and_clear_bit(WGI_PAR_WANTS_ROOM, &peer->parallel.flags))
		wgi_par_kick_stage(peer);
}

static void wgi_par_stage(struct work_struct *work)
{
	struct wgi_peer *peer = container_of(work, struct wgi_peer,
					     parallel.stage);
	struct wgi_parallel_peer *pp = &peer->parallel;
	struct sk_buff_head tx, rx;
	bool more;
	int room;

	__skb_queue_head_init(&tx);
	__skb_queue_head_init(&rx);
	local_bh_disable();
	more = wgi_par_take_finished(&pp->tx, &tx, WGI_PAR_BUDGET) ==
	       WGI_PAR_BUDGET;
	room = wgi_par_rx_room(peer);
	if (room)
		more |= wgi_par_take_finished(&pp->rx, &rx, room) == room;
	else if (!skb_queue_empty_lockless(&pp->rx))
		more |= wgi_par_wait_for_room(peer);
	wgi_par_send_finished(peer, &tx);
	wgi_par_deliver_finished(peer, &rx);
	/*
	 * Deliveries schedule the poll themselves; this is for what is left
	 * on the backlog from before (a mode switch), polled here too.
	 */
	if (!skb_queue_empty_lockless(&peer->rx_queue))
		napi_schedule(&peer->napi);
	/* The budget or the room used up: come back after the others. */
	if (more)
		wgi_par_kick_stage(peer);
	/* The NAPI poll the deliveries scheduled runs here, on this core. */
	local_bh_enable();
}

/* ---------------------------------------------------------------------
 * The crypt workers
 */

static void wgi_par_kick_worker(struct wgi_par_worker *w)
{
	queue_work_on(w->cpu, w->par->crypt_wq, &w->work);
}

/* Marks a packet finished; the stage may take (and free) it from now on. */
static void wgi_par_finish(struct sk_buff *skb, bool ok,
			   enum wgi_drop_reason why)
{
	struct wgi_par_cb *cb = wgi_par_cb(skb);

	if (!ok)
		cb->why = why;
	atomic_set_release(&cb->state, ok ? WGI_PAR_DONE : WGI_PAR_FAILED);
}

static void wgi_par_seal(struct sk_buff *skb)
{
	struct wgi_par_cb *cb = wgi_par_cb(skb);

	wgi_par_finish(skb, wgi_send_data_seal(cb->peer, cb->kp, skb,
					       cb->tx.nonce, &cb->tx.meta),
		       WGI_DROP_TX_ENCRYPT_FAILED);
}

static void wgi_par_open(struct sk_buff *skb)
{
	struct wgi_par_cb *cb = wgi_par_cb(skb);
	enum wgi_drop_reason why = WGI_DROP_RX_DECRYPT_FAILED;
	bool ok;

	ok = wgi_receive_data_open(cb->peer, cb->kp, skb, &cb->rx, &why);
	wgi_par_finish(skb, ok, why);
}

/*
 * One batch off @ring, in one RCU-bh section that ends after the last
 * kick of a stage: a drain waits for it before letting go of a tunnel.
 */
static int wgi_par_crypt_batch(struct ptr_ring *ring, bool is_tx)
{
	struct sk_buff *batch[WGI_PAR_CHUNK];
	struct wgi_peer *peer, *last = NULL;
	int n, i, cpu, last_cpu = 0;

	local_bh_disable();
	n = ptr_ring_consume_batched(ring, (void **)batch, ARRAY_SIZE(batch));
	for (i = 0; i < n; i++) {
		/* Read first: once finished the packet is the stage's. */
		peer = wgi_par_cb(batch[i])->peer;
		cpu = wgi_par_cb(batch[i])->arrival;
		if (is_tx)
			wgi_par_seal(batch[i]);
		else
			wgi_par_open(batch[i]);
		if (last && peer != last)
			wgi_par_kick_stage_from(last, last_cpu);
		last = peer;
		last_cpu = cpu;
	}
	if (last)
		wgi_par_kick_stage_from(last, last_cpu);
	local_bh_enable();
	return n;
}

static void wgi_par_work(struct work_struct *work)
{
	struct wgi_par_worker *w = container_of(work, struct wgi_par_worker,
						work);
	int done = 0, n;

	do {
		n = wgi_par_crypt_batch(&w->tx, true);
		n += wgi_par_crypt_batch(&w->rx, false);
		done += n;
		if (n && done >= WGI_PAR_BUDGET) {
			/* More may wait: after the others on this CPU. */
			wgi_par_kick_worker(w);
			return;
		}
		cond_resched();
	} while (n);
}

/*
 * Gives @n packets, already on their tunnel's queue, to the next worker
 * CPU. Those that find its ring full fail (counted when the stage takes
 * them), except in a mode switch's refeed (@refeed), which must lose
 * nothing: those are sealed or opened right here. BH disabled.
 */
static void wgi_par_push(struct wgi_peer *peer, struct sk_buff **skbs, int n,
			 bool is_tx, bool refeed)
{
	struct wgi_parallel *par = peer->device->parallel;
	struct wgi_par_worker *w;
	struct ptr_ring *ring;
	int cpu, i = 0;

	cpu = wgi_workers_next(peer->device, this_cpu_ptr(par->cursor));
	w = per_cpu_ptr(par->workers, cpu);
	ring = is_tx ? &w->tx : &w->rx;
	spin_lock(&ring->producer_lock);
	while (i < n && !__ptr_ring_produce(ring, skbs[i]))
		i++;
	spin_unlock(&ring->producer_lock);
	if (i)
		wgi_par_kick_worker(w);
	if (i == n)
		return;
	for (; i < n; i++) {
		if (refeed && is_tx)
			wgi_par_seal(skbs[i]);
		else if (refeed)
			wgi_par_open(skbs[i]);
		else
			wgi_par_finish(skbs[i], false, is_tx ?
				       WGI_DROP_TX_CRYPT_QUEUE_FULL :
				       WGI_DROP_RX_CRYPT_QUEUE_FULL);
	}
	wgi_par_kick_stage(peer);
}

/* ---------------------------------------------------------------------
 * Producers
 */

enum wgi_par_stop { WGI_PAR_MORE, WGI_PAR_NO_SESSION, WGI_PAR_FULL };

/*
 * Moves up to a chunk of @packets onto the tunnel's queue (while it holds
 * fewer than @limit), each with its nonce, into @chunk; returns how many,
 * and in *@stop why it stopped short. The caller holds a reference on
 * @kp and adds one per packet.
 */
static int wgi_par_queue_tx(struct wgi_peer *peer, struct wgi_keypair *kp,
			    struct sk_buff_head *packets, unsigned int limit,
			    struct sk_buff **chunk, enum wgi_par_stop *stop)
{
	struct sk_buff_head *q = &peer->parallel.tx;
	struct wgi_par_cb *cb;
	struct sk_buff *skb;
	int n = 0;
	u64 nonce;

	*stop = WGI_PAR_MORE;
	spin_lock(&q->lock);
	while (n < WGI_PAR_CHUNK && (skb = skb_peek(packets))) {
		if (unlikely(skb_queue_len(q) >= limit)) {
			*stop = WGI_PAR_FULL;
			break;
		}
		if (unlikely(!wgi_crypt_next_nonce(kp, &nonce))) {
			*stop = WGI_PAR_NO_SESSION;
			break;
		}
		cb = wgi_par_cb(skb);
		cb->peer = peer;
		cb->kp = kp;
		cb->tx.nonce = nonce;
		cb->arrival = smp_processor_id();
		wgi_send_data_meta(skb, &cb->tx.meta);
		atomic_set(&cb->state, WGI_PAR_QUEUED);
		__skb_unlink(skb, packets);
		__skb_queue_tail(q, skb);
		chunk[n++] = skb;
	}
	spin_unlock(&q->lock);
	return n;
}

/* What could not be queued: staged for a session, or dropped. */
static void wgi_par_xmit_rest(struct wgi_peer *peer, struct wgi_keypair *kp,
			      struct sk_buff_head *packets,
			      enum wgi_par_stop stop)
{
	struct sk_buff *skb;

	if (stop == WGI_PAR_NO_SESSION) {
		wgi_send_stage(peer, packets);
		wgi_send_recheck_session(peer, kp);
		return;
	}
	while ((skb = __skb_dequeue(packets)))
		wgi_drop_skb(peer->device, skb, WGI_DROP_TX_CRYPT_QUEUE_FULL);
}

/*
 * A producer that finds the tunnel dead queues nothing: removal set the
 * flag before its grace period, so whoever queued before that is done
 * by the time the drain looks, and nothing can slip in behind it.
 */
static bool wgi_par_dead(struct wgi_peer *peer)
{
	return unlikely(READ_ONCE(peer->is_dead));
}

/*
 * Queues @packets, the tunnel's bound applying unless @refeed (a mode
 * switch's refeed: the switch bounds what it parks).
 */
static void wgi_par_xmit_queue(struct wgi_peer *peer,
			       struct sk_buff_head *packets, bool refeed)
{
	unsigned int limit = refeed ? UINT_MAX : WGI_PAR_MAX_QUEUED;
	struct sk_buff *chunk[WGI_PAR_CHUNK];
	enum wgi_par_stop stop = WGI_PAR_NO_SESSION;
	struct wgi_keypair *kp;
	struct sk_buff *skb;
	int n;

	rcu_read_lock_bh();
	if (wgi_par_dead(peer)) {
		while ((skb = __skb_dequeue(packets)))
			wgi_drop_skb(peer->device, skb, WGI_DROP_TX_NO_PEER);
		rcu_read_unlock_bh();
		return;
	}
	kp = wgi_keypair_get(rcu_dereference_bh(peer->keypairs.current_keypair));
	if (kp)
		wgi_send_take_staged(peer, packets);
	while (kp && !skb_queue_empty(packets)) {
		n = wgi_par_queue_tx(peer, kp, packets, limit, chunk, &stop);
		/*
		 * One reference per packet, taken at once for the chunk
		 * (ours keeps the count above zero); the stage drops them.
		 */
		if (n)
			refcount_add(n, &kp->refcount.refcount);
		if (n)
			wgi_par_push(peer, chunk, n, true, refeed);
		if (stop != WGI_PAR_MORE)
			break;
	}
	if (!skb_queue_empty(packets))
		wgi_par_xmit_rest(peer, kp, packets, stop);
	wgi_keypair_put(kp, false);
	rcu_read_unlock_bh();
}

static void wgi_par_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	wgi_par_xmit_queue(peer, packets, false);
}

/* Queues one data message of @kp; @refeed as for wgi_par_xmit_queue. */
static void wgi_par_receive_queue(struct wgi_peer *peer, struct wgi_keypair *kp,
				  struct sk_buff *skb, bool refeed)
{
	unsigned int limit = refeed ? UINT_MAX : WGI_PAR_MAX_QUEUED;
	struct sk_buff_head *q = &peer->parallel.rx;
	struct wgi_par_cb *cb = wgi_par_cb(skb);

	if (wgi_par_dead(peer)) {
		wgi_drop_skb(peer->device, skb, WGI_DROP_RX_UNKNOWN_INDEX);
		return;
	}

	/* The route may be a no-ref one that dies with this softirq. */
	skb_dst_drop(skb);
	wgi_receive_data_meta(skb, &cb->rx);
	cb->peer = peer;
	cb->arrival = smp_processor_id();
	atomic_set(&cb->state, WGI_PAR_QUEUED);

	spin_lock(&q->lock);
	if (unlikely(skb_queue_len(q) >= limit)) {
		spin_unlock(&q->lock);
		wgi_drop_skb(peer->device, skb, WGI_DROP_RX_CRYPT_QUEUE_FULL);
		return;
	}
	/* The caller holds one, so this one cannot fail. */
	cb->kp = wgi_keypair_get(kp);
	__skb_queue_tail(q, skb);
	spin_unlock(&q->lock);
	wgi_par_push(peer, &skb, 1, false, refeed);
}

static void wgi_par_receive_data(struct wgi_peer *peer, struct wgi_keypair *kp,
				 struct sk_buff *skb)
{
	wgi_par_receive_queue(peer, kp, skb, false);
}

/*
 * Packets from the previous mode and the switch, oldest first, queued
 * as if just sent or received, before anything later. The tunnel's
 * bound does not apply: the switch bounds what it parks. The data
 * messages' sessions are looked up again: they may have ended.
 */
static void wgi_par_refeed(struct wgi_peer *peer, struct sk_buff_head *tx,
			   struct sk_buff_head *rx)
{
	struct wgi_keypair *kp;
	struct sk_buff *skb;

	if (!skb_queue_empty(tx))
		wgi_par_xmit_queue(peer, tx, true);
	while ((skb = __skb_dequeue(rx))) {
		kp = wgi_receive_data_session(peer, skb);
		if (!kp)
			continue;
		wgi_par_receive_queue(peer, kp, skb, true);
		wgi_keypair_put(kp, false);
	}
	/*
	 * What the previous mode left on rx_queue is polled by the stage,
	 * where the tunnel's deliveries belong, not on this CPU.
	 */
	wgi_par_kick_stage(peer);
}

/* ---------------------------------------------------------------------
 * Life cycle
 */

static void wgi_par_peer_init(struct wgi_peer *peer)
{
	struct wgi_parallel_peer *pp = &peer->parallel;

	skb_queue_head_init(&pp->tx);
	skb_queue_head_init(&pp->rx);
	INIT_WORK(&pp->stage, wgi_par_stage);
	pp->flags = 0;
}

static bool wgi_par_peer_idle(struct wgi_peer *peer)
{
	return skb_queue_empty_lockless(&peer->parallel.tx) &&
	       skb_queue_empty_lockless(&peer->parallel.rx);
}

/*
 * Nothing new reaches the mode (the caller parked or killed the tunnel).
 * A packet in the pipeline cannot be given back: a nonce was spent on
 * it, or its plaintext replaced by ciphertext. So the stage finishes all
 * of them, in order (sending and delivering, or discarding for a dead
 * tunnel), and @tx and @rx stay empty: there is nothing older left.
 * Deliveries wait on rx_queue while the caller keeps NAPI disabled.
 */
static void wgi_par_drain(struct wgi_peer *peer, struct sk_buff_head *tx,
			  struct sk_buff_head *rx)
{
	struct wgi_parallel_peer *pp = &peer->parallel;

	while (!wgi_par_peer_idle(peer)) {
		local_bh_disable();
		wgi_par_kick_stage(peer);
		local_bh_enable();
		flush_work(&pp->stage);
		if (!wgi_par_peer_idle(peer))
			usleep_range(50, 200);	/* a worker still has some */
	}
	/* No worker that finished one of them is still in its batch. */
	synchronize_net();
	cancel_work_sync(&pp->stage);
}

static void wgi_par_uninit_workers(struct wgi_parallel *par)
{
	struct wgi_par_worker *w;
	int cpu;

	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(par->workers, cpu);
		/* Every tunnel drained: nothing of theirs can be left. */
		WARN_ON_ONCE(!__ptr_ring_empty(&w->tx) ||
			     !__ptr_ring_empty(&w->rx));
		ptr_ring_cleanup(&w->tx, NULL);
		ptr_ring_cleanup(&w->rx, NULL);
	}
}

static int wgi_par_init_workers(struct wgi_parallel *par)
{
	struct wgi_par_worker *w;
	int cpu;

	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(par->workers, cpu);
		w->par = par;
		w->cpu = cpu;
		INIT_WORK(&w->work, wgi_par_work);
		*per_cpu_ptr(par->cursor, cpu) = -1;
		if (ptr_ring_init(&w->tx, WGI_PAR_RING_SIZE, GFP_KERNEL) ||
		    ptr_ring_init(&w->rx, WGI_PAR_RING_SIZE, GFP_KERNEL))
			return -ENOMEM;
	}
	return 0;
}

static void wgi_par_free(struct wgi_parallel *par)
{
	/* The workers first: a worker's batch ends by kicking a stage. */
	if (par->crypt_wq)
		destroy_workqueue(par->crypt_wq);
	if (par->stage_wq)
		destroy_workqueue(par->stage_wq);
	if (par->workers)
		wgi_par_uninit_workers(par);
	free_percpu(par->workers);
	free_percpu(par->cursor);
	kfree(par);
}

/*
 * On first use, not with the device: the rings (2 x 1024 pointers per
 * possible CPU) and the two rescuer threads of the workqueues are wasted
 * on the many devices that never run a parallel tunnel. Published before
 * any tunnel enters the mode (see wgi_mode_prepare); read without a lock
 * by the packet path of the tunnels in it.
 */
static int wgi_par_device_prepare(struct wgi_device *wg)
{
	const char *name = wg->dev->name;
	struct wgi_parallel *par;

	if (wg->parallel)
		return 0;
	par = kzalloc(sizeof(*par), GFP_KERNEL);
	if (!par)
		return -ENOMEM;
	/* Zeroed: a ring that was never set up cleans up as empty. */
	par->workers = alloc_percpu(struct wgi_par_worker);
	par->cursor = alloc_percpu(int);
	if (!par->workers || !par->cursor || wgi_par_init_workers(par))
		goto err;
	/* Bound (per-CPU) queues: a work runs on the CPU it is queued on. */
	par->crypt_wq = alloc_workqueue("wgi-crypt-%s",
					WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0,
					name);
	/* Not high priority: the poll's ksoftirqd must keep up with it. */
	par->stage_wq = alloc_workqueue("wgi-stage-%s", WQ_MEM_RECLAIM, 0,
					name);
	if (!par->crypt_wq || !par->stage_wq)
		goto err;
	WRITE_ONCE(wg->parallel, par);
	return 0;

err:
	wgi_par_free(par);
	return -ENOMEM;
}

static void wgi_par_device_uninit(struct wgi_device *wg)
{
	/* Every tunnel is gone: destroying the queues waits for the rest. */
	if (wg->parallel)
		wgi_par_free(wg->parallel);
	wg->parallel = NULL;
}

const struct wgi_mode_ops wgi_parallel_ops = {
	.mode		= WGI_TUNNEL_MODE_PARALLEL,
	.name		= "parallel",
	.device_prepare	= wgi_par_device_prepare,
	.device_uninit	= wgi_par_device_uninit,
	.peer_init	= wgi_par_peer_init,
	.drain		= wgi_par_drain,
	.refeed		= wgi_par_refeed,
	.xmit		= wgi_par_xmit,
	.receive_data	= wgi_par_receive_data,
	.napi_delivered	= wgi_par_napi_delivered,
};
