// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink configuration interface.
 *
 * Speaks WireGuard's configuration protocol (see uapi/linux/wg_inline.h):
 * WG_CMD_GET_DEVICE is a dump that may span several messages,
 * WG_CMD_SET_DEVICE changes keys, port, fwmark and peers.
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
#include <linux/time64.h>
#include <linux/time_types.h>
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <crypto/algapi.h>
#include <linux/wg_inline.h>

#include "netlink.h"
#include "device.h"
#include "peer.h"
#include "noise.h"
#include "allowedips.h"
#include "cookie.h"
#include "datapath.h"
#include "messages.h"

static_assert(WG_KEY_LEN == WGI_KEY_LEN);
static_assert(WG_KEY_LEN == WGI_PUBKEY_LEN);

static struct genl_family wgi_genl_family;

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

static const struct nla_policy wgi_allowedip_policy[WGALLOWEDIP_A_MAX + 1] = {
	[WGALLOWEDIP_A_FAMILY]		= { .type = NLA_U16 },
	[WGALLOWEDIP_A_IPADDR]		= NLA_POLICY_RANGE(NLA_BINARY,
						sizeof(struct in_addr),
						sizeof(struct in6_addr)),
	[WGALLOWEDIP_A_CIDR_MASK]	= NLA_POLICY_MAX(NLA_U8, 128),
	[WGALLOWEDIP_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32,
							  __WGALLOWEDIP_F_ALL),
};

static const struct nla_policy wgi_peer_policy[WGPEER_A_MAX + 1] = {
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

static const struct nla_policy wgi_device_policy[WGDEVICE_A_MAX + 1] = {
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

static u32 wgi_nl_flags(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

/*
 * Elements of nested arrays were validated by the core already (in the
 * operation's strictness); they are parsed here only to get at their
 * attributes, which is why the element's own NLA_F_NESTED is not required.
 */
static int wgi_nl_parse_peer(struct nlattr **tb, const struct nlattr *elem,
			     struct netlink_ext_ack *extack)
{
	return nla_parse_nested_deprecated(tb, WGPEER_A_MAX, elem,
					   wgi_peer_policy, extack);
}

static int wgi_nl_parse_allowedip(struct nlattr **tb,
				  const struct nlattr *elem,
				  struct netlink_ext_ack *extack)
{
	return nla_parse_nested_deprecated(tb, WGALLOWEDIP_A_MAX, elem,
					   wgi_allowedip_policy, extack);
}

/*
 * CAP_NET_ADMIN over the namespace the request came from, checked here
 * rather than by the genl core so that a refusal carries a message.
 */
static int wgi_nl_check_admin(const struct sk_buff *skb, struct net *net,
			      struct netlink_ext_ack *extack)
{
	if (netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "configuring wg-inline needs CAP_NET_ADMIN");
	return -EPERM;
}

/* Looks the device up in @net. RTNL held; no reference taken. */
static struct wgi_device *wgi_nl_lookup(struct net *net, struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct nlattr *idx = attrs[WGDEVICE_A_IFINDEX];
	struct nlattr *name = attrs[WGDEVICE_A_IFNAME];
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

static bool wgi_nl_is_own_key(struct wgi_device *wg, const u8 *key)
{
	bool own;

	down_read(&wg->static_identity.lock);
	own = wg->static_identity.has_identity &&
	      !memcmp(key, wg->static_identity.public_key, WG_KEY_LEN);
	up_read(&wg->static_identity.lock);
	return own;
}

static bool wgi_nl_peer_exists(struct wgi_device *wg, const u8 *key)
{
	struct wgi_peer *peer = wgi_pubkey_table_lookup(wg->peer_hashtable,
							key);

	if (!peer)
		return false;
	wgi_peer_put(peer);
	return true;
}

/* ---------------------------------------------------------------------
 * SET: validation of the whole request
 */

struct wgi_nl_set_check {
	struct wgi_device *wg;
	const struct nlattr *peers;	/* WGDEVICE_A_PEERS, for back-scans */
	bool replace_peers;
	unsigned int new_peers;		/* upper bound on peers created */
	unsigned int aips_added;	/* allowed IPs added by earlier entries */
};

static int wgi_nl_check_endpoint(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	sa_family_t family;

	memcpy(&family, nla_data(attr), sizeof(family));
	if ((family == AF_INET && nla_len(attr) == sizeof(struct sockaddr_in)) ||
	    (family == AF_INET6 && nla_len(attr) == sizeof(struct sockaddr_in6)))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "invalid endpoint: need a sockaddr_in or sockaddr_in6");
	return -EINVAL;
}

/* Returns 1 for a prefix to add, 0 for one to remove, or -errno. */
static int wgi_nl_check_allowedip(const struct nlattr *elem,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[WGALLOWEDIP_A_MAX + 1];
	unsigned int addr_len, max_cidr;
	int ret;

	ret = wgi_nl_parse_allowedip(tb, elem, extack);
	if (ret)
		return ret;
	if (!tb[WGALLOWEDIP_A_FAMILY] || !tb[WGALLOWEDIP_A_IPADDR] ||
	    !tb[WGALLOWEDIP_A_CIDR_MASK]) {
		NL_SET_ERR_MSG_ATTR(extack, elem,
				    "allowed IP needs family, address and cidr");
		return -EINVAL;
	}
	switch (nla_get_u16(tb[WGALLOWEDIP_A_FAMILY])) {
	case AF_INET:
		addr_len = sizeof(struct in_addr);
		max_cidr = 32;
		break;
	case AF_INET6:
		addr_len = sizeof(struct in6_addr);
		max_cidr = 128;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[WGALLOWEDIP_A_FAMILY],
				    "allowed IP family not supported");
		return -EAFNOSUPPORT;
	}
	if (nla_len(tb[WGALLOWEDIP_A_IPADDR]) != addr_len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[WGALLOWEDIP_A_IPADDR],
				    "allowed IP family/address length mismatch");
		return -EINVAL;
	}
	if (nla_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK]) > max_cidr) {
		NL_SET_ERR_MSG_ATTR(extack, tb[WGALLOWEDIP_A_CIDR_MASK],
				    "cidr out of range");
		return -EINVAL;
	}
	/* 1 if it adds a prefix, 0 if it removes one */
	return !(wgi_nl_flags(tb[WGALLOWEDIP_A_FLAGS]) &
		 WGALLOWEDIP_F_REMOVE_ME);
}

