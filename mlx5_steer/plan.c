// SPDX-License-Identifier: GPL-2.0
/*
 * The rules a tunnel with a core should have:
 * - outer: on the netdev the route to the tunnel's endpoint leaves
 *   through (in the namespace of the tunnel's UDP sockets), the tunnel's
 *   encrypted flow (remote address and port to the local listen port)
 *   to the RX queue whose interrupt is served on the tunnel's core;
 * - inner: on each configured LAN netdev (in the device's namespace),
 *   each allowed-IP prefix as a destination, to that netdev's queue of
 *   the same core, so plaintext for the tunnel enters it on its core.
 * Whatever cannot be planned is an error in the tunnel's record; what
 * can is still planned, so that one bad LAN netdev does not cost the
 * outer rule. A /0 prefix is not steered: it would take all of that
 * netdev's traffic (and mlx5e refuses a rule that matches no field).
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include "steer.h"

/* Inner rules per tunnel on each LAN netdev; the rest are not steered. */
#define STEER_MAX_PREFIXES 64

static __printf(2, 3) void steer_plan_error(struct steer_tunnel *t,
					     const char *fmt, ...)
{
	va_list args;

	/* The first problem is the one to fix first. */
	if (t->error[0])
		return;
	va_start(args, fmt);
	vscnprintf(t->error, sizeof(t->error), fmt, args);
	va_end(args);
}

/*
 * The lookups are the tunnel's own: its sockets mark what they send with
 * the device's fwmark, and policy routing (wg-quick's "not fwmark" rule
 * of a full tunnel) sends unmarked packets somewhere else.
 */
static struct net_device *steer_route_dev4(const struct wgi_tunnel_info *info)
{
	const struct sockaddr_in *ep = &info->endpoint.addr4;
	struct flowi4 fl4 = {
		.daddr = ep->sin_addr.s_addr,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_mark = info->fwmark,
		.fl4_dport = ep->sin_port,
		.fl4_sport = htons(info->listen_port),
	};
	struct net_device *dev;
	struct rtable *rt;

	rt = ip_route_output_key(info->sock_net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	dev = rt->dst.dev;
	ip_rt_put(rt);
	return dev;
}

static struct net_device *steer_route_dev6(const struct wgi_tunnel_info *info)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct sockaddr_in6 *ep = &info->endpoint.addr6;
	struct flowi6 fl6 = {
		.daddr = ep->sin6_addr,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_mark = info->fwmark,
		.fl6_dport = ep->sin6_port,
		.fl6_sport = htons(info->listen_port),
		.flowi6_oif = ep->sin6_scope_id,
	};
	struct net_device *dev = NULL;
	struct dst_entry *dst;

	dst = ip6_route_output(info->sock_net, NULL, &fl6);
	if (!dst->error)
		dev = dst->dev;
	dst_release(dst);
	return dev;
#else
	return NULL;
#endif
}

/* The outer flow: remote address and port to our listen port (@fs zeroed). */
static void steer_outer_spec(const struct wgi_tunnel_info *info,
			     struct ethtool_rx_flow_spec *fs)
{
	__be16 port = htons(info->listen_port);

	if (info->endpoint.addr.sa_family == AF_INET) {
		fs->flow_type = UDP_V4_FLOW;
		fs->h_u.udp_ip4_spec.ip4src = info->endpoint.addr4.sin_addr.s_addr;
		fs->h_u.udp_ip4_spec.psrc = info->endpoint.addr4.sin_port;
		fs->h_u.udp_ip4_spec.pdst = port;
		fs->m_u.udp_ip4_spec.ip4src = htonl(0xffffffff);
		fs->m_u.udp_ip4_spec.psrc = htons(0xffff);
		fs->m_u.udp_ip4_spec.pdst = htons(0xffff);
		return;
	}
	fs->flow_type = UDP_V6_FLOW;
	memcpy(fs->h_u.udp_ip6_spec.ip6src, &info->endpoint.addr6.sin6_addr, 16);
	fs->h_u.udp_ip6_spec.psrc = info->endpoint.addr6.sin6_port;
	fs->h_u.udp_ip6_spec.pdst = port;
	memset(fs->m_u.udp_ip6_spec.ip6src, 0xff, 16);
	fs->m_u.udp_ip6_spec.psrc = htons(0xffff);
	fs->m_u.udp_ip6_spec.pdst = htons(0xffff);
}

static void steer_mask6(__be32 mask[4], u8 cidr)
{
	int i, bits;

	for (i = 0; i < 4; i++) {
		bits = clamp_t(int, cidr - 32 * i, 0, 32);
		mask[i] = bits ? htonl(~0U << (32 - bits)) : 0;
	}
}

/* A destination prefix (not /0; @fs zeroed). */
static void steer_inner_spec(const struct wgi_prefix *p,
			     struct ethtool_rx_flow_spec *fs)
{
	if (p->family == AF_INET) {
		fs->flow_type = IP_USER_FLOW;
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
		fs->h_u.usr_ip4_spec.ip4dst = p->addr.v4;
		fs->m_u.usr_ip4_spec.ip4dst = inet_make_mask(p->cidr);
		return;
	}
	fs->flow_type = IPV6_USER_FLOW;
	memcpy(fs->h_u.usr_ip6_spec.ip6dst, &p->addr.v6, 16);
	steer_mask6(fs->m_u.usr_ip6_spec.ip6dst, p->cidr);
}

