// SPDX-License-Identifier: GPL-2.0
/*
 * The fakenic bus: each pair end is a device on it (the parent of its
 * netdev and of its devlink instance). Pairs are made and removed by
 * writing to the bus's new_pair and del_pair files, in the writer's
 * network namespace, like netdevsim's new_device.
 */
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#include "fakenic.h"

/* The bus attribute callbacks take a const bus_type since 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define FAKENIC_BUS_CONST const
#else
#define FAKENIC_BUS_CONST
#endif

/* "A B [CHANNELS]": the two interface names and the channels per end. */
static ssize_t new_pair_store(FAKENIC_BUS_CONST struct bus_type *bus,
			      const char *buf, size_t count)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	unsigned int channels = FAKENIC_DEFAULT_CHANNELS;
	int n, err;

	n = sscanf(buf, "%15s %15s %u", a, b, &channels);
	if (n < 2)
		return -EINVAL;
	if (!dev_valid_name(a) || !dev_valid_name(b) || !strcmp(a, b))
		return -EINVAL;
	if (channels < 1 || channels > FAKENIC_MAX_CHANNELS)
		return -EINVAL;
	err = fakenic_pair_new(current->nsproxy->net_ns, a, b, channels);
	return err ? err : count;
}
static BUS_ATTR_WO(new_pair);

/* "A": deletes the pair A belongs to. */
static ssize_t del_pair_store(FAKENIC_BUS_CONST struct bus_type *bus,
			      const char *buf, size_t count)
{
	char name[IFNAMSIZ];
	int err;

	if (sscanf(buf, "%15s", name) != 1)
		return -EINVAL;
	err = fakenic_pair_del(current->nsproxy->net_ns, name);
	return err ? err : count;
}
static BUS_ATTR_WO(del_pair);

static struct attribute *fakenic_bus_attrs[] = {
	&bus_attr_new_pair.attr,
	&bus_attr_del_pair.attr,
	NULL,
};
ATTRIBUTE_GROUPS(fakenic_bus);

struct bus_type fakenic_bus = {
	.name = "fakenic",
	.dev_name = "fakenic",
	.bus_groups = fakenic_bus_groups,
};

int fakenic_bus_init(void)
{
	return bus_register(&fakenic_bus);
}

void fakenic_bus_exit(void)
{
	bus_unregister(&fakenic_bus);
}
