// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol's timer state machine (whitepaper section 6). Events from
 * the packet paths arm or cancel five per-peer timers:
 *
 *  retransmit_handshake  no response REKEY_TIMEOUT after an initiation:
 *                        retry, give up after REKEY_ATTEMPT_TIME
 *  send_keepalive        data arrived but we have had nothing to send
 *                        for KEEPALIVE_TIMEOUT: send an empty message
 *  new_handshake         we sent data but heard nothing back for
 *                        KEEPALIVE_TIMEOUT + REKEY_TIMEOUT: rekey
 *  zero_key_material     no new session for 3 * REJECT_AFTER_TIME:
 *                        forget every key
 *  persistent_keepalive  user-requested keepalive interval
 *
 * Timers only run while the device is up and the peer is alive; callbacks
 * run in softirq and never compute a handshake themselves.
 */
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/timer.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

/*
 * Initiations per attempt, the first included: one every REKEY_TIMEOUT
 * for REKEY_ATTEMPT_TIME (at 0, 5, ..., 85 s; given up at 90 s).
 */
#define WGI_MAX_HANDSHAKE_ATTEMPTS	(WGI_REKEY_ATTEMPT_TIME / WGI_REKEY_TIMEOUT)

#ifdef WGI_DEBUG
/* Test builds only: protocol time runs this many times faster. */
unsigned int wgi_time_scale = 1;
module_param_named(time_scale, wgi_time_scale, uint, 0444);
MODULE_PARM_DESC(time_scale,
		 "Debug builds only: divide every protocol duration by this (tests)");
#endif

/*
 * Callers hold rcu_read_lock_bh() from this check until the timer is armed:
 * peer teardown sets is_dead, waits with synchronize_net() and only then
 * stops the timers, so an arm that saw a live peer is over by then. The
 * handshake worker arms timers from process context, where nothing else
 * would make that wait cover it.
 */
static bool wgi_timers_allowed(struct wgi_peer *peer)
{
	return netif_running(peer->device->dev) && !READ_ONCE(peer->is_dead);
}

static void wgi_timer_arm(struct wgi_peer *peer, struct timer_list *timer,
			  unsigned long expires)
{
	rcu_read_lock_bh();
	if (wgi_timers_allowed(peer))
		mod_timer(timer, expires);
	rcu_read_unlock_bh();
}

/* Up to a third of a second, so that peers do not retry in lockstep. */
static unsigned long wgi_rekey_jitter(void)
{
	return wgi_protocol_ms_to_jiffies(
		get_random_u32_below(WGI_REKEY_TIMEOUT_JITTER_MS));
}

/* @secs of protocol time from now, as a timer expiry. */
static unsigned long wgi_after_secs(unsigned long secs)
{
	return jiffies + wgi_protocol_secs_to_jiffies(secs);
}

static unsigned long wgi_rekey_timeout_with_jitter(void)
{
	return wgi_after_secs(WGI_REKEY_TIMEOUT) + wgi_rekey_jitter();
}

static void wgi_expire_retransmit_handshake(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer,
					   timer_retransmit_handshake);
	struct sk_buff *skb;

	/* timer_handshake_attempts counts retries, not the first try. */
	if (peer->timer_handshake_attempts + 1 >= WGI_MAX_HANDSHAKE_ATTEMPTS) {
		/* Give up: nobody answers, so what waits for them is stale. */
		del_timer(&peer->timer_send_keepalive);
		while ((skb = skb_dequeue(&peer->staged_packet_queue)))
			wgi_drop_skb(peer->device, skb,
				     WGI_DROP_TX_HANDSHAKE_TIMEOUT);
		if (!timer_pending(&peer->timer_zero_key_material))
			wgi_timer_arm(peer, &peer->timer_zero_key_material,
				      wgi_after_secs(3 * WGI_REJECT_AFTER_TIME));
		return;
	}

	peer->timer_handshake_attempts++;
	/* The route may have changed under a sticky source address. */
	wgi_socket_clear_peer_endpoint_src(peer);
	wgi_send_handshake_initiation(peer, true);
}

static void wgi_expire_send_keepalive(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer, timer_send_keepalive);

	wgi_send_keepalive(peer);
	if (peer->timer_need_another_keepalive) {
		peer->timer_need_another_keepalive = false;
		wgi_timer_arm(peer, &peer->timer_send_keepalive,
			      wgi_after_secs(WGI_KEEPALIVE_TIMEOUT));
	}
}

static void wgi_expire_new_handshake(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer, timer_new_handshake);

	wgi_socket_clear_peer_endpoint_src(peer);
	wgi_send_handshake_initiation(peer, false);
}

