// SPDX-License-Identifier: GPL-2.0
/*
 * mlx5_steer: keeps each wg-inline tunnel that has a core on that core,
 * by NIC RX steering rules for its outer (encrypted) and inner
 * (plaintext) flows and an XPS entry for its core, on the devices where
 * the operator turned steering on (wgaff steer DEV on). It needs nothing
 * of wg_inline but the public event header, <wg_inline/events.h>.
 *
 * What keeps the rules right:
 * - tunnel events (added, removed, device up/down, endpoint, allowed IPs,
 *   core, steering changed), replayed for existing tunnels at load;
 * - netdev events: an unregistering netdev takes its rules with it; a
 *   feature change (ntuple), an up/down or a move re-checks everything;
 * - a periodic check (reconcile_ms), which finds rules that vanished
 *   without an event (driver reload, firmware reset) and routes that
 *   moved to another netdev, and retries what failed;
 * - devlink health recover.
 * Unloading removes every rule we installed and restores XPS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include "steer.h"

static unsigned int reconcile_ms = 1000;
module_param(reconcile_ms, uint, 0444);
MODULE_PARM_DESC(reconcile_ms,
		 "How often rules are checked and failures retried, in ms (default 1000, at least 100; 0: on events only)");

static void steer_periodic_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(steer_periodic, steer_periodic_fn);
static void steer_kick_fn(struct work_struct *work);
static DECLARE_WORK(steer_kick, steer_kick_fn);
static bool steer_stopping;

static void steer_reconcile_locked(void)
{
	rtnl_lock();
	mutex_lock(&steer_lock);
	steer_reconcile_all();
	mutex_unlock(&steer_lock);
	rtnl_unlock();
}

static void steer_schedule_periodic(void)
{
	unsigned int ms = reconcile_ms ? max(reconcile_ms, 100U) : 0;

	if (ms && !READ_ONCE(steer_stopping))
		schedule_delayed_work(&steer_periodic, msecs_to_jiffies(ms));
}

static void steer_periodic_fn(struct work_struct *work)
{
	steer_reconcile_locked();
	steer_schedule_periodic();
}

static void steer_kick_fn(struct work_struct *work)
{
	steer_reconcile_locked();
}

void steer_kick_reconcile(void)
{
	if (!READ_ONCE(steer_stopping))
		schedule_work(&steer_kick);
}

/* Called by wg_inline's event work, without RTNL: we may take it. */
static int steer_tunnel_notify(struct notifier_block *nb, unsigned long event,
			       void *data)
{
	rtnl_lock();
	mutex_lock(&steer_lock);
	steer_tunnel_event(event, data);
	mutex_unlock(&steer_lock);
	rtnl_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block steer_tunnel_nb = {
	.notifier_call = steer_tunnel_notify,
};

/* RTNL is held here. */
static int steer_netdev_notify(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_UNREGISTER:
		/*
		 * Going away, its rules and XPS maps go with it; moving to
		 * another namespace, it keeps them: take ours off first.
		 */
		mutex_lock(&steer_lock);
		steer_forget_netdev(dev, dev->reg_state != NETREG_UNREGISTERING);
		mutex_unlock(&steer_lock);
		steer_kick_reconcile();
		break;
	case NETDEV_CHANGENAME:
		mutex_lock(&steer_lock);
		steer_netdev_renamed(dev);
		mutex_unlock(&steer_lock);
		steer_kick_reconcile();
		break;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_FEAT_CHANGE:
	case NETDEV_CHANGE:
	case NETDEV_REGISTER:
		steer_kick_reconcile();
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block steer_netdev_nb = {
	.notifier_call = steer_netdev_notify,
};

static void __net_exit steer_net_pre_exit(struct net *net)
{
	rtnl_lock();
	mutex_lock(&steer_lock);
	steer_forget_net(net);
	mutex_unlock(&steer_lock);
	rtnl_unlock();
}

static struct pernet_operations steer_net_ops = {
	.pre_exit = steer_net_pre_exit,
};

static int __init mlx5_steer_init(void)
{
	int err;

	err = steer_health_init();
	if (err)
		return err;
	err = register_pernet_subsys(&steer_net_ops);
	if (err)
		goto err_health;
	err = register_netdevice_notifier(&steer_netdev_nb);
	if (err)
		goto err_pernet;
	/* Replays the existing tunnels before it returns. */
	err = wgi_register_tunnel_notifier(&steer_tunnel_nb);
	if (err)
		goto err_netdev;
	steer_schedule_periodic();
	pr_info("loaded\n");
	return 0;
err_netdev:
	unregister_netdevice_notifier(&steer_netdev_nb);
	/* Its replay of the existing netdevs may have queued a kick. */
	cancel_work_sync(&steer_kick);
err_pernet:
	unregister_pernet_subsys(&steer_net_ops);
err_health:
	steer_health_uninit();
	return err;
}

static void __exit mlx5_steer_exit(void)
{
	wgi_unregister_tunnel_notifier(&steer_tunnel_nb);
	WRITE_ONCE(steer_stopping, true);
	cancel_delayed_work_sync(&steer_periodic);
	cancel_work_sync(&steer_kick);
	rtnl_lock();
	mutex_lock(&steer_lock);
	steer_remove_all();
	mutex_unlock(&steer_lock);
	rtnl_unlock();
	/*
	 * Only now: unregistering replays NETDEV_UNREGISTER for every
	 * netdev, which would make us forget rules still to be removed.
	 * A netdev event that saw steer_stopping unset may have queued
	 * one more kick meanwhile: wait for it too.
	 */
	unregister_netdevice_notifier(&steer_netdev_nb);
	cancel_work_sync(&steer_kick);
	unregister_pernet_subsys(&steer_net_ops);
	steer_health_uninit();
	pr_info("unloaded: every rule removed, XPS restored\n");
}

module_init(mlx5_steer_init);
module_exit(mlx5_steer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("NIC steering companion for wg-inline tunnels on mlx5");
MODULE_AUTHOR("wg-inline developers");
