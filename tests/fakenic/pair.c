// SPDX-License-Identifier: GPL-2.0
/*
 * Pair life cycle. A pair's two ports are created together and die
 * together: `ip link del` of either end, del_pair, the death of a
 * namespace holding one end, or rmmod all go through fakenic_dellink,
 * which unregisters both netdevs; each port's remaining state (IRQs,
 * devlink, debugfs, bus device) is torn down by the netdev's destructor,
 * once the stack holds no reference to the netdev any more.
 */
#include <linux/idr.h>
#include <linux/wait.h>
#include <net/rtnetlink.h>

#include "fakenic.h"

/* Serialises new_pair, del_pair and module exit with each other. */
static DEFINE_MUTEX(fakenic_ctl_lock);
static bool fakenic_exiting;
/* All live ports; exit waits for it to empty (destructors run late). */
static DEFINE_MUTEX(fakenic_list_lock);
static LIST_HEAD(fakenic_ports);
static atomic_t fakenic_nports = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(fakenic_ports_wq);
static DEFINE_IDA(fakenic_ida);

static void fakenic_port_release(struct device *dev)
{
	struct fakenic_port *port = container_of(dev, struct fakenic_port, dev);

	ida_free(&fakenic_ida, port->id);
	kfree(port);
}

static void fakenic_netdev_destructor(struct net_device *netdev)
{
	fakenic_port_destroy(fakenic_port(netdev));
}

static void fakenic_dellink(struct net_device *dev, struct list_head *head)
{
	struct fakenic_port *port = fakenic_port(dev);
	struct fakenic_port *peer = rtnl_dereference(port->peer);

	port->dead = true;
	/* unregister_netdevice_many's synchronize_net then ends every
	 * transmit that still sees the old peer.
	 */
	RCU_INIT_POINTER(port->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		peer->dead = true;
		RCU_INIT_POINTER(peer->peer, NULL);
		unregister_netdevice_queue(peer->netdev, head);
	}
}

/* No newlink: pairs are made through the bus (ip link add refuses). */
struct rtnl_link_ops fakenic_link_ops = {
	.kind = "fakenic",
	.priv_size = sizeof(struct fakenic_priv),
	.dellink = fakenic_dellink,
};

/* Everything of a port but its netdev, which its owner frees. */
void fakenic_port_destroy(struct fakenic_port *port)
{
	fakenic_devlink_unregister(port);
	fakenic_debugfs_port_del(port);
	fakenic_irqs_free(port);
	fakenic_channels_teardown(port);
	fakenic_steer_flush(&port->steer);
	free_percpu(port->pcpu);
	mutex_lock(&fakenic_list_lock);
	list_del(&port->node);
	mutex_unlock(&fakenic_list_lock);
	device_unregister(&port->dev);
	if (atomic_dec_and_test(&fakenic_nports))
		wake_up(&fakenic_ports_wq);
}

static struct fakenic_port *fakenic_port_alloc(unsigned int channels)
{
	struct fakenic_port *port;
	int id;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return NULL;
	id = ida_alloc(&fakenic_ida, GFP_KERNEL);
	if (id < 0) {
		kfree(port);
		return NULL;
	}
	port->id = id;
	port->channels = channels;
	port->irq_base = -1;
	INIT_LIST_HEAD(&port->node);
	fakenic_steer_init(&port->steer);
	fakenic_rss_reset(&port->rss, channels);
	device_initialize(&port->dev);
	port->dev.bus = &fakenic_bus;
	port->dev.release = fakenic_port_release;
	return port;
}

/* Undoes a port whose netdev never got registered. */
static void fakenic_port_abort(struct fakenic_port *port)
{
	struct net_device *netdev = port->netdev;

	fakenic_port_destroy(port);
	if (netdev)
		free_netdev(netdev);
}

