// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sockets and the raw send. Sockets are kernel UDP tunnel sockets in
 * the device's creating namespace; received datagrams arrive through the
 * encap_rcv hook (wgi_receive) in the receiving softirq.
 *
 * Sending routes each message afresh unless the peer's dst_cache holds a
 * route. The source address we used last is kept ("sticky") so replies
 * leave from the address the peer talks to; when that address is gone the
 * route lookup fails and we fall back to letting routing choose.
 */
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include "datapath.h"
#include "device.h"
#include "peer.h"
#include "tunnel_events.h"

/* Headroom for handshake messages we build ourselves. */
#define WGI_SOCKET_HEADROOM	(LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))

/* How often a random port is retried when only IPv6 finds it taken. */
#define WGI_PORT_RETRIES	8

static int wgi_socket_create(struct net *net, struct wgi_device *wg,
			     int family, u16 port, struct sock **out)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = wg,
		.encap_type = 1,
		.encap_rcv = wgi_receive,
	};
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
	};
	struct socket *sock;
	int ret;

	if (family == AF_INET) {
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	} else {
		cfg.local_ip6 = in6addr_any;
		cfg.ipv6_v6only = 1;
		cfg.use_udp6_tx_checksums = 1;
		cfg.use_udp6_rx_checksums = 1;
	}
	ret = udp_sock_create(net, &cfg, &sock);
	if (ret)
		return ret;
	setup_udp_tunnel_sock(net, sock, &tcfg);
	*out = sock->sk;
	return 0;
}

static void wgi_socket_release(struct sock *sk)
{
	if (sk)
		udp_tunnel_sock_release(sk->sk_socket);
}

/* Creates a v4 and (if the stack has IPv6) a v6 socket on one port. */
static int wgi_socket_create_pair(struct net *net, struct wgi_device *wg,
				  u16 port, struct sock **new4,
				  struct sock **new6)
{
	int attempts = port ? 1 : WGI_PORT_RETRIES;
	u16 bound;
	int ret;

	do {
		*new4 = NULL;
		*new6 = NULL;
		ret = wgi_socket_create(net, wg, AF_INET, port, new4);
		if (ret)
			return ret;
		bound = ntohs(inet_sk(*new4)->inet_sport);

		ret = wgi_socket_create(net, wg, AF_INET6, bound, new6);
		if (!ret)
			return 0;
		if (ret == -EAFNOSUPPORT) {
			/* No IPv6 in this kernel/namespace: v4 only. */
			*new6 = NULL;
			return 0;
		}
		wgi_socket_release(*new4);
		*new4 = NULL;
		/* A random v4 port may be taken in v6; pick another. */
	} while (ret == -EADDRINUSE && --attempts > 0);
	return ret;
}

int wgi_socket_init(struct wgi_device *wg, u16 port)
{
	struct sock *new4, *new6;
	struct net *net;
	int ret;

	/* A down device has no sockets; the port is used on the next up. */
	if (!netif_running(wg->dev)) {
		wg->incoming_port = port;
		return 0;
	}
	/* Rebinding the port we hold would only fail with EADDRINUSE. */
	if (port && port == wg->incoming_port &&
	    rcu_access_pointer(wg->sock4))
		return 0;

	rcu_read_lock();
	net = maybe_get_net(rcu_dereference(wg->creating_net));
	rcu_read_unlock();
	if (!net)
		return -ENONET;

	ret = wgi_socket_create_pair(net, wg, port, &new4, &new6);
	put_net(net);
	if (ret)
		return ret;
	wgi_socket_reinit(wg, new4, new6);
	return 0;
}

void wgi_socket_reinit(struct wgi_device *wg, struct sock *new4,
		       struct sock *new6)
{
	struct sock *old4, *old6;

	mutex_lock(&wg->socket_update_lock);
	old4 = rcu_dereference_protected(wg->sock4,
				lockdep_is_held(&wg->socket_update_lock));
	old6 = rcu_dereference_protected(wg->sock6,
				lockdep_is_held(&wg->socket_update_lock));
	rcu_assign_pointer(wg->sock4, new4);
	rcu_assign_pointer(wg->sock6, new6);
	if (new4)
		wg->incoming_port = ntohs(inet_sk(new4)->inet_sport);
	mutex_unlock(&wg->socket_update_lock);

