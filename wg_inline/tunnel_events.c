// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel events: a queue of snapshots, delivered from a work item.
 *
 * Raising never sleeps and takes no lock a packet path could be waiting
 * on: the snapshot is taken where the change happened (so a removed
 * tunnel is still described as it was), queued under a spinlock, and the
 * work delivers it without holding RTNL or any wg-inline lock, because
 * listeners (NIC steering) take RTNL themselves. Roaming is raised in
 * softirq for every endpoint change; while a tunnel's endpoint event is
 * still queued, a newer one replaces it (at the tail, with the whole
 * state of now), instead of queueing more. After TUNNEL_REMOVED, a
 * tunnel raises nothing more (its last packets may still roam).
 *
 * wgi_event_delivery serialises delivery, registration (with its replay)
 * and unregistration, so a notifier never runs after its unregistration
 * returns and sees events in order. Lock order: wgi_event_delivery, then
 * RTNL, then a device's update_lock; the queue lock is innermost.
 *
 * CPU hotplug: a tunnel whose assigned core goes or comes back gets an
 * AFFINITY_CHANGED. The hotplug callbacks only note the CPU and queue a
 * work item: taking RTNL under the hotplug lock could deadlock against
 * code that takes the hotplug lock under RTNL.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <wg_inline/events.h>
#include "device.h"
#include "peer.h"
#include "steer.h"
#include "tunnel_events.h"

struct wgi_event_rec {
	struct list_head list;
	enum wgi_tunnel_event event;
	struct wgi_tunnel_info info;
	/* Set, with a reference, for a coalescable endpoint event. */
	struct wgi_peer *peer;
};

static LIST_HEAD(wgi_event_queue);
static DEFINE_SPINLOCK(wgi_event_queue_lock);
static DEFINE_MUTEX(wgi_event_delivery);
static RAW_NOTIFIER_HEAD(wgi_event_chain);
static void wgi_event_deliver_work(struct work_struct *work);
static DECLARE_WORK(wgi_event_work, wgi_event_deliver_work);

static struct cpumask wgi_hotplug_cpus;	/* changed, not yet rescanned */
static struct cpumask wgi_hotplug_scan;	/* being rescanned (the work's own) */
static void wgi_event_hotplug_work(struct work_struct *work);
static DECLARE_WORK(wgi_hotplug_work, wgi_event_hotplug_work);
static int wgi_hotplug_online_state, wgi_hotplug_dead_state;

static void wgi_event_fill_endpoint(struct wgi_tunnel_info *info,
				    struct wgi_peer *peer)
{
	/* BH is off here, as endpoint_lock wants. */
	read_lock(&peer->endpoint_lock);
	if (peer->endpoint.addr.sa_family == AF_INET)
		info->endpoint.addr4 = peer->endpoint.addr4;
	else if (peer->endpoint.addr.sa_family == AF_INET6)
		info->endpoint.addr6 = peer->endpoint.addr6;
	else
		info->endpoint.addr.sa_family = AF_UNSPEC;
	read_unlock(&peer->endpoint_lock);
}

static void wgi_event_fill(struct wgi_tunnel_info *info, struct wgi_peer *peer)
{
	struct wgi_device *wg = peer->device;
	struct net_device *dev = wg->dev;
	struct net *sock_net;

	memset(info, 0, sizeof(*info));
	/* A namespace on its way out is not handed to anyone. */
	info->net = maybe_get_net(dev_net(dev));
	rcu_read_lock();
	sock_net = rcu_dereference(wg->creating_net);
	info->sock_net = sock_net ? maybe_get_net(sock_net) : NULL;
	rcu_read_unlock();
	info->ifindex = dev->ifindex;
	strscpy(info->ifname, dev->name, sizeof(info->ifname));
	info->tunnel_id = peer->internal_id;
	memcpy(info->public_key, peer->handshake.remote_static,
	       sizeof(info->public_key));
	info->core = wgi_placement_core(&peer->placement);
	info->core_state = wgi_placement_state(&peer->placement);
	info->mode = READ_ONCE(peer->ops)->mode;
	info->device_up = netif_running(dev);
	info->listen_port = READ_ONCE(wg->incoming_port);
	info->fwmark = READ_ONCE(wg->fwmark);
	wgi_steer_fill(info, wg);
	local_bh_disable();
	wgi_event_fill_endpoint(info, peer);
	local_bh_enable();
}