static unsigned int wgi_nl_count_peer_allowedips(struct wgi_peer *peer)
{
	struct wgi_allowedips_node *node;
	unsigned int n = 0;

	list_for_each_entry(node, &peer->allowedips_list, peer_list)
		++n;
	return n;
}

/* Counts the prefixes an allowed-IP list adds (rather than removes). */
static unsigned int wgi_nl_count_adds(const struct nlattr *list)
{
	struct nlattr *tb[WGALLOWEDIP_A_MAX + 1];
	unsigned int n = 0;
	struct nlattr *elem;
	int rem;

	nla_for_each_nested(elem, list, rem)
		if (!wgi_nl_parse_allowedip(tb, elem, NULL) &&
		    !(wgi_nl_flags(tb[WGALLOWEDIP_A_FLAGS]) &
		      WGALLOWEDIP_F_REMOVE_ME))
			++n;
	return n;
}

/*
 * What earlier entries of this request for @key leave the peer with:
 * *@existing drops to zero after one that removes the peer, and the
 * returned count of added prefixes restarts after a replacement.
 */
static unsigned int wgi_nl_earlier_adds(const struct nlattr *peers,
					const struct nlattr *stop,
					const u8 *key, unsigned int *existing)
{
	struct nlattr *tb[WGPEER_A_MAX + 1];
	unsigned int added = 0;
	struct nlattr *elem;
	u32 flags;
	int rem;

	nla_for_each_nested(elem, peers, rem) {
		if (elem == stop)
			break;
		if (wgi_nl_parse_peer(tb, elem, NULL) ||
		    !tb[WGPEER_A_PUBLIC_KEY] ||
		    memcmp(nla_data(tb[WGPEER_A_PUBLIC_KEY]), key, WG_KEY_LEN))
			continue;
		flags = wgi_nl_flags(tb[WGPEER_A_FLAGS]);
		if (flags & WGPEER_F_REMOVE_ME) {
			*existing = 0;
			added = 0;
			continue;
		}
		if (flags & WGPEER_F_REPLACE_ALLOWEDIPS) {
			*existing = 0;
			added = 0;
		}
		if (tb[WGPEER_A_ALLOWEDIPS])
			added += wgi_nl_count_adds(tb[WGPEER_A_ALLOWEDIPS]);
	}
	return added;
}

