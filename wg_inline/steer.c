// SPDX-License-Identifier: GPL-2.0
/*
 * A device's NIC steering configuration (WGI_EXT_A_STEER, _STEER_LAN).
 * wg-inline only records it and tells the tunnel event listeners when it
 * changes; a steering module acts on it. It is kept as an immutable
 * struct published with RCU, because the event snapshot, which copies it
 * into every event, also runs in softirq (roaming) and must not sleep.
 *
 * A LAN netdev is checked to exist in the device's namespace when it is
 * configured, and kept by ifindex only: one deleted later leaves a stale
 * ifindex, which listeners are told may happen (events.h). The list
 * belongs to the namespace it was checked in: when the device moves to
 * another one, where the same numbers name other netdevs, it reads as
 * empty (the mode stays) until it is set there.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/wg_inline.h>
#include <wg_inline/events.h>
#include "device.h"
#include "steer.h"
#include "tunnel_events.h"

static const struct wgi_steer_cfg wgi_steer_default = {
	.mode = WGI_STEER_OFF,
};

/* What @cfg says for @wg now, into @out (all but the rcu head). */
static void wgi_steer_read(const struct wgi_steer_cfg *cfg,
			   const struct wgi_device *wg, struct wgi_steer_cfg *out)
{
	u64 cookie = dev_net(wg->dev)->net_cookie;

	cfg = cfg ?: &wgi_steer_default;
	out->net_cookie = cookie;
	out->mode = cfg->mode;
	out->n_lan = cfg->net_cookie == cookie ? cfg->n_lan : 0;
	memcpy(out->lan_ifindex, cfg->lan_ifindex,
	       out->n_lan * sizeof(out->lan_ifindex[0]));
}

/* The configuration now, into @out; update_lock held. */
static void wgi_steer_current(struct wgi_device *wg, struct wgi_steer_cfg *out)
{
	wgi_steer_read(rcu_dereference_protected(wg->steer,
						 lockdep_is_held(&wg->update_lock)),
		       wg, out);
}

void wgi_steer_free(struct wgi_device *wg)
{
	struct wgi_steer_cfg *cfg = rcu_dereference_protected(wg->steer, true);

	/* An event snapshot of a roaming packet may still be reading it. */
	RCU_INIT_POINTER(wg->steer, NULL);
	if (cfg)
		kfree_rcu(cfg, rcu);
}

/* Whether @ifindex is among the first @n of @cfg's LAN netdevs. */
static bool wgi_steer_has_lan(const struct wgi_steer_cfg *cfg, unsigned int n,
			      int ifindex)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (cfg->lan_ifindex[i] == ifindex)
			return true;
	return false;
}

/* Checks one LAN netdev of the request; RTNL held. */
static int wgi_steer_check_lan(struct wgi_device *wg,
			       const struct wgi_steer_cfg *cfg,
			       const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	int ifindex = nla_get_u32(attr);

	if (cfg->n_lan >= WGI_STEER_LAN_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "too many LAN devices");
		return -E2BIG;
	}
	if (ifindex == wg->dev->ifindex) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a device cannot be its own LAN device");
		return -EINVAL;
	}
	if (ifindex <= 0 || !__dev_get_by_index(dev_net(wg->dev), ifindex)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no such LAN device in the device's namespace");
		return -ENODEV;
	}
	if (wgi_steer_has_lan(cfg, cfg->n_lan, ifindex)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "LAN device named twice");
		return -EINVAL;
	}
	return 0;
}

/* Replaces @cfg's LAN list by the one in @nest; the policy checked types. */
static int wgi_steer_parse_lan(struct wgi_device *wg, struct wgi_steer_cfg *cfg,
			       const struct nlattr *nest,
			       struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	int rem, ret;

	cfg->n_lan = 0;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != WGI_EXT_STEER_LAN_A_IFINDEX) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "only LAN ifindexes belong in the LAN list");
			return -EINVAL;
		}
		ret = wgi_steer_check_lan(wg, cfg, attr, extack);
		if (ret)
			return ret;
		cfg->lan_ifindex[cfg->n_lan++] = nla_get_u32(attr);
	}
	return 0;
}

int wgi_steer_prepare(struct wgi_device *wg, struct genl_info *info,
		      struct wgi_steer_cfg **out)
{
	struct nlattr *mode = info->attrs[WGI_EXT_A_STEER];
	struct nlattr *lan = info->attrs[WGI_EXT_A_STEER_LAN];
	struct wgi_steer_cfg *cfg;
	int ret;

	ASSERT_RTNL();
	*out = NULL;
	if (!mode && !lan)
		return 0;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	wgi_steer_current(wg, cfg);
	if (mode)
		cfg->mode = nla_get_u8(mode);
	if (lan) {
		ret = wgi_steer_parse_lan(wg, cfg, lan, info->extack);
		if (ret) {
			kfree(cfg);
			return ret;
		}
	}
	*out = cfg;
	return 0;
}

static bool wgi_steer_equal(const struct wgi_steer_cfg *a,
			    const struct wgi_steer_cfg *b)
{
	return a->net_cookie == b->net_cookie &&
	       a->mode == b->mode && a->n_lan == b->n_lan &&
	       !memcmp(a->lan_ifindex, b->lan_ifindex,
		       a->n_lan * sizeof(a->lan_ifindex[0]));
}

void wgi_steer_commit(struct wgi_device *wg, struct wgi_steer_cfg *cfg)
{
	struct wgi_steer_cfg *old, now;

	if (!cfg)
		return;
	wgi_steer_current(wg, &now);
	if (wgi_steer_equal(cfg, &now)) {
		kfree(cfg);
		return;
	}
	old = rcu_replace_pointer(wg->steer, cfg,
				  lockdep_is_held(&wg->update_lock));
	if (old)
		kfree_rcu(old, rcu);
	wgi_event_raise_device(wg, WGI_EVENT_STEERING_CHANGED);
}

int wgi_steer_put(struct sk_buff *skb, struct wgi_device *wg)
{
	struct wgi_steer_cfg cfg;
	struct nlattr *nest;
	unsigned int i;

	wgi_steer_current(wg, &cfg);
	if (nla_put_u8(skb, WGI_EXT_A_STEER, cfg.mode))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, WGI_EXT_A_STEER_LAN);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < cfg.n_lan; i++) {
		if (nla_put_u32(skb, WGI_EXT_STEER_LAN_A_IFINDEX,
				cfg.lan_ifindex[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

void wgi_steer_fill(struct wgi_tunnel_info *info, struct wgi_device *wg)
{
	struct wgi_steer_cfg cfg;

	rcu_read_lock();
	wgi_steer_read(rcu_dereference(wg->steer), wg, &cfg);
	rcu_read_unlock();
	info->steer = cfg.mode;
	info->n_lan = cfg.n_lan;
	memcpy(info->lan_ifindex, cfg.lan_ifindex,
	       cfg.n_lan * sizeof(info->lan_ifindex[0]));
}