static struct steer_rule *steer_rule_new(struct list_head *rules,
					 enum steer_rule_kind kind,
					 struct net_device *dev, u32 queue)
{
	struct steer_rule *rule = kzalloc(sizeof(*rule), GFP_KERNEL);

	if (!rule)
		return NULL;
	rule->kind = kind;
	rule->ifindex = dev->ifindex;
	rule->net = dev_net(dev);
	strscpy(rule->ifname, dev->name, sizeof(rule->ifname));
	rule->fs.ring_cookie = queue;
	list_add_tail(&rule->list, rules);
	return rule;
}

/* The queue of @dev served on the tunnel's core, or an error noted. */
static int steer_plan_queue(struct steer_tunnel *t, struct net_device *dev,
			    int *irq)
{
	const char *why;
	int q;

	if (!steer_dev_can_steer(dev, &why)) {
		steer_plan_error(t, "%s: %s", dev->name, why);
		return -EOPNOTSUPP;
	}
	q = steer_queue_of_core(dev, t->info.core, irq);
	if (q == -ENETDOWN)
		steer_plan_error(t, "%s: the netdev is down", dev->name);
	else if (q == -EOPNOTSUPP)
		steer_plan_error(t, "%s: the driver links no RX queue to a CPU",
				 dev->name);
	else if (q < 0)
		steer_plan_error(t, "%s: no RX queue is served on core %u",
				 dev->name, t->info.core);
	return q;
}

static struct net_device *steer_outer_dev(struct steer_tunnel *t)
{
	const struct wgi_tunnel_info *info = &t->info;
	struct net_device *dev;

	if (info->endpoint.addr.sa_family == AF_INET)
		dev = steer_route_dev4(info);
	else if (info->endpoint.addr.sa_family == AF_INET6)
		dev = steer_route_dev6(info);
	else
		return NULL;
	if (!dev)
		steer_plan_error(t, "no route to the endpoint");
	else if (dev->flags & IFF_LOOPBACK)
		steer_plan_error(t, "the endpoint is local");
	return dev && !(dev->flags & IFF_LOOPBACK) ? dev : NULL;
}

static int steer_plan_outer(struct steer_tunnel *t, struct list_head *rules)
{
	struct steer_rule *rule;
	struct net_device *dev;
	int q, irq;

	dev = steer_outer_dev(t);
	if (!dev)
		return 0;	/* no endpoint yet: nothing to steer */
	q = steer_plan_queue(t, dev, &irq);
	if (q < 0)
		return 0;
	rule = steer_rule_new(rules, STEER_RULE_OUTER, dev, q);
	if (!rule)
		return -ENOMEM;
	steer_outer_spec(&t->info, &rule->fs);
	t->outer.ifindex = dev->ifindex;
	t->outer.net = dev_net(dev);
	strscpy(t->outer.ifname, dev->name, sizeof(t->outer.ifname));
	t->outer.queue = q;
	t->outer.irq = irq;
	return 0;
}

static int steer_plan_lan(struct steer_tunnel *t, struct net_device *dev,
			  const struct wgi_prefix *prefixes, int n,
			  struct list_head *rules)
{
	struct steer_rule *rule;
	int i, q, irq;

	q = steer_plan_queue(t, dev, &irq);
	if (q < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!prefixes[i].cidr)
			continue;
		rule = steer_rule_new(rules, STEER_RULE_INNER, dev, q);
		if (!rule)
			return -ENOMEM;
		steer_inner_spec(&prefixes[i], &rule->fs);
	}
	return 0;
}

static int steer_plan_inner(struct steer_tunnel *t, struct list_head *rules)
{
	const struct wgi_tunnel_info *info = &t->info;
	struct wgi_prefix *prefixes;
	struct net_device *dev;
	int i, n, ret = 0;

	if (!info->n_lan)
		return 0;
	prefixes = kcalloc(STEER_MAX_PREFIXES, sizeof(*prefixes), GFP_KERNEL);
	if (!prefixes)
		return -ENOMEM;
	n = wgi_tunnel_allowedips(info->net, info->ifindex, info->tunnel_id,
				  prefixes, STEER_MAX_PREFIXES);
	if (n < 0)
		goto out;	/* the tunnel is going: its event follows */
	t->prefixes_not_steered = max(n - STEER_MAX_PREFIXES, 0);
	n = min(n, STEER_MAX_PREFIXES);
	for (i = 0; i < info->n_lan && i < WGI_STEER_LAN_MAX && !ret; i++) {
		dev = __dev_get_by_index(info->net, info->lan_ifindex[i]);
		if (!dev) {
			steer_plan_error(t, "LAN netdev %d is gone",
					 info->lan_ifindex[i]);
			continue;
		}
		ret = steer_plan_lan(t, dev, prefixes, n, rules);
	}
out:
	kfree(prefixes);
	return ret;
}

int steer_plan(struct steer_tunnel *t, struct list_head *rules)
{
	int ret;

	ASSERT_RTNL();
	t->error[0] = '\0';
	t->outer.ifindex = 0;
	t->outer.queue = -1;
	t->outer.irq = -1;
	t->prefixes_not_steered = 0;
	ret = steer_plan_outer(t, rules);
	if (!ret)
		ret = steer_plan_inner(t, rules);
	if (ret)
		steer_plan_error(t, "out of memory");
	return ret;
}
