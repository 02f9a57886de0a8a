/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wg-inline tunnel events, for other kernel modules.
 *
 * A module that keeps state about wg-inline tunnels (NIC steering rules,
 * monitoring) registers a notifier block and is told when a tunnel is
 * added or removed, when its device goes up or down, and when its
 * endpoint, allowed IPs, core assignment or execution mode change. This
 * header is all such a module needs: it does not include anything from
 * wg_inline's own sources. A listener may read a tunnel's allowed IPs
 * with wgi_tunnel_allowedips().
 *
 * Delivery: notifier_call(nb, event, info) runs in process context, in a
 * work item, never with RTNL or any wg-inline lock held, so it may sleep
 * and take RTNL. Events raised in softirq (endpoint roaming) are
 * coalesced: a listener sees the latest endpoint, maybe not every
 * intermediate one. Events of one tunnel arrive in the order they
 * happened. The notifier's return value is ignored. A notifier must not
 * register or unregister a tunnel notifier itself (deadlock).
 */
#ifndef _WG_INLINE_EVENTS_H
#define _WG_INLINE_EVENTS_H

#include <linux/if.h>
#include <linux/notifier.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/types.h>
#include <linux/wg_inline.h>

struct net;

/**
 * struct wgi_tunnel_info - a tunnel as it was when the event was raised
 * @net: the device's network namespace, referenced for the call only
 *	(NULL if it is being torn down)
 * @sock_net: the namespace of the tunnel's UDP sockets, where the outer
 *	packets are routed; referenced for the call only (or NULL)
 * @ifindex: the device's ifindex in @net
 * @ifname: the device's name
 * @tunnel_id: stable for the tunnel's life, never reused while the
 *	module is loaded
 * @public_key: the peer's Curve25519 public key
 * @core: the assigned CPU, or WGI_CORE_NONE
 * @core_state: enum wgi_core_state
 * @mode: enum wgi_tunnel_mode
 * @device_up: whether the device is up
 * @listen_port: the device's UDP port (host order)
 * @fwmark: the device's fwmark, which its outer packets are routed with
 * @endpoint: the remote endpoint, sockaddr_in or sockaddr_in6; family
 *	AF_UNSPEC when the tunnel has none yet
 * @steer: the device's enum wgi_steer_mode
 * @n_lan: how many of @lan_ifindex are set
 * @lan_ifindex: the device's LAN netdevs for inner steering rules, by
 *	ifindex in @net (one may have gone since it was configured)
 */
struct wgi_tunnel_info {
	struct net *net;
	struct net *sock_net;
	int ifindex;
	char ifname[IFNAMSIZ];
	u64 tunnel_id;
	u8 public_key[32];
	u32 core;
	u8 core_state;
	u8 mode;
	bool device_up;
	u16 listen_port;
	u32 fwmark;
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	} endpoint;
	u8 steer;
	u8 n_lan;
	int lan_ifindex[WGI_STEER_LAN_MAX];
};

/**
 * struct wgi_prefix - one allowed-IP prefix of a tunnel
 * @family: AF_INET or AF_INET6
 * @cidr: the prefix length
 * @addr: the prefix, network order, host bits zero (@addr.v4 for AF_INET)
 */
struct wgi_prefix {
	u8 family;
	u8 cidr;
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr;
};

/**
 * wgi_tunnel_allowedips - read a tunnel's allowed-IP prefixes as they are now
 * @net: the device's namespace (struct wgi_tunnel_info.net)
 * @ifindex: the device's ifindex in @net
 * @tunnel_id: the tunnel
 * @out: room for @max prefixes
 * @max: how many fit in @out
 *
 * Writes the first @max prefixes (in the order they were configured) and
 * returns how many the tunnel has, which may be more than @max; -ENODEV
 * if @ifindex is no wg-inline device in @net, -ENOENT if it has no such
 * tunnel. Process context, RTNL held (the caller installs rules with it).
 */
int wgi_tunnel_allowedips(struct net *net, int ifindex, u64 tunnel_id,
			  struct wgi_prefix *out, unsigned int max);

/**
 * wgi_register_tunnel_notifier - start receiving tunnel events
 * @nb: the listener; notifier_call gets an enum wgi_tunnel_event
 *	(<linux/wg_inline.h>) and a const struct wgi_tunnel_info *
 *
 * Before it returns, @nb is called with WGI_EVENT_TUNNEL_ADDED for every
 * existing tunnel (then WGI_EVENT_DEVICE_UP if its device is up), the
 * way register_netdevice_notifier() replays existing devices. A tunnel
 * changed during the replay may be reported again by a later event:
 * treat events as "this is the tunnel's state now".
 * Must not be called with RTNL held. Returns 0.
 */
int wgi_register_tunnel_notifier(struct notifier_block *nb);

/**
 * wgi_unregister_tunnel_notifier - stop receiving tunnel events
 * @nb: a listener registered before
 *
 * When it returns, @nb is not running and will not be called again.
 * Must not be called with RTNL held. Returns 0, or -ENOENT.
 */
int wgi_unregister_tunnel_notifier(struct notifier_block *nb);

#endif
