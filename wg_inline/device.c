// SPDX-License-Identifier: GPL-2.0
/*
 * The wg-inline network device: a layer 3 point-to-point interface whose
 * ndo_start_xmit is the start of the inline transmit path. Lifetime and
 * namespaces:
 *
 *  - the UDP sockets live in the namespace the device was created in
 *    (creating_net) even if the device is later moved elsewhere;
 *  - when that namespace goes away, the device goes with it (pernet
 *    pre_exit), because kernel sockets do not pin their namespace;
 *  - per-device memory is released by the destructor, after the last
 *    reference to the net_device is gone, so a netlink dump that still
 *    holds the device never sees freed state.
 */
#include <linux/if_arp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/version.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif
#include "datapath.h"
#include "debugfs.h"
#include "device.h"
#include "peer.h"
#include "ratelimiter.h"
#include "timers.h"

LIST_HEAD(wgi_device_list);

/* Outer headers in the worst case: IPv6 + UDP + data header + tag. */
#define WGI_TUNNEL_OVERHEAD						\
	(sizeof(struct ipv6hdr) + sizeof(struct udphdr) + WGI_DATA_OVERHEAD)

static struct rtnl_link_ops wgi_link_ops;

struct wgi_device *wgi_device_from_netdev(struct net_device *dev)
{
	if (!dev || dev->rtnl_link_ops != &wgi_link_ops)
		return NULL;
	return netdev_priv(dev);
}

void wgi_device_queue_handshake_work(struct wgi_device *wg)
{
	queue_work(wg->handshake_wq, &wg->handshake_work);
}

/* Quiesce every peer's protocol state when the interface goes down. */
static void wgi_peer_quiesce(struct wgi_peer *peer)
{
	wgi_timers_stop(peer);
	flush_work(&peer->transmit_handshake_work);
	flush_work(&peer->clear_peer_work);
	/* Handshake first, so no session is installed after the clear. */
	wgi_noise_handshake_clear(&peer->handshake);
	wgi_noise_keypairs_clear(&peer->keypairs);
	/*
	 * Wait out a poll still running (it could re-stage what it sends
	 * without a session), then drop what it and the mode left behind.
	 */
	napi_disable(&peer->napi);
	wgi_mode_peer_discard(peer);
	skb_queue_purge(&peer->staged_packet_queue);
	skb_queue_purge(&peer->rx_queue);
	napi_enable(&peer->napi);
	/* One poll, so that a kick that found NAPI disabled is not lost. */
	local_bh_disable();
	napi_schedule(&peer->napi);
	local_bh_enable();
	/* The next "up" may start a handshake immediately. */
	wgi_send_handshake_allow_now(peer);
}

static int wgi_open(struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);
	struct wgi_peer *peer;
	int ret;

	mutex_lock(&wg->update_lock);
	ret = wgi_socket_init(wg, wg->incoming_port);
	if (ret)
		goto out;
	list_for_each_entry(peer, &wg->peer_list, peer_list) {
		wgi_send_flush_staged(peer);
		if (peer->persistent_keepalive_interval)
			wgi_send_keepalive(peer);
	}
	wgi_event_raise_device(wg, WGI_EVENT_DEVICE_UP);
out:
	mutex_unlock(&wg->update_lock);
	return ret;
}

static int wgi_stop(struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);
	struct wgi_peer *peer;

	mutex_lock(&wg->update_lock);
	/* No more receive softirqs once the sockets are gone. */
	wgi_socket_reinit(wg, NULL, NULL);
	/*
	 * The handshake worker requeues itself while messages are left, and
	 * a flush does not wait for work queued after it started: empty its
	 * queue and cancel it first, then flush the peers' works.
	 */
	skb_queue_purge(&wg->handshake_queue);
	cancel_work_sync(&wg->handshake_work);
	flush_workqueue(wg->handshake_wq);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		wgi_peer_quiesce(peer);
	wgi_event_raise_device(wg, WGI_EVENT_DEVICE_DOWN);
	mutex_unlock(&wg->update_lock);
	return 0;
}

static bool wgi_inner_header_ok(struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	case htons(ETH_P_IPV6):
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	default:
		return false;
	}
}

/*
 * Tell the sender why its packet went nowhere: host unreachable (v4) or
 * address unreachable (v6) whatever the reason, the codes any WireGuard
 * implementation answers with.
 */
static void wgi_xmit_icmp_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
}

static bool wgi_peer_has_endpoint(struct wgi_peer *peer)
{
	sa_family_t family;

	read_lock_bh(&peer->endpoint_lock);
	family = peer->endpoint.addr.sa_family;
	read_unlock_bh(&peer->endpoint_lock);
	return family == AF_INET || family == AF_INET6;
}

