// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/time_types.h>
#include <linux/wg_inline.h>
#include "ipc.h"
#include "nl.h"
#include "encoding.h"
#include "util.h"

#define DUMP_RETRIES 64

static struct {
	bool compat_forced;
	bool resolved;
	int resolve_err;
	const char *family_name;	/* also the link kind we list */
	uint16_t family_id;
	struct nl_sock genl;
	char extack[512];
} ipc;

void ipc_force_compat(void)
{
	ipc.compat_forced = true;
}

bool ipc_compat_forced(void)
{
	return ipc.compat_forced;
}

const char *ipc_extack(void)
{
	return ipc.extack;
}

static void ipc_save_extack(const struct nl_sock *s)
{
	snprintf(ipc.extack, sizeof(ipc.extack), "%s", s->extack);
}

/* Picks the family: wg-inline, else wireguard (or wireguard if forced). */
static int ipc_resolve(void)
{
	int ret;

	if (ipc.resolved)
		return ipc.resolve_err;
	ipc.resolved = true;
	ipc.family_name = ipc.compat_forced ? WG_GENL_NAME : WG_INLINE_GENL_NAME;
	ret = nl_open(&ipc.genl, NETLINK_GENERIC);
	if (ret)
		return ipc.resolve_err = ret;
	ret = genl_family_id(&ipc.genl, ipc.family_name, &ipc.family_id);
	if (ret == -ENOENT && !ipc.compat_forced &&
	    !genl_family_id(&ipc.genl, WG_GENL_NAME, &ipc.family_id)) {
		ipc.family_name = WG_GENL_NAME;
		ret = 0;
	}
	/* Like wg: a missing family means the protocol is unavailable. */
	if (ret == -ENOENT)
		ret = -EPROTONOSUPPORT;
	return ipc.resolve_err = ret;
}

void ipc_close(void)
{
	if (ipc.genl.mnl)
		nl_close(&ipc.genl);
	ipc.resolved = false;
}

/* ------------------------------------------------------------------ */
/* GET */

static int parse_allowedip(const struct nlattr *nest, struct wg_peer *peer)
{
	struct wg_allowedip aip = { 0 };
	const struct nlattr *attr;
	size_t len = 0;
	bool have_cidr = false;

	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGALLOWEDIP_A_FAMILY:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
				aip.family = mnl_attr_get_u16(attr);
			break;
		case WGALLOWEDIP_A_IPADDR:
			len = mnl_attr_get_payload_len(attr);
			if (len == sizeof(aip.ip4) || len == sizeof(aip.ip6))
				memcpy(&aip.ip6, mnl_attr_get_payload(attr), len);
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) {
				aip.cidr = mnl_attr_get_u8(attr);
				have_cidr = true;
			}
			break;
		}
	}
	if (!have_cidr ||
	    !((aip.family == AF_INET && len == sizeof(aip.ip4)) ||
	      (aip.family == AF_INET6 && len == sizeof(aip.ip6))))
		return -EBADMSG;
	*peer_add_allowedip(peer) = aip;
	return 0;
}

static int parse_allowedips(const struct nlattr *nest, struct wg_peer *peer)
{
	const struct nlattr *attr;
	int ret;

	mnl_attr_for_each_nested(attr, nest) {
		ret = parse_allowedip(attr, peer);
		if (ret)
			return ret;
	}
	return 0;
}

static void parse_endpoint(const struct nlattr *attr, struct wg_peer *peer)
{
	size_t len = mnl_attr_get_payload_len(attr);
	union wg_endpoint ep = { 0 };

	if (len > sizeof(ep))
		return;
	memcpy(&ep, mnl_attr_get_payload(attr), len);
	if ((ep.addr.sa_family == AF_INET && len == sizeof(ep.addr4)) ||
	    (ep.addr.sa_family == AF_INET6 && len == sizeof(ep.addr6)))
		peer->endpoint = ep;
}

static void parse_handshake(const struct nlattr *attr, struct wg_peer *peer)
{
	struct __kernel_timespec ts;

	if (mnl_attr_get_payload_len(attr) != sizeof(ts))
		return;
	memcpy(&ts, mnl_attr_get_payload(attr), sizeof(ts));
	peer->last_handshake_sec = ts.tv_sec;
	peer->last_handshake_nsec = ts.tv_nsec;
}

static bool attr_is_key(const struct nlattr *attr)
{
	return mnl_attr_get_payload_len(attr) == WG_KEY_SIZE;
}

