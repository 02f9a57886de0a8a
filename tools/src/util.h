/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WGAFF_UTIL_H
#define WGAFF_UTIL_H

#include <stddef.h>
#include <stdio.h>

extern const char *prog_name;

void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
