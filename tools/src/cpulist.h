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

/*
 * A CPU bitmap as WGI_EXT_A_WORKER_CPUS carries it: 32-bit words, bit B
 * of word W for CPU 32 * W + B. cpulist_to_bitmap allocates the fewest
 * words that hold @l (*@words to be freed); cpulist_from_bitmap lists
 * the CPUs of a bitmap in ascending order into @l.
 */
void cpulist_to_bitmap(const struct cpu_list *l, uint32_t **words, size_t *n_words);
void cpulist_from_bitmap(const uint32_t *words, size_t n_words, struct cpu_list *l);
/* "0-3,8,10-11" for an ascending list, into @buf (truncated to @len). */
void cpulist_format(const struct cpu_list *l, char *buf, size_t len);

#endif
