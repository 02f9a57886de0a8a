// SPDX-License-Identifier: GPL-2.0
/*
 * Drop accounting. Each reason has its own per-CPU counter on the device,
 * and the device's generic rx/tx_dropped counters follow along so that
 * `ip -s link` shows the same losses.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include "device.h"
#include "drops.h"

const char *const wgi_drop_names[WGI_DROP__MAX] = {
#define WGI_DROP_NAME(name, str) [WGI_DROP_##name] = str,
	WGI_DROP_REASONS(WGI_DROP_NAME)
#undef WGI_DROP_NAME
};

static bool wgi_drop_is_tx(enum wgi_drop_reason reason)
{
	return !strncmp(wgi_drop_names[reason], "tx_", 3);
}

void wgi_drop_count(struct wgi_device *wg, enum wgi_drop_reason reason)
{
	if (WARN_ON_ONCE(reason >= WGI_DROP__MAX))
		return;
	this_cpu_inc(wg->drops->count[reason]);
	if (wgi_drop_is_tx(reason))
		DEV_STATS_INC(wg->dev, tx_dropped);
	else
		DEV_STATS_INC(wg->dev, rx_dropped);
}

void wgi_drop_skb(struct wgi_device *wg, struct sk_buff *skb,
		  enum wgi_drop_reason reason)
{
	wgi_drop_count(wg, reason);
	kfree_skb(skb);
}

u64 wgi_drop_read(struct wgi_device *wg, enum wgi_drop_reason reason)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(wg->drops, cpu)->count[reason]);
	return sum;
}