static int parse_peer_attr(const struct nlattr *attr, struct wg_peer *peer)
{
	switch (mnl_attr_get_type(attr)) {
	case WGPEER_A_PUBLIC_KEY:
		if (attr_is_key(attr)) {
			memcpy(peer->public_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
			peer->flags |= PEER_HAS_PUBLIC_KEY;
		}
		break;
	case WGPEER_A_PRESHARED_KEY:
		if (attr_is_key(attr)) {
			memcpy(peer->preshared_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
			if (!key_is_zero(peer->preshared_key))
				peer->flags |= PEER_HAS_PRESHARED_KEY;
		}
		break;
	case WGPEER_A_ENDPOINT:
		parse_endpoint(attr, peer);
		break;
	case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			peer->keepalive = mnl_attr_get_u16(attr);
		break;
	case WGPEER_A_LAST_HANDSHAKE_TIME:
		parse_handshake(attr, peer);
		break;
	case WGPEER_A_RX_BYTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
			peer->rx_bytes = mnl_attr_get_u64(attr);
		break;
	case WGPEER_A_TX_BYTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
			peer->tx_bytes = mnl_attr_get_u64(attr);
		break;
	case WGPEER_A_ALLOWEDIPS:
		return parse_allowedips(attr, peer);
	}
	return 0;
}

static int parse_peers(const struct nlattr *nest, struct wg_device *dev)
{
	const struct nlattr *pattr, *attr;
	struct wg_peer *peer;
	int ret;

	mnl_attr_for_each_nested(pattr, nest) {
		peer = device_add_peer(dev);
		mnl_attr_for_each_nested(attr, pattr) {
			ret = parse_peer_attr(attr, peer);
			if (ret)
				return ret;
		}
		if (!(peer->flags & PEER_HAS_PUBLIC_KEY))
			return -EBADMSG;
	}
	return 0;
}

static int parse_device_attr(const struct nlattr *attr, struct wg_device *dev)
{
	switch (mnl_attr_get_type(attr)) {
	case WGDEVICE_A_IFINDEX:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			dev->ifindex = mnl_attr_get_u32(attr);
		break;
	case WGDEVICE_A_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(dev->name, sizeof(dev->name), "%s",
				 mnl_attr_get_str(attr));
		break;
	case WGDEVICE_A_PRIVATE_KEY:
		if (attr_is_key(attr)) {
			memcpy(dev->private_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
			dev->flags |= DEV_HAS_PRIVATE_KEY;
		}
		break;
	case WGDEVICE_A_PUBLIC_KEY:
		if (attr_is_key(attr)) {
			memcpy(dev->public_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
			dev->flags |= DEV_HAS_PUBLIC_KEY;
		}
		break;
	case WGDEVICE_A_LISTEN_PORT:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			dev->listen_port = mnl_attr_get_u16(attr);
		break;
	case WGDEVICE_A_FWMARK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			dev->fwmark = mnl_attr_get_u32(attr);
		break;
	case WGDEVICE_A_PEERS:
		return parse_peers(attr, dev);
	}
	return 0;
}

static int get_device_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	int ret;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		ret = parse_device_attr(attr, data);
		if (ret)
			return ret;
	}
	return 0;
}

static int get_device_once(struct wg_device *dev, const char *ifname)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg_start(&ipc.genl, ipc.family_id, WG_CMD_GET_DEVICE,
			     WG_GENL_VERSION, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	return nl_transact(&ipc.genl, nlh, get_device_cb, dev);
}

int ipc_get_device(struct wg_device **out, const char *ifname)
{
	struct wg_device *dev;
	int ret, tries;

	*out = NULL;
	ipc.extack[0] = '\0';
	ret = ipc_resolve();
	if (ret)
		return ret;
	for (tries = 0; tries < DUMP_RETRIES; tries++) {
		dev = device_new(ifname);
		ret = get_device_once(dev, ifname);
		if (ret || !ipc.genl.dump_interrupted)
			break;
		device_free(dev);	/* changed while reading: again */
		dev = NULL;
		ret = -EAGAIN;
	}
	ipc_save_extack(&ipc.genl);
	if (ret) {
		device_free(dev);
		return ret;
	}
	device_coalesce_peers(dev);
	*out = dev;
	return 0;
}

/* ------------------------------------------------------------------ */
/* SET, split over as many messages as needed */

struct set_cursor {
	const struct wg_device *dev;
	const struct wg_peer *peer;
	size_t aip;		/* next allowed IP of peer to send */
	bool peer_started;	/* peer's own attributes already sent */
	size_t limit;		/* message size limit */
};

static bool put_device_attrs(struct nlmsghdr *nlh, const struct wg_device *dev,
			     size_t limit)
{
	uint32_t flags = (dev->flags & DEV_REPLACE_PEERS) ? WGDEVICE_F_REPLACE_PEERS : 0;

	if ((dev->flags & DEV_HAS_PRIVATE_KEY) &&
	    !mnl_attr_put_check(nlh, limit, WGDEVICE_A_PRIVATE_KEY, WG_KEY_SIZE,
				dev->private_key))
		return false;
	if ((dev->flags & DEV_HAS_LISTEN_PORT) &&
	    !mnl_attr_put_u16_check(nlh, limit, WGDEVICE_A_LISTEN_PORT, dev->listen_port))
		return false;
	if ((dev->flags & DEV_HAS_FWMARK) &&
	    !mnl_attr_put_u32_check(nlh, limit, WGDEVICE_A_FWMARK, dev->fwmark))
		return false;
	if (flags && !mnl_attr_put_u32_check(nlh, limit, WGDEVICE_A_FLAGS, flags))
		return false;
	return true;
}

static uint32_t peer_wire_flags(const struct wg_peer *peer)
{
	uint32_t flags = 0;

	if (peer->flags & PEER_REMOVE_ME)
		flags |= WGPEER_F_REMOVE_ME;
	if (peer->flags & PEER_REPLACE_ALLOWEDIPS)
		flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
	if (peer->flags & PEER_UPDATE_ONLY)
		flags |= WGPEER_F_UPDATE_ONLY;
	return flags;
}

static bool put_peer_attrs(struct nlmsghdr *nlh, const struct wg_peer *peer,
			   size_t limit)
{
	uint32_t flags = peer_wire_flags(peer);
	size_t eplen;

	if (flags && !mnl_attr_put_u32_check(nlh, limit, WGPEER_A_FLAGS, flags))
		return false;
	if (flags & WGPEER_F_REMOVE_ME)
		return true;
	if ((peer->flags & PEER_HAS_PRESHARED_KEY) &&
	    !mnl_attr_put_check(nlh, limit, WGPEER_A_PRESHARED_KEY, WG_KEY_SIZE,
				peer->preshared_key))
		return false;
	if (endpoint_is_set(&peer->endpoint)) {
		eplen = peer->endpoint.addr.sa_family == AF_INET ?
			sizeof(peer->endpoint.addr4) : sizeof(peer->endpoint.addr6);
		if (!mnl_attr_put_check(nlh, limit, WGPEER_A_ENDPOINT, eplen,
					&peer->endpoint))
			return false;
	}
	if ((peer->flags & PEER_HAS_KEEPALIVE) &&
	    !mnl_attr_put_u16_check(nlh, limit, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
				    peer->keepalive))
		return false;
	return true;
}

static bool put_allowedip(struct nlmsghdr *nlh, const struct wg_allowedip *aip,
			  size_t limit)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, limit, 0);
	size_t len = aip->family == AF_INET ? sizeof(aip->ip4) : sizeof(aip->ip6);

	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, limit, WGALLOWEDIP_A_FAMILY, aip->family) ||
	    !mnl_attr_put_check(nlh, limit, WGALLOWEDIP_A_IPADDR, len, &aip->ip6) ||
	    !mnl_attr_put_u8_check(nlh, limit, WGALLOWEDIP_A_CIDR_MASK, aip->cidr) ||
	    (aip->remove &&
	     !mnl_attr_put_u32_check(nlh, limit, WGALLOWEDIP_A_FLAGS,
				     WGALLOWEDIP_F_REMOVE_ME))) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* Returns true when the rest of the peer's allowed IPs fit. */
