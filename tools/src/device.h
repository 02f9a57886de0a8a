/* SPDX-License-Identifier: GPL-2.0 */
/* In-memory form of a device's configuration, as read or to be written. */
#ifndef WGAFF_DEVICE_H
#define WGAFF_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "curve25519.h"

enum {
	DEV_HAS_PRIVATE_KEY = 1U << 0,
	DEV_HAS_PUBLIC_KEY = 1U << 1,
	DEV_HAS_LISTEN_PORT = 1U << 2,
	DEV_HAS_FWMARK = 1U << 3,
	DEV_REPLACE_PEERS = 1U << 4,
};

enum {
	PEER_HAS_PUBLIC_KEY = 1U << 0,
	PEER_HAS_PRESHARED_KEY = 1U << 1,
	PEER_HAS_KEEPALIVE = 1U << 2,
	PEER_REMOVE_ME = 1U << 3,
	PEER_REPLACE_ALLOWEDIPS = 1U << 4,
	PEER_UPDATE_ONLY = 1U << 5,
};

struct wg_allowedip {
	uint16_t family;
	uint8_t cidr;
	bool remove;
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	};
};

union wg_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

struct wg_peer {
	uint32_t flags;
	uint8_t public_key[WG_KEY_SIZE];
	uint8_t preshared_key[WG_KEY_SIZE];
	union wg_endpoint endpoint;
	int64_t last_handshake_sec;
	int64_t last_handshake_nsec;
	uint64_t rx_bytes, tx_bytes;
	uint16_t keepalive;
	struct wg_allowedip *allowedips;
	size_t n_allowedips, cap_allowedips;
	struct wg_peer *next;
};

struct wg_device {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	uint32_t flags;
	uint8_t private_key[WG_KEY_SIZE];
	uint8_t public_key[WG_KEY_SIZE];
	uint16_t listen_port;
	uint32_t fwmark;
	struct wg_peer *first_peer, *last_peer;
};

#define for_each_peer(dev, p) for ((p) = (dev)->first_peer; (p); (p) = (p)->next)

struct wg_device *device_new(const char *name);
void device_free(struct wg_device *dev);
struct wg_peer *device_add_peer(struct wg_device *dev);
struct wg_allowedip *peer_add_allowedip(struct wg_peer *peer);
struct wg_peer *device_find_peer(struct wg_device *dev, const uint8_t *key);
/* Merges consecutive entries for the same key (split dump messages). */
void device_coalesce_peers(struct wg_device *dev);
/* Most recent handshake first, never-handshaken last; stable. */
void device_sort_peers(struct wg_device *dev);
bool endpoint_is_set(const union wg_endpoint *ep);

#endif
