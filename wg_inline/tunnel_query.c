// SPDX-License-Identifier: GPL-2.0
/*
 * What a tunnel-event listener may read beyond an event's snapshot: the
 * tunnel's allowed-IP prefixes (a NIC steering module installs one rule
 * per prefix). They are not in the snapshot because a tunnel may have
 * tens of thousands; the listener asks for as many as it can use.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <wg_inline/events.h>
#include "allowedips.h"
#include "device.h"
#include "peer.h"

static struct wgi_peer *wgi_query_find_tunnel(struct wgi_device *wg,
					      u64 tunnel_id)
{
	struct wgi_peer *peer;

	lockdep_assert_held(&wg->update_lock);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		if (peer->internal_id == tunnel_id)
			return peer;
	return NULL;
}

static void wgi_query_read_prefix(struct wgi_allowedips_node *node,
				  struct wgi_prefix *out)
{
	u8 ip[16];

	memset(out, 0, sizeof(*out));
	out->family = wgi_allowedips_read_node(node, ip, &out->cidr);
	if (out->family == AF_INET)
		memcpy(&out->addr.v4, ip, sizeof(out->addr.v4));
	else
		memcpy(&out->addr.v6, ip, sizeof(out->addr.v6));
}

int wgi_tunnel_allowedips(struct net *net, int ifindex, u64 tunnel_id,
			  struct wgi_prefix *out, unsigned int max)
{
	struct wgi_allowedips_node *node;
	struct net_device *dev;
	struct wgi_device *wg;
	struct wgi_peer *peer;
	unsigned int count = 0;
	int ret;

	ASSERT_RTNL();
	dev = __dev_get_by_index(net, ifindex);
	wg = dev ? wgi_device_from_netdev(dev) : NULL;
	if (!wg)
		return -ENODEV;
	/* Lock order: RTNL, then the device's update_lock. */
	mutex_lock(&wg->update_lock);
	peer = wgi_query_find_tunnel(wg, tunnel_id);
	if (!peer) {
		ret = -ENOENT;
		goto out;
	}
	list_for_each_entry(node, &peer->allowedips_list, peer_list) {
		if (count < max)
			wgi_query_read_prefix(node, &out[count]);
		if (count == INT_MAX)
			break;
		count++;
	}
	ret = count;
out:
	mutex_unlock(&wg->update_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(wgi_tunnel_allowedips);
