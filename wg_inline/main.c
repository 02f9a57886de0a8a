// SPDX-License-Identifier: GPL-2.0
/*
 * wg_inline: WireGuard with an inline, per-core data path.
 *
 * Skeleton: the module only loads and unloads. The protocol, the device
 * and the netlink family come in the following changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

static int __init wgi_mod_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit wgi_mod_exit(void)
{
	pr_info("unloaded\n");
}

module_init(wgi_mod_init);
module_exit(wgi_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WireGuard tunnels with an inline per-core data path");