static void wgi_event_free(struct wgi_event_rec *rec)
{
	if (rec->info.net)
		put_net(rec->info.net);
	if (rec->info.sock_net)
		put_net(rec->info.sock_net);
	wgi_peer_put(rec->peer);
	kfree(rec);
}

static struct wgi_event_rec *wgi_event_snapshot(struct wgi_peer *peer,
						enum wgi_tunnel_event event,
						gfp_t gfp)
{
	struct wgi_event_rec *rec = kzalloc(sizeof(*rec), gfp);

	if (!rec)
		return NULL;
	rec->event = event;
	wgi_event_fill(&rec->info, peer);
	return rec;
}

/*
 * Queues @rec unless the tunnel is closed for events; a REMOVED closes
 * it. Returns false (and the caller frees @rec) if it was not queued.
 * With @coalesce, @rec replaces the tunnel's queued endpoint event.
 */
static bool wgi_event_queue_rec(struct wgi_peer *peer, struct wgi_event_rec *rec,
				bool coalesce, struct wgi_event_rec **replaced)
{
	bool queued = false;

	*replaced = NULL;
	spin_lock_bh(&wgi_event_queue_lock);
	if (peer->events_closed)
		goto out;
	if (coalesce) {
		*replaced = peer->pending_endpoint_event;
		if (*replaced)
			list_del(&(*replaced)->list);
		peer->pending_endpoint_event = rec;
	}
	if (rec->event == WGI_EVENT_TUNNEL_REMOVED)
		WRITE_ONCE(peer->events_closed, true);
	list_add_tail(&rec->list, &wgi_event_queue);
	queued = true;
out:
	spin_unlock_bh(&wgi_event_queue_lock);
	if (queued)
		queue_work(system_wq, &wgi_event_work);
	return queued;
}

void wgi_event_raise(struct wgi_peer *peer, enum wgi_tunnel_event event,
		     gfp_t gfp)
{
	struct wgi_event_rec *rec = wgi_event_snapshot(peer, event, gfp);
	struct wgi_event_rec *replaced;

	/* Out of memory: listeners miss one change, nothing else breaks. */
	if (rec && !wgi_event_queue_rec(peer, rec, false, &replaced))
		wgi_event_free(rec);
	if (!rec && event == WGI_EVENT_TUNNEL_REMOVED)
		WRITE_ONCE(peer->events_closed, true);
}

void wgi_event_raise_device(struct wgi_device *wg, enum wgi_tunnel_event event)
{
	struct wgi_peer *peer;

	lockdep_assert_held(&wg->update_lock);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		wgi_event_raise(peer, event, GFP_KERNEL);
}

void wgi_event_endpoint_changed(struct wgi_peer *peer)
{
	struct wgi_event_rec *rec, *replaced;

	if (READ_ONCE(peer->events_closed))
		return;
	rec = wgi_event_snapshot(peer, WGI_EVENT_ENDPOINT_CHANGED, GFP_ATOMIC);
	if (!rec)
		return;
	/* Queued, it holds the peer for the pointer the peer has to it. */
	rec->peer = wgi_peer_get(peer);
	if (!wgi_event_queue_rec(peer, rec, true, &replaced))
		wgi_event_free(rec);
	if (replaced)
		wgi_event_free(replaced);
}

/* Takes the whole queue; later endpoint changes queue anew. */
static void wgi_event_take_queue(struct list_head *batch)
{
	struct wgi_event_rec *rec;

	spin_lock_bh(&wgi_event_queue_lock);
	list_splice_init(&wgi_event_queue, batch);
	list_for_each_entry(rec, batch, list)
		if (rec->peer)
			rec->peer->pending_endpoint_event = NULL;
	spin_unlock_bh(&wgi_event_queue_lock);
}

/* Delivers what is queued now to the listeners there are now. */
static void wgi_event_deliver_locked(void)
{
	struct wgi_event_rec *rec, *tmp;
	LIST_HEAD(batch);

	lockdep_assert_held(&wgi_event_delivery);
	wgi_event_take_queue(&batch);
	list_for_each_entry_safe(rec, tmp, &batch, list) {
		raw_notifier_call_chain(&wgi_event_chain, rec->event,
					&rec->info);
		wgi_ext_notify(rec->event, &rec->info);
		list_del(&rec->list);
		wgi_event_free(rec);
	}
}

static void wgi_event_deliver_work(struct work_struct *work)
{
	mutex_lock(&wgi_event_delivery);
	wgi_event_deliver_locked();
	mutex_unlock(&wgi_event_delivery);
}

