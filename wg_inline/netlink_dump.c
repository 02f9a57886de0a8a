// SPDX-License-Identifier: GPL-2.0
/*
 * WG_CMD_GET_DEVICE: a dump of the device and its peers that may span
 * several messages. The device is held from start to done; each message
 * is filled under RTNL and wg->update_lock, and a cursor (a referenced
 * peer and a position in its allowed-IP list) says where the next one
 * goes on. The sequence number follows wg->device_update_gen, so a dump
 * that crosses a configuration change is flagged inconsistent.
 *
 * Locking: RTNL, then wg->update_lock, then the finer locks (static
 * identity rwsem, handshake rwsem, endpoint rwlock).
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/socket.h>
#include <linux/time_types.h>
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/wg_inline.h>

#include "netlink_priv.h"
#include "device.h"
#include "peer.h"
#include "allowedips.h"

struct wgi_nl_dump_ctx {
	struct wgi_device *wg;		/* dev_hold()'d in start */
	struct wgi_peer *next_peer;	/* referenced; where to resume */
	u32 next_allowedip;		/* position in next_peer's list */
	/*
	 * The node at that position, valid while device_update_gen is still
	 * next_node_gen: every change of an allowed-IP list bumps it under
	 * update_lock, which each message of the dump holds. Saves walking
	 * the list from its start for each message (quadratic in its length).
	 */
	struct wgi_allowedips_node *next_node;
	u64 next_node_gen;
	bool peer_started;		/* next_peer's header already sent */
	bool sent_device;		/* first message went out */
	bool finished;
};

static struct wgi_nl_dump_ctx *wgi_nl_dump_ctx(struct netlink_callback *cb)
{
	static_assert(sizeof(struct wgi_nl_dump_ctx) <= sizeof(cb->ctx));
	return (struct wgi_nl_dump_ctx *)cb->ctx;
}

int wgi_nl_get_start(struct netlink_callback *cb)
{
	struct wgi_nl_dump_ctx *ctx = wgi_nl_dump_ctx(cb);
	struct nlattr *tb[WGDEVICE_A_MAX + 1];
	struct wgi_device *wg;
	int ret;

	ret = wgi_nl_check_admin(cb->skb, sock_net(cb->skb->sk), cb->extack);
	if (ret)
		return ret;
	/* Already validated by the core; parsed again to read the selector. */
	ret = nlmsg_parse_deprecated(cb->nlh, GENL_HDRLEN, tb, WGDEVICE_A_MAX,
				     wgi_device_policy, cb->extack);
	if (ret)
		return ret;
	rtnl_lock();
	wg = wgi_nl_lookup(sock_net(cb->skb->sk), tb, cb->extack);
	if (!IS_ERR(wg))
		dev_hold(wg->dev);
	rtnl_unlock();
	if (IS_ERR(wg))
		return PTR_ERR(wg);
	memset(ctx, 0, sizeof(*ctx));
	ctx->wg = wg;
	return 0;
}

int wgi_nl_get_done(struct netlink_callback *cb)
{
	struct wgi_nl_dump_ctx *ctx = wgi_nl_dump_ctx(cb);

	if (ctx->next_peer)
		wgi_peer_put(ctx->next_peer);
	if (ctx->wg)
		dev_put(ctx->wg->dev);
	memset(ctx, 0, sizeof(*ctx));
	return 0;
}

static int wgi_nl_put_identity(struct sk_buff *skb, struct wgi_device *wg)
{
	struct wgi_static_identity *id = &wg->static_identity;
	int ret = 0;

	down_read(&id->lock);
	if (id->has_identity &&
	    (nla_put(skb, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, id->private_key) ||
	     nla_put(skb, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN, id->public_key)))
		ret = -EMSGSIZE;
	up_read(&id->lock);
	return ret;
}

/* ifindex/ifname go into every message; the rest only into the first. */
static int wgi_nl_put_device(struct sk_buff *skb, struct wgi_device *wg,
			     bool full)
{
	if (nla_put_u32(skb, WGDEVICE_A_IFINDEX, wg->dev->ifindex) ||
	    nla_put_string(skb, WGDEVICE_A_IFNAME, wg->dev->name))
		return -EMSGSIZE;
	if (!full)
		return 0;
	if (nla_put_u16(skb, WGDEVICE_A_LISTEN_PORT, wg->incoming_port) ||
	    nla_put_u32(skb, WGDEVICE_A_FWMARK, wg->fwmark))
		return -EMSGSIZE;
	return wgi_nl_put_identity(skb, wg);
}