/*
 * Validates every allowed IP of one peer entry and makes sure the peer
 * would not end up above the per-peer limit, counting what earlier
 * entries for the same key add. Those are only looked for when all that
 * the request added so far could make the difference, so that a big
 * request of many peers is not scanned once per peer.
 */
static int wgi_nl_check_allowedips(struct wgi_nl_set_check *chk,
				   const struct nlattr *entry,
				   struct nlattr **tb, const u8 *pubkey,
				   struct netlink_ext_ack *extack)
{
	unsigned int earlier = 0;
	bool replace = wgi_nl_flags(tb[WGPEER_A_FLAGS]) &
		       WGPEER_F_REPLACE_ALLOWEDIPS;
	unsigned int added = 0, existing = 0;
	struct wgi_peer *peer;
	struct nlattr *elem;
	int rem, ret;

	if (!tb[WGPEER_A_ALLOWEDIPS])
		return 0;
	nla_for_each_nested(elem, tb[WGPEER_A_ALLOWEDIPS], rem) {
		ret = wgi_nl_check_allowedip(elem, extack);
		if (ret < 0)
			return ret;
		added += ret;
	}
	if (!added)
		return 0;
	if (!replace && !chk->replace_peers) {
		peer = wgi_pubkey_table_lookup(chk->wg->peer_hashtable, pubkey);
		if (peer) {
			existing = wgi_nl_count_peer_allowedips(peer);
			wgi_peer_put(peer);
		}
	}
	if (!replace &&
	    added + existing + chk->aips_added > WGI_MAX_ALLOWEDIPS_PER_PEER)
		earlier = wgi_nl_earlier_adds(chk->peers, entry, pubkey,
					      &existing);
	chk->aips_added += added;
	if (added + existing + earlier > WGI_MAX_ALLOWEDIPS_PER_PEER) {
		NL_SET_ERR_MSG_ATTR(extack, tb[WGPEER_A_ALLOWEDIPS],
				    "too many allowed IPs for one peer");
		return -E2BIG;
	}
	return 0;
}

/* Whether an entry before @stop in this request creates or updates @key. */
static bool wgi_nl_added_earlier(const struct nlattr *peers,
				 const struct nlattr *stop, const u8 *key)
{
	struct nlattr *tb[WGPEER_A_MAX + 1];
	struct nlattr *elem;
	u32 flags;
	int rem;

	nla_for_each_nested(elem, peers, rem) {
		if (elem == stop)
			break;
		if (wgi_nl_parse_peer(tb, elem, NULL) ||
		    !tb[WGPEER_A_PUBLIC_KEY])
			continue;
		flags = wgi_nl_flags(tb[WGPEER_A_FLAGS]);
		if (flags & (WGPEER_F_REMOVE_ME | WGPEER_F_UPDATE_ONLY))
			continue;
		if (!memcmp(nla_data(tb[WGPEER_A_PUBLIC_KEY]), key, WG_KEY_LEN))
			return true;
	}
	return false;
}

/*
 * Removing a peer that does not exist is an error (unlike WireGuard, which
 * ignores it). A key equal to our own public key is ignored, as WireGuard
 * ignores any peer entry carrying the device's own key.
 */
static int wgi_nl_check_remove(struct wgi_nl_set_check *chk,
			       const struct nlattr *elem, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	const u8 *key = nla_data(tb[WGPEER_A_PUBLIC_KEY]);

	if (wgi_nl_peer_exists(chk->wg, key) || wgi_nl_is_own_key(chk->wg, key))
		return 0;
	if (wgi_nl_added_earlier(chk->peers, elem, key))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[WGPEER_A_PUBLIC_KEY],
			    "peer to remove does not exist");
	return -ENOENT;
}

