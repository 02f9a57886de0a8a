/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `show` adds for wg-inline devices from the wg-inline-ext family.
 * Nothing is loaded with --compat, without the family, or when it does
 * not answer for the device: the views then print exactly what wg does.
 */
#ifndef WGAFF_SHOW_EXT_H
#define WGAFF_SHOW_EXT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ext.h"

struct show_ext {
	bool have_tunnels;
	struct ext_tunnels tunnels;
	bool have_default_mode;	/* and then worker CPUs too */
	uint8_t default_mode;
	struct cpu_list workers;
	bool have_steer;
	struct ext_steer steer;
};

/* Never fails: what cannot be read is left out. */
void show_ext_load(struct show_ext *x, const char *ifname, bool with_device);
void show_ext_free(struct show_ext *x);
/* The peer's tunnel, or NULL (nothing loaded, or the peer is too new). */
const struct ext_tunnel *show_ext_tunnel(struct show_ext *x,
					 const uint8_t key[WG_KEY_SIZE]);

/* "7", "none" / "inline", "unknown(5)": into @buf, returned. */
#define SHOW_EXT_STR_LEN 32
const char *show_ext_mode_str(char buf[SHOW_EXT_STR_LEN], uint8_t mode);
const char *show_ext_core_state_str(char buf[SHOW_EXT_STR_LEN], uint8_t state);
const char *show_ext_steer_mode_str(char buf[SHOW_EXT_STR_LEN], uint8_t mode);

/* "on lan eth1 eth2", "off"; a LAN ifindex without a name as "#7". */
#define STEER_TEXT_LEN (WGI_STEER_LAN_MAX * (IF_NAMESIZE + 1) + 8)
const char *show_ext_steer_str(char *buf, size_t len, const struct ext_steer *s);
struct json;
/* "steer" and "lan" (objects of ifindex and ifname, null when gone). */
void show_ext_json_steer(struct json *j, const struct ext_steer *s);

/* The text view's lines for the device, after wg's own lines. */
void show_ext_pretty_device(const struct show_ext *x);
/* The text view's lines for one peer, after wg's own lines. */
void show_ext_pretty_peer(const struct ext_tunnel *t);

#endif