static bool put_allowedips(struct nlmsghdr *nlh, struct set_cursor *c)
{
	const struct wg_peer *peer = c->peer;
	struct nlattr *nest;
	size_t first = c->aip;

	if (peer->flags & PEER_REMOVE_ME || c->aip >= peer->n_allowedips)
		return true;
	nest = mnl_attr_nest_start_check(nlh, c->limit, WGPEER_A_ALLOWEDIPS);
	if (!nest)
		return false;
	while (c->aip < peer->n_allowedips &&
	       put_allowedip(nlh, &peer->allowedips[c->aip], c->limit))
		c->aip++;
	if (c->aip == first)
		mnl_attr_nest_cancel(nlh, nest);
	else
		mnl_attr_nest_end(nlh, nest);
	return c->aip == peer->n_allowedips;
}

/* Returns true when the whole (rest of the) peer went into the message. */
static bool put_peer(struct nlmsghdr *nlh, struct set_cursor *c)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, c->limit, 0);
	bool done;

	if (!nest)
		return false;
	if (!mnl_attr_put_check(nlh, c->limit, WGPEER_A_PUBLIC_KEY, WG_KEY_SIZE,
				c->peer->public_key))
		goto cancel;
	if (!c->peer_started) {
		if (!put_peer_attrs(nlh, c->peer, c->limit))
			goto cancel;
		c->peer_started = true;
	}
	done = put_allowedips(nlh, c);
	mnl_attr_nest_end(nlh, nest);
	return done;

