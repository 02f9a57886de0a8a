// SPDX-License-Identifier: GPL-2.0
/*
 * Which RX queue of a NIC is served on a given core.
 *
 * A steering rule names a queue, but the promise is a core: the queue
 * whose completion interrupt the core takes, so that the queue's NAPI
 * (and the softirq that decrypts the tunnel's packets) runs there.
 *
 * 6.8 and later link each RX queue to its NAPI and the NAPI to its IRQ
 * (netif_queue_set_napi, netif_napi_set_irq; mlx5e does both): the queue
 * is the one whose IRQ's effective affinity is exactly that core.
 * Before, the kernel has no such link; what mlx5e (like other drivers
 * with accelerated RFS) exposes is rx_cpu_rmap, the reverse map from a
 * CPU to the nearest RX queue by IRQ affinity: the queue is the map's
 * entry for the core when its distance is 0 (the core is in the IRQ's
 * affinity mask; pin each vector to one core for this to mean "served
 * there", as mlx5's default spread does).
 * A core that no queue's IRQ serves is an error, never a nearby queue.
 */
#include <linux/cpu_rmap.h>
#include <linux/irq.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#include <net/netdev_rx_queue.h>
#endif
#include "steer.h"

/* rx_cpu_rmap: the queue whose IRQ is on @cpu, or -ENOENT/-EOPNOTSUPP. */
static int steer_queue_by_rmap(struct net_device *dev, unsigned int cpu)
{
	struct cpu_rmap *rmap = NULL;

#ifdef CONFIG_RFS_ACCEL
	rmap = dev->rx_cpu_rmap;
#endif
	if (!rmap || !rmap->size)
		return -EOPNOTSUPP;
	if (cpu >= nr_cpu_ids || rmap->near[cpu].dist != 0)
		return -ENOENT;
	if (rmap->near[cpu].index >= dev->real_num_rx_queues)
		return -ENOENT;
	return rmap->near[cpu].index;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static bool steer_irq_on_core(int irq, unsigned int cpu)
{
	const struct cpumask *mask;

	if (irq <= 0)
		return false;
	mask = irq_get_effective_affinity_mask(irq);
	return mask && cpumask_weight(mask) == 1 && cpumask_test_cpu(cpu, mask);
}

/* Queue -> NAPI -> IRQ links: the queue, or -ENOENT, or -EOPNOTSUPP. */
static int steer_queue_by_links(struct net_device *dev, unsigned int cpu,
				int *irq)
{
	struct napi_struct *napi;
	bool linked = false;
	unsigned int q;

	for (q = 0; q < dev->real_num_rx_queues; q++) {
		napi = __netif_get_rx_queue(dev, q)->napi;
		if (!napi || napi->irq <= 0)
			continue;
		linked = true;
		if (steer_irq_on_core(napi->irq, cpu)) {
			*irq = napi->irq;
			return q;
		}
	}
	return linked ? -ENOENT : -EOPNOTSUPP;
}
#else
static int steer_queue_by_links(struct net_device *dev, unsigned int cpu,
				int *irq)
{
	return -EOPNOTSUPP;
}
#endif

int steer_queue_of_core(struct net_device *dev, unsigned int cpu, int *irq)
{
	int q;

	ASSERT_RTNL();
	*irq = -1;
	/* A down mlx5e has no channels, so no links (6.12) to follow. */
	if (!netif_running(dev))
		return -ENETDOWN;
	q = steer_queue_by_links(dev, cpu, irq);
	/* A driver that does not link its queues: only the map is left. */
	if (q == -EOPNOTSUPP)
		q = steer_queue_by_rmap(dev, cpu);
	return q;
}
