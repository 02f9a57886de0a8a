// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/wg_inline.h>
#include "cpulist.h"
#include "util.h"

/* Reads decimal digits at *s up to @max; advances *s. */
static bool read_number(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
	}
	*s = p;
	*out = v;
	return true;
}

bool cpu_parse(const char *s, uint32_t *cpu)
{
	uint64_t v;

	if (!read_number(&s, WGI_CORE_NONE - 1ULL, &v) || *s)
		return false;
	*cpu = (uint32_t)v;
	return true;
}

/* One item "N" or "A-B" at *s, ending at ',' or the end; advances *s. */
static bool read_item(const char **s, uint32_t *first, uint32_t *last,
		      char *err, size_t err_len)
{
	const char *start = *s;
	size_t len = strcspn(start, ",");
	uint64_t a, b;

	if (!len) {
		snprintf(err, err_len, "empty item");
		return false;
	}
	if (!read_number(s, CPULIST_MAX - 1, &a))
		goto bad;
	b = a;
	if (**s == '-') {
		(*s)++;
		if (!read_number(s, CPULIST_MAX - 1, &b))
			goto bad;
	}
	if (*s != start + len)
		goto bad;
	if (b < a) {
		snprintf(err, err_len, "range `%.*s' runs backwards", (int)len, start);
		return false;
	}
	*first = (uint32_t)a;
	*last = (uint32_t)b;
	return true;
bad:
	snprintf(err, err_len, "`%.*s' is not a CPU number (0-%u) or a range A-B of them",
		 (int)len, start, CPULIST_MAX - 1);
	return false;
}

static bool add_range(struct cpu_list *l, uint8_t *seen, uint32_t a, uint32_t b,
		      char *err, size_t err_len)
{
	uint64_t cpu;

	for (cpu = a; cpu <= b; cpu++) {
		if (seen[cpu]) {
			snprintf(err, err_len, "CPU %u is listed twice", (unsigned int)cpu);
			return false;
		}
		seen[cpu] = 1;
		l->cpus[l->n++] = (uint32_t)cpu;
	}
	return true;
}

bool cpulist_parse(const char *s, struct cpu_list *l, char *err, size_t err_len)
{
	uint8_t *seen = xcalloc(CPULIST_MAX, 1);
	uint32_t a, b;
	bool ok = true;

	l->cpus = xcalloc(CPULIST_MAX, sizeof(*l->cpus));
	l->n = 0;
	if (!*s) {
		snprintf(err, err_len, "the list is empty");
		ok = false;
	}
	while (ok && *s) {
		ok = read_item(&s, &a, &b, err, err_len) &&
		     add_range(l, seen, a, b, err, err_len);
		if (ok && *s == ',' && !*++s) {
			snprintf(err, err_len, "trailing comma");
			ok = false;
		}
	}
	free(seen);
	if (!ok)
		cpulist_free(l);
	return ok;
}

void cpulist_free(struct cpu_list *l)
{
	free(l->cpus);
	l->cpus = NULL;
	l->n = 0;
}

void cpulist_to_bitmap(const struct cpu_list *l, uint32_t **words, size_t *n_words)
{
	uint32_t max = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->cpus[i] > max)
			max = l->cpus[i];
	*n_words = max / 32 + 1;
	*words = xcalloc(*n_words, sizeof(**words));
	for (i = 0; i < l->n; i++)
		(*words)[l->cpus[i] / 32] |= 1U << (l->cpus[i] % 32);
}

void cpulist_from_bitmap(const uint32_t *words, size_t n_words, struct cpu_list *l)
{
	size_t w, n = 0;
	unsigned int b;

	for (w = 0; w < n_words; w++)
		n += (size_t)__builtin_popcount(words[w]);
	l->cpus = xcalloc(n ? n : 1, sizeof(*l->cpus));
	l->n = 0;
	for (w = 0; w < n_words; w++)
		for (b = 0; b < 32; b++)
			if (words[w] & (1U << b))
				l->cpus[l->n++] = (uint32_t)(w * 32 + b);
}

void cpulist_format(const struct cpu_list *l, char *buf, size_t len)
{
	size_t i = 0, j, off = 0;
	int n;

	if (len)
		buf[0] = '\0';
	while (i < l->n && off < len) {
		for (j = i; j + 1 < l->n && l->cpus[j + 1] == l->cpus[j] + 1; j++)
			;
		if (j == i)
			n = snprintf(buf + off, len - off, "%s%u", i ? "," : "", l->cpus[i]);
		else
			n = snprintf(buf + off, len - off, "%s%u-%u", i ? "," : "",
				     l->cpus[i], l->cpus[j]);
		if (n < 0)
			return;
		off += (size_t)n;
		i = j + 1;
	}
}
