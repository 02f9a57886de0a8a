/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs view (/sys/kernel/debug/wg_inline/): per-device drop counters,
 * per-peer per-CPU encrypt/decrypt counters and live object counts.
 */
#ifndef WGI_DEBUGFS_H
#define WGI_DEBUGFS_H

struct wgi_device;

void wgi_debugfs_init(void);
void wgi_debugfs_uninit(void);
void wgi_debugfs_device_add(struct wgi_device *wg);
void wgi_debugfs_device_remove(struct wgi_device *wg);

#endif
