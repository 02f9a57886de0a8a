// SPDX-License-Identifier: GPL-2.0
/*
 * The extension family (WG_INLINE_EXT_GENL_NAME, uapi/linux/wg_inline.h):
 * execution mode, core assignment and hand-off counters per tunnel, the
 * default mode, worker CPUs and NIC steering configuration (steer.c) per
 * device. It exists whatever compat= says and never adds to the
 * WireGuard-compatible family, whose users must not see it.
 *
 * Strict validation throughout (the family is new: no legacy callers),
 * every refusal with an extack message. Locking as in netlink.c: RTNL,
 * then wg->update_lock.
 */
#include <linux/cpumask.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/wg_inline.h>
#include "device.h"
#include "mode.h"
#include "netlink.h"
#include "netlink_priv.h"
#include "peer.h"
#include "placement.h"
#include "steer.h"
#include "tunnel_events.h"
#include "workers.h"
#include <wg_inline/events.h>

static_assert(WG_KEY_LEN == WGI_PUBKEY_LEN);

static struct genl_family wgi_ext_family;

/* Only IFINDEX entries; steer.c checks each netdev and the count. */
static const struct nla_policy
wgi_ext_steer_lan_policy[WGI_EXT_STEER_LAN_A_MAX + 1] = {
	[WGI_EXT_STEER_LAN_A_IFINDEX] = { .type = NLA_U32 },
};

static const struct nla_policy wgi_ext_policy[WGI_EXT_A_MAX + 1] = {
	[WGI_EXT_A_IFINDEX]	= { .type = NLA_U32 },
	[WGI_EXT_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[WGI_EXT_A_PUBLIC_KEY]	= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGI_EXT_A_MODE]	= NLA_POLICY_MAX(NLA_U8, WGI_TUNNEL_MODE_MAX),
	[WGI_EXT_A_CORE]	= { .type = NLA_U32 },
	[WGI_EXT_A_DEFAULT_MODE] = NLA_POLICY_MAX(NLA_U8, WGI_TUNNEL_MODE_MAX),
	[WGI_EXT_A_WORKER_CPUS]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 wgi_workers_validate,
							 WGI_WORKER_CPUS_MAX_LEN),
	[WGI_EXT_A_STEER]	= NLA_POLICY_MAX(NLA_U8, WGI_STEER_MODE_MAX),
	[WGI_EXT_A_STEER_LAN]	= NLA_POLICY_NESTED(wgi_ext_steer_lan_policy),
	/* Read-only attributes are refused in requests. */
	[WGI_EXT_A_TUNNEL_ID]	= { .type = NLA_REJECT },
	[WGI_EXT_A_CORE_STATE]	= { .type = NLA_REJECT },
	[WGI_EXT_A_HANDOFF_TX]	= { .type = NLA_REJECT },
	[WGI_EXT_A_HANDOFF_RX]	= { .type = NLA_REJECT },
	[WGI_EXT_A_PCPU]	= { .type = NLA_REJECT },
	[WGI_EXT_A_EVENT]	= { .type = NLA_REJECT },
	[WGI_EXT_A_DEVICE_UP]	= { .type = NLA_REJECT },
	[WGI_EXT_A_LISTEN_PORT]	= { .type = NLA_REJECT },
	[WGI_EXT_A_ENDPOINT]	= { .type = NLA_REJECT },
};

/* The tunnel the request names. update_lock held; returns a reference. */
static struct wgi_peer *wgi_ext_lookup_peer(struct wgi_device *wg,
					    struct nlattr **attrs,
					    struct netlink_ext_ack *extack)
{
	struct nlattr *key = attrs[WGI_EXT_A_PUBLIC_KEY];
	struct wgi_peer *peer;

