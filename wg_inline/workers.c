// SPDX-License-Identifier: GPL-2.0
/*
 * The worker CPU set of a device. Stock WireGuard runs its crypt workers
 * on every online CPU; here an operator can keep them to some CPUs (away
 * from the cores that carry inline tunnels, say). The set is a cpumask
 * published with RCU, so that the packet path never sees one half
 * written; it is replaced whole, under the device's update_lock and the
 * CPU hotplug lock, after every CPU in it was found online.
 *
 * A CPU of the set that goes offline later is skipped while it is; if
 * all of them are, the work runs on the CPU that queued it, so a tunnel
 * never stops for want of a worker.
 */
#include <linux/cpu.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <linux/wg_inline.h>
#include "device.h"
#include "workers.h"

static struct cpumask *wgi_worker_mask(struct wgi_worker_set *set)
{
	return to_cpumask(set->bits);
}

static struct wgi_worker_set *wgi_worker_set_alloc(void)
{
	return kzalloc(sizeof(struct wgi_worker_set) + cpumask_size(),
		       GFP_KERNEL);
}

int wgi_workers_init(struct wgi_device *wg)
{
	struct wgi_worker_set *set = wgi_worker_set_alloc();

	if (!set)
		return -ENOMEM;
	cpumask_copy(wgi_worker_mask(set), cpu_possible_mask);
	RCU_INIT_POINTER(wg->workers, set);
	return 0;
}

void wgi_workers_free(struct wgi_device *wg)
{
	/* The device is unregistered: no packet path reads it any more. */
	kfree(rcu_dereference_protected(wg->workers, true));
	RCU_INIT_POINTER(wg->workers, NULL);
}

int wgi_workers_validate(const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);

	if (len >= sizeof(u32) && !(len % sizeof(u32)))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "worker CPU set must be whole 32-bit words");
	return -EINVAL;
}

/*
 * Reads the bitmap into @mask; -ERANGE if it names a CPU at or above
 * nr_cpu_ids. Words are copied, as attributes are only 4-byte aligned.
 */
static int wgi_workers_parse(const struct nlattr *attr, struct cpumask *mask)
{
	const u8 *data = nla_data(attr);
	unsigned int words = nla_len(attr) / sizeof(u32), w;
	u32 word;
	int cpu;

	cpumask_clear(mask);
	for (w = 0; w < words; w++) {
		memcpy(&word, data + w * sizeof(u32), sizeof(word));
		while (word) {
			cpu = w * 32 + __ffs(word);
			if (cpu >= nr_cpu_ids)
				return -ERANGE;
			cpumask_set_cpu(cpu, mask);
			word &= word - 1;
		}
	}
	return 0;
}

/* Publishes @set; the hotplug lock keeps its CPUs online until then. */
static void wgi_workers_publish(struct wgi_device *wg,
				struct wgi_worker_set *set)
{
	struct wgi_worker_set *old;

	old = rcu_replace_pointer(wg->workers, set,
				  lockdep_is_held(&wg->update_lock));
	kfree_rcu(old, rcu);
}

int wgi_workers_set(struct wgi_device *wg, const struct nlattr *attr,
		    struct netlink_ext_ack *extack)
{
	struct wgi_worker_set *set;
	struct cpumask *mask;
	int ret;

	lockdep_assert_held(&wg->update_lock);
	set = wgi_worker_set_alloc();
	if (!set)
		return -ENOMEM;
	mask = wgi_worker_mask(set);
	ret = wgi_workers_parse(attr, mask);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "worker CPU set names a CPU this machine does not have");
		goto err;
	}
	if (cpumask_empty(mask)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "worker CPU set is empty");
		ret = -EINVAL;
		goto err;
	}
	cpus_read_lock();
	if (cpumask_subset(mask, cpu_online_mask))
		wgi_workers_publish(wg, set);
	else
		ret = -ENODEV;
	cpus_read_unlock();
	if (!ret)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "worker CPU set names an offline CPU");
err:
	kfree(set);
	return ret;
}

int wgi_workers_put(struct sk_buff *skb, struct wgi_device *wg)
{
	struct wgi_worker_set *set;
	unsigned int words = DIV_ROUND_UP(nr_cpu_ids, 32), w;
	struct nlattr *attr;
	u32 *out;
	int cpu;

	set = rcu_dereference_protected(wg->workers,
					lockdep_is_held(&wg->update_lock));
	attr = nla_reserve(skb, WGI_EXT_A_WORKER_CPUS, words * sizeof(u32));
	if (!attr)
		return -EMSGSIZE;
	out = nla_data(attr);
	for (w = 0; w < words; w++)
		out[w] = 0;
	for_each_cpu(cpu, wgi_worker_mask(set))
		out[cpu / 32] |= 1U << (cpu % 32);
	return 0;
}

int wgi_workers_next(struct wgi_device *wg, int *cursor)
{
	struct wgi_worker_set *set = rcu_dereference_bh(wg->workers);
	const struct cpumask *mask = wgi_worker_mask(set);
	int cpu;

	cpu = cpumask_next_and(*cursor, mask, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first_and(mask, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = smp_processor_id();	/* every worker CPU offline */
	*cursor = cpu;
	return cpu;
}