/* Snapshots every tunnel for a late listener: ADDED, then UP if up. */
static void wgi_event_snapshot_all(struct list_head *replay)
{
	struct wgi_event_rec *rec;
	struct wgi_device *wg;
	struct wgi_peer *peer;

	rtnl_lock();
	list_for_each_entry(wg, &wgi_device_list, device_list) {
		mutex_lock(&wg->update_lock);
		list_for_each_entry(peer, &wg->peer_list, peer_list) {
			rec = wgi_event_snapshot(peer, WGI_EVENT_TUNNEL_ADDED,
						 GFP_KERNEL);
			if (rec)
				list_add_tail(&rec->list, replay);
			if (!netif_running(wg->dev))
				continue;
			rec = wgi_event_snapshot(peer, WGI_EVENT_DEVICE_UP,
						 GFP_KERNEL);
			if (rec)
				list_add_tail(&rec->list, replay);
		}
		mutex_unlock(&wg->update_lock);
	}
	rtnl_unlock();
}

int wgi_register_tunnel_notifier(struct notifier_block *nb)
{
	struct wgi_event_rec *rec, *tmp;
	LIST_HEAD(replay);
	int ret;

	mutex_lock(&wgi_event_delivery);
	/* What happened before the snapshot goes out first, to the others. */
	wgi_event_deliver_locked();
	wgi_event_snapshot_all(&replay);
	ret = raw_notifier_chain_register(&wgi_event_chain, nb);
	list_for_each_entry_safe(rec, tmp, &replay, list) {
		if (!ret)
			nb->notifier_call(nb, rec->event, &rec->info);
		list_del(&rec->list);
		wgi_event_free(rec);
	}
	mutex_unlock(&wgi_event_delivery);
	return ret;
}
EXPORT_SYMBOL_GPL(wgi_register_tunnel_notifier);

int wgi_unregister_tunnel_notifier(struct notifier_block *nb)
{
	int ret;

	mutex_lock(&wgi_event_delivery);
	ret = raw_notifier_chain_unregister(&wgi_event_chain, nb);
	mutex_unlock(&wgi_event_delivery);
	return ret;
}
EXPORT_SYMBOL_GPL(wgi_unregister_tunnel_notifier);

/* Every tunnel assigned to a CPU whose state changed gets an event. */
static void wgi_event_hotplug_work(struct work_struct *work)
{
	struct wgi_device *wg;
	struct wgi_peer *peer;
	int cpu;

	/* A CPU that changes again during the scan is noted again. */
	cpumask_clear(&wgi_hotplug_scan);
	for_each_possible_cpu(cpu)
		if (cpumask_test_and_clear_cpu(cpu, &wgi_hotplug_cpus))
			cpumask_set_cpu(cpu, &wgi_hotplug_scan);

	rtnl_lock();
	list_for_each_entry(wg, &wgi_device_list, device_list) {
		mutex_lock(&wg->update_lock);
		list_for_each_entry(peer, &wg->peer_list, peer_list) {
			cpu = READ_ONCE(peer->placement.core);
			if (cpu >= 0 && cpumask_test_cpu(cpu, &wgi_hotplug_scan))
				wgi_event_raise(peer, WGI_EVENT_AFFINITY_CHANGED,
						GFP_KERNEL);
		}
		mutex_unlock(&wg->update_lock);
	}
	rtnl_unlock();
}

static int wgi_event_cpu_changed(unsigned int cpu)
{
	cpumask_set_cpu(cpu, &wgi_hotplug_cpus);
	queue_work(system_wq, &wgi_hotplug_work);
	return 0;
}

int wgi_events_init(void)
{
	int ret;

	/* Online: runs once the CPU is up. Dead: once it is fully gone. */
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"net/wg_inline:online",
					wgi_event_cpu_changed, NULL);
	if (ret < 0)
		return ret;
	wgi_hotplug_online_state = ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"net/wg_inline:dead",
					NULL, wgi_event_cpu_changed);
	if (ret < 0) {
		cpuhp_remove_state_nocalls(wgi_hotplug_online_state);
		return ret;
	}
	wgi_hotplug_dead_state = ret;
	return 0;
}

void wgi_events_uninit(void)
{
	cpuhp_remove_state_nocalls(wgi_hotplug_dead_state);
	cpuhp_remove_state_nocalls(wgi_hotplug_online_state);
	cancel_work_sync(&wgi_hotplug_work);
	/* The removals of the last devices are still to be told. */
	flush_work(&wgi_event_work);
}