static int wgi_nl_check_peer(struct wgi_nl_set_check *chk,
			     const struct nlattr *elem,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[WGPEER_A_MAX + 1];
	const u8 *key;
	u32 flags;
	int ret;

	ret = wgi_nl_parse_peer(tb, elem, extack);
	if (ret)
		return ret;
	if (!tb[WGPEER_A_PUBLIC_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, elem, "peer is missing its public key");
		return -EINVAL;
	}
	key = nla_data(tb[WGPEER_A_PUBLIC_KEY]);
	flags = wgi_nl_flags(tb[WGPEER_A_FLAGS]);
	if (flags & WGPEER_F_REMOVE_ME)
		return wgi_nl_check_remove(chk, elem, tb, extack);

	if (tb[WGPEER_A_ENDPOINT]) {
		ret = wgi_nl_check_endpoint(tb[WGPEER_A_ENDPOINT], extack);
		if (ret)
			return ret;
	}
	ret = wgi_nl_check_allowedips(chk, elem, tb, key, extack);
	if (ret)
		return ret;
	if (!(flags & WGPEER_F_UPDATE_ONLY) &&
	    (chk->replace_peers || !wgi_nl_peer_exists(chk->wg, key)))
		++chk->new_peers;
	return 0;
}

static int wgi_nl_check_peers(struct wgi_nl_set_check *chk,
			      struct netlink_ext_ack *extack)
{
	unsigned int existing;
	struct nlattr *elem;
	int rem, ret;

	if (!chk->peers)
		return 0;
	nla_for_each_nested(elem, chk->peers, rem) {
		ret = wgi_nl_check_peer(chk, elem, extack);
		if (ret)
			return ret;
	}
	existing = chk->replace_peers ? 0 : chk->wg->num_peers;
	if (existing + chk->new_peers > WGI_MAX_PEERS_PER_DEVICE) {
		NL_SET_ERR_MSG_ATTR(extack, chk->peers,
				    "too many peers for one device");
		return -E2BIG;
	}
	return 0;
}

/*
 * Changing the port or fwmark affects the UDP sockets, which live in the
 * namespace the device was created in: require CAP_NET_ADMIN there too.
 */
static int wgi_nl_check_socket_perm(struct wgi_device *wg,
				    struct genl_info *info)
{
	struct net *net;
	int ret;

	if (!info->attrs[WGDEVICE_A_LISTEN_PORT] &&
	    !info->attrs[WGDEVICE_A_FWMARK])
		return 0;
	rcu_read_lock();
	net = rcu_dereference(wg->creating_net);
	ret = net && ns_capable(net->user_ns, CAP_NET_ADMIN) ? 0 : -EPERM;
	rcu_read_unlock();
	if (ret)
		GENL_SET_ERR_MSG(info,
				 "changing port or fwmark needs CAP_NET_ADMIN in the socket namespace");
	return ret;
}

static int wgi_nl_check_set(struct wgi_device *wg, struct genl_info *info)
{
	struct wgi_nl_set_check chk = {
		.wg = wg,
		.peers = info->attrs[WGDEVICE_A_PEERS],
		.replace_peers = wgi_nl_flags(info->attrs[WGDEVICE_A_FLAGS]) &
				 WGDEVICE_F_REPLACE_PEERS,
	};
	int ret;

	ret = wgi_nl_check_socket_perm(wg, info);
	if (ret)
		return ret;
	return wgi_nl_check_peers(&chk, info->extack);
}

/* ---------------------------------------------------------------------
 * SET: applying a validated request
 */

static void wgi_nl_clear_endpoint_srcs(struct wgi_device *wg)
{
	struct wgi_peer *peer;

	list_for_each_entry(peer, &wg->peer_list, peer_list)
		wgi_socket_clear_peer_endpoint_src(peer);
}

static int wgi_nl_set_port(struct wgi_device *wg, const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	u16 port = nla_get_u16(attr);
	int ret;

	if (port == wg->incoming_port)
		return 0;
	if (netif_running(wg->dev)) {
		ret = wgi_socket_init(wg, port);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "cannot bind the listen port");
			return ret;
		}
	} else {
		wg->incoming_port = port;
	}
	wgi_nl_clear_endpoint_srcs(wg);
	return 0;
}

static void wgi_nl_set_fwmark(struct wgi_device *wg, const struct nlattr *attr)
{
	wg->fwmark = nla_get_u32(attr);
	wgi_nl_clear_endpoint_srcs(wg);
}

/* Drops the peer whose public key is @key, if any (it would be ourselves). */
static void wgi_nl_remove_peer_by_key(struct wgi_device *wg, const u8 *key)
{
	struct wgi_peer *peer = wgi_pubkey_table_lookup(wg->peer_hashtable,
							key);

	if (!peer)
		return;
	wgi_peer_remove(peer);
	wgi_peer_put(peer);
}

/*
 * Installs a new private key (an empty attribute or all zeros removes our
 * identity). Every peer's static-static DH and the cookie keys depend on
 * it, and handshakes in flight and current sessions are dropped so they
 * get renegotiated.
 */
