/* SPDX-License-Identifier: GPL-2.0 */
/* Text forms of endpoints and allowed IPs, shared by the text and JSON views. */
#ifndef WGAFF_FORMAT_H
#define WGAFF_FORMAT_H

#include <arpa/inet.h>
#include <netdb.h>
#include "device.h"

#define ENDPOINT_STR_LEN (NI_MAXHOST + NI_MAXSERV + 4)

/* "192.0.2.1:51820", "[2001:db8::1]:51820" */
const char *endpoint_str(char buf[ENDPOINT_STR_LEN], const union wg_endpoint *ep);
/* The address alone, without its "/cidr". */
const char *ip_str(char buf[INET6_ADDRSTRLEN], const struct wg_allowedip *aip);

#endif
