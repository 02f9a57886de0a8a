// SPDX-License-Identifier: GPL-2.0
/*
 * The netdev of one end: N channels, each a TX queue, an RX ring and a
 * NAPI. A frame sent on one end is received by the peer's "hardware"
 * (rx.c), as on veth, but into the RX queue the peer's steering picks.
 */
#include <linux/etherdevice.h>
#include <linux/topology.h>
#include <net/rtnetlink.h>

#include "fakenic.h"

static netdev_tx_t fakenic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct fakenic_port *port = fakenic_port(dev);
	struct fakenic_pcpu *pcpu = this_cpu_ptr(port->pcpu);
	u16 q = skb_get_queue_mapping(skb);
	struct fakenic_port *peer;

	pcpu->tx[q].packets++;
	pcpu->tx[q].bytes += skb->len;
	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (peer && netif_running(peer->netdev)) {
		fakenic_deliver(peer, skb);
	} else {
		pcpu->tx_no_peer++;
		kfree_skb(skb);
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/* 6.12 shows queue -> NAPI -> IRQ links (netdev genl, sysfs queues). */
static void fakenic_link_queues(struct fakenic_port *port, bool on)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	unsigned int i;

	for (i = 0; i < port->channels; i++) {
		struct napi_struct *napi = on ? &port->ch[i].napi : NULL;

		netif_queue_set_napi(port->netdev, i, NETDEV_QUEUE_TYPE_RX, napi);
		netif_queue_set_napi(port->netdev, i, NETDEV_QUEUE_TYPE_TX, napi);
	}
#endif
}

/* Carrier is up while both ends are, as on veth. */
static int fakenic_open(struct net_device *dev)
{
	struct fakenic_port *port = fakenic_port(dev);
	struct fakenic_port *peer = rtnl_dereference(port->peer);
	unsigned int i;

	for (i = 0; i < port->channels; i++)
		napi_enable(&port->ch[i].napi);
	fakenic_link_queues(port, true);
	netif_tx_start_all_queues(dev);
	if (peer && netif_running(peer->netdev)) {
		netif_carrier_on(dev);
		netif_carrier_on(peer->netdev);
	}
	return 0;
}

static int fakenic_stop(struct net_device *dev)
{
	struct fakenic_port *port = fakenic_port(dev);
	struct fakenic_port *peer = rtnl_dereference(port->peer);
	unsigned int i;

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer->netdev);
	netif_tx_stop_all_queues(dev);
	fakenic_link_queues(port, false);
	for (i = 0; i < port->channels; i++) {
		napi_disable(&port->ch[i].napi);
		skb_queue_purge(&port->ch[i].ring);
	}
	return 0;
}

static void fakenic_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *s)
{
	fakenic_stats64(fakenic_port(dev), s);
}

static const struct net_device_ops fakenic_netdev_ops = {
	.ndo_open = fakenic_open,
	.ndo_stop = fakenic_stop,
	.ndo_start_xmit = fakenic_xmit,
	.ndo_get_stats64 = fakenic_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

bool fakenic_is_ours(const struct net_device *dev)
{
	return dev->netdev_ops == &fakenic_netdev_ops;
}

static void fakenic_channels_init(struct fakenic_port *port)
{
	unsigned int i;

	for (i = 0; i < port->channels; i++) {
		struct fakenic_channel *ch = &port->ch[i];

		ch->port = port;
		ch->index = i;
		ch->irq = -1;
		skb_queue_head_init(&ch->ring);
		netif_napi_add(port->netdev, &ch->napi, fakenic_poll);
	}
}

void fakenic_channels_teardown(struct fakenic_port *port)
{
	unsigned int i;

	if (!port->netdev)
		return;
	for (i = 0; i < port->channels; i++) {
		netif_napi_del(&port->ch[i].napi);
		skb_queue_purge(&port->ch[i].ring);
	}
}

struct net_device *fakenic_netdev_alloc(struct fakenic_port *port,
					const char *name)
{
	struct net_device *nd;

	nd = alloc_etherdev_mqs(sizeof(struct fakenic_priv), port->channels,
				port->channels);
	if (!nd)
		return NULL;
	((struct fakenic_priv *)netdev_priv(nd))->port = port;
	port->netdev = nd;
	strscpy(nd->name, name, IFNAMSIZ);
	nd->netdev_ops = &fakenic_netdev_ops;
	nd->ethtool_ops = &fakenic_ethtool_ops;
	nd->rtnl_link_ops = &fakenic_link_ops;
	/* Like mlx5e: ntuple is offered, off by default; rules installed
	 * through ethtool steer whatever its state (en_fs_ethtool.c never
	 * looks at it).
	 */
	nd->hw_features = NETIF_F_NTUPLE;
	nd->features = 0;
	eth_hw_addr_random(nd);
	netif_carrier_off(nd);
	SET_NETDEV_DEV(nd, &port->dev);
	fakenic_channels_init(port);
	return nd;
}

void fakenic_link_peers(struct fakenic_port *a, struct fakenic_port *b)
{
	rcu_assign_pointer(a->peer, b);
	rcu_assign_pointer(b->peer, a);
}

/* mlx5e's default XPS: channel i's TX queue for the CPU of its IRQ. */
void fakenic_netdev_setup_xps(struct fakenic_port *port)
{
	unsigned int i;

	for (i = 0; i < port->channels; i++)
		netif_set_xps_queue(port->netdev,
				    cpumask_of(cpumask_local_spread(i, NUMA_NO_NODE)),
				    i);
}