cancel:
	mnl_attr_nest_cancel(nlh, nest);
	return false;
}

static void cursor_next_peer(struct set_cursor *c)
{
	c->peer = c->peer->next;
	c->aip = 0;
	c->peer_started = false;
}

static void put_peers(struct nlmsghdr *nlh, struct set_cursor *c)
{
	struct nlattr *nest;
	uint32_t len;

	if (!c->peer)
		return;
	nest = mnl_attr_nest_start_check(nlh, c->limit, WGDEVICE_A_PEERS);
	if (!nest)
		return;
	len = nlh->nlmsg_len;
	while (c->peer && put_peer(nlh, c))
		cursor_next_peer(c);
	if (nlh->nlmsg_len == len)
		mnl_attr_nest_cancel(nlh, nest);
	else
		mnl_attr_nest_end(nlh, nest);
}

static int set_device_msgs(const struct wg_device *dev)
{
	struct set_cursor c = { .dev = dev, .peer = dev->first_peer,
				.limit = ipc.genl.max_msg };
	const struct wg_peer *before;
	size_t before_aip;
	struct nlmsghdr *nlh;
	bool first = true;
	int ret;

	do {
		nlh = genl_msg_start(&ipc.genl, ipc.family_id, WG_CMD_SET_DEVICE,
				     WG_GENL_VERSION, 0);
		mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, dev->name);
		if (first && !put_device_attrs(nlh, dev, c.limit))
			return -EMSGSIZE;
		before = c.peer;
		before_aip = c.aip;
		put_peers(nlh, &c);
		if (!first && c.peer && c.peer == before && c.aip == before_aip)
			return -EMSGSIZE;	/* no progress: cannot happen */
		ret = nl_transact(&ipc.genl, nlh, NULL, NULL);
		if (ret)
			return ret;
		first = false;
	} while (c.peer);
	return 0;
}

int ipc_set_device(const struct wg_device *dev)
{
	int ret;

	ipc.extack[0] = '\0';
	ret = ipc_resolve();
	if (ret)
		return ret;
	ret = set_device_msgs(dev);
	ipc_save_extack(&ipc.genl);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Interface list over rtnetlink */

struct link_list {
	char **names;
	size_t n;
	const char *kind;
};

static const char *link_kind(const struct nlattr *linkinfo)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, linkinfo) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

static int list_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;
	const char *name = NULL, *kind = NULL;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(attr);
			break;
		case IFLA_LINKINFO:
			kind = link_kind(attr);
			break;
		}
	}
	if (!name || !kind || strcmp(kind, l->kind))
		return 0;
	l->names = xreallocarray(l->names, l->n + 2, sizeof(*l->names));
	l->names[l->n++] = xstrdup(name);
	l->names[l->n] = NULL;
	return 0;
}

int ipc_list_devices(char ***names)
{
	struct link_list l = { 0 };
	struct nl_sock rt;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	*names = NULL;
	ipc.extack[0] = '\0';
	/* Even without the family, list links of the kind we would use. */
	ipc_resolve();
	l.kind = ipc.family_name;
	ret = nl_open(&rt, NETLINK_ROUTE);
	if (ret)
		return ret;
	nlh = nl_msg_start(&rt, RTM_GETLINK, NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = nl_transact(&rt, nlh, list_link_cb, &l);
	snprintf(ipc.extack, sizeof(ipc.extack), "%s", rt.extack);
	nl_close(&rt);
	if (ret) {
		ipc_free_list(l.names);
		return ret;
	}
	if (!l.names)
		l.names = xcalloc(1, sizeof(*l.names));
	*names = l.names;
	return 0;
}

void ipc_free_list(char **names)
{
	char **p;

	if (!names)
		return;
	for (p = names; *p; p++)
		free(*p);
	free(names);
}
