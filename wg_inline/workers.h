/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's worker CPU set: the CPUs the parallel mode's crypt workers
 * may run on. workers.c alone writes it (under the device's update_lock,
 * published with RCU); the packet path reads it under RCU-bh and picks
 * the next worker CPU round-robin, with a cursor of its own per CPU.
 */
#ifndef WGI_WORKERS_H
#define WGI_WORKERS_H

#include <linux/cpumask.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct wgi_device;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

struct wgi_worker_set {
	struct rcu_head rcu;
	unsigned long bits[];	/* a struct cpumask of cpumask_size() */
};

/* Every possible CPU, the default. */
int wgi_workers_init(struct wgi_device *wg);
void wgi_workers_free(struct wgi_device *wg);
/* The policy's check of a WGI_EXT_A_WORKER_CPUS bitmap's length. */
int wgi_workers_validate(const struct nlattr *attr,
			 struct netlink_ext_ack *extack);
/*
 * Replaces the set by the bitmap in @attr, or refuses it with a message
 * (no CPU, a CPU the machine cannot have, an offline CPU) and changes
 * nothing; update_lock held.
 */
int wgi_workers_set(struct wgi_device *wg, const struct nlattr *attr,
		    struct netlink_ext_ack *extack);
/* Puts the set as WGI_EXT_A_WORKER_CPUS; update_lock held. */
int wgi_workers_put(struct sk_buff *skb, struct wgi_device *wg);
/*
 * The worker CPU after *@cursor (which it updates): the next online CPU
 * of the set, round-robin, or this CPU while none of them is online.
 * RCU-bh read side (BH disabled).
 */
int wgi_workers_next(struct wgi_device *wg, int *cursor);

#endif
