/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to the kernel: the wg-inline (or wireguard) genl family and
 * rtnetlink for the list of interfaces. */
#ifndef WGAFF_IPC_H
#define WGAFF_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include "device.h"

/* Use the "wireguard" family (stock module, or wg-inline with compat=1). */
void ipc_force_compat(void);
bool ipc_compat_forced(void);
/* Functions return 0 or -errno. */
int ipc_get_device(struct wg_device **dev, const char *ifname);
int ipc_set_device(const struct wg_device *dev);
/* NULL-terminated, sorted by ifindex; free with ipc_free_list(). */
int ipc_list_devices(char ***names);
void ipc_free_list(char **names);
/* The kernel's extended-ack message for the last failure, or "". */
const char *ipc_extack(void);
void ipc_close(void);

#endif
