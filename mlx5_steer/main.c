// SPDX-License-Identifier: GPL-2.0
/*
 * mlx5_steer: keeps each pinned wg-inline tunnel's outer and inner softirqs
 * on the tunnel's core by installing NIC RX steering rules and XPS maps.
 *
 * For now only the module's life cycle exists; the steering logic will
 * follow wg_inline's tunnel events (wg_inline/tunnel_events.h) and is
 * tested against the fakenic test NIC (tests/fakenic/).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

static int __init mlx5_steer_init(void)
{
	pr_info("loaded (no steering rules yet)\n");
	return 0;
}

static void __exit mlx5_steer_exit(void)
{
	pr_info("unloaded\n");
}

module_init(mlx5_steer_init);
module_exit(mlx5_steer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("NIC steering companion for wg-inline tunnels on mlx5");
MODULE_AUTHOR("wg-inline developers");
