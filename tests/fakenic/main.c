// SPDX-License-Identifier: GPL-2.0
/*
 * fakenic module entry: the bus with its control files, the link kind
 * (so that deleting one end with `ip link del` deletes both), debugfs.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "fakenic.h"

static int __init fakenic_init(void)
{
	int err;

	err = fakenic_debugfs_init();
	if (err)
		return err;
	err = rtnl_link_register(&fakenic_link_ops);
	if (err)
		goto err_debugfs;
	err = fakenic_bus_init();
	if (err)
		goto err_link;
	return 0;

err_link:
	rtnl_link_unregister(&fakenic_link_ops);
err_debugfs:
	fakenic_debugfs_exit();
	return err;
}

static void __exit fakenic_exit(void)
{
	/* Pairs left behind are deleted, as rmmod veth deletes veths. */
	fakenic_pair_del_all();
	fakenic_bus_exit();
	rtnl_link_unregister(&fakenic_link_ops);
	fakenic_debugfs_exit();
	/* Rules are freed after a grace period (kfree_rcu). */
	rcu_barrier();
}

module_init(fakenic_init);
module_exit(fakenic_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wg-inline test double: multi-queue NIC pair with mlx5e-like RX steering");
MODULE_ALIAS_RTNL_LINK("fakenic");
