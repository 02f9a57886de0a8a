// SPDX-License-Identifier: GPL-2.0
/*
 * Peer lifetime. A peer is reachable through four lookups (device peer
 * list, public key table, allowed-IPs trie, session index table); removal
 * first unlinks it from all of them, waits for in-flight packet paths to
 * finish (one RCU grace period for a whole batch), then stops everything
 * that could still touch it and drops the list's reference. The memory
 * goes away in an RCU callback after the last reference.
 */
#include <linux/slab.h>
#include <linux/netdevice.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

atomic64_t wgi_peers_created = ATOMIC64_INIT(0);
atomic64_t wgi_peers_destroyed = ATOMIC64_INIT(0);
static atomic64_t wgi_peer_next_id = ATOMIC64_INIT(0);

static void wgi_peer_init_queues(struct wgi_peer *peer)
{
	skb_queue_head_init(&peer->staged_packet_queue);
	skb_queue_head_init(&peer->rx_queue);
	/*
	 * Every mode's queues, whatever mode the tunnel starts in: the free
	 * path purges them all (empty unless the tunnel was in that mode).
	 */
	skb_queue_head_init(&peer->handoff.tx);
	skb_queue_head_init(&peer->handoff.rx);
	skb_queue_head_init(&peer->parallel.tx);
	skb_queue_head_init(&peer->parallel.rx);
	skb_queue_head_init(&peer->mode_switch.tx);
	skb_queue_head_init(&peer->mode_switch.rx);
	spin_lock_init(&peer->mode_switch.lock);
}

static void wgi_peer_add_napi(struct wgi_peer *peer)
{
	/* One NAPI per tunnel: RX for a tunnel is polled where it arrived. */
	netif_napi_add(peer->device->dev, &peer->napi, wgi_napi_poll);
	napi_enable(&peer->napi);
}

struct wgi_peer *wgi_peer_create(struct wgi_device *wg,
				 const u8 public_key[WGI_PUBKEY_LEN],
				 const u8 preshared_key[WGI_KEY_LEN])
{
	struct wgi_peer *peer;

	lockdep_assert_held(&wg->update_lock);

	if (wg->num_peers >= WGI_MAX_PEERS_PER_DEVICE)
		return ERR_PTR(-E2BIG);

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	peer->stats = netdev_alloc_pcpu_stats(struct wgi_peer_pcpu_stats);
	if (!peer->stats)
		goto err_free;
	if (dst_cache_init(&peer->endpoint_cache, GFP_KERNEL))
		goto err_stats;

	peer->device = wg;
	wgi_placement_init(&peer->placement);
	peer->internal_id = atomic64_inc_return(&wgi_peer_next_id);
	kref_init(&peer->refcount);
	rwlock_init(&peer->endpoint_lock);
	wgi_noise_keypairs_init(&peer->keypairs);
	INIT_LIST_HEAD(&peer->allowedips_list);
	INIT_LIST_HEAD(&peer->peer_list);
	wgi_peer_init_queues(peer);
	wgi_send_handshake_allow_now(peer);
	INIT_WORK(&peer->transmit_handshake_work,
		  wgi_send_handshake_initiation_worker);

	wgi_noise_handshake_init(&peer->handshake, &wg->static_identity,
				 public_key, preshared_key, peer);
	wgi_cookie_init(&peer->latest_cookie);
	wgi_cookie_checker_precompute_peer_keys(peer);
	wgi_timers_init(peer);
	wgi_mode_peer_init(peer, wg->default_mode);
	wgi_peer_add_napi(peer);

	list_add_tail(&peer->peer_list, &wg->peer_list);
	wg->num_peers++;
	wgi_pubkey_table_add(wg->peer_hashtable, peer);
	wg->device_update_gen++;
	atomic64_inc(&wgi_peers_created);
	wgi_event_raise(peer, WGI_EVENT_TUNNEL_ADDED, GFP_KERNEL);
	return peer;

err_stats:
	free_percpu(peer->stats);
err_free:
	kfree(peer);
	return ERR_PTR(-ENOMEM);
}

struct wgi_peer *wgi_peer_get_maybe_zero(struct wgi_peer *peer)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "taking a peer reference outside RCU");
	if (unlikely(!peer || !kref_get_unless_zero(&peer->refcount)))
		return NULL;
	return peer;
}