static int wgi_nl_put_endpoint(struct sk_buff *skb, struct wgi_peer *peer)
{
	struct wgi_endpoint ep;
	int len = 0;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);

	if (ep.addr.sa_family == AF_INET)
		len = sizeof(ep.addr4);
	else if (ep.addr.sa_family == AF_INET6)
		len = sizeof(ep.addr6);
	if (!len)
		return 0;
	return nla_put(skb, WGPEER_A_ENDPOINT, len, &ep.addr);
}

static int wgi_nl_put_peer_state(struct sk_buff *skb, struct wgi_peer *peer)
{
	struct __kernel_timespec last = {
		.tv_sec = READ_ONCE(peer->walltime_last_handshake.tv_sec),
		.tv_nsec = READ_ONCE(peer->walltime_last_handshake.tv_nsec),
	};
	u64 rx, tx;
	int ret;

	down_read(&peer->handshake.lock);
	ret = nla_put(skb, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN,
		      peer->handshake.preshared_key);
	up_read(&peer->handshake.lock);
	if (ret)
		return ret;

	wgi_peer_stats_sum(peer, &rx, &tx);
	if (nla_put(skb, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(last), &last) ||
	    nla_put_u16(skb, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
			READ_ONCE(peer->persistent_keepalive_interval)) ||
	    nla_put_u64_64bit(skb, WGPEER_A_TX_BYTES, tx, WGPEER_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGPEER_A_RX_BYTES, rx, WGPEER_A_UNSPEC) ||
	    nla_put_u32(skb, WGPEER_A_PROTOCOL_VERSION, 1))
		return -EMSGSIZE;
	return wgi_nl_put_endpoint(skb, peer);
}

static int wgi_nl_put_allowedip(struct sk_buff *skb,
				struct wgi_allowedips_node *node)
{
	struct nlattr *nest;
	u8 ip[16], cidr;
	int family;

	family = wgi_allowedips_read_node(node, ip, &cidr);
	nest = nla_nest_start(skb, 0);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, WGALLOWEDIP_A_FAMILY, family) ||
	    nla_put(skb, WGALLOWEDIP_A_IPADDR, family == AF_INET6 ? 16 : 4, ip) ||
	    nla_put_u8(skb, WGALLOWEDIP_A_CIDR_MASK, cidr)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The first node to emit: the saved one if still valid, else by position. */
static struct wgi_allowedips_node *
wgi_nl_resume_node(struct wgi_peer *peer, struct wgi_nl_dump_ctx *ctx)
{
	struct wgi_allowedips_node *node;
	u32 pos = 0;

	if (ctx->next_node &&
	    ctx->next_node_gen == peer->device->device_update_gen)
		return ctx->next_node;
	list_for_each_entry(node, &peer->allowedips_list, peer_list)
		if (pos++ == ctx->next_allowedip)
			break;
	return node;
}

/*
 * Emits the peer's allowed IPs from position ctx->next_allowedip on. On
 * -EMSGSIZE the position is advanced past what did fit.
 */
static int wgi_nl_put_allowedips(struct sk_buff *skb, struct wgi_peer *peer,
				 struct wgi_nl_dump_ctx *ctx)
{
	struct wgi_allowedips_node *node;
	struct nlattr *nest;
	u32 first = ctx->next_allowedip;
	int ret = 0;

	lockdep_assert_held(&peer->device->update_lock);
	if (list_empty(&peer->allowedips_list))
		return 0;
	nest = nla_nest_start(skb, WGPEER_A_ALLOWEDIPS);
	if (!nest)
		return -EMSGSIZE;
	node = wgi_nl_resume_node(peer, ctx);
	list_for_each_entry_from(node, &peer->allowedips_list, peer_list) {
		ret = wgi_nl_put_allowedip(skb, node);
		if (ret) {
			ctx->next_node = node;
			ctx->next_node_gen = peer->device->device_update_gen;
			break;
		}
		++ctx->next_allowedip;
	}
	if (!ret)
		ctx->next_node = NULL;	/* the peer is done */
	if (ctx->next_allowedip == first)
		nla_nest_cancel(skb, nest);
	else
		nla_nest_end(skb, nest);
	return ret;
}

