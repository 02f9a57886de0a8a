/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "wg-inline-ext" generic netlink family: tunnels' cores, modes and
 * per-CPU counters, and a device's default mode. Independent of the
 * WireGuard-compatible family in ipc.c (and of --compat).
 */
#ifndef WGAFF_EXT_H
#define WGAFF_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/wg_inline.h>
#include "cpulist.h"
#include "curve25519.h"

struct ext_pcpu {
	uint32_t cpu;
	uint64_t encrypted_pkts, encrypted_bytes;
	uint64_t decrypted_pkts, decrypted_bytes;
	uint64_t handoff_tx, handoff_rx;
	uint64_t sent_pkts, delivered_pkts;
};

struct ext_tunnel {
	uint8_t public_key[WG_KEY_SIZE];
	uint64_t tunnel_id;
	uint8_t mode;		/* enum wgi_tunnel_mode */
	uint32_t core;		/* CPU or WGI_CORE_NONE */
	uint8_t core_state;	/* enum wgi_core_state */
	uint64_t handoff_tx, handoff_rx;
	struct ext_pcpu *pcpu;	/* sorted by CPU once the dump is complete */
	size_t n_pcpu, cap_pcpu;
};

/* A device's tunnels, in dump order. */
struct ext_tunnels {
	struct ext_tunnel *t;
	size_t n, cap;
	struct ext_tunnel **by_key;	/* sorted index for ext_find_tunnel */
};

/* What a SET_TUNNEL changes. */
struct ext_tunnel_change {
	bool set_mode, set_core;
	uint8_t mode;
	uint32_t core;
};

/* A device's NIC steering configuration (GET_DEVICE's STEER, STEER_LAN). */
struct ext_steer {
	uint8_t mode;			/* enum wgi_steer_mode */
	size_t n_lan;
	uint32_t lan[WGI_STEER_LAN_MAX];	/* ifindexes, in the device's netns */
};

/*
 * All return 0 or -errno; -ENOENT from any of them first means the
 * family is not registered (no wg_inline module). The kernel's extack
 * text for the last failure is in ext_extack().
 */
int ext_available(void);
int ext_get_tunnels(const char *ifname, const uint8_t *only_key,
		    struct ext_tunnels *out);
/* GET_DEVICE: the default mode, and the worker CPUs (to cpulist_free). */
int ext_get_device(const char *ifname, uint8_t *default_mode,
		   struct cpu_list *workers);
int ext_set_tunnel(const char *ifname, const uint8_t key[WG_KEY_SIZE],
		   const struct ext_tunnel_change *change);
int ext_set_default_mode(const char *ifname, uint8_t mode);
/* SET_DEVICE: the worker CPU set; -E2BIG beyond what the attribute holds. */
int ext_set_workers(const char *ifname, const struct cpu_list *cpus);
/* GET_DEVICE: the steering configuration. */
int ext_get_steer(const char *ifname, struct ext_steer *out);
/*
 * SET_DEVICE: the steering mode unless @mode is NULL, and the LAN list
 * (@n_lan ifindexes, 0 clears it) unless @lan is NULL.
 */
int ext_set_steer(const char *ifname, const uint8_t *mode,
		  const uint32_t *lan, size_t n_lan);
const char *ext_extack(void);
void ext_close(void);

void ext_tunnels_free(struct ext_tunnels *ts);
const struct ext_tunnel *ext_find_tunnel(struct ext_tunnels *ts,
					 const uint8_t key[WG_KEY_SIZE]);

/*
 * Parses one GET_TUNNEL reply into @ts, merging it into the last tunnel
 * when it continues that one (same key and tunnel id). Exposed for the
 * unit tests; ext_tunnels_finish() sorts every tunnel's per-CPU list.
 */
int ext_parse_tunnel_msg(const struct nlmsghdr *nlh, struct ext_tunnels *ts);
void ext_tunnels_finish(struct ext_tunnels *ts);
/* Parses STEER and STEER_LAN of a GET_DEVICE reply; -EBADMSG without. */
int ext_parse_steer_msg(const struct nlmsghdr *nlh, struct ext_steer *out);

/* "inline", "parallel", or NULL for an unknown value. */
const char *ext_mode_name(uint8_t mode);
bool ext_mode_parse(const char *s, uint8_t *mode);
/* "unassigned", "on-core", "fallback", or NULL. */
const char *ext_core_state_name(uint8_t state);
/* "off", "on", "dry-run", or NULL. */
const char *ext_steer_mode_name(uint8_t mode);
bool ext_steer_mode_parse(const char *s, uint8_t *mode);

#endif
