/* SPDX-License-Identifier: GPL-2.0 */
/* Building a wg_device request from `set` arguments or a config file. */
#ifndef WGAFF_CONFIG_H
#define WGAFF_CONFIG_H

#include <stdbool.h>
#include "device.h"

/* Errors are printed to stderr; NULL on failure. */
struct wg_device *config_from_args(const char *ifname, int argc, char **argv);
/* @append: addconf (no REPLACE_PEERS, no reset of unset device values). */
struct wg_device *config_from_file(const char *ifname, const char *path,
				   bool append);

bool parse_key(uint8_t key[WG_KEY_SIZE], const char *b64);
/* An empty file (e.g. /dev/null) yields the all-zero key, i.e. removal. */
bool read_keyfile(uint8_t key[WG_KEY_SIZE], const char *path);

#endif
