/* SPDX-License-Identifier: GPL-2.0 */
/* show -j: devices as a JSON array (keys listed in wgaff(8)). */
#ifndef WGAFF_SHOW_JSON_H
#define WGAFF_SHOW_JSON_H

#include <stdbool.h>
#include "device.h"
#include "json.h"
#include "show_ext.h"

/* One device object; @x may be NULL (no extension keys). */
void json_device(struct json *j, const struct wg_device *dev, struct show_ext *x);
/*
 * Reads and prints the devices in @names as one array. @single: a named
 * device, whose failure prints no JSON at all. Returns the exit status.
 */
int show_json_devices(char **names, bool single, bool pretty);
/* show interfaces -j: an array of names. */
void show_json_names(char **names, bool pretty);

#endif
