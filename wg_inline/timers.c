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
#include <linux/random.h>
#include <linux/timer.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

/* Retries before giving up: REKEY_ATTEMPT_TIME worth of REKEY_TIMEOUTs. */
#define WGI_MAX_HANDSHAKE_ATTEMPTS	(WGI_REKEY_ATTEMPT_TIME / WGI_REKEY_TIMEOUT)

static bool wgi_timers_allowed(struct wgi_peer *peer)
{
	return netif_running(peer->device->dev) && !READ_ONCE(peer->is_dead);
}

static void wgi_timer_arm(struct wgi_peer *peer, struct timer_list *timer,
			  unsigned long expires)
{
	if (wgi_timers_allowed(peer))
		mod_timer(timer, expires);
}

static unsigned long wgi_rekey_timeout_with_jitter(void)
{
	return jiffies + WGI_REKEY_TIMEOUT * HZ +
	       msecs_to_jiffies(get_random_u32_below(WGI_REKEY_TIMEOUT_JITTER_MS));
}

static void wgi_expire_retransmit_handshake(struct timer_list *timer)
{
	struct wgi_peer *peer = from_timer(peer, timer,
					   timer_retransmit_handshake);
	struct sk_buff *skb;

	if (peer->timer_handshake_attempts >= WGI_MAX_HANDSHAKE_ATTEMPTS) {
		/* Give up: nobody answers, so what waits for them is stale. */
		del_timer(&peer->timer_send_keepalive);
		while ((skb = skb_dequeue(&peer->staged_packet_queue)))
			wgi_drop_skb(peer->device, skb,
				     WGI_DROP_TX_HANDSHAKE_TIMEOUT);
		if (!timer_pending(&peer->timer_zero_key_material))
			wgi_timer_arm(peer, &peer->timer_zero_key_material,
				      jiffies + 3 * WGI_REJECT_AFTER_TIME * HZ);
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
			      jiffies + WGI_KEEPALIVE_TIMEOUT * HZ);
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
		queue_work(peer->device->handshake_wq, &peer->clear_peer_work);
}

static void wgi_zero_key_material_worker(struct work_struct *work)
{
	struct wgi_peer *peer = container_of(work, struct wgi_peer,
					     clear_peer_work);

	wgi_noise_handshake_clear(&peer->handshake);
	wgi_noise_keypairs_clear(&peer->keypairs);
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
			      jiffies + (WGI_KEEPALIVE_TIMEOUT +
					 WGI_REKEY_TIMEOUT) * HZ +
			      msecs_to_jiffies(get_random_u32_below(
					WGI_REKEY_TIMEOUT_JITTER_MS)));
}

/* A data message (not a keepalive) arrived: owe the peer an answer. */
void wgi_timers_data_received(struct wgi_peer *peer)
{
	if (!wgi_timers_allowed(peer))
		return;
	if (!timer_pending(&peer->timer_send_keepalive))
		mod_timer(&peer->timer_send_keepalive,
			  jiffies + WGI_KEEPALIVE_TIMEOUT * HZ);
	else
		peer->timer_need_another_keepalive = true;
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
		      jiffies + 3 * WGI_REJECT_AFTER_TIME * HZ);
}

/* Any authenticated message either way restarts persistent keepalive. */
void wgi_timers_any_authenticated_packet_traversal(struct wgi_peer *peer)
{
	u16 interval = READ_ONCE(peer->persistent_keepalive_interval);

	if (interval)
		wgi_timer_arm(peer, &peer->timer_persistent_keepalive,
			      jiffies + interval * HZ);
}
