// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink configuration interface.
 *
 * Speaks WireGuard's configuration protocol (see uapi/linux/wg_inline.h):
 * WG_CMD_GET_DEVICE is a dump that may span several messages,
 * WG_CMD_SET_DEVICE changes keys, port, fwmark and peers.
 *
 * This file holds the attribute policies, the family and its operations,
 * and the helpers its other parts share (netlink_priv.h):
 *   netlink_check.c	validation of a whole SET request
 *   netlink_apply.c	applying a validated SET request
 *   netlink_dump.c	the GET dump
 *
 * A SET request is validated as a whole before anything is changed, so a
 * malformed or inconsistent request leaves the device as it was. Only
 * failures that cannot be predicted (memory allocation, the UDP port being
 * taken) can stop a request half way; the listen port is applied first so
 * that the common one of those leaves the device untouched as well.
 *
 * Locking: RTNL, then wg->update_lock, then the finer locks (static
 * identity rwsem, handshake rwsem, endpoint rwlock).
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/time_types.h>
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/wg_inline.h>

#include "netlink.h"
#include "netlink_priv.h"
#include "device.h"
#include "messages.h"

static_assert(WG_KEY_LEN == WGI_KEY_LEN);
static_assert(WG_KEY_LEN == WGI_PUBKEY_LEN);

/* ---------------------------------------------------------------------
 * Policies
 */

/* The private key may be empty (removes it) or exactly WG_KEY_LEN bytes. */
static int wgi_nl_validate_private_key(const struct nlattr *attr,
				       struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == 0 || nla_len(attr) == WG_KEY_LEN)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "private key must be 0 or 32 bytes");
	return -EINVAL;
}

const struct nla_policy wgi_allowedip_policy[WGALLOWEDIP_A_MAX + 1] = {
	[WGALLOWEDIP_A_FAMILY]		= { .type = NLA_U16 },
	[WGALLOWEDIP_A_IPADDR]		= NLA_POLICY_RANGE(NLA_BINARY,
						sizeof(struct in_addr),
						sizeof(struct in6_addr)),
	[WGALLOWEDIP_A_CIDR_MASK]	= NLA_POLICY_MAX(NLA_U8, 128),
	[WGALLOWEDIP_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  __WGALLOWEDIP_F_ALL),
};

const struct nla_policy wgi_peer_policy[WGPEER_A_MAX + 1] = {
	[WGPEER_A_PUBLIC_KEY]		= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGPEER_A_PRESHARED_KEY]	= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGPEER_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  __WGPEER_F_ALL),
	[WGPEER_A_ENDPOINT]		= NLA_POLICY_MIN_LEN(sizeof(struct sockaddr)),
	[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL] = { .type = NLA_U16 },
	[WGPEER_A_LAST_HANDSHAKE_TIME]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct __kernel_timespec)),
	[WGPEER_A_RX_BYTES]		= { .type = NLA_U64 },
	[WGPEER_A_TX_BYTES]		= { .type = NLA_U64 },
	[WGPEER_A_ALLOWEDIPS]		=
		NLA_POLICY_NESTED_ARRAY(wgi_allowedip_policy),
	[WGPEER_A_PROTOCOL_VERSION]	= NLA_POLICY_RANGE(NLA_U32, 1, 1),
};

const struct nla_policy wgi_device_policy[WGDEVICE_A_MAX + 1] = {
	[WGDEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGDEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[WGDEVICE_A_PRIVATE_KEY]	=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgi_nl_validate_private_key,
				       WG_KEY_LEN),
	[WGDEVICE_A_PUBLIC_KEY]		= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGDEVICE_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  __WGDEVICE_F_ALL),
	[WGDEVICE_A_LISTEN_PORT]	= { .type = NLA_U16 },
	[WGDEVICE_A_FWMARK]		= { .type = NLA_U32 },
	[WGDEVICE_A_PEERS]		= NLA_POLICY_NESTED_ARRAY(wgi_peer_policy),
};

/* ---------------------------------------------------------------------
 * Small helpers
 */