	/* Senders and receivers of the old sockets are done after this. */
	synchronize_net();
	wgi_socket_release(old4);
	wgi_socket_release(old6);
}

/* Where to send, and whether a new source address should be remembered. */
struct wgi_send_target {
	struct wgi_endpoint ep;
	struct wgi_peer *peer;		/* whose route cache to use; NULL: none */
	u32 endpoint_gen;		/* peer->endpoint_gen when @ep was read */
	bool src_changed;
};

static void wgi_send_target_from_peer(struct wgi_send_target *t,
				      struct wgi_peer *peer)
{
	read_lock_bh(&peer->endpoint_lock);
	t->ep = peer->endpoint;
	t->endpoint_gen = peer->endpoint_gen;
	read_unlock_bh(&peer->endpoint_lock);
	t->peer = peer;
	t->src_changed = false;
}

static struct dst_cache *wgi_target_cache(const struct wgi_send_target *t)
{
	return t->peer ? &t->peer->endpoint_cache : NULL;
}

/*
 * A route is cached only if the endpoint did not move while we looked it
 * up: whoever moved it reset the cache under the write lock, and a route
 * to the old address set after that reset would be used for the new one.
 */
static void wgi_target_cache_set4(const struct wgi_send_target *t,
				  struct dst_entry *dst, __be32 saddr)
{
	struct wgi_peer *peer = t->peer;

	read_lock_bh(&peer->endpoint_lock);
	if (peer->endpoint_gen == t->endpoint_gen)
		dst_cache_set_ip4(&peer->endpoint_cache, dst, saddr);
	read_unlock_bh(&peer->endpoint_lock);
}

#if IS_ENABLED(CONFIG_IPV6)
static void wgi_target_cache_set6(const struct wgi_send_target *t,
				  struct dst_entry *dst,
				  const struct in6_addr *saddr)
{
	struct wgi_peer *peer = t->peer;

	read_lock_bh(&peer->endpoint_lock);
	if (peer->endpoint_gen == t->endpoint_gen)
		dst_cache_set_ip6(&peer->endpoint_cache, dst, saddr);
	read_unlock_bh(&peer->endpoint_lock);
}
#endif

/*
 * The outer packet is a new packet of the socket's namespace: none of the
 * inner packet's netfilter state or mark may stay on it, and it carries
 * the device's fwmark (the one its route was looked up with), which
 * wg-quick's "not fwmark" rule, connmark rules and netfilter re-routing
 * rely on to keep it out of the tunnel.
 */
static void wgi_outer_scrub(struct wgi_device *wg, struct sk_buff *skb,
			    struct sock *sk, u32 mark)
{
	skb_scrub_packet(skb, !net_eq(sock_net(sk), dev_net(wg->dev)));
	skb->mark = mark;
}

/* Whether the route leaves by another interface than the peer's last packet came in by. */
static bool wgi_route4_leaves_elsewhere(const struct rtable *rt,
					const struct wgi_send_target *t)
{
	return t->ep.src_if4 && rt->dst.dev->ifindex != t->ep.src_if4;
}

static struct rtable *wgi_route4(struct wgi_device *wg, struct sock *sk,
				 struct flowi4 *fl, struct wgi_send_target *t)
{
	struct net *net = sock_net(sk);
	struct rtable *rt;

	rt = ip_route_output_flow(net, fl, sk);
	if (fl->saddr && (IS_ERR(rt) || wgi_route4_leaves_elsewhere(rt, t))) {
		/*
		 * The sticky source went away, or the route to the peer now
		 * leaves by another interface than the one its packets came
		 * in on (a multi-homed host whose routes changed), where that
		 * source may not belong: let routing pick one.
		 */
		if (!IS_ERR(rt))
			ip_rt_put(rt);
		fl->saddr = 0;
		t->ep.src_if4 = 0;
		t->src_changed = true;
		rt = ip_route_output_flow(net, fl, sk);
	}
	if (IS_ERR(rt))
		return rt;
	if (unlikely(rt->dst.dev == wg->dev)) {
		/* Routing the tunnel into itself: never transmit. */
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	return rt;
}

static int wgi_send4(struct wgi_device *wg, struct sk_buff *skb, u8 ds,
		     struct wgi_send_target *t)
{
	struct dst_cache *cache = wgi_target_cache(t);
	struct flowi4 fl = {
		.saddr = t->ep.src4.s_addr,
		.daddr = t->ep.addr4.sin_addr.s_addr,
		.fl4_dport = t->ep.addr4.sin_port,
		.flowi4_mark = wg->fwmark,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt = NULL;
	struct sock *sk;
	__be32 cached_src;
	int ret;

