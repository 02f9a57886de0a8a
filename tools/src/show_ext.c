// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/wg_inline.h>
#include "ipc.h"
#include "json.h"
#include "show_ext.h"
#include "terminal.h"

void show_ext_load(struct show_ext *x, const char *ifname, bool with_device)
{
	memset(x, 0, sizeof(*x));
	if (ipc_compat_forced() || ext_available())
		return;
	x->have_tunnels = !ext_get_tunnels(ifname, NULL, &x->tunnels);
	if (x->have_tunnels && with_device)
		x->have_default_mode = !ext_get_device(ifname, &x->default_mode,
						       &x->workers);
	if (x->have_default_mode)
		x->have_steer = !ext_get_steer(ifname, &x->steer);
}

void show_ext_free(struct show_ext *x)
{
	if (x->have_tunnels)
		ext_tunnels_free(&x->tunnels);
	cpulist_free(&x->workers);
	memset(x, 0, sizeof(*x));
}

const struct ext_tunnel *show_ext_tunnel(struct show_ext *x,
					 const uint8_t key[WG_KEY_SIZE])
{
	return x->have_tunnels ? ext_find_tunnel(&x->tunnels, key) : NULL;
}

/* @name, or "unknown(@value)" for a value newer than this tool. */
static const char *name_or_unknown(char buf[SHOW_EXT_STR_LEN], const char *name,
				   unsigned int value)
{
	if (name)
		snprintf(buf, SHOW_EXT_STR_LEN, "%s", name);
	else
		snprintf(buf, SHOW_EXT_STR_LEN, "unknown(%u)", value);
	return buf;
}

const char *show_ext_mode_str(char buf[SHOW_EXT_STR_LEN], uint8_t mode)
{
	return name_or_unknown(buf, ext_mode_name(mode), mode);
}

const char *show_ext_core_state_str(char buf[SHOW_EXT_STR_LEN], uint8_t state)
{
	return name_or_unknown(buf, ext_core_state_name(state), state);
}

const char *show_ext_steer_str(char *buf, size_t len, const struct ext_steer *s)
{
	char mode[SHOW_EXT_STR_LEN], name[IF_NAMESIZE];
	size_t i, off;

	off = (size_t)snprintf(buf, len, "%s", name_or_unknown(mode, ext_steer_mode_name(s->mode),
								s->mode));
	if (s->n_lan && off < len)
		off += (size_t)snprintf(buf + off, len - off, " lan");
	for (i = 0; i < s->n_lan && off < len; i++) {
		if (if_indextoname(s->lan[i], name))
			off += (size_t)snprintf(buf + off, len - off, " %s", name);
		else
			off += (size_t)snprintf(buf + off, len - off, " #%u", s->lan[i]);
	}
	return buf;
}

void show_ext_json_steer(struct json *j, const struct ext_steer *s)
{
	char buf[SHOW_EXT_STR_LEN], name[IF_NAMESIZE];
	size_t i;

	json_kv_string(j, "steer", name_or_unknown(buf, ext_steer_mode_name(s->mode), s->mode));
	json_key(j, "lan");
	json_begin_array(j);
	for (i = 0; i < s->n_lan; i++) {
		json_begin_object(j);
		json_kv_u64(j, "ifindex", s->lan[i]);
		if (if_indextoname(s->lan[i], name))
			json_kv_string(j, "ifname", name);
		else
			json_kv_null(j, "ifname");
		json_end_object(j);
	}
	json_end_array(j);
}

const char *show_ext_steer_mode_str(char buf[SHOW_EXT_STR_LEN], uint8_t mode)
{
	return name_or_unknown(buf, ext_steer_mode_name(mode), mode);
}

#define CORE_STR_LEN (SHOW_EXT_STR_LEN + 16)

/* "7 (on core)", "7 (fallback: offline)", "none" */
static const char *core_str(char buf[CORE_STR_LEN], const struct ext_tunnel *t)
{
	char state[SHOW_EXT_STR_LEN];

	if (t->core == WGI_CORE_NONE) {
		snprintf(buf, CORE_STR_LEN, "none");
		return buf;
	}
	switch (t->core_state) {
	case WGI_CORE_STATE_ON_CORE:
		snprintf(buf, CORE_STR_LEN, "%u (on core)", t->core);
		break;
	case WGI_CORE_STATE_FALLBACK:
		snprintf(buf, CORE_STR_LEN, "%u (fallback: offline)", t->core);
		break;
	default:
		snprintf(buf, CORE_STR_LEN, "%u (%s)", t->core,
			 show_ext_core_state_str(state, t->core_state));
		break;
	}
	return buf;
}

void show_ext_pretty_device(const struct show_ext *x)
{
	char buf[256];

	if (!x->have_default_mode)
		return;
	cpulist_format(&x->workers, buf, sizeof(buf));
	term_printf("  " TERM_BOLD "worker cpus" TERM_RESET ": %s\n", buf);
	if (x->have_steer)
		term_printf("  " TERM_BOLD "steering" TERM_RESET ": %s\n",
			    show_ext_steer_str(buf, sizeof(buf), &x->steer));
}

void show_ext_pretty_peer(const struct ext_tunnel *t)
{
	char buf[CORE_STR_LEN];
	size_t i;

	term_printf("  " TERM_BOLD "core" TERM_RESET ": %s\n", core_str(buf, t));
	term_printf("  " TERM_BOLD "mode" TERM_RESET ": %s\n",
		    show_ext_mode_str(buf, t->mode));
	term_printf("  " TERM_BOLD "hand-offs" TERM_RESET ": %" PRIu64 " tx, %" PRIu64
		    " rx\n", t->handoff_tx, t->handoff_rx);
	for (i = 0; i < t->n_pcpu; i++)
		term_printf("  " TERM_BOLD "per-cpu" TERM_RESET ": cpu%u %" PRIu64
			    " enc / %" PRIu64 " dec\n", t->pcpu[i].cpu,
			    t->pcpu[i].encrypted_pkts, t->pcpu[i].decrypted_pkts);
}