/*
 * Turns one skb from the stack into a list of MTU-sized plaintext packets.
 * The stack hands us GSO super-packets (we advertise GSO_SOFTWARE) so that
 * it does one traversal per 64K; here they are cut in software, since
 * every segment becomes its own encrypted message.
 */
static int wgi_xmit_prepare_list(struct sk_buff *skb,
				 struct sk_buff_head *packets)
{
	struct sk_buff *segs, *next;

	/*
	 * Plaintext is never routed again; the inner dst is dead weight. It
	 * stays on @skb until segmentation succeeded, as an ICMP error about
	 * a failure needs it.
	 */
	if (!skb_is_gso(skb)) {
		skb_dst_drop(skb);
		skb_mark_not_on_list(skb);
		__skb_queue_tail(packets, skb);
		return 0;
	}

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return segs ? PTR_ERR(segs) : -EINVAL;
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_dst_drop(skb);
		skb_mark_not_on_list(skb);
		__skb_queue_tail(packets, skb);
	}
	return 0;
}

/*
 * The inline transmit entry: everything from peer lookup to the UDP send
 * happens here, in the caller's context on the caller's core.
 *
 * A packet that cannot go anywhere is answered with an ICMP error, and the
 * error is also returned: the stack hands it back to a local sender, whose
 * sendmsg() then fails with ENOKEY (no peer for the destination) or
 * EDESTADDRREQ (the peer has no endpoint), as with any WireGuard device.
 */
static netdev_tx_t wgi_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);
	struct sk_buff_head packets;
	enum wgi_drop_reason why;
	struct wgi_peer *peer;
	int ret;

	if (unlikely(!wgi_inner_header_ok(skb))) {
		wgi_drop_skb(wg, skb, WGI_DROP_TX_BAD_PROTO);
		return -EPROTONOSUPPORT;
	}

	peer = wgi_allowedips_lookup_dst(&wg->peer_allowedips, skb);
	if (unlikely(!peer)) {
		why = WGI_DROP_TX_NO_PEER;
		ret = -ENOKEY;
		goto err;
	}
	if (unlikely(!wgi_peer_has_endpoint(peer))) {
		why = WGI_DROP_TX_NO_ENDPOINT;
		ret = -EDESTADDRREQ;
		goto err_peer;
	}

	__skb_queue_head_init(&packets);
	if (unlikely(wgi_xmit_prepare_list(skb, &packets))) {
		why = WGI_DROP_TX_ENCRYPT_FAILED;
		ret = -ENOMEM;
		goto err_peer;
	}
	wgi_mode_xmit(peer, &packets);
	wgi_peer_put(peer);
	return NETDEV_TX_OK;

err_peer:
	wgi_peer_put(peer);
err:
	wgi_xmit_icmp_unreachable(skb);
	wgi_drop_skb(wg, skb, why);
	return ret;
}

static int wgi_dev_init(struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);

	wg->drops = alloc_percpu(struct wgi_drop_counters);
	if (!wg->drops)
		goto err;
	wg->peer_hashtable = wgi_pubkey_table_alloc();
	if (!wg->peer_hashtable)
		goto err;
	wg->index_hashtable = wgi_index_table_alloc();
	if (!wg->index_hashtable)
		goto err;
	/*
	 * Handshakes (Curve25519) run here, away from the packet path. A
	 * single work item per device also caps how much CPU a handshake
	 * flood against one device can take.
	 */
	wg->handshake_wq = alloc_workqueue("wgi-hs-%s",
					   WQ_UNBOUND | WQ_MEM_RECLAIM, 0,
					   dev->name);
	if (!wg->handshake_wq)
		goto err;
	if (wgi_workers_init(wg))
		goto err_wq;
	wgi_ratelimiter_get();
	return 0;

err_wq:
	destroy_workqueue(wg->handshake_wq);
	wg->handshake_wq = NULL;
err:
	kvfree(wg->index_hashtable);
	wg->index_hashtable = NULL;
	kvfree(wg->peer_hashtable);
	wg->peer_hashtable = NULL;
	free_percpu(wg->drops);
	wg->drops = NULL;
	return -ENOMEM;
}

static void wgi_dev_uninit(struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);

	/* Out of every walker's sight (debugfs, pernet exit) from now on. */
	ASSERT_RTNL();
	list_del_init(&wg->device_list);
}