static void wgi_nl_set_private_key(struct wgi_device *wg,
				   const struct nlattr *attr)
{
	u8 key[WG_KEY_LEN] = { 0 }, clamped[WG_KEY_LEN];
	struct wgi_peer *peer;
	bool unchanged;

	if (nla_len(attr) == WG_KEY_LEN)
		memcpy(key, nla_data(attr), WG_KEY_LEN);

	/* The stored key is clamped; re-setting the same key is a no-op. */
	memcpy(clamped, key, WG_KEY_LEN);
	clamped[0] &= 248;
	clamped[31] = (clamped[31] & 127) | 64;
	down_read(&wg->static_identity.lock);
	unchanged = wg->static_identity.has_identity &&
		    !crypto_memneq(clamped, wg->static_identity.private_key,
				   WG_KEY_LEN);
	up_read(&wg->static_identity.lock);
	memzero_explicit(clamped, sizeof(clamped));
	if (unchanged)
		goto out;

	down_write(&wg->static_identity.lock);
	wgi_noise_set_static_identity_private_key(&wg->static_identity, key);
	list_for_each_entry(peer, &wg->peer_list, peer_list) {
		wgi_noise_precompute_static_static(peer);
		/*
		 * A handshake in flight was made as our old self: drop it,
		 * and let the next packet start one at once.
		 */
		wgi_noise_handshake_clear(&peer->handshake);
		wgi_send_handshake_allow_now(peer);
		wgi_noise_expire_current_keypair(&peer->keypairs);
	}
	wgi_cookie_checker_precompute_device_keys(&wg->cookie_checker);
	up_write(&wg->static_identity.lock);

	/* A peer carrying our own new public key cannot be talked to. */
	if (wg->static_identity.has_identity)
		wgi_nl_remove_peer_by_key(wg, wg->static_identity.public_key);
out:
	memzero_explicit(key, sizeof(key));
}

static void wgi_nl_peer_set_psk(struct wgi_peer *peer,
				const struct nlattr *attr)
{
	down_write(&peer->handshake.lock);
	memcpy(peer->handshake.preshared_key, nla_data(attr), WG_KEY_LEN);
	up_write(&peer->handshake.lock);
}

static void wgi_nl_peer_set_endpoint(struct wgi_peer *peer,
				     const struct nlattr *attr)
{
	struct wgi_endpoint ep;

	memset(&ep, 0, sizeof(ep));
	/* Length and family were checked in wgi_nl_check_endpoint(). */
	if (nla_len(attr) == sizeof(ep.addr4))
		memcpy(&ep.addr4, nla_data(attr), sizeof(ep.addr4));
	else
		memcpy(&ep.addr6, nla_data(attr), sizeof(ep.addr6));
	wgi_socket_set_peer_endpoint(peer, &ep);
}

static int wgi_nl_peer_apply_allowedip(struct wgi_device *wg,
				       struct wgi_peer *peer,
				       const struct nlattr *elem)
{
	struct nlattr *tb[WGALLOWEDIP_A_MAX + 1];
	struct wgi_allowedips *t = &wg->peer_allowedips;
	bool remove;
	u8 cidr;
	int ret;

	ret = wgi_nl_parse_allowedip(tb, elem, NULL);
	if (ret)
		return ret;
	cidr = nla_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK]);
	remove = wgi_nl_flags(tb[WGALLOWEDIP_A_FLAGS]) & WGALLOWEDIP_F_REMOVE_ME;

	if (nla_get_u16(tb[WGALLOWEDIP_A_FAMILY]) == AF_INET) {
		struct in_addr a;

		memcpy(&a, nla_data(tb[WGALLOWEDIP_A_IPADDR]), sizeof(a));
		if (remove)
			ret = wgi_allowedips_remove_v4(t, &a, cidr, peer,
						       &wg->update_lock);
		else
			ret = wgi_allowedips_insert_v4(t, &a, cidr, peer,
						       &wg->update_lock);
	} else {
		struct in6_addr a;

		memcpy(&a, nla_data(tb[WGALLOWEDIP_A_IPADDR]), sizeof(a));
		if (remove)
			ret = wgi_allowedips_remove_v6(t, &a, cidr, peer,
						       &wg->update_lock);
		else
			ret = wgi_allowedips_insert_v6(t, &a, cidr, peer,
						       &wg->update_lock);
	}
	/*
	 * Removing a prefix the peer does not have is not an error (same as
	 * WireGuard): the requested end state already holds.
	 */
	if (remove && ret == -ENOENT)
		ret = 0;
	return ret;
}

