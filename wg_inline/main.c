// SPDX-License-Identifier: GPL-2.0
/*
 * wg-inline: a WireGuard implementation whose data path runs inline, each
 * tunnel's packets en/decrypted on the core that carries them.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <linux/wg_inline.h>
#include "allowedips.h"
#include "debugfs.h"
#include "device.h"
#include "netlink.h"
#include "noise.h"
#include "peer.h"
#include "selftest.h"
#include "tunnel_events.h"

#define WGI_VERSION	"0.1.0"

bool wgi_compat;
module_param_named(compat, wgi_compat, bool, 0444);
MODULE_PARM_DESC(compat,
		 "Register the link kind and genl family as \"wireguard\" so stock tools drive this module");

const char *wgi_kind_name = WG_INLINE_LINK_KIND;

static void wgi_report_name_clash(const char *what, int ret)
{
	if (ret == -EEXIST)
		pr_err("wg_inline: %s \"%s\" is already registered (is the stock wireguard module loaded?)\n",
		       what, wgi_kind_name);
	else
		pr_err("wg_inline: registering %s \"%s\" failed: %d\n", what,
		       wgi_kind_name, ret);
}

static int __init wgi_mod_init(void)
{
	int ret;

	if (wgi_compat)
		wgi_kind_name = "wireguard";

	wgi_noise_init();

	ret = wgi_events_init();
	if (ret)
		return ret;

	ret = wgi_allowedips_slab_init();
	if (ret)
		goto err_slab;

	/*
	 * Debug builds: the protocol core checks itself before any device
	 * can use it (after the caches and keys it needs exist).
	 */
	ret = wgi_selftests_run();
	if (ret)
		goto err_device;

	ret = wgi_device_init();
	if (ret) {
		wgi_report_name_clash("link kind", ret);
		goto err_device;
	}

	ret = wgi_genetlink_init();
	if (ret) {
		wgi_report_name_clash("genl family", ret);
		goto err_netlink;
	}

	ret = wgi_ext_genetlink_init();
	if (ret) {
		pr_err("wg_inline: registering genl family \"%s\" failed: %d\n",
		       WG_INLINE_EXT_GENL_NAME, ret);
		goto err_ext;
	}

	wgi_debugfs_init();
	pr_info("wg_inline: version %s loaded (kind \"%s\")\n", WGI_VERSION,
		wgi_kind_name);
	return 0;

err_ext:
	wgi_genetlink_uninit();
err_netlink:
	wgi_device_uninit();
	/* Peers of devices created meanwhile are freed by RCU callbacks. */
	rcu_barrier();
err_device:
	wgi_allowedips_slab_uninit();
err_slab:
	wgi_events_uninit();
	return ret;
}

static void __exit wgi_mod_exit(void)
{
	wgi_debugfs_uninit();
	/* Devices first: their removal events still go out to listeners. */
	wgi_device_uninit();
	wgi_events_uninit();
	wgi_ext_genetlink_uninit();
	wgi_genetlink_uninit();
	/* Peers, keypairs and trie nodes are freed by RCU callbacks. */
	rcu_barrier();
	wgi_allowedips_slab_uninit();
	/* Final object balance, for leak checks that outlive debugfs. */
	pr_info("wg_inline: unloaded, peers %lld/%lld, keypairs %lld/%lld (created/destroyed)\n",
		(long long)atomic64_read(&wgi_peers_created),
		(long long)atomic64_read(&wgi_peers_destroyed),
		(long long)atomic64_read(&wgi_keypairs_created),
		(long long)atomic64_read(&wgi_keypairs_destroyed));
}

module_init(wgi_mod_init);
module_exit(wgi_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("WireGuard tunnels with an inline per-core data path");
MODULE_VERSION(WGI_VERSION);
MODULE_ALIAS_RTNL_LINK(WG_INLINE_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(WG_INLINE_GENL_NAME);
MODULE_ALIAS_GENL_FAMILY(WG_INLINE_EXT_GENL_NAME);
