/* SPDX-License-Identifier: GPL-2.0 */
/* CPU numbers and CPU lists ("2-15", "0,2,4-7") as given on the command line. */
#ifndef WGAFF_CPULIST_H
#define WGAFF_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No list may name more CPUs than this (and none above it minus one). */
#define CPULIST_MAX 65536U

struct cpu_list {
	uint32_t *cpus;		/* in the order written */
	size_t n;
};

/*
 * A CPU number: decimal digits only, below WGI_CORE_NONE (the kernel
 * decides whether that CPU exists).
 */
bool cpu_parse(const char *s, uint32_t *cpu);
/*
 * Comma-separated items, each N or A-B (A <= B), no spaces, no CPU twice,
 * every CPU below CPULIST_MAX. On failure returns false with a reason in
 * @err (and @l empty).
 */
bool cpulist_parse(const char *s, struct cpu_list *l, char *err, size_t err_len);
void cpulist_free(struct cpu_list *l);

#endif