	rcu_read_lock_bh();
	sk = rcu_dereference_bh(wg->sock4);
	if (unlikely(!sk)) {
		wgi_drop_count(wg, WGI_DROP_TX_NO_SOCKET);
		ret = -ENONET;
		goto err;
	}
	fl.fl4_sport = inet_sk(sk)->inet_sport;

	if (cache) {
		rt = dst_cache_get_ip4(cache, &cached_src);
		if (rt)
			fl.saddr = cached_src;
	}
	if (!rt) {
		rt = wgi_route4(wg, sk, &fl, t);
		if (IS_ERR(rt)) {
			ret = PTR_ERR(rt);
			wgi_drop_count(wg, WGI_DROP_TX_NO_ROUTE);
			goto err;
		}
		if (cache)
			wgi_target_cache_set4(t, &rt->dst, fl.saddr);
	}
	if (fl.saddr != t->ep.src4.s_addr) {
		t->ep.src4.s_addr = fl.saddr;
		t->src_changed = true;
	}
	/* The tunnel helper pushes the outer headers without checking. */
	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
				  rt->dst.header_len + sizeof(struct iphdr) +
				  sizeof(struct udphdr)))) {
		ip_rt_put(rt);
		wgi_drop_count(wg, WGI_DROP_TX_NO_MEMORY);
		ret = -ENOMEM;
		goto err;
	}

	wgi_outer_scrub(wg, skb, sk, fl.flowi4_mark);
	skb->ignore_df = 1;
	/* Scrubbed above: the helper's cross-namespace scrub would drop the mark. */
	udp_tunnel_xmit_skb(rt, sk, skb, fl.saddr, fl.daddr, ds,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	rcu_read_unlock_bh();
	return 0;

err:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return ret;
}

#if IS_ENABLED(CONFIG_IPV6)
static struct dst_entry *wgi_route6(struct wgi_device *wg, struct sock *sk,
				    struct flowi6 *fl,
				    struct wgi_send_target *t)
{
	struct net *net = sock_net(sk);
	struct dst_entry *dst;

	if (!ipv6_addr_any(&fl->saddr) &&
	    !ipv6_chk_addr(net, &fl->saddr, NULL, 0)) {
		fl->saddr = in6addr_any;
		t->src_changed = true;
	}
	dst = ipv6_stub->ipv6_dst_lookup_flow(net, sk, fl, NULL);
	if (IS_ERR(dst) && !ipv6_addr_any(&fl->saddr)) {
		fl->saddr = in6addr_any;
		t->src_changed = true;
		dst = ipv6_stub->ipv6_dst_lookup_flow(net, sk, fl, NULL);
	}
	if (IS_ERR(dst))
		return dst;
	if (unlikely(dst->dev == wg->dev)) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	return dst;
}

static int wgi_send6(struct wgi_device *wg, struct sk_buff *skb, u8 ds,
		     struct wgi_send_target *t)
{
	struct dst_cache *cache = wgi_target_cache(t);
	struct flowi6 fl = {
		.saddr = t->ep.src6,
		.daddr = t->ep.addr6.sin6_addr,
		.fl6_dport = t->ep.addr6.sin6_port,
		.flowi6_mark = wg->fwmark,
		.flowi6_oif = t->ep.addr6.sin6_scope_id,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst = NULL;
	struct sock *sk;
	int ret;

	rcu_read_lock_bh();
	sk = rcu_dereference_bh(wg->sock6);
	if (unlikely(!sk)) {
		wgi_drop_count(wg, WGI_DROP_TX_NO_SOCKET);
		ret = -ENONET;
		goto err;
	}
	fl.fl6_sport = inet_sk(sk)->inet_sport;

