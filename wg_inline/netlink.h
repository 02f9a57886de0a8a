/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WGI_NETLINK_H
#define WGI_NETLINK_H

/* The WireGuard-compatible family (netlink.c). */
int wgi_genetlink_init(void);
void wgi_genetlink_uninit(void);
/* The extension family (netlink_ext.c). */
int wgi_ext_genetlink_init(void);
void wgi_ext_genetlink_uninit(void);

#endif
