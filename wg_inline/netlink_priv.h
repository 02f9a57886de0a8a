/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generic netlink families' files (netlink*.c) share; the rest
 * of the module needs only netlink.h.
 */
#ifndef WGI_NETLINK_PRIV_H
#define WGI_NETLINK_PRIV_H

#include <linux/types.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/wg_inline.h>

struct wgi_device;

/* netlink.c: the family (its name is set at init) and its policies */
extern struct genl_family wgi_genl_family;
extern const struct nla_policy wgi_allowedip_policy[WGALLOWEDIP_A_MAX + 1];
extern const struct nla_policy wgi_peer_policy[WGPEER_A_MAX + 1];
extern const struct nla_policy wgi_device_policy[WGDEVICE_A_MAX + 1];

/* netlink.c: helpers */
u32 wgi_nl_flags(const struct nlattr *attr);
int wgi_nl_parse_peer(struct nlattr **tb, const struct nlattr *elem,
		      struct netlink_ext_ack *extack);
int wgi_nl_parse_allowedip(struct nlattr **tb, const struct nlattr *elem,
			   struct netlink_ext_ack *extack);
int wgi_nl_check_admin(const struct sk_buff *skb, struct net *net,
		       struct netlink_ext_ack *extack);
/*
 * The wg-inline device in @net that exactly one of @ifindex and @ifname
 * names, with an extack message otherwise. RTNL held; no reference.
 */
struct wgi_device *wgi_nl_lookup_device(struct net *net,
					const struct nlattr *ifindex,
					const struct nlattr *ifname,
					struct netlink_ext_ack *extack);
/* The device WGDEVICE_A_IFINDEX or _IFNAME names. RTNL held; no reference. */
struct wgi_device *wgi_nl_lookup(struct net *net, struct nlattr **attrs,
				 struct netlink_ext_ack *extack);
bool wgi_nl_is_own_key(struct wgi_device *wg, const u8 *key);
/*
 * A dump's next message: RTNL and update_lock for the device the dump
 * holds (dev_hold() in its start), or -ENODEV with a message if it was
 * unregistered meanwhile. Unlock only after a 0.
 */
int wgi_nl_dump_lock_device(struct wgi_device *wg, struct netlink_callback *cb);
void wgi_nl_dump_unlock_device(struct wgi_device *wg);

/*
 * WG_CMD_SET_DEVICE, under RTNL and wg->update_lock: check validates the
 * whole request and changes nothing; apply is called only once check has
 * accepted the request.
 */
int wgi_nl_check_set(struct wgi_device *wg, struct genl_info *info);
int wgi_nl_apply_set(struct wgi_device *wg, struct genl_info *info);

/* WG_CMD_GET_DEVICE: the dump's callbacks (netlink_dump.c) */
int wgi_nl_get_start(struct netlink_callback *cb);
int wgi_nl_get_device(struct sk_buff *skb, struct netlink_callback *cb);
int wgi_nl_get_done(struct netlink_callback *cb);

#endif