	if (cache)
		dst = dst_cache_get_ip6(cache, &fl.saddr);
	if (!dst) {
		dst = wgi_route6(wg, sk, &fl, t);
		if (IS_ERR(dst)) {
			ret = PTR_ERR(dst);
			wgi_drop_count(wg, WGI_DROP_TX_NO_ROUTE);
			goto err;
		}
		if (cache)
			wgi_target_cache_set6(t, dst, &fl.saddr);
	}
	if (!ipv6_addr_equal(&fl.saddr, &t->ep.src6)) {
		t->ep.src6 = fl.saddr;
		t->src_changed = true;
	}
	/* The tunnel helper pushes the outer headers without checking. */
	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) +
				  dst->header_len + sizeof(struct ipv6hdr) +
				  sizeof(struct udphdr)))) {
		dst_release(dst);
		wgi_drop_count(wg, WGI_DROP_TX_NO_MEMORY);
		ret = -ENOMEM;
		goto err;
	}

	wgi_outer_scrub(wg, skb, sk, fl.flowi6_mark);
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl.saddr, &fl.daddr, ds,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	rcu_read_unlock_bh();
	return 0;

err:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return ret;
}
#else
static int wgi_send6(struct wgi_device *wg, struct sk_buff *skb, u8 ds,
		     struct wgi_send_target *t)
{
	wgi_drop_skb(wg, skb, WGI_DROP_TX_NO_SOCKET);
	return -EAFNOSUPPORT;
}
#endif

/* Sends @skb (a complete WireGuard message) to @t; consumes @skb. */
static int wgi_send_to(struct wgi_device *wg, struct sk_buff *skb, u8 ds,
		       struct wgi_send_target *t)
{
	/*
	 * skb->dev stays unset on purpose: the tunnel helpers would otherwise
	 * count the encrypted packet in our device's TX stats, which already
	 * counted the plaintext.
	 */
	skb->dev = NULL;
	skb_mark_not_on_list(skb);

	switch (t->ep.addr.sa_family) {
	case AF_INET:
		return wgi_send4(wg, skb, ds, t);
	case AF_INET6:
		return wgi_send6(wg, skb, ds, t);
	default:
		wgi_drop_skb(wg, skb, WGI_DROP_TX_NO_ENDPOINT);
		return -EDESTADDRREQ;
	}
}

/* Remember the source we ended up using, unless the endpoint moved. */
static void wgi_socket_update_peer_src(struct wgi_peer *peer,
				       const struct wgi_send_target *t)
{
	write_lock_bh(&peer->endpoint_lock);
	if (peer->endpoint.addr.sa_family == AF_INET &&
	    t->ep.addr.sa_family == AF_INET &&
	    peer->endpoint.addr4.sin_addr.s_addr ==
	    t->ep.addr4.sin_addr.s_addr &&
	    peer->endpoint.addr4.sin_port == t->ep.addr4.sin_port) {
		peer->endpoint.src4 = t->ep.src4;
		peer->endpoint.src_if4 = t->ep.src_if4;
	} else if (peer->endpoint.addr.sa_family == AF_INET6 &&
		   t->ep.addr.sa_family == AF_INET6 &&
		   ipv6_addr_equal(&peer->endpoint.addr6.sin6_addr,
				   &t->ep.addr6.sin6_addr) &&
		   peer->endpoint.addr6.sin6_port == t->ep.addr6.sin6_port) {
		peer->endpoint.src6 = t->ep.src6;
	}
	write_unlock_bh(&peer->endpoint_lock);
}

int wgi_socket_send_skb_to_peer(struct wgi_peer *peer, struct sk_buff *skb,
				u8 ds)
{
	struct wgi_send_target t;
	unsigned int len = skb->len;
	int ret;

	wgi_send_target_from_peer(&t, peer);
	ret = wgi_send_to(peer->device, skb, ds, &t);
	if (likely(!ret))
		wgi_peer_stats_add_tx(peer, len);
	if (unlikely(t.src_changed))
		wgi_socket_update_peer_src(peer, &t);
	return ret;
}

static struct sk_buff *wgi_socket_skb_from_buffer(const void *buf, size_t len)
{
	struct sk_buff *skb = alloc_skb(WGI_SOCKET_HEADROOM + len, GFP_ATOMIC);

	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, WGI_SOCKET_HEADROOM);
	skb_put_data(skb, buf, len);
	return skb;
}

int wgi_socket_send_buffer_to_peer(struct wgi_peer *peer, void *buf,
				   size_t len, u8 ds)
{
	struct sk_buff *skb = wgi_socket_skb_from_buffer(buf, len);

	if (unlikely(!skb))
		return -ENOMEM;
	return wgi_socket_send_skb_to_peer(peer, skb, ds);
}