static int wgi_nl_peer_set_allowedips(struct wgi_device *wg,
				      struct wgi_peer *peer,
				      const struct nlattr *list,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *elem;
	int rem, ret;

	nla_for_each_nested(elem, list, rem) {
		ret = wgi_nl_peer_apply_allowedip(wg, peer, elem);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(extack, elem,
					    "failed to update allowed IP");
			return ret;
		}
	}
	return 0;
}

/* Returns the peer for @key with a reference, creating it if allowed. */
static struct wgi_peer *wgi_nl_peer_get_or_create(struct wgi_device *wg,
						  struct nlattr **tb,
						  bool *created,
						  struct netlink_ext_ack *extack)
{
	const u8 *key = nla_data(tb[WGPEER_A_PUBLIC_KEY]);
	u8 zero_psk[WG_KEY_LEN] = { 0 };
	struct wgi_peer *peer;

	*created = false;
	peer = wgi_pubkey_table_lookup(wg->peer_hashtable, key);
	if (peer)
		return peer;
	if (wgi_nl_flags(tb[WGPEER_A_FLAGS]) & WGPEER_F_UPDATE_ONLY)
		return NULL;

	peer = wgi_peer_create(wg, key, tb[WGPEER_A_PRESHARED_KEY] ?
				nla_data(tb[WGPEER_A_PRESHARED_KEY]) : zero_psk);
	if (IS_ERR(peer)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[WGPEER_A_PUBLIC_KEY],
				    "failed to create peer");
		return peer;
	}
	*created = true;
	/* The list owns the creation reference; take ours as a lookup would. */
	return wgi_peer_get(peer);
}

static void wgi_nl_peer_set_keepalive(struct wgi_peer *peer,
				      const struct nlattr *attr)
{
	u16 interval = nla_get_u16(attr);
	bool enable = interval && !peer->persistent_keepalive_interval;

	WRITE_ONCE(peer->persistent_keepalive_interval, interval);
	if (enable && netif_running(peer->device->dev))
		wgi_send_keepalive(peer);
}

static int wgi_nl_peer_update(struct wgi_device *wg, struct wgi_peer *peer,
			      struct nlattr **tb, bool created,
			      struct netlink_ext_ack *extack)
{
	u32 flags = wgi_nl_flags(tb[WGPEER_A_FLAGS]);
	bool replace = flags & WGPEER_F_REPLACE_ALLOWEDIPS;
	LIST_HEAD(stale);
	int ret = 0;

	if (tb[WGPEER_A_PRESHARED_KEY] && !created)
		wgi_nl_peer_set_psk(peer, tb[WGPEER_A_PRESHARED_KEY]);
	if (tb[WGPEER_A_ENDPOINT])
		wgi_nl_peer_set_endpoint(peer, tb[WGPEER_A_ENDPOINT]);
	if (replace)
		wgi_allowedips_replace_begin(peer, &stale);
	if (tb[WGPEER_A_ALLOWEDIPS])
		ret = wgi_nl_peer_set_allowedips(wg, peer,
						 tb[WGPEER_A_ALLOWEDIPS],
						 extack);
	if (replace)
		wgi_allowedips_replace_end(&wg->peer_allowedips, &stale,
					   &wg->update_lock);
	if (ret)
		return ret;
	if (tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
		wgi_nl_peer_set_keepalive(peer,
					  tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]);
	if (netif_running(wg->dev))
		wgi_send_staged_packets(peer);
	return 0;
}

static int wgi_nl_apply_peer(struct wgi_device *wg, const struct nlattr *elem,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[WGPEER_A_MAX + 1];
	struct wgi_peer *peer;
	bool created;
	int ret;

	ret = wgi_nl_parse_peer(tb, elem, extack);
	if (ret)
		return ret;
	/* WireGuard semantics: an entry for our own key is ignored. */
	if (wgi_nl_is_own_key(wg, nla_data(tb[WGPEER_A_PUBLIC_KEY])))
		return 0;

	if (wgi_nl_flags(tb[WGPEER_A_FLAGS]) & WGPEER_F_REMOVE_ME) {
		/* Validated to exist; may be gone through REPLACE_PEERS. */
		wgi_nl_remove_peer_by_key(wg, nla_data(tb[WGPEER_A_PUBLIC_KEY]));
		return 0;
	}

	peer = wgi_nl_peer_get_or_create(wg, tb, &created, extack);
	if (IS_ERR_OR_NULL(peer))
		return PTR_ERR_OR_ZERO(peer);
	ret = wgi_nl_peer_update(wg, peer, tb, created, extack);
	wgi_peer_put(peer);
	return ret;
}

