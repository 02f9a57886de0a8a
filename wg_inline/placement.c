// SPDX-License-Identifier: GPL-2.0
/*
 * Assigning tunnels to cores. The assignment is a promise about where a
 * tunnel's work runs, whatever the NIC does: the execution mode moves the
 * work there (the inline mode hands packets that arrived elsewhere to
 * the tunnel's core). While the assigned core is offline the tunnel runs
 * where its packets arrive, and returns to its core when that comes back;
 * the state is computed from cpu_online() on every read, so there is no
 * hotplug bookkeeping that could go stale.
 */
#include <linux/cpu.h>
#include <linux/netlink.h>
#include "device.h"
#include "peer.h"
#include "placement.h"

void wgi_placement_init(struct wgi_placement *pl)
{
	pl->core = -1;
}

int wgi_placement_assign(struct wgi_peer *peer, u32 core,
			 struct netlink_ext_ack *extack)
{
	int ret = 0;

	lockdep_assert_held(&peer->device->update_lock);
	if (core == wgi_placement_core(&peer->placement))
		return 0;
	if (core == WGI_CORE_NONE) {
		WRITE_ONCE(peer->placement.core, -1);
		wgi_event_raise(peer, WGI_EVENT_AFFINITY_CHANGED, GFP_KERNEL);
		return 0;
	}
	if (core >= nr_cpu_ids) {
		NL_SET_ERR_MSG(extack, "core is not a CPU of this machine");
		return -EINVAL;
	}
	/* Hotplug cannot take the core away between the check and the write. */
	cpus_read_lock();
	if (cpu_online(core))
		WRITE_ONCE(peer->placement.core, core);
	else
		ret = -ENODEV;
	cpus_read_unlock();
	if (ret)
		NL_SET_ERR_MSG(extack, "core is offline");
	else
		wgi_event_raise(peer, WGI_EVENT_AFFINITY_CHANGED, GFP_KERNEL);
	return ret;
}

u32 wgi_placement_core(const struct wgi_placement *pl)
{
	int core = READ_ONCE(pl->core);

	return core < 0 ? WGI_CORE_NONE : core;
}

enum wgi_core_state wgi_placement_state(const struct wgi_placement *pl)
{
	int core = READ_ONCE(pl->core);

	if (core < 0)
		return WGI_CORE_STATE_UNASSIGNED;
	return cpu_online(core) ? WGI_CORE_STATE_ON_CORE :
				  WGI_CORE_STATE_FALLBACK;
}