static void wgi_expire_zero_key_material(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer,
					   timer_zero_key_material);

	/* Clearing the handshake takes a sleeping lock: do it in a work. */
	if (wgi_timers_allowed(peer))
		wgi_peer_queue_work(peer, &peer->clear_peer_work);
}

static void wgi_zero_key_material_worker(struct work_struct *work)
{
	struct wgi_peer *peer = container_of(work, struct wgi_peer,
					     clear_peer_work);

	wgi_noise_handshake_clear(&peer->handshake);
	wgi_noise_keypairs_clear(&peer->keypairs);
	wgi_peer_put(peer);
}

static void wgi_expire_persistent_keepalive(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer,
					   timer_persistent_keepalive);

	if (peer->persistent_keepalive_interval)
		wgi_send_keepalive(peer);
}

void wgi_timers_init(struct wgi_peer *peer)
{
	timer_setup(&peer->timer_retransmit_handshake,
		    wgi_expire_retransmit_handshake, 0);
	timer_setup(&peer->timer_send_keepalive, wgi_expire_send_keepalive, 0);
	timer_setup(&peer->timer_new_handshake, wgi_expire_new_handshake, 0);
	timer_setup(&peer->timer_zero_key_material,
		    wgi_expire_zero_key_material, 0);
	timer_setup(&peer->timer_persistent_keepalive,
		    wgi_expire_persistent_keepalive, 0);
	INIT_WORK(&peer->clear_peer_work, wgi_zero_key_material_worker);
	peer->timer_handshake_attempts = 0;
	peer->timer_need_another_keepalive = false;
	peer->sent_lastminute_handshake = false;
}

void wgi_timers_stop(struct wgi_peer *peer)
{
	del_timer_sync(&peer->timer_retransmit_handshake);
	del_timer_sync(&peer->timer_send_keepalive);
	del_timer_sync(&peer->timer_new_handshake);
	del_timer_sync(&peer->timer_zero_key_material);
	del_timer_sync(&peer->timer_persistent_keepalive);
	peer->timer_handshake_attempts = 0;
	peer->timer_need_another_keepalive = false;
}

/* A data message (not a keepalive) left for the peer. */
void wgi_timers_data_sent(struct wgi_peer *peer)
{
	if (!timer_pending(&peer->timer_new_handshake))
		wgi_timer_arm(peer, &peer->timer_new_handshake,
			      wgi_after_secs(WGI_KEEPALIVE_TIMEOUT +
					     WGI_REKEY_TIMEOUT) +
			      wgi_rekey_jitter());
}

/* A data message (not a keepalive) arrived: owe the peer an answer. */
void wgi_timers_data_received(struct wgi_peer *peer)
{
	rcu_read_lock_bh();
	if (!wgi_timers_allowed(peer))
		goto out;
	if (!timer_pending(&peer->timer_send_keepalive))
		mod_timer(&peer->timer_send_keepalive,
			  wgi_after_secs(WGI_KEEPALIVE_TIMEOUT));
	else
		peer->timer_need_another_keepalive = true;
out:
	rcu_read_unlock_bh();
}

/* Anything authenticated we sent already serves as a keepalive. */
void wgi_timers_any_authenticated_packet_sent(struct wgi_peer *peer)
{
	if (timer_pending(&peer->timer_send_keepalive))
		del_timer(&peer->timer_send_keepalive);
}

/* Anything authenticated from the peer shows the session is alive. */
void wgi_timers_any_authenticated_packet_received(struct wgi_peer *peer)
{
	if (timer_pending(&peer->timer_new_handshake))
		del_timer(&peer->timer_new_handshake);
}

void wgi_timers_handshake_initiated(struct wgi_peer *peer)
{
	wgi_timer_arm(peer, &peer->timer_retransmit_handshake,
		      wgi_rekey_timeout_with_jitter());
}

void wgi_timers_handshake_complete(struct wgi_peer *peer)
{
	del_timer(&peer->timer_retransmit_handshake);
	peer->timer_handshake_attempts = 0;
	peer->sent_lastminute_handshake = false;
	ktime_get_real_ts64(&peer->walltime_last_handshake);
}

/* A new session exists: its keys die 3 * REJECT_AFTER_TIME from now. */
void wgi_timers_session_derived(struct wgi_peer *peer)
{
	wgi_timer_arm(peer, &peer->timer_zero_key_material,
		      wgi_after_secs(3 * WGI_REJECT_AFTER_TIME));
}

/*
 * Any authenticated message either way restarts persistent keepalive. The
 * interval is scaled like protocol time, so tests see it shrink too.
 */
void wgi_timers_any_authenticated_packet_traversal(struct wgi_peer *peer)
{
	u16 interval = READ_ONCE(peer->persistent_keepalive_interval);

	if (interval)
		wgi_timer_arm(peer, &peer->timer_persistent_keepalive,
			      wgi_after_secs(interval));
}