/* A port with its bus device, netdev (not registered), IRQs, devlink. */
static struct fakenic_port *fakenic_port_create(struct net *net,
						const char *name,
						unsigned int channels)
{
	struct fakenic_port *port;
	int err;

	port = fakenic_port_alloc(channels);
	if (!port)
		return ERR_PTR(-ENOMEM);
	err = dev_set_name(&port->dev, "fakenic%u", port->id);
	if (!err)
		err = device_add(&port->dev);
	if (err) {
		put_device(&port->dev);
		return ERR_PTR(err);
	}
	mutex_lock(&fakenic_list_lock);
	list_add_tail(&port->node, &fakenic_ports);
	mutex_unlock(&fakenic_list_lock);
	atomic_inc(&fakenic_nports);

	err = -ENOMEM;
	port->pcpu = alloc_percpu(struct fakenic_pcpu);
	if (port->pcpu)
		port->netdev = fakenic_netdev_alloc(port, name);
	if (!port->netdev)
		goto err;
	dev_net_set(port->netdev, net);
	err = fakenic_irqs_alloc(port, name);
	if (err)
		goto err;
	fakenic_debugfs_port_add(port);
	err = fakenic_devlink_register(port);
	if (err)
		goto err;
	return port;

err:
	fakenic_port_abort(port);
	return ERR_PTR(err);
}

/* Registers both netdevs; the destructors take over only once both are. */
static int fakenic_pair_register(struct fakenic_port *a,
				 struct fakenic_port *b)
{
	int err;

	rtnl_lock();
	fakenic_link_peers(a, b);
	err = register_netdevice(a->netdev);
	if (err)
		goto out;
	err = register_netdevice(b->netdev);
	if (err) {
		unregister_netdevice(a->netdev);
		goto out;
	}
	a->netdev->priv_destructor = fakenic_netdev_destructor;
	a->netdev->needs_free_netdev = true;
	b->netdev->priv_destructor = fakenic_netdev_destructor;
	b->netdev->needs_free_netdev = true;
	fakenic_netdev_setup_xps(a);
	fakenic_netdev_setup_xps(b);
out:
	rtnl_unlock();
	return err;
}

int fakenic_pair_new(struct net *net, const char *a, const char *b,
		     unsigned int channels)
{
	struct fakenic_port *pa, *pb = NULL;
	int err;

	mutex_lock(&fakenic_ctl_lock);
	err = -ENODEV;
	if (fakenic_exiting)
		goto out;
	pa = fakenic_port_create(net, a, channels);
	err = PTR_ERR_OR_ZERO(pa);
	if (err)
		goto out;
	pb = fakenic_port_create(net, b, channels);
	err = PTR_ERR_OR_ZERO(pb);
	if (err) {
		fakenic_port_abort(pa);
		goto out;
	}
	err = fakenic_pair_register(pa, pb);
	if (err) {
		/* Unregistered again by now (rtnl_unlock ran the todo). */
		fakenic_port_abort(pa);
		fakenic_port_abort(pb);
	}
out:
	mutex_unlock(&fakenic_ctl_lock);
	return err;
}

int fakenic_pair_del(struct net *net, const char *name)
{
	struct net_device *dev;
	LIST_HEAD(kill);
	int err = 0;

	mutex_lock(&fakenic_ctl_lock);
	rtnl_lock();
	dev = __dev_get_by_name(net, name);
	if (dev && fakenic_is_ours(dev)) {
		fakenic_dellink(dev, &kill);
		unregister_netdevice_many(&kill);
	} else {
		err = -ENODEV;
	}
	rtnl_unlock();
	mutex_unlock(&fakenic_ctl_lock);
	return err;
}

/* Module exit: deletes every pair and waits for their destructors,
 * which may be running in another task's rtnl_unlock.
 */
void fakenic_pair_del_all(void)
{
	struct fakenic_port *port;
	LIST_HEAD(kill);

	mutex_lock(&fakenic_ctl_lock);
	fakenic_exiting = true;
	rtnl_lock();
	mutex_lock(&fakenic_list_lock);
	list_for_each_entry(port, &fakenic_ports, node)
		if (!port->dead)
			fakenic_dellink(port->netdev, &kill);
	mutex_unlock(&fakenic_list_lock);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	mutex_unlock(&fakenic_ctl_lock);
	wait_event(fakenic_ports_wq, !atomic_read(&fakenic_nports));
}