	if (!key) {
		NL_SET_ERR_MSG(extack, "name the tunnel by its peer's public key");
		return ERR_PTR(-EINVAL);
	}
	peer = wgi_pubkey_table_lookup(wg->peer_hashtable, nla_data(key));
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(extack, key, "no tunnel with this public key");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

/* ---------------------------------------------------------------------
 * SET_TUNNEL, GET_DEVICE, SET_DEVICE
 */

static int wgi_ext_apply_tunnel(struct wgi_peer *peer, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	int ret;

	/* Everything that can be refused is checked before anything changes. */
	if (attrs[WGI_EXT_A_MODE]) {
		ret = wgi_mode_prepare(peer->device,
				       nla_get_u8(attrs[WGI_EXT_A_MODE]),
				       info->extack);
		if (ret)
			return ret;
	}
	if (attrs[WGI_EXT_A_CORE]) {
		ret = wgi_placement_assign(peer,
					   nla_get_u32(attrs[WGI_EXT_A_CORE]),
					   info->extack);
		if (ret)
			return ret;
	}
	if (attrs[WGI_EXT_A_MODE])
		return wgi_mode_set(peer, nla_get_u8(attrs[WGI_EXT_A_MODE]),
				    info->extack);
	return 0;
}

/* Runs @fn on the device the request names, under RTNL and update_lock. */
static int wgi_ext_locked(struct sk_buff *skb, struct genl_info *info,
			  int (*fn)(struct wgi_device *wg,
				    struct genl_info *info))
{
	struct net *net = genl_info_net(info);
	struct wgi_device *wg;
	int ret;

	ret = wgi_nl_check_admin(skb, net, info->extack);
	if (ret)
		return ret;
	rtnl_lock();
	wg = wgi_nl_lookup_device(net, info->attrs[WGI_EXT_A_IFINDEX],
				  info->attrs[WGI_EXT_A_IFNAME], info->extack);
	if (IS_ERR(wg)) {
		ret = PTR_ERR(wg);
		goto out;
	}
	mutex_lock(&wg->update_lock);
	ret = fn(wg, info);
	mutex_unlock(&wg->update_lock);
out:
	rtnl_unlock();
	return ret;
}

static int wgi_ext_set_tunnel_locked(struct wgi_device *wg,
				     struct genl_info *info)
{
	struct wgi_peer *peer;
	int ret;

	peer = wgi_ext_lookup_peer(wg, info->attrs, info->extack);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	ret = wgi_ext_apply_tunnel(peer, info);
	if (!ret)
		wg->device_update_gen++;
	wgi_peer_put(peer);
	return ret;
}

static int wgi_ext_set_tunnel(struct sk_buff *skb, struct genl_info *info)
{
	return wgi_ext_locked(skb, info, wgi_ext_set_tunnel_locked);
}

static int wgi_ext_set_device_locked(struct wgi_device *wg,
				     struct genl_info *info)
{
	struct nlattr *workers = info->attrs[WGI_EXT_A_WORKER_CPUS];
	struct nlattr *mode = info->attrs[WGI_EXT_A_DEFAULT_MODE];
	struct wgi_steer_cfg *steer;
	int ret;

