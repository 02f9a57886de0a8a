// SPDX-License-Identifier: GPL-2.0
/*
 * WG_CMD_SET_DEVICE, second half: applying a request that
 * wgi_nl_check_set() accepted. Only failures that cannot be predicted
 * (memory allocation, the UDP port being taken) can stop a request half
 * way; the listen port is applied first so that the common one of those
 * leaves the device untouched as well.
 *
 * Locking: called by wgi_nl_set_device() with RTNL and wg->update_lock
 * held; the finer locks (static identity rwsem, handshake rwsem, endpoint
 * rwlock) are taken below them, in that order.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <linux/wg_inline.h>

#include "netlink_priv.h"
#include "device.h"
#include "peer.h"
#include "noise.h"
#include "allowedips.h"
#include "cookie.h"
#include "datapath.h"

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

	/*
	 * The stored key was clamped by
	 * wgi_noise_set_static_identity_private_key(): clamped the same way,
	 * a key equal to it is recognised and re-setting it is a no-op.
	 */
	memcpy(clamped, key, WG_KEY_LEN);
	curve25519_clamp_secret(clamped);
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

/*
 * All zeros is how the API says "no PSK"; the handshake mixes in a zero
 * key, which is the protocol's no-PSK case, so it is stored as it comes.
 */
static void wgi_nl_peer_set_psk(struct wgi_peer *peer,
				const struct nlattr *attr)
{
	wgi_noise_set_preshared_key(&peer->handshake, nla_data(attr));
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
	if (replace || tb[WGPEER_A_ALLOWEDIPS])
		wgi_event_raise(peer, WGI_EVENT_ALLOWEDIPS_CHANGED, GFP_KERNEL);
	if (ret)
		return ret;
	if (tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
		wgi_nl_peer_set_keepalive(peer,
					  tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]);
	if (netif_running(wg->dev))
		wgi_send_flush_staged(peer);
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

int wgi_nl_apply_set(struct wgi_device *wg, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u16 old_port = wg->incoming_port;
	u32 old_fwmark = wg->fwmark;
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
	/*
	 * Before the peers change: the tunnels that existed hear it, and
	 * those added below carry the new values in TUNNEL_ADDED.
	 */
	if (wg->incoming_port != old_port || wg->fwmark != old_fwmark)
		wgi_event_raise_device(wg, WGI_EVENT_SOCKET_CHANGED);
	if (wgi_nl_flags(attrs[WGDEVICE_A_FLAGS]) & WGDEVICE_F_REPLACE_PEERS)
		wgi_peer_remove_all(wg);
	if (attrs[WGDEVICE_A_PRIVATE_KEY])
		wgi_nl_set_private_key(wg, attrs[WGDEVICE_A_PRIVATE_KEY]);
	if (attrs[WGDEVICE_A_PEERS])
		return wgi_nl_apply_peers(wg, attrs[WGDEVICE_A_PEERS],
					  info->extack);
	return 0;
}
