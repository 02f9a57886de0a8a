// SPDX-License-Identifier: GPL-2.0
/*
 * XPS: a tunnel's core transmits its outer packets on the TX queue of
 * the channel whose RX queue its rule names, so the completions of what
 * it sends come back to it too.
 *
 * The first claim on a netdev saves its XPS CPU masks; every change
 * rewrites all of its TX queues' masks coherently (a claimed core is in
 * its queue's mask and in no other, unclaimed cores keep what they had
 * at the first claim), and when the last claim goes the saved masks are
 * written back. Changes made to the masks by others while we hold
 * claims (sysfs, a channel-count change) are overwritten by our next
 * rewrite and not restored. A
 * netdev that unregisters takes its masks with it: its record is just
 * forgotten; one that moves to another namespace gets them back first.
 * RTNL serialises all of it.
 */
#include <linux/cpumask.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "steer.h"

struct steer_xps_dev {
	struct list_head list;
	const struct net *net;
	int ifindex;
	unsigned int ntxq;
	cpumask_var_t *saved;	/* per TX queue, as found */
	int *cpu_txq;		/* per CPU: the claimed queue, or -1 */
	unsigned int *cpu_refs;	/* per CPU: tunnels claiming it */
};

static LIST_HEAD(steer_xps_devs);

static struct steer_xps_dev *steer_xps_find(int ifindex, const struct net *net)
{
	struct steer_xps_dev *x;

	list_for_each_entry(x, &steer_xps_devs, list)
		if (x->ifindex == ifindex && x->net == net)
			return x;
	return NULL;
}

static void steer_xps_free(struct steer_xps_dev *x)
{
	unsigned int q;

	list_del(&x->list);
	for (q = 0; q < x->ntxq && x->saved; q++)
		free_cpumask_var(x->saved[q]);
	kfree(x->saved);
	kfree(x->cpu_txq);
	kfree(x->cpu_refs);
	kfree(x);
}

/* The CPUs whose XPS maps (of every traffic class) send on each queue. */
static void steer_xps_read(struct net_device *dev, struct steer_xps_dev *x)
{
#ifdef CONFIG_XPS
	struct xps_dev_maps *maps;
	unsigned int cpu, tc, i;
	struct xps_map *map;

	rcu_read_lock();
	maps = rcu_dereference(dev->xps_maps[XPS_CPUS]);
	for (cpu = 0; maps && cpu < maps->nr_ids; cpu++) {
		for (tc = 0; tc < maps->num_tc; tc++) {
			map = rcu_dereference(maps->attr_map[cpu * maps->num_tc + tc]);
			for (i = 0; map && i < map->len; i++)
				if (map->queues[i] < x->ntxq)
					cpumask_set_cpu(cpu, x->saved[map->queues[i]]);
		}
	}
	rcu_read_unlock();
#endif
}

static struct steer_xps_dev *steer_xps_new(struct net_device *dev)
{
	struct steer_xps_dev *x = kzalloc(sizeof(*x), GFP_KERNEL);
	unsigned int q, cpu;

	if (!x)
		return NULL;
	list_add(&x->list, &steer_xps_devs);
	x->net = dev_net(dev);
	x->ifindex = dev->ifindex;
	x->saved = kcalloc(dev->real_num_tx_queues, sizeof(*x->saved), GFP_KERNEL);
	x->cpu_txq = kcalloc(nr_cpu_ids, sizeof(*x->cpu_txq), GFP_KERNEL);
	x->cpu_refs = kcalloc(nr_cpu_ids, sizeof(*x->cpu_refs), GFP_KERNEL);
	if (!x->saved || !x->cpu_txq || !x->cpu_refs)
		goto fail;
	for (q = 0; q < dev->real_num_tx_queues; q++) {
		if (!zalloc_cpumask_var(&x->saved[q], GFP_KERNEL))
			goto fail;
		x->ntxq++;
	}
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		x->cpu_txq[cpu] = -1;
	steer_xps_read(dev, x);
	return x;
fail:
	steer_xps_free(x);
	return NULL;
}

/*
 * Writes every TX queue's mask: the saved one, claims applied. All of
 * them even if one fails; returns the first error.
 */
static int steer_xps_apply(struct net_device *dev, struct steer_xps_dev *x)
{
	cpumask_var_t mask;
	unsigned int q, cpu;
	int ret = 0, err;

	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	for (q = 0; q < x->ntxq && q < dev->real_num_tx_queues; q++) {
		cpumask_copy(mask, x->saved[q]);
		for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
			if (x->cpu_txq[cpu] < 0)
				continue;
			if (x->cpu_txq[cpu] == q)
				cpumask_set_cpu(cpu, mask);
			else
				cpumask_clear_cpu(cpu, mask);
		}
		err = netif_set_xps_queue(dev, mask, q);
		ret = ret ?: err;
	}
	free_cpumask_var(mask);
	return ret;
}

int steer_xps_claim(struct net_device *dev, unsigned int cpu, u16 txq)
{
	struct steer_xps_dev *x;
	int ret;

	ASSERT_RTNL();
	if (cpu >= nr_cpu_ids || txq >= dev->real_num_tx_queues)
		return -EINVAL;
	x = steer_xps_find(dev->ifindex, dev_net(dev));
	if (!x)
		x = steer_xps_new(dev);
	if (!x)
		return -ENOMEM;
	x->cpu_refs[cpu]++;
	/* Tunnels of one core share its queue; the latest claim names it. */
	x->cpu_txq[cpu] = txq;
	ret = steer_xps_apply(dev, x);
	if (ret)
		steer_xps_release(dev, cpu);	/* the caller holds no claim */
	return ret;
}

void steer_xps_release(struct net_device *dev, unsigned int cpu)
{
	struct steer_xps_dev *x;
	unsigned int c;

	ASSERT_RTNL();
	x = steer_xps_find(dev->ifindex, dev_net(dev));
	if (!x || cpu >= nr_cpu_ids || !x->cpu_refs[cpu])
		return;
	if (--x->cpu_refs[cpu] == 0)
		x->cpu_txq[cpu] = -1;
	steer_xps_apply(dev, x);
	for (c = 0; c < nr_cpu_ids; c++)
		if (x->cpu_refs[c])
			return;
	steer_xps_free(x);
}

/* @dev leaves: with @restore (it lives on elsewhere) its masks as found. */
void steer_xps_forget(struct net_device *dev, bool restore)
{
	struct steer_xps_dev *x = steer_xps_find(dev->ifindex, dev_net(dev));
	unsigned int cpu;

	if (!x)
		return;
	if (restore) {
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			x->cpu_txq[cpu] = -1;
		steer_xps_apply(dev, x);
	}
	steer_xps_free(x);
}

void steer_xps_forget_net(const struct net *net)
{
	struct steer_xps_dev *x, *tmp;

	list_for_each_entry_safe(x, tmp, &steer_xps_devs, list)
		if (x->net == net)
			steer_xps_free(x);
}