static void wgi_peer_free_rcu(struct rcu_head *rcu)
{
	struct wgi_peer *peer = container_of(rcu, struct wgi_peer, rcu);

	/* Anything a late packet path queued after teardown ends here. */
	skb_queue_purge(&peer->staged_packet_queue);
	skb_queue_purge(&peer->rx_queue);
	skb_queue_purge(&peer->handoff.tx);
	skb_queue_purge(&peer->handoff.rx);
	/* The parallel mode's queues are empty: its drain waited for them. */
	WARN_ON_ONCE(!skb_queue_empty(&peer->parallel.tx) ||
		     !skb_queue_empty(&peer->parallel.rx));
	/* Nothing stays parked: a switch and teardown both hold update_lock. */
	WARN_ON_ONCE(!skb_queue_empty(&peer->mode_switch.tx) ||
		     !skb_queue_empty(&peer->mode_switch.rx));
	dst_cache_destroy(&peer->endpoint_cache);
	free_percpu(peer->stats);
	atomic64_inc(&wgi_peers_destroyed);
	kfree_sensitive(peer);
}

static void wgi_peer_release(struct kref *kref)
{
	struct wgi_peer *peer = container_of(kref, struct wgi_peer, refcount);

	/*
	 * Teardown unhashed the handshake and keypairs take their entries
	 * with them; a handshake entry still hashed here would let a lookup
	 * find freed memory after the grace period, so it goes now, loudly.
	 */
	if (WARN_ON_ONCE(!hlist_unhashed_lockless(&peer->handshake.entry.node)))
		wgi_index_table_remove(peer->device->index_hashtable,
				       &peer->handshake.entry);
	call_rcu(&peer->rcu, wgi_peer_free_rcu);
}

void wgi_peer_put(struct wgi_peer *peer)
{
	if (peer)
		kref_put(&peer->refcount, wgi_peer_release);
}

void wgi_peer_queue_work(struct wgi_peer *peer, struct work_struct *work)
{
	/* Coalesced requests take no reference: only the pending work does. */
	wgi_peer_get(peer);
	if (!queue_work(peer->device->handshake_wq, work))
		wgi_peer_put(peer);
}

/* Step one of removal: make the peer unreachable for new lookups. */
static void wgi_peer_unlink(struct wgi_peer *peer)
{
	struct wgi_device *wg = peer->device;

	lockdep_assert_held(&wg->update_lock);
	wgi_event_raise(peer, WGI_EVENT_TUNNEL_REMOVED, GFP_KERNEL);
	WRITE_ONCE(peer->is_dead, true);
	list_del_init(&peer->peer_list);
	wg->num_peers--;
	wg->device_update_gen++;
	wgi_pubkey_table_remove(wg->peer_hashtable, peer);
	wgi_allowedips_remove_by_peer(&wg->peer_allowedips, peer,
				      &wg->update_lock);
}

/*
 * Step two, after a grace period: nothing new can find the peer, so stop
 * its timers, works and NAPI and drop its sessions. is_dead keeps timers
 * and works from re-arming each other while this runs.
 */
static void wgi_peer_teardown(struct wgi_peer *peer)
{
	wgi_timers_stop(peer);
	flush_work(&peer->transmit_handshake_work);
	flush_work(&peer->clear_peer_work);
	wgi_timers_stop(peer);

	/*
	 * Also wipes the preshared key and the precomputed static DH, and
	 * marks the handshake dead. The order matters: a keypair is only
	 * ever installed under the handshake's lock by a handshake that is
	 * not dead, so once it is destroyed no session can appear after the
	 * keypairs are cleared, not even from a handshake worker that found
	 * the peer before it was unlinked.
	 */
	wgi_noise_handshake_destroy(&peer->handshake);
	wgi_noise_keypairs_clear(&peer->keypairs);

	napi_disable(&peer->napi);
	wgi_mode_peer_discard(peer);
	wgi_mode_peer_stop(peer);
	/* The RCU-deferred free stands in for netif_napi_del's own sync. */
	__netif_napi_del(&peer->napi);
	skb_queue_purge(&peer->rx_queue);
	skb_queue_purge(&peer->staged_packet_queue);

	wgi_peer_put(peer);
}

