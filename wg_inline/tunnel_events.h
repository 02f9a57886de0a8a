/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raising tunnel events (include/wg_inline/events.h for listeners). Every
 * raise snapshots the tunnel there and then and queues the snapshot; a
 * work item delivers them in order to the kernel notifier chain and the
 * extension family's multicast group. Process or softirq context.
 */
#ifndef WGI_TUNNEL_EVENTS_H
#define WGI_TUNNEL_EVENTS_H

#include <linux/wg_inline.h>

struct wgi_peer;
struct wgi_device;
struct wgi_tunnel_info;
struct wgi_event_rec;

int wgi_events_init(void);
/* After the last device is gone: delivers what is queued, then stops. */
void wgi_events_uninit(void);

#include <linux/gfp.h>

/* @gfp: GFP_KERNEL where the caller may sleep (all but the packet path). */
void wgi_event_raise(struct wgi_peer *peer, enum wgi_tunnel_event event,
		     gfp_t gfp);
/* The same event for each tunnel of @wg; update_lock held. */
void wgi_event_raise_device(struct wgi_device *wg,
			    enum wgi_tunnel_event event);
/* Endpoint roaming (softirq): coalesced with one still queued. */
void wgi_event_endpoint_changed(struct wgi_peer *peer);

/* netlink_ext.c: the multicast side of delivery. */
void wgi_ext_notify(enum wgi_tunnel_event event,
		    const struct wgi_tunnel_info *info);

#endif
