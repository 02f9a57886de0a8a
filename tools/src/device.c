// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "device.h"
#include "encoding.h"
#include "util.h"

struct wg_device *device_new(const char *name)
{
	struct wg_device *dev = xcalloc(1, sizeof(*dev));

	if (name)
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	return dev;
}

static void peer_free(struct wg_peer *peer)
{
	free(peer->allowedips);
	explicit_bzero(peer, sizeof(*peer));
	free(peer);
}

void device_free(struct wg_device *dev)
{
	struct wg_peer *peer, *next;

	if (!dev)
		return;
	for (peer = dev->first_peer; peer; peer = next) {
		next = peer->next;
		peer_free(peer);
	}
	explicit_bzero(dev, sizeof(*dev));
	free(dev);
}

struct wg_peer *device_add_peer(struct wg_device *dev)
{
	struct wg_peer *peer = xcalloc(1, sizeof(*peer));

	if (dev->last_peer)
		dev->last_peer->next = peer;
	else
		dev->first_peer = peer;
	dev->last_peer = peer;
	return peer;
}

struct wg_allowedip *peer_add_allowedip(struct wg_peer *peer)
{
	struct wg_allowedip *aip;

	if (peer->n_allowedips == peer->cap_allowedips) {
		peer->cap_allowedips = peer->cap_allowedips ? peer->cap_allowedips * 2 : 4;
		peer->allowedips = xreallocarray(peer->allowedips, peer->cap_allowedips,
						 sizeof(*peer->allowedips));
	}
	aip = &peer->allowedips[peer->n_allowedips++];
	memset(aip, 0, sizeof(*aip));
	return aip;
}

struct wg_peer *device_find_peer(struct wg_device *dev, const uint8_t *key)
{
	struct wg_peer *peer;

	for_each_peer(dev, peer)
		if (!memcmp(peer->public_key, key, WG_KEY_SIZE))
			return peer;
	return NULL;
}

static void peer_append_allowedips(struct wg_peer *dst, const struct wg_peer *src)
{
	size_t i;

	for (i = 0; i < src->n_allowedips; i++)
		*peer_add_allowedip(dst) = src->allowedips[i];
}

void device_coalesce_peers(struct wg_device *dev)
{
	struct wg_peer *peer = dev->first_peer, *next;

	while (peer && peer->next) {
		next = peer->next;
		if (memcmp(peer->public_key, next->public_key, WG_KEY_SIZE)) {
			peer = next;
			continue;
		}
		peer_append_allowedips(peer, next);
		peer->next = next->next;
		if (dev->last_peer == next)
			dev->last_peer = peer;
		peer_free(next);
	}
}

static bool handshake_is_zero(const struct wg_peer *p)
{
	return !p->last_handshake_sec && !p->last_handshake_nsec;
}

/* <0 when a sorts before b */
static int peer_order(const struct wg_peer *a, const struct wg_peer *b)
{
	if (handshake_is_zero(a) != handshake_is_zero(b))
		return handshake_is_zero(a) ? 1 : -1;
	if (a->last_handshake_sec != b->last_handshake_sec)
		return a->last_handshake_sec > b->last_handshake_sec ? -1 : 1;
	if (a->last_handshake_nsec != b->last_handshake_nsec)
		return a->last_handshake_nsec > b->last_handshake_nsec ? -1 : 1;
	return 0;
}

static struct wg_peer *merge_sorted(struct wg_peer *a, struct wg_peer *b)
{
	struct wg_peer head = { 0 }, *tail = &head;

	while (a && b) {
		if (peer_order(b, a) < 0) {
			tail->next = b;
			b = b->next;
		} else {
			tail->next = a;
			a = a->next;
		}
		tail = tail->next;
	}
	tail->next = a ? a : b;
	return head.next;
}

static struct wg_peer *sort_list(struct wg_peer *list)
{
	struct wg_peer *slow = list, *fast, *second;

	if (!list || !list->next)
		return list;
	for (fast = list->next; fast && fast->next; fast = fast->next->next)
		slow = slow->next;
	second = slow->next;
	slow->next = NULL;
	return merge_sorted(sort_list(list), sort_list(second));
}

void device_sort_peers(struct wg_device *dev)
{
	struct wg_peer *peer;

	dev->first_peer = sort_list(dev->first_peer);
	dev->last_peer = NULL;
	for_each_peer(dev, peer)
		dev->last_peer = peer;
}

bool endpoint_is_set(const union wg_endpoint *ep)
{
	return ep->addr.sa_family == AF_INET || ep->addr.sa_family == AF_INET6;
}
