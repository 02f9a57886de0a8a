// SPDX-License-Identifier: GPL-2.0
/*
 * wgaff monitor [-j]: prints wg-inline tunnel events as they happen, from
 * the extension family's "events" multicast group (joining it takes
 * CAP_NET_ADMIN in this network namespace). One line per event, flushed,
 * so that a pipe or a file sees each one at once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/wg_inline.h>
#include "commands.h"
#include "encoding.h"
#include "ext.h"
#include "format.h"
#include "json.h"
#include "nl.h"
#include "show_ext.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const char *const event_names[] = {
	[WGI_EVENT_TUNNEL_ADDED] = "tunnel-added",
	[WGI_EVENT_TUNNEL_REMOVED] = "tunnel-removed",
	[WGI_EVENT_DEVICE_UP] = "device-up",
	[WGI_EVENT_DEVICE_DOWN] = "device-down",
	[WGI_EVENT_ENDPOINT_CHANGED] = "endpoint-changed",
	[WGI_EVENT_ALLOWEDIPS_CHANGED] = "allowedips-changed",
	[WGI_EVENT_AFFINITY_CHANGED] = "affinity-changed",
	[WGI_EVENT_MODE_CHANGED] = "mode-changed",
	[WGI_EVENT_STEERING_CHANGED] = "steering-changed",
	[WGI_EVENT_SOCKET_CHANGED] = "socket-changed",
};

struct event {
	uint8_t type;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint8_t key[WG_KEY_SIZE];
	bool has_key;
	uint64_t tunnel_id;
	uint8_t mode, core_state, device_up, steer;
	uint32_t core;
	uint16_t listen_port;
	union wg_endpoint endpoint;
};

static void monitor_usage(FILE *f)
{
	fprintf(f, "Usage: %s monitor [-j | --json]\n"
		   "Prints tunnel events (added, removed, device up/down, endpoint, allowed IPs,\n"
		   "core, mode and steering changes) as they happen, one per line, until interrupted.\n",
		prog_name);
}

/* ------------------------------------------------------------------ */
/* Finding the family's id and its events group */

struct family_groups {
	uint16_t id;
	uint32_t events_group;
};

static void parse_mcast_group(const struct nlattr *grp, struct family_groups *fg)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, WG_INLINE_EXT_MCGRP_EVENTS))
		fg->events_group = id;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_groups *fg = data;
	const struct nlattr *a, *grp;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			fg->id = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			mnl_attr_for_each_nested(grp, a)
				parse_mcast_group(grp, fg);
	}
	return 0;
}

static int find_events_group(struct nl_sock *s, struct family_groups *fg)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(fg, 0, sizeof(*fg));
	nlh = genl_msg_start(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_INLINE_EXT_GENL_NAME);
	ret = nl_transact(s, nlh, family_cb, fg);
	if (!ret && (!fg->id || !fg->events_group))
		ret = -ENOENT;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Reading and printing events */

static void parse_event_attr(const struct nlattr *a, struct event *e)
{
	size_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case WGI_EXT_A_EVENT: e->type = mnl_attr_get_u8(a); break;
	case WGI_EXT_A_IFINDEX: e->ifindex = mnl_attr_get_u32(a); break;
	case WGI_EXT_A_IFNAME:
		snprintf(e->ifname, sizeof(e->ifname), "%s", mnl_attr_get_str(a));
		break;
	case WGI_EXT_A_PUBLIC_KEY:
		if (len == WG_KEY_SIZE) {
			memcpy(e->key, mnl_attr_get_payload(a), WG_KEY_SIZE);
			e->has_key = true;
		}
		break;
	case WGI_EXT_A_TUNNEL_ID: e->tunnel_id = mnl_attr_get_u64(a); break;
	case WGI_EXT_A_MODE: e->mode = mnl_attr_get_u8(a); break;
	case WGI_EXT_A_CORE: e->core = mnl_attr_get_u32(a); break;
	case WGI_EXT_A_CORE_STATE: e->core_state = mnl_attr_get_u8(a); break;
	case WGI_EXT_A_DEVICE_UP: e->device_up = mnl_attr_get_u8(a); break;
	case WGI_EXT_A_LISTEN_PORT: e->listen_port = mnl_attr_get_u16(a); break;
	case WGI_EXT_A_STEER: e->steer = mnl_attr_get_u8(a); break;
	case WGI_EXT_A_ENDPOINT:
		if (len == sizeof(e->endpoint.addr4) || len == sizeof(e->endpoint.addr6))
			memcpy(&e->endpoint, mnl_attr_get_payload(a), len);
		break;
	}
}

static const char *event_name(uint8_t type)
{
	if (type < sizeof(event_names) / sizeof(event_names[0]) && event_names[type])
		return event_names[type];
	return "unknown";
}