/* Runs once nobody references the net_device any more. */
static void wgi_destruct(struct net_device *dev)
{
	struct wgi_device *wg = netdev_priv(dev);

	wgi_debugfs_device_remove(wg);
	mutex_lock(&wg->update_lock);
	wgi_socket_reinit(wg, NULL, NULL);
	wgi_peer_remove_all(wg);
	wgi_allowedips_free(&wg->peer_allowedips, &wg->update_lock);
	mutex_unlock(&wg->update_lock);

	/* Drains handshake work and any initiation works still queued. */
	destroy_workqueue(wg->handshake_wq);
	wgi_mode_device_uninit(wg);
	wgi_workers_free(wg);
	wgi_steer_free(wg);
	skb_queue_purge(&wg->handshake_queue);
	wgi_ratelimiter_put();
	wgi_noise_static_identity_clear(&wg->static_identity);
	memzero_explicit(&wg->cookie_checker, sizeof(wg->cookie_checker));

	kvfree(wg->index_hashtable);
	kvfree(wg->peer_hashtable);
	free_percpu(wg->drops);
	mutex_destroy(&wg->update_lock);
	mutex_destroy(&wg->socket_update_lock);
}

static const struct net_device_ops wgi_netdev_ops = {
	.ndo_init		= wgi_dev_init,
	.ndo_uninit		= wgi_dev_uninit,
	.ndo_open		= wgi_open,
	.ndo_stop		= wgi_stop,
	.ndo_start_xmit		= wgi_start_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void wgi_setup(struct net_device *dev)
{
	const netdev_features_t features = NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
		NETIF_F_SG | NETIF_F_GSO | NETIF_F_GSO_SOFTWARE |
		NETIF_F_HIGHDMA;
	struct wgi_device *wg = netdev_priv(dev);

	dev->netdev_ops = &wgi_netdev_ops;
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* The route stays on the skb: ICMP errors about it need it. */
	netif_keep_dst(dev);
	/*
	 * Lockless transmit: tunnels of one device transmit from many cores
	 * at once, which is the whole point of the inline design.
	 */
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	dev->needed_headroom = LL_MAX_HEADER + WGI_TUNNEL_OVERHEAD;
	dev->needed_tailroom = WGI_PADDING_MULTIPLE + WGI_AEAD_TAG_LEN;
	dev->mtu = ETH_DATA_LEN - WGI_TUNNEL_OVERHEAD;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = round_down(IP_MAX_MTU - WGI_TUNNEL_OVERHEAD,
				  WGI_PADDING_MULTIPLE);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = wgi_destruct;

	memset(wg, 0, sizeof(*wg));
	wg->dev = dev;
	INIT_LIST_HEAD(&wg->device_list);
	INIT_LIST_HEAD(&wg->peer_list);
	mutex_init(&wg->update_lock);
	mutex_init(&wg->socket_update_lock);
	skb_queue_head_init(&wg->handshake_queue);
	INIT_WORK(&wg->handshake_work, wgi_handshake_worker);
	wg->last_under_load = jiffies - 2 * HZ;
	wg->default_mode = WGI_TUNNEL_MODE_INLINE;
	wgi_noise_static_identity_init(&wg->static_identity);
	wgi_cookie_checker_init(&wg->cookie_checker, wg);
	wgi_allowedips_init(&wg->peer_allowedips);
}

static int wgi_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct wgi_device *wg = netdev_priv(dev);
	int ret;

	/* Sockets stay here even if the device moves to another netns. */
	rcu_assign_pointer(wg->creating_net, src_net);

	ret = register_netdevice(dev);
	if (ret)
		return ret;

	list_add_tail(&wg->device_list, &wgi_device_list);
	wgi_debugfs_device_add(wg);
	return 0;
}

static struct rtnl_link_ops wgi_link_ops __read_mostly = {
	.priv_size	= sizeof(struct wgi_device),
	.setup		= wgi_setup,
	.newlink	= wgi_newlink,
};

/*
 * Our sockets do not hold their namespace alive, so a device must not
 * outlive the namespace it was created in, wherever it lives now.
 */
static void wgi_pernet_pre_exit(struct net *net)
{
	struct wgi_device *wg, *tmp;
	LIST_HEAD(kill_list);

	rtnl_lock();
	list_for_each_entry_safe(wg, tmp, &wgi_device_list, device_list) {
		if (rcu_access_pointer(wg->creating_net) != net)
			continue;
		unregister_netdevice_queue(wg->dev, &kill_list);
	}
	unregister_netdevice_many(&kill_list);
	rtnl_unlock();
}

static struct pernet_operations wgi_pernet_ops = {
	.pre_exit = wgi_pernet_pre_exit,
};

int wgi_device_init(void)
{
	int ret;

	ret = register_pernet_device(&wgi_pernet_ops);
	if (ret)
		return ret;

	wgi_link_ops.kind = wgi_kind_name;
	ret = rtnl_link_register(&wgi_link_ops);
	if (ret)
		unregister_pernet_device(&wgi_pernet_ops);
	return ret;
}

void wgi_device_uninit(void)
{
	rtnl_link_unregister(&wgi_link_ops);
	unregister_pernet_device(&wgi_pernet_ops);
}