/*
 * One peer entry. A peer resumed from the previous message carries only its
 * public key and the remaining allowed IPs; `wg` merges consecutive entries
 * with the same key. Returns 0 when the peer is complete, -EMSGSIZE when
 * the message is full (ctx says where to go on).
 */
static int wgi_nl_put_peer(struct sk_buff *skb, struct wgi_peer *peer,
			   struct wgi_nl_dump_ctx *ctx)
{
	struct nlattr *nest;
	int ret;

	nest = nla_nest_start(skb, 0);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN,
		    peer->handshake.remote_static))
		goto cancel;
	if (!ctx->peer_started) {
		if (wgi_nl_put_peer_state(skb, peer))
			goto cancel;
		ctx->peer_started = true;
	}
	ret = wgi_nl_put_allowedips(skb, peer, ctx);
	nla_nest_end(skb, nest);
	return ret;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static void wgi_nl_set_cursor(struct wgi_nl_dump_ctx *ctx,
			      struct wgi_peer *peer)
{
	if (ctx->next_peer == peer)
		return;
	if (ctx->next_peer)
		wgi_peer_put(ctx->next_peer);
	ctx->next_peer = peer ? wgi_peer_get(peer) : NULL;
	ctx->next_allowedip = 0;
	ctx->next_node = NULL;
	ctx->peer_started = false;
}

/* Fills WGDEVICE_A_PEERS from the cursor on, as far as the message allows. */
static int wgi_nl_put_peers(struct sk_buff *skb, struct wgi_nl_dump_ctx *ctx)
{
	struct wgi_device *wg = ctx->wg;
	struct wgi_peer *peer;
	struct nlattr *nest;
	int len, ret = 0;

	/* A removed cursor means the dump is already flagged inconsistent. */
	if (ctx->next_peer && READ_ONCE(ctx->next_peer->is_dead))
		goto finish;
	peer = ctx->next_peer ?:
	       list_first_entry_or_null(&wg->peer_list, struct wgi_peer,
					peer_list);
	if (!peer)
		goto finish;

	nest = nla_nest_start(skb, WGDEVICE_A_PEERS);
	if (!nest)
		return -ENOBUFS;
	len = skb->len;
	list_for_each_entry_from(peer, &wg->peer_list, peer_list) {
		wgi_nl_set_cursor(ctx, peer);
		ret = wgi_nl_put_peer(skb, peer, ctx);
		if (ret)
			break;
	}
	if (skb->len == len) {
		nla_nest_cancel(skb, nest);
		/* Not even one peer fits: stop instead of looping forever. */
		if (ret)
			return -ENOBUFS;
	} else {
		nla_nest_end(skb, nest);
	}
	if (ret)
		return ret;
finish:
	wgi_nl_set_cursor(ctx, NULL);
	ctx->finished = true;
	return 0;
}

static int wgi_nl_dump_locked(struct sk_buff *skb, struct netlink_callback *cb,
			      struct wgi_nl_dump_ctx *ctx)
{
	struct wgi_device *wg = ctx->wg;
	void *hdr;
	int ret;

	/* Non-zero, and changing with every configuration change. */
	cb->seq = (u32)wg->device_update_gen | 0x80000000U;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &wgi_genl_family, NLM_F_MULTI, WG_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);

	ret = wgi_nl_put_device(skb, wg, !ctx->sent_device);
	if (ret)
		goto cancel;
	ret = wgi_nl_put_peers(skb, ctx);
	/* -EMSGSIZE: message full, the next one goes on from the cursor. */
	if (ret == -ENOBUFS && !ctx->sent_device)
		ret = -EMSGSIZE;	/* retry in a message of its own */
	if (ret && ret != -EMSGSIZE)
		goto cancel;
	ctx->sent_device = true;
	genlmsg_end(skb, hdr);
	return skb->len;

cancel:
	genlmsg_cancel(skb, hdr);
	return ret;
}

int wgi_nl_get_device(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgi_nl_dump_ctx *ctx = wgi_nl_dump_ctx(cb);
	int ret;

	if (ctx->finished)
		return 0;
	ret = wgi_nl_dump_lock_device(ctx->wg, cb);
	if (ret)
		return ret;
	ret = wgi_nl_dump_locked(skb, cb, ctx);
	wgi_nl_dump_unlock_device(ctx->wg);
	return ret;
}
