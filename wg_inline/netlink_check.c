// SPDX-License-Identifier: GPL-2.0
/*
 * WG_CMD_SET_DEVICE, first half: the whole request is validated before
 * anything is changed, so a malformed or inconsistent request leaves the
 * device as it was (netlink_apply.c then makes the changes).
 *
 * Called by wgi_nl_set_device() with RTNL and wg->update_lock held, and
 * they stay held until the request has been applied. Of the finer locks
 * it takes only the static identity rwsem, for reading.
 */

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/wg_inline.h>

#include "netlink_priv.h"
#include "device.h"
#include "peer.h"
#include "allowedips.h"
#include "messages.h"

struct wgi_nl_set_check {
	struct wgi_device *wg;
	const struct nlattr *peers;	/* WGDEVICE_A_PEERS, for back-scans */
	bool replace_peers;
	unsigned int new_peers;		/* upper bound on peers created */
	unsigned int aips_added;	/* allowed IPs added by earlier entries */
};

static bool wgi_nl_peer_exists(struct wgi_device *wg, const u8 *key)
{
	struct wgi_peer *peer = wgi_pubkey_table_lookup(wg->peer_hashtable,
							key);

	if (!peer)
		return false;
	wgi_peer_put(peer);
	return true;
}

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

int wgi_nl_check_set(struct wgi_device *wg, struct genl_info *info)
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