void wgi_peer_remove(struct wgi_peer *peer)
{
	if (!peer || READ_ONCE(peer->is_dead))
		return;
	wgi_peer_unlink(peer);
	synchronize_net();
	wgi_peer_teardown(peer);
}

void wgi_peer_remove_all(struct wgi_device *wg)
{
	struct wgi_peer *peer, *tmp;
	LIST_HEAD(dead);

	lockdep_assert_held(&wg->update_lock);
	list_for_each_entry_safe(peer, tmp, &wg->peer_list, peer_list) {
		wgi_peer_unlink(peer);
		list_add_tail(&peer->peer_list, &dead);
	}
	if (list_empty(&dead))
		return;
	/* One grace period for the whole batch, not one per peer. */
	synchronize_net();
	list_for_each_entry_safe(peer, tmp, &dead, peer_list) {
		list_del_init(&peer->peer_list);
		wgi_peer_teardown(peer);
	}
}

/*
 * Statistics. Writers run with BH disabled (packet paths) or disable it
 * here (handshake works), so a CPU's counters have one writer at a time.
 */
void wgi_peer_stats_add_tx(struct wgi_peer *peer, unsigned int bytes)
{
	struct wgi_peer_pcpu_stats *s;

	local_bh_disable();
	s = this_cpu_ptr(peer->stats);
	u64_stats_update_begin(&s->syncp);
	s->tx_bytes += bytes;
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

void wgi_peer_stats_add_rx(struct wgi_peer *peer, unsigned int bytes)
{
	struct wgi_peer_pcpu_stats *s;

	local_bh_disable();
	s = this_cpu_ptr(peer->stats);
	u64_stats_update_begin(&s->syncp);
	s->rx_bytes += bytes;
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

void wgi_peer_stats_count_encrypted(struct wgi_peer *peer,
				    unsigned int plain_len)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	s->encrypted_pkts++;
	s->encrypted_bytes += plain_len;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_count_decrypted(struct wgi_peer *peer,
				    unsigned int plain_len)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	s->decrypted_pkts++;
	s->decrypted_bytes += plain_len;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_count_received(struct wgi_peer *peer, unsigned int msg_len)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	s->rx_bytes += msg_len;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_count_sent(struct wgi_peer *peer)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	s->sent_pkts++;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_count_delivered(struct wgi_peer *peer, unsigned int n)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	s->delivered_pkts += n;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_count_handoff(struct wgi_peer *peer, bool is_tx,
				  unsigned int n)
{
	struct wgi_peer_pcpu_stats *s = this_cpu_ptr(peer->stats);

	lockdep_assert_in_softirq();
	u64_stats_update_begin(&s->syncp);
	if (is_tx)
		s->handoff_tx += n;
	else
		s->handoff_rx += n;
	u64_stats_update_end(&s->syncp);
}

void wgi_peer_stats_sum(struct wgi_peer *peer, u64 *rx_bytes, u64 *tx_bytes)
{
	u64 rx = 0, tx = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct wgi_peer_pcpu_stats *s =
			per_cpu_ptr(peer->stats, cpu);
		unsigned int start;
		u64 r, t;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			r = s->rx_bytes;
			t = s->tx_bytes;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		rx += r;
		tx += t;
	}
	*rx_bytes = rx;
	*tx_bytes = tx;
}

void wgi_peer_stats_read_cpu(struct wgi_peer *peer, int cpu,
			     struct wgi_peer_cpu_work *work)
{
	const struct wgi_peer_pcpu_stats *s = per_cpu_ptr(peer->stats, cpu);
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		work->encrypted_pkts = s->encrypted_pkts;
		work->encrypted_bytes = s->encrypted_bytes;
		work->decrypted_pkts = s->decrypted_pkts;
		work->decrypted_bytes = s->decrypted_bytes;
		work->handoff_tx = s->handoff_tx;
		work->handoff_rx = s->handoff_rx;
		work->sent_pkts = s->sent_pkts;
		work->delivered_pkts = s->delivered_pkts;
	} while (u64_stats_fetch_retry(&s->syncp, start));
}
