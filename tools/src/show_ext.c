// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/wg_inline.h>
#include "ipc.h"
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