static void print_event_text(const struct event *e)
{
	char key[WG_KEY_B64_LEN], ep[ENDPOINT_STR_LEN], core[16];
	char mode[SHOW_EXT_STR_LEN], state[SHOW_EXT_STR_LEN], steer[SHOW_EXT_STR_LEN];

	key_to_base64(key, e->key);
	if (e->core == WGI_CORE_NONE)
		snprintf(core, sizeof(core), "none");
	else
		snprintf(core, sizeof(core), "%u", e->core);
	printf("%s: %s peer %s tunnel %llu mode %s core %s (%s) device %s port %u endpoint %s steer %s\n",
	       e->ifname, event_name(e->type), key, (unsigned long long)e->tunnel_id,
	       show_ext_mode_str(mode, e->mode), core,
	       show_ext_core_state_str(state, e->core_state),
	       e->device_up ? "up" : "down", e->listen_port,
	       endpoint_is_set(&e->endpoint) ? endpoint_str(ep, &e->endpoint) : "none",
	       show_ext_steer_mode_str(steer, e->steer));
}

static void print_event_json(const struct event *e)
{
	char key[WG_KEY_B64_LEN], ep[ENDPOINT_STR_LEN], buf[SHOW_EXT_STR_LEN];
	struct json j;

	key_to_base64(key, e->key);
	json_init(&j, stdout, false);
	json_begin_object(&j);
	json_kv_string(&j, "event", event_name(e->type));
	json_kv_string(&j, "ifname", e->ifname);
	json_kv_u64(&j, "ifindex", e->ifindex);
	json_kv_string(&j, "public_key", key);
	json_kv_u64(&j, "tunnel_id", e->tunnel_id);
	json_kv_string(&j, "mode", show_ext_mode_str(buf, e->mode));
	if (e->core == WGI_CORE_NONE)
		json_kv_null(&j, "core");
	else
		json_kv_u64(&j, "core", e->core);
	json_kv_string(&j, "core_state", show_ext_core_state_str(buf, e->core_state));
	json_kv_bool(&j, "device_up", e->device_up);
	json_kv_u64(&j, "listen_port", e->listen_port);
	json_kv_string(&j, "steer", show_ext_steer_mode_str(buf, e->steer));
	if (endpoint_is_set(&e->endpoint))
		json_kv_string(&j, "endpoint", endpoint_str(ep, &e->endpoint));
	json_end_object(&j);
	json_finish(&j);
}

static void event_cb(const struct nlmsghdr *nlh, const bool *json_out)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	bool json = *json_out;
	const struct nlattr *a;
	struct event e;

	if (g->cmd != WGI_EXT_CMD_EVENT)
		return;
	memset(&e, 0, sizeof(e));
	e.core = WGI_CORE_NONE;
	mnl_attr_for_each(a, nlh, sizeof(*g))
		parse_event_attr(a, &e);
	if (!e.has_key)
		return;
	if (json)
		print_event_json(&e);
	else
		print_event_text(&e);
	fflush(stdout);
}

static int monitor_loop(struct nl_sock *s, uint16_t family, bool json)
{
	const struct nlmsghdr *nlh;
	ssize_t len;
	int left;

	for (;;) {
		len = mnl_socket_recvfrom(s->mnl, s->buf, s->buf_len);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			/* We fell behind: say so, and go on. */
			fprintf(stderr, "%s: monitor: events were lost (receive buffer full)\n",
				prog_name);
			continue;
		}
		if (len < 0) {
			perror("monitor: recv");
			return 1;
		}
		left = (int)len;
		for (nlh = (const struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_type == family)
				event_cb(nlh, &json);
	}
}

int monitor_main(int argc, char **argv)
{
	struct family_groups fg;
	struct nl_sock s;
	bool json = false;
	int i, ret, grp;

	for (i = 1; i < argc; i++) {
		if (is_help_arg(argv[i])) {
			monitor_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		fprintf(stderr, "%s: monitor: unknown argument `%s'\n", prog_name, argv[i]);
		monitor_usage(stderr);
		return 1;
	}
	ret = nl_open(&s, NETLINK_GENERIC);
	if (!ret)
		ret = find_events_group(&s, &fg);
	if (ret) {
		fprintf(stderr, "%s: monitor: no wg-inline event group (is wg_inline loaded?): %s\n",
			prog_name, strerror(-ret));
		return 1;
	}
	grp = (int)fg.events_group;
	if (setsockopt(mnl_socket_get_fd(s.mnl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &grp, sizeof(grp))) {
		fprintf(stderr, "%s: monitor: cannot join the event group: %s%s\n", prog_name,
			strerror(errno), errno == EPERM ? " (it needs CAP_NET_ADMIN)" : "");
		nl_close(&s);
		return 1;
	}
	ret = monitor_loop(&s, fg.id, json);
	nl_close(&s);
	return ret;
}