	/* The mode and steering first: the worker set is the last refusal. */
	if (mode) {
		ret = wgi_mode_prepare(wg, nla_get_u8(mode), info->extack);
		if (ret)
			return ret;
	}
	ret = wgi_steer_prepare(wg, info, &steer);
	if (ret)
		return ret;
	if (workers) {
		ret = wgi_workers_set(wg, workers, info->extack);
		if (ret) {
			kfree(steer);
			return ret;
		}
	}
	if (mode)
		wg->default_mode = nla_get_u8(mode);
	wgi_steer_commit(wg, steer);
	return 0;
}

static int wgi_ext_set_device(struct sk_buff *skb, struct genl_info *info)
{
	return wgi_ext_locked(skb, info, wgi_ext_set_device_locked);
}

static int wgi_ext_get_device_locked(struct wgi_device *wg,
				     struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &wgi_ext_family, 0,
				WGI_EXT_CMD_GET_DEVICE);
	if (!hdr ||
	    nla_put_u32(msg, WGI_EXT_A_IFINDEX, wg->dev->ifindex) ||
	    nla_put_string(msg, WGI_EXT_A_IFNAME, wg->dev->name) ||
	    nla_put_u8(msg, WGI_EXT_A_DEFAULT_MODE, wg->default_mode) ||
	    wgi_workers_put(msg, wg) ||
	    wgi_steer_put(msg, wg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int wgi_ext_get_device(struct sk_buff *skb, struct genl_info *info)
{
	return wgi_ext_locked(skb, info, wgi_ext_get_device_locked);
}

/* ---------------------------------------------------------------------
 * GET_TUNNEL: a dump of one message per tunnel, resumable mid-tunnel
 */

struct wgi_ext_dump_ctx {
	struct wgi_device *wg;		/* dev_hold()'d in start */
	struct wgi_peer *next_peer;	/* referenced; where to resume */
	int next_cpu;			/* in next_peer's per-CPU list */
	bool one_peer;			/* the request named a tunnel */
	bool finished;
};

static struct wgi_ext_dump_ctx *wgi_ext_dump_ctx(struct netlink_callback *cb)
{
	static_assert(sizeof(struct wgi_ext_dump_ctx) <= sizeof(cb->ctx));
	return (struct wgi_ext_dump_ctx *)cb->ctx;
}

static int wgi_ext_get_tunnel_start(struct netlink_callback *cb)
{
	struct wgi_ext_dump_ctx *ctx = wgi_ext_dump_ctx(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr *tb[WGI_EXT_A_MAX + 1];
	struct wgi_peer *peer = NULL;
	struct wgi_device *wg;
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	ret = wgi_nl_check_admin(cb->skb, net, cb->extack);
	if (ret)
		return ret;
	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, WGI_EXT_A_MAX,
			  wgi_ext_policy, cb->extack);
	if (ret)
		return ret;
	rtnl_lock();
	wg = wgi_nl_lookup_device(net, tb[WGI_EXT_A_IFINDEX],
				  tb[WGI_EXT_A_IFNAME], cb->extack);
	if (IS_ERR(wg)) {
		rtnl_unlock();
		return PTR_ERR(wg);
	}
	if (tb[WGI_EXT_A_PUBLIC_KEY]) {
		mutex_lock(&wg->update_lock);
		peer = wgi_ext_lookup_peer(wg, tb, cb->extack);
		mutex_unlock(&wg->update_lock);
		if (IS_ERR(peer)) {
			rtnl_unlock();
			return PTR_ERR(peer);
		}
	}
	dev_hold(wg->dev);
	rtnl_unlock();
	ctx->wg = wg;
	ctx->next_peer = peer;
	ctx->one_peer = peer;
	return 0;
}

static int wgi_ext_get_tunnel_done(struct netlink_callback *cb)
{
	struct wgi_ext_dump_ctx *ctx = wgi_ext_dump_ctx(cb);

	wgi_peer_put(ctx->next_peer);
	if (ctx->wg)
		dev_put(ctx->wg->dev);
	memset(ctx, 0, sizeof(*ctx));
	return 0;
}

static int wgi_ext_put_cpu(struct sk_buff *skb, int cpu,
			   const struct wgi_peer_cpu_work *w)
{
	struct nlattr *nest = nla_nest_start(skb, 0);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, WGI_EXT_PCPU_A_CPU, cpu) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_ENCRYPTED_PKTS,
			      w->encrypted_pkts, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_ENCRYPTED_BYTES,
			      w->encrypted_bytes, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_DECRYPTED_PKTS,
			      w->decrypted_pkts, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_DECRYPTED_BYTES,
			      w->decrypted_bytes, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_HANDOFF_TX,
			      w->handoff_tx, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_HANDOFF_RX,
			      w->handoff_rx, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_SENT_PKTS,
			      w->sent_pkts, WGI_EXT_PCPU_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_PCPU_A_DELIVERED_PKTS,
			      w->delivered_pkts, WGI_EXT_PCPU_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static bool wgi_ext_cpu_worked(const struct wgi_peer_cpu_work *w)
{
	return w->encrypted_pkts || w->decrypted_pkts || w->handoff_tx ||
	       w->handoff_rx || w->sent_pkts || w->delivered_pkts;
}

/*
 * The per-CPU list from ctx->next_cpu on; on -EMSGSIZE, next_cpu says
 * where the next message goes on. Also sums the hand-offs of all CPUs.
 */
static int wgi_ext_put_cpus(struct sk_buff *skb, struct wgi_peer *peer,
			    struct wgi_ext_dump_ctx *ctx)
{
	struct wgi_peer_cpu_work w;
	struct nlattr *nest;
	int cpu, ret = 0;

	nest = nla_nest_start(skb, WGI_EXT_A_PCPU);
	if (!nest)
		return -EMSGSIZE;
	for_each_possible_cpu(cpu) {
		if (cpu < ctx->next_cpu)
			continue;
		wgi_peer_stats_read_cpu(peer, cpu, &w);
		if (!wgi_ext_cpu_worked(&w))
			continue;
		ret = wgi_ext_put_cpu(skb, cpu, &w);
		if (ret)
			break;
		ctx->next_cpu = cpu + 1;
	}
	nla_nest_end(skb, nest);
	return ret;
}

static void wgi_ext_sum_handoffs(struct wgi_peer *peer, u64 *tx, u64 *rx)
{
	struct wgi_peer_cpu_work w;
	int cpu;

	*tx = 0;
	*rx = 0;
	for_each_possible_cpu(cpu) {
		wgi_peer_stats_read_cpu(peer, cpu, &w);
		*tx += w.handoff_tx;
		*rx += w.handoff_rx;
	}
}

/* What a tunnel's first message says besides its CPUs. */
static int wgi_ext_put_tunnel_state(struct sk_buff *skb, struct wgi_peer *peer)
{
	u64 tx, rx;

	wgi_ext_sum_handoffs(peer, &tx, &rx);
	if (nla_put_u8(skb, WGI_EXT_A_MODE, READ_ONCE(peer->ops)->mode) ||
	    nla_put_u32(skb, WGI_EXT_A_CORE,
			wgi_placement_core(&peer->placement)) ||
	    nla_put_u8(skb, WGI_EXT_A_CORE_STATE,
		       wgi_placement_state(&peer->placement)) ||
	    nla_put_u64_64bit(skb, WGI_EXT_A_HANDOFF_TX, tx, WGI_EXT_A_PAD) ||
	    nla_put_u64_64bit(skb, WGI_EXT_A_HANDOFF_RX, rx, WGI_EXT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * One message for @peer (or its continuation). Returns 0 when the tunnel
 * is complete, -EMSGSIZE when the message is full: what fit stays if it
 * says something, and ctx->next_cpu says where to go on.
 */
static int wgi_ext_put_tunnel(struct sk_buff *skb, struct netlink_callback *cb,
			      struct wgi_peer *peer,
			      struct wgi_ext_dump_ctx *ctx)
{
	struct wgi_device *wg = ctx->wg;
	int first_cpu = ctx->next_cpu;
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &wgi_ext_family, NLM_F_MULTI,
			  WGI_EXT_CMD_GET_TUNNEL);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, WGI_EXT_A_IFINDEX, wg->dev->ifindex) ||
	    nla_put_string(skb, WGI_EXT_A_IFNAME, wg->dev->name) ||
	    nla_put(skb, WGI_EXT_A_PUBLIC_KEY, WG_KEY_LEN,
		    peer->handshake.remote_static) ||
	    nla_put_u64_64bit(skb, WGI_EXT_A_TUNNEL_ID, peer->internal_id,
			      WGI_EXT_A_PAD) ||
	    (!first_cpu && wgi_ext_put_tunnel_state(skb, peer)))
		goto cancel;
	ret = wgi_ext_put_cpus(skb, peer, ctx);
	if (ret && ctx->next_cpu == first_cpu)
		goto cancel;	/* not one CPU fit: try in a fresh message */
	genlmsg_end(skb, hdr);
	return ret;

cancel:
	ctx->next_cpu = first_cpu;
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void wgi_ext_set_cursor(struct wgi_ext_dump_ctx *ctx,
			       struct wgi_peer *peer)
{
	if (ctx->next_peer == peer)
		return;
	wgi_peer_put(ctx->next_peer);
	ctx->next_peer = peer ? wgi_peer_get(peer) : NULL;
	ctx->next_cpu = 0;
}

static int wgi_ext_dump_locked(struct sk_buff *skb, struct netlink_callback *cb,
			       struct wgi_ext_dump_ctx *ctx)
{
	struct wgi_device *wg = ctx->wg;
	struct wgi_peer *peer;
	int ret = 0;

	cb->seq = (u32)wg->device_update_gen | 0x80000000U;
	/* A removed cursor: the dump is already flagged inconsistent. */
	if (ctx->next_peer && READ_ONCE(ctx->next_peer->is_dead))
		goto finish;
	peer = ctx->next_peer ?:
	       list_first_entry_or_null(&wg->peer_list, struct wgi_peer,
					peer_list);
	if (!peer)
		goto finish;
	list_for_each_entry_from(peer, &wg->peer_list, peer_list) {
		wgi_ext_set_cursor(ctx, peer);
		ret = wgi_ext_put_tunnel(skb, cb, peer, ctx);
		if (ret || ctx->one_peer)
			break;
	}
	if (ret == -EMSGSIZE && !skb->len)
		return -ENOBUFS;	/* cannot make progress */
	if (ret == -EMSGSIZE)
		return skb->len;
	if (ret)
		return ret;
finish:
	wgi_ext_set_cursor(ctx, NULL);
	ctx->finished = true;
	return skb->len;
}

static int wgi_ext_get_tunnel(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgi_ext_dump_ctx *ctx = wgi_ext_dump_ctx(cb);
	int ret;

	if (ctx->finished)
		return 0;
	ret = wgi_nl_dump_lock_device(ctx->wg, cb);
	if (ret)
		return ret;
	ret = wgi_ext_dump_locked(skb, cb, ctx);
	wgi_nl_dump_unlock_device(ctx->wg);
	return ret;
}

/* ---------------------------------------------------------------------
 * Events, to the multicast group
 */

static int wgi_ext_put_event(struct sk_buff *skb, enum wgi_tunnel_event event,
			     const struct wgi_tunnel_info *info)
{
	int ep_len = 0;

	if (info->endpoint.addr.sa_family == AF_INET)
		ep_len = sizeof(info->endpoint.addr4);
	else if (info->endpoint.addr.sa_family == AF_INET6)
		ep_len = sizeof(info->endpoint.addr6);
	if (nla_put_u8(skb, WGI_EXT_A_EVENT, event) ||
	    nla_put_u32(skb, WGI_EXT_A_IFINDEX, info->ifindex) ||
	    nla_put_string(skb, WGI_EXT_A_IFNAME, info->ifname) ||
	    nla_put(skb, WGI_EXT_A_PUBLIC_KEY, WG_KEY_LEN, info->public_key) ||
	    nla_put_u64_64bit(skb, WGI_EXT_A_TUNNEL_ID, info->tunnel_id,
			      WGI_EXT_A_PAD) ||
	    nla_put_u8(skb, WGI_EXT_A_MODE, info->mode) ||
	    nla_put_u32(skb, WGI_EXT_A_CORE, info->core) ||
	    nla_put_u8(skb, WGI_EXT_A_CORE_STATE, info->core_state) ||
	    nla_put_u8(skb, WGI_EXT_A_DEVICE_UP, info->device_up) ||
	    nla_put_u16(skb, WGI_EXT_A_LISTEN_PORT, info->listen_port) ||
	    nla_put_u8(skb, WGI_EXT_A_STEER, info->steer) ||
	    (ep_len && nla_put(skb, WGI_EXT_A_ENDPOINT, ep_len,
			       &info->endpoint)))
		return -EMSGSIZE;
	return 0;
}

void wgi_ext_notify(enum wgi_tunnel_event event,
		    const struct wgi_tunnel_info *info)
{
	struct sk_buff *skb;
	void *hdr;

	/* A namespace being torn down has nobody left to tell. */
	if (!info->net ||
	    !genl_has_listeners(&wgi_ext_family, info->net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &wgi_ext_family, 0, WGI_EXT_CMD_EVENT);
	if (!hdr || wgi_ext_put_event(skb, event, info)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&wgi_ext_family, info->net, skb, 0, 0,
				GFP_KERNEL);
}

/* ---------------------------------------------------------------------
 * Family
 */

static const struct genl_multicast_group wgi_ext_mcgrps[] = {
	/* Events carry endpoints and keys: listening takes CAP_NET_ADMIN. */
	{ .name = WG_INLINE_EXT_MCGRP_EVENTS,
	  .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static const struct genl_ops wgi_ext_ops[] = {
	{
		.cmd = WGI_EXT_CMD_GET_TUNNEL,
		.start = wgi_ext_get_tunnel_start,
		.dumpit = wgi_ext_get_tunnel,
		.done = wgi_ext_get_tunnel_done,
		/* CAP_NET_ADMIN: wgi_nl_check_admin(), with a message */
	}, {
		.cmd = WGI_EXT_CMD_SET_TUNNEL,
		.doit = wgi_ext_set_tunnel,
	}, {
		.cmd = WGI_EXT_CMD_GET_DEVICE,
		.doit = wgi_ext_get_device,
	}, {
		.cmd = WGI_EXT_CMD_SET_DEVICE,
		.doit = wgi_ext_set_device,
	},
};

static struct genl_family wgi_ext_family __ro_after_init = {
	.name = WG_INLINE_EXT_GENL_NAME,
	.version = WG_INLINE_EXT_GENL_VERSION,
	.maxattr = WGI_EXT_A_MAX,
	.policy = wgi_ext_policy,
	.ops = wgi_ext_ops,
	.n_ops = ARRAY_SIZE(wgi_ext_ops),
	.mcgrps = wgi_ext_mcgrps,
	.n_mcgrps = ARRAY_SIZE(wgi_ext_mcgrps),
	.module = THIS_MODULE,
	.netnsok = true,
};

int __init wgi_ext_genetlink_init(void)
{
	return genl_register_family(&wgi_ext_family);
}

void wgi_ext_genetlink_uninit(void)
{
	genl_unregister_family(&wgi_ext_family);
}