static int wgi_nl_apply_peers(struct wgi_device *wg, const struct nlattr *peers,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *elem;
	int rem, ret;

	nla_for_each_nested(elem, peers, rem) {
		ret = wgi_nl_apply_peer(wg, elem, extack);
		if (ret)
			return ret;
	}
	return 0;
}

static int wgi_nl_apply_set(struct wgi_device *wg, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	int ret;

	/* First, as it is the one change likely to fail (port in use). */
	if (attrs[WGDEVICE_A_LISTEN_PORT]) {
		ret = wgi_nl_set_port(wg, attrs[WGDEVICE_A_LISTEN_PORT],
				      info->extack);
		if (ret)
			return ret;
	}
	++wg->device_update_gen;
	if (attrs[WGDEVICE_A_FWMARK])
		wgi_nl_set_fwmark(wg, attrs[WGDEVICE_A_FWMARK]);
	if (wgi_nl_flags(attrs[WGDEVICE_A_FLAGS]) & WGDEVICE_F_REPLACE_PEERS)
		wgi_peer_remove_all(wg);
	if (attrs[WGDEVICE_A_PRIVATE_KEY])
		wgi_nl_set_private_key(wg, attrs[WGDEVICE_A_PRIVATE_KEY]);
	if (attrs[WGDEVICE_A_PEERS])
		return wgi_nl_apply_peers(wg, attrs[WGDEVICE_A_PEERS],
					  info->extack);
	return 0;
}

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
 * GET: a dump, resumable across messages
 */

struct wgi_nl_dump_ctx {
	struct wgi_device *wg;		/* dev_hold()'d in start */
	struct wgi_peer *next_peer;	/* referenced; where to resume */
	u32 next_allowedip;		/* position in next_peer's list */
	bool peer_started;		/* next_peer's header already sent */
	bool sent_device;		/* first message went out */
	bool finished;
};

static struct wgi_nl_dump_ctx *wgi_nl_dump_ctx(struct netlink_callback *cb)
{
	static_assert(sizeof(struct wgi_nl_dump_ctx) <= sizeof(cb->ctx));
	return (struct wgi_nl_dump_ctx *)cb->ctx;
}

static int wgi_nl_get_start(struct netlink_callback *cb)
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

static int wgi_nl_get_done(struct netlink_callback *cb)
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

/*
 * Emits the peer's allowed IPs from position ctx->next_allowedip on. On
 * -EMSGSIZE the position is advanced past what did fit.
 */
static int wgi_nl_put_allowedips(struct sk_buff *skb, struct wgi_peer *peer,
				 struct wgi_nl_dump_ctx *ctx)
{
	struct wgi_allowedips_node *node;
	struct nlattr *nest;
	u32 pos = 0, first = ctx->next_allowedip;
	int ret = 0;

	if (list_empty(&peer->allowedips_list))
		return 0;
	nest = nla_nest_start(skb, WGPEER_A_ALLOWEDIPS);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(node, &peer->allowedips_list, peer_list) {
		if (pos++ < first)
			continue;
		ret = wgi_nl_put_allowedip(skb, node);
		if (ret)
			break;
		++ctx->next_allowedip;
	}
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

static int wgi_nl_get_device(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgi_nl_dump_ctx *ctx = wgi_nl_dump_ctx(cb);
	int ret;

	if (ctx->finished)
		return 0;
	rtnl_lock();
	if (ctx->wg->dev->reg_state != NETREG_REGISTERED) {
		rtnl_unlock();
		NL_SET_ERR_MSG(cb->extack, "device went away during the dump");
		return -ENODEV;
	}
	mutex_lock(&ctx->wg->update_lock);
	ret = wgi_nl_dump_locked(skb, cb, ctx);
	mutex_unlock(&ctx->wg->update_lock);
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

static struct genl_family wgi_genl_family __ro_after_init = {
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
