/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tunnel's CPU placement: the core an operator assigned it, if any.
 * placement.c alone writes it (under the device's update_lock); packet
 * paths read it locklessly, once per batch.
 */
#ifndef WGI_PLACEMENT_H
#define WGI_PLACEMENT_H

#include <linux/cpumask.h>
#include <linux/wg_inline.h>

struct wgi_peer;
struct netlink_ext_ack;

struct wgi_placement {
	int core;	/* assigned CPU, or -1 */
};

void wgi_placement_init(struct wgi_placement *pl);
/* Assigns @core (WGI_CORE_NONE unassigns); refuses a CPU that is not online. */
int wgi_placement_assign(struct wgi_peer *peer, u32 core,
			 struct netlink_ext_ack *extack);
/* The assigned core, or WGI_CORE_NONE, for read-back. */
u32 wgi_placement_core(const struct wgi_placement *pl);
enum wgi_core_state wgi_placement_state(const struct wgi_placement *pl);

/*
 * The core the tunnel's work belongs on right now, or -1 for "wherever it
 * arrives": unassigned, or the assigned core is offline (fallback).
 */
static inline int wgi_placement_target(const struct wgi_placement *pl)
{
	int core = READ_ONCE(pl->core);

	return core >= 0 && cpu_online(core) ? core : -1;
}

#endif
