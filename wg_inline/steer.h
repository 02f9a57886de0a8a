/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's NIC steering configuration: the mode a steering module
 * (mlx5_steer) is to run the device's tunnels in, and the LAN netdevs
 * whose inner rules it manages. steer.c alone writes it (under the
 * device's update_lock, replaced whole and published with RCU); the event
 * snapshot reads it under RCU, in any context.
 */
#ifndef WGI_STEER_H
#define WGI_STEER_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/wg_inline.h>

struct wgi_device;
struct wgi_tunnel_info;
struct genl_info;
struct sk_buff;

/*
 * Immutable once published; a NULL pointer stands for "off, no LAN". The
 * LAN ifindexes mean something only in the namespace they were checked
 * in: once the device has moved, the list reads as empty.
 */
struct wgi_steer_cfg {
	struct rcu_head rcu;
	u64 net_cookie;			/* of the namespace of lan_ifindex */
	u8 mode;			/* enum wgi_steer_mode */
	u8 n_lan;
	int lan_ifindex[WGI_STEER_LAN_MAX];
};

void wgi_steer_free(struct wgi_device *wg);
/*
 * Builds the configuration @info's STEER and STEER_LAN ask for into
 * *@cfg (NULL when the request carries neither), or refuses it with a
 * message. Changes nothing; RTNL and update_lock held.
 */
int wgi_steer_prepare(struct wgi_device *wg, struct genl_info *info,
		      struct wgi_steer_cfg **cfg);
/*
 * Publishes @cfg (from wgi_steer_prepare, which it consumes) if it differs
 * from the current one, and then raises STEERING_CHANGED for each tunnel.
 * update_lock held.
 */
void wgi_steer_commit(struct wgi_device *wg, struct wgi_steer_cfg *cfg);
/* Puts STEER and STEER_LAN; update_lock held. */
int wgi_steer_put(struct sk_buff *skb, struct wgi_device *wg);
/* Copies the configuration into an event snapshot; any context. */
void wgi_steer_fill(struct wgi_tunnel_info *info, struct wgi_device *wg);

#endif
