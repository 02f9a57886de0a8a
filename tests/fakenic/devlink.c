// SPDX-License-Identifier: GPL-2.0
/*
 * One devlink instance per end, fakenic/fakenicN, in the initial
 * namespace. Reload (driver_reinit) models mlx5e's: the NIC's flow
 * tables are rebuilt empty, so every ethtool rule is gone and RSS is
 * back to its defaults; the netdev stays. Moving the instance to another
 * namespace is not supported.
 */
#include <net/devlink.h>

#include "fakenic.h"

static struct fakenic_port *fakenic_devlink_port(struct devlink *devlink)
{
	return *(struct fakenic_port **)devlink_priv(devlink);
}

static int fakenic_reload_down(struct devlink *devlink, bool netns_change,
			       enum devlink_reload_action action,
			       enum devlink_reload_limit limit,
			       struct netlink_ext_ack *extack)
{
	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack, "fakenic does not change namespace");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int fakenic_reload_up(struct devlink *devlink,
			     enum devlink_reload_action action,
			     enum devlink_reload_limit limit,
			     u32 *actions_performed,
			     struct netlink_ext_ack *extack)
{
	fakenic_port_reset_steering(fakenic_devlink_port(devlink));
	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT);
	return 0;
}

static const struct devlink_ops fakenic_devlink_ops = {
	.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT),
	.reload_down = fakenic_reload_down,
	.reload_up = fakenic_reload_up,
};

int fakenic_devlink_register(struct fakenic_port *port)
{
	struct devlink *devlink;

	devlink = devlink_alloc(&fakenic_devlink_ops,
				sizeof(struct fakenic_port *), &port->dev);
	if (!devlink)
		return -ENOMEM;
	*(struct fakenic_port **)devlink_priv(devlink) = port;
	/* Until 6.2 reload had to be switched on per instance. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	devlink_set_features(devlink, DEVLINK_F_RELOAD);
#endif
	devlink_register(devlink);
	port->devlink = devlink;
	return 0;
}

void fakenic_devlink_unregister(struct fakenic_port *port)
{
	if (!port->devlink)
		return;
	devlink_unregister(port->devlink);
	devlink_free(port->devlink);
	port->devlink = NULL;
}