u32 wgi_nl_flags(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

/*
 * Elements of nested arrays were validated by the core already (in the
 * operation's strictness); they are parsed here only to get at their
 * attributes, which is why the element's own NLA_F_NESTED is not required.
 */
int wgi_nl_parse_peer(struct nlattr **tb, const struct nlattr *elem,
		      struct netlink_ext_ack *extack)
{
	return nla_parse_nested_deprecated(tb, WGPEER_A_MAX, elem,
					   wgi_peer_policy, extack);
}

int wgi_nl_parse_allowedip(struct nlattr **tb, const struct nlattr *elem,
			   struct netlink_ext_ack *extack)
{
	return nla_parse_nested_deprecated(tb, WGALLOWEDIP_A_MAX, elem,
					   wgi_allowedip_policy, extack);
}

/*
 * CAP_NET_ADMIN over the namespace the request came from, checked here
 * rather than by the genl core so that a refusal carries a message.
 */
int wgi_nl_check_admin(const struct sk_buff *skb, struct net *net,
		       struct netlink_ext_ack *extack)
{
	if (netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "configuring wg-inline needs CAP_NET_ADMIN");
	return -EPERM;
}

struct wgi_device *wgi_nl_lookup_device(struct net *net,
					const struct nlattr *idx,
					const struct nlattr *name,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct wgi_device *wg;

	ASSERT_RTNL();
	if (!idx == !name) {
		NL_SET_ERR_MSG(extack,
			       "specify exactly one of ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}
	if (idx)
		dev = __dev_get_by_index(net, nla_get_u32(idx));
	else
		dev = __dev_get_by_name(net, nla_data(name));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, idx ?: name, "unknown device");
		return ERR_PTR(-ENODEV);
	}
	wg = wgi_device_from_netdev(dev);
	if (!wg) {
		NL_SET_ERR_MSG_ATTR(extack, idx ?: name,
				    "device is not a wg-inline device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return wg;
}

int wgi_nl_dump_lock_device(struct wgi_device *wg, struct netlink_callback *cb)
{
	rtnl_lock();
	if (wg->dev->reg_state != NETREG_REGISTERED) {
		rtnl_unlock();
		NL_SET_ERR_MSG(cb->extack, "device went away during the dump");
		return -ENODEV;
	}
	mutex_lock(&wg->update_lock);
	return 0;
}

void wgi_nl_dump_unlock_device(struct wgi_device *wg)
{
	mutex_unlock(&wg->update_lock);
	rtnl_unlock();
}

struct wgi_device *wgi_nl_lookup(struct net *net, struct nlattr **attrs,
				 struct netlink_ext_ack *extack)
{
	return wgi_nl_lookup_device(net, attrs[WGDEVICE_A_IFINDEX],
				    attrs[WGDEVICE_A_IFNAME], extack);
}

bool wgi_nl_is_own_key(struct wgi_device *wg, const u8 *key)
{
	bool own;

	down_read(&wg->static_identity.lock);
	own = wg->static_identity.has_identity &&
	      !memcmp(key, wg->static_identity.public_key, WG_KEY_LEN);
	up_read(&wg->static_identity.lock);
	return own;
}

/* ---------------------------------------------------------------------
 * SET: checked as a whole (netlink_check.c), then applied (netlink_apply.c)
 */

static int wgi_nl_set_device(struct sk_buff *skb, struct genl_info *info)
{
	struct wgi_device *wg;
	int ret;

	ret = wgi_nl_check_admin(skb, genl_info_net(info), info->extack);
	if (ret)
		return ret;
	rtnl_lock();
	wg = wgi_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(wg)) {
		ret = PTR_ERR(wg);
		goto out_rtnl;
	}
	mutex_lock(&wg->update_lock);
	ret = wgi_nl_check_set(wg, info);
	if (!ret)
		ret = wgi_nl_apply_set(wg, info);
	mutex_unlock(&wg->update_lock);
out_rtnl:
	rtnl_unlock();
	return ret;
}

/* ---------------------------------------------------------------------
 * Family
 */

static const struct genl_ops wgi_genl_ops[] = {
	{
		.cmd = WG_CMD_GET_DEVICE,
		.start = wgi_nl_get_start,
		.dumpit = wgi_nl_get_device,
		.done = wgi_nl_get_done,
		/* CAP_NET_ADMIN: wgi_nl_check_admin() in start and doit */
	}, {
		.cmd = WG_CMD_SET_DEVICE,
		.doit = wgi_nl_set_device,
	},
};

struct genl_family wgi_genl_family __ro_after_init = {
	.ops = wgi_genl_ops,
	.n_ops = ARRAY_SIZE(wgi_genl_ops),
	/* Reserved header byte not checked, as for WireGuard's family. */
	.resv_start_op = WG_CMD_SET_DEVICE + 1,
	.version = WG_GENL_VERSION,
	.maxattr = WGDEVICE_A_MAX,
	.policy = wgi_device_policy,
	.module = THIS_MODULE,
	.netnsok = true,
};

int __init wgi_genetlink_init(void)
{
	strscpy(wgi_genl_family.name,
		wgi_compat ? WG_GENL_NAME : WG_INLINE_GENL_NAME,
		sizeof(wgi_genl_family.name));
	return genl_register_family(&wgi_genl_family);
}

void wgi_genetlink_uninit(void)
{
	genl_unregister_family(&wgi_genl_family);
}