int wgi_socket_send_buffer_as_reply_to_skb(struct wgi_device *wg,
					   struct sk_buff *in_skb, void *buf,
					   size_t len)
{
	struct wgi_send_target t = { };
	struct sk_buff *skb;
	int ret;

	ret = wgi_socket_endpoint_from_skb(&t.ep, in_skb);
	if (unlikely(ret))
		return ret;
	skb = wgi_socket_skb_from_buffer(buf, len);
	if (unlikely(!skb))
		return -ENOMEM;
	/* No cache: replies go to strangers we keep no state for. */
	return wgi_send_to(wg, skb, 0, &t);
}

int wgi_socket_endpoint_from_skb(struct wgi_endpoint *ep,
				 const struct sk_buff *skb)
{
	memset(ep, 0, sizeof(*ep));
	if (skb->protocol == htons(ETH_P_IP)) {
		ep->addr4.sin_family = AF_INET;
		ep->addr4.sin_port = udp_hdr(skb)->source;
		ep->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		ep->src4.s_addr = ip_hdr(skb)->daddr;
		ep->src_if4 = skb->skb_iif;
		return 0;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		ep->addr6.sin6_family = AF_INET6;
		ep->addr6.sin6_port = udp_hdr(skb)->source;
		ep->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		ep->addr6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
					    skb->skb_iif);
		ep->src6 = ipv6_hdr(skb)->daddr;
		return 0;
	}
	return -EINVAL;
}

static bool wgi_endpoint_eq(const struct wgi_endpoint *a,
			    const struct wgi_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->src4.s_addr == b->src4.s_addr &&
		       a->src_if4 == b->src_if4;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       ipv6_addr_equal(&a->addr6.sin6_addr,
				       &b->addr6.sin6_addr) &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
		       ipv6_addr_equal(&a->src6, &b->src6);
	return false;
}

/* Routes cached for the old endpoint are useless; endpoint_lock held. */
static void wgi_peer_endpoint_moved(struct wgi_peer *peer)
{
	dst_cache_reset(&peer->endpoint_cache);
	peer->endpoint_gen++;
}

/* Did the remote address or port change (not just our source)? */
static bool wgi_endpoint_remote_eq(const struct wgi_endpoint *a,
				   const struct wgi_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	return a->addr6.sin6_port == b->addr6.sin6_port &&
	       ipv6_addr_equal(&a->addr6.sin6_addr, &b->addr6.sin6_addr) &&
	       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id;
}

void wgi_socket_set_peer_endpoint(struct wgi_peer *peer,
				  const struct wgi_endpoint *ep)
{
	bool same, moved;

	if (ep->addr.sa_family != AF_INET && ep->addr.sa_family != AF_INET6)
		return;

	/* The common case (nothing moved) costs only a read lock. */
	read_lock_bh(&peer->endpoint_lock);
	same = wgi_endpoint_eq(&peer->endpoint, ep);
	read_unlock_bh(&peer->endpoint_lock);
	if (likely(same))
		return;

	write_lock_bh(&peer->endpoint_lock);
	moved = !wgi_endpoint_remote_eq(&peer->endpoint, ep);
	memset(&peer->endpoint, 0, sizeof(peer->endpoint));
	if (ep->addr.sa_family == AF_INET) {
		peer->endpoint.addr4 = ep->addr4;
		peer->endpoint.src4 = ep->src4;
		peer->endpoint.src_if4 = ep->src_if4;
	} else {
		peer->endpoint.addr6 = ep->addr6;
		peer->endpoint.src6 = ep->src6;
	}
	wgi_peer_endpoint_moved(peer);
	write_unlock_bh(&peer->endpoint_lock);
	if (moved)
		wgi_event_endpoint_changed(peer);
}

void wgi_socket_set_peer_endpoint_from_skb(struct wgi_peer *peer,
					   const struct sk_buff *skb)
{
	struct wgi_endpoint ep;

	if (!wgi_socket_endpoint_from_skb(&ep, skb))
		wgi_socket_set_peer_endpoint(peer, &ep);
}

void wgi_socket_clear_peer_endpoint_src(struct wgi_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	/* src6 spans the whole source union, v4 address and ifindex too. */
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	wgi_peer_endpoint_moved(peer);
	write_unlock_bh(&peer->endpoint_lock);
}
