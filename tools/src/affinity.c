// SPDX-License-Identifier: GPL-2.0
/*
 * assign, mode and workers: a tunnel's CPU core and execution mode, and a
 * device's worker CPUs, over the wg-inline-ext family. Every argument is
 * checked before the first netlink request.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/wg_inline.h>
#include "commands.h"
#include "config.h"
#include "cpulist.h"
#include "encoding.h"
#include "ext.h"
#include "util.h"

#define ERR_LEN 160

static void assign_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s assign <interface> peer <base64 public key> core { <cpu> | none }\n"
		"       %s assign <interface> spread cores <cpu list>\n"
		"A <cpu list> is comma-separated CPU numbers and ranges, e.g. 2-15 or 0,2,4-7.\n",
		prog_name, prog_name);
}

static void mode_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s mode <interface> [peer <base64 public key>] { inline | parallel }\n"
		"Without a peer: the device's default mode, and every tunnel it has now.\n",
		prog_name);
}

static void workers_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s workers <interface> [cpus <cpu list>]\n"
		"The CPUs the parallel mode's crypt workers of the device may run on\n"
		"(all of them online); without cpus, prints the current set.\n",
		prog_name);
}

/* --help or -h anywhere, or help as the first word. */
static bool wants_help(int argc, char **argv)
{
	int i;

	if (argc > 1 && is_help_arg(argv[1]))
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* A usage error: what was wrong, then the usage, to stderr; returns 1. */
static int __attribute__((format(printf, 3, 4)))
usage_error(const char *verb, void (*usage)(FILE *), const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog_name, verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return 1;
}

static bool check_ifname(const char *verb, const char *ifname)
{
	size_t len = strlen(ifname);

	if (len && len < IFNAMSIZ)
		return true;
	fprintf(stderr, "%s: %s: `%s' is not an interface name (1 to %d characters)\n",
		prog_name, verb, ifname, IFNAMSIZ - 1);
	return false;
}

/*
 * "wgaff: assign wg0: [<context>: ]<kernel's message> (<strerror>)", or
 * the strerror alone when the kernel gave no message.
 */
static void report(const char *verb, const char *ifname, const char *context, int err)
{
	fprintf(stderr, "%s: %s %s: ", prog_name, verb, ifname);
	if (context)
		fprintf(stderr, "%s: ", context);
	if (ext_available() == -ENOENT) {
		fprintf(stderr, "the %s netlink family is not available (is wg_inline loaded?)\n",
			WG_INLINE_EXT_GENL_NAME);
		return;
	}
	if (*ext_extack())
		fprintf(stderr, "%s (%s)\n", ext_extack(), strerror(-err));
	else
		fprintf(stderr, "%s\n", strerror(-err));
}

/* "peer <key>[ core <cpu>]" for errors about one tunnel of many. */
static const char *tunnel_context(char buf[ERR_LEN], const uint8_t *key,
				  const uint32_t *core)
{
	char b64[WG_KEY_B64_LEN];
	int off;

	key_to_base64(b64, key);
	off = snprintf(buf, ERR_LEN, "peer %s", b64);
	if (core && off > 0 && off < ERR_LEN)
		snprintf(buf + off, ERR_LEN - off, " core %u", *core);
	return buf;
}

/* The device's tunnels in dump order; reported on failure. */
static bool get_tunnels(const char *verb, const char *ifname, struct ext_tunnels *ts)
{
	int ret = ext_get_tunnels(ifname, NULL, ts);

	if (ret)
		report(verb, ifname, NULL, ret);
	return !ret;
}

/* ------------------------------------------------------------------ */
/* assign */

static int assign_one(const char *ifname, const uint8_t key[WG_KEY_SIZE], uint32_t core)
{
	struct ext_tunnel_change c = { .set_core = true, .core = core };
	int ret = ext_set_tunnel(ifname, key, &c);

	if (ret) {
		report("assign", ifname, NULL, ret);
		return 1;
	}
	return 0;
}

static int assign_spread(const char *ifname, const struct cpu_list *l)
{
	struct ext_tunnel_change c = { .set_core = true };
	struct ext_tunnels ts;
	char ctx[ERR_LEN];
	size_t i;
	int ret = 0;

	if (!get_tunnels("assign", ifname, &ts))
		return 1;
	if (!ts.n)
		fprintf(stderr, "%s: assign %s: the device has no tunnels\n", prog_name, ifname);
	for (i = 0; i < ts.n; i++) {
		c.core = l->cpus[i % l->n];
		ret = ext_set_tunnel(ifname, ts.t[i].public_key, &c);
		if (ret) {
			report("assign", ifname, tunnel_context(ctx, ts.t[i].public_key, &c.core), ret);
			fprintf(stderr, "%s: assign %s: %zu of %zu tunnels were assigned before the error\n",
				prog_name, ifname, i, ts.n);
			break;
		}
	}
	ext_tunnels_free(&ts);
	return ret ? 1 : 0;
}

/* peer <key> core <cpu|none>: argv[0] is "peer". */
static int assign_peer_args(const char *ifname, int argc, char **argv)
{
	uint8_t key[WG_KEY_SIZE];
	uint32_t core;

	if (argc < 2)
		return usage_error("assign", assign_usage, "peer needs a base64 public key");
	if (!parse_key(key, argv[1]))
		return 1;
	if (argc < 3)
		return usage_error("assign", assign_usage, "expected `core' after the peer's key");
	if (strcmp(argv[2], "core"))
		return usage_error("assign", assign_usage, "unknown word `%s' (expected core)", argv[2]);
	if (argc < 4)
		return usage_error("assign", assign_usage, "core needs a CPU number or none");
	if (!strcmp(argv[3], "none")) {
		core = WGI_CORE_NONE;
	} else if (!cpu_parse(argv[3], &core)) {
		fprintf(stderr, "%s: assign: core must be a CPU number or none: `%s'\n",
			prog_name, argv[3]);
		return 1;
	}
	if (argc > 4)
		return usage_error("assign", assign_usage, "unexpected argument `%s'", argv[4]);
	return assign_one(ifname, key, core);
}

/* spread cores <list>: argv[0] is "spread". */
static int assign_spread_args(const char *ifname, int argc, char **argv)
{
	struct cpu_list l;
	char err[ERR_LEN];
	int ret;

	if (argc < 2)
		return usage_error("assign", assign_usage, "expected `cores' after spread");
	if (strcmp(argv[1], "cores"))
		return usage_error("assign", assign_usage, "unknown word `%s' (expected cores)", argv[1]);
	if (argc < 3)
		return usage_error("assign", assign_usage, "cores needs a CPU list");
	if (!cpulist_parse(argv[2], &l, err, sizeof(err))) {
		fprintf(stderr, "%s: assign: bad CPU list `%s': %s\n", prog_name, argv[2], err);
		return 1;
	}
	if (argc > 3) {
		cpulist_free(&l);
		return usage_error("assign", assign_usage, "unexpected argument `%s'", argv[3]);
	}
	ret = assign_spread(ifname, &l);
	cpulist_free(&l);
	return ret;
}

int assign_main(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		assign_usage(stdout);
		return 0;
	}
	if (argc < 2)
		return usage_error("assign", assign_usage, "missing interface");
	if (!check_ifname("assign", argv[1]))
		return 1;
	if (argc < 3)
		return usage_error("assign", assign_usage, "expected peer or spread after `%s'",
				   argv[1]);
	if (!strcmp(argv[2], "peer"))
		return assign_peer_args(argv[1], argc - 2, argv + 2);
	if (!strcmp(argv[2], "spread"))
		return assign_spread_args(argv[1], argc - 2, argv + 2);
	return usage_error("assign", assign_usage, "unknown word `%s' (expected peer or spread)",
			   argv[2]);
}

/* ------------------------------------------------------------------ */
/* mode */

static int mode_peer(const char *ifname, const uint8_t key[WG_KEY_SIZE], uint8_t mode)
{
	struct ext_tunnel_change c = { .set_mode = true, .mode = mode };
	int ret = ext_set_tunnel(ifname, key, &c);

	if (ret) {
		report("mode", ifname, NULL, ret);
		return 1;
	}
	return 0;
}

/* The default for new tunnels, then every tunnel there is. */
static int mode_device(const char *ifname, uint8_t mode)
{
	struct ext_tunnel_change c = { .set_mode = true, .mode = mode };
	struct ext_tunnels ts;
	char ctx[ERR_LEN];
	size_t i;
	int ret = ext_set_default_mode(ifname, mode);

	if (ret) {
		report("mode", ifname, NULL, ret);
		return 1;
	}
	if (!get_tunnels("mode", ifname, &ts))
		return 1;
	for (i = 0; i < ts.n; i++) {
		ret = ext_set_tunnel(ifname, ts.t[i].public_key, &c);
		if (ret) {
			report("mode", ifname, tunnel_context(ctx, ts.t[i].public_key, NULL), ret);
			fprintf(stderr, "%s: mode %s: the default mode and %zu of %zu tunnels were changed before the error\n",
				prog_name, ifname, i, ts.n);
			break;
		}
	}
	ext_tunnels_free(&ts);
	return ret ? 1 : 0;
}

static bool parse_mode(const char *s, uint8_t *mode)
{
	if (ext_mode_parse(s, mode))
		return true;
	fprintf(stderr, "%s: mode: unknown mode `%s' (expected inline or parallel)\n",
		prog_name, s);
	return false;
}

int mode_main(int argc, char **argv)
{
	uint8_t key[WG_KEY_SIZE], mode;
	bool peer;
	int m;

	if (wants_help(argc, argv)) {
		mode_usage(stdout);
		return 0;
	}
	if (argc < 2)
		return usage_error("mode", mode_usage, "missing interface");
	if (!check_ifname("mode", argv[1]))
		return 1;
	peer = argc > 2 && !strcmp(argv[2], "peer");
	if (peer && argc < 4)
		return usage_error("mode", mode_usage, "peer needs a base64 public key");
	if (peer && !parse_key(key, argv[3]))
		return 1;
	m = peer ? 4 : 2;	/* where the mode is */
	if (argc <= m)
		return usage_error("mode", mode_usage, "expected inline or parallel");
	if (!parse_mode(argv[m], &mode))
		return 1;
	if (argc > m + 1)
		return usage_error("mode", mode_usage, "unexpected argument `%s'", argv[m + 1]);
	return peer ? mode_peer(argv[1], key, mode) : mode_device(argv[1], mode);
}

/* ------------------------------------------------------------------ */
/* workers */

/* The most CPUs WGI_EXT_A_WORKER_CPUS can name. */
#define WORKER_CPUS_MAX (WGI_WORKER_CPUS_MAX_LEN * 8U)

static int workers_show(const char *ifname)
{
	struct cpu_list l;
	char buf[4096];
	uint8_t mode;
	int ret = ext_get_device(ifname, &mode, &l);

	if (ret) {
		report("workers", ifname, NULL, ret);
		return 1;
	}
	cpulist_format(&l, buf, sizeof(buf));
	printf("%s\n", buf);
	cpulist_free(&l);
	return 0;
}

static int workers_set(const char *ifname, const struct cpu_list *l)
{
	int ret = ext_set_workers(ifname, l);

	if (ret) {
		report("workers", ifname, NULL, ret);
		return 1;
	}
	return 0;
}

/* cpus <list>: argv[0] is "cpus". */
static int workers_set_args(const char *ifname, int argc, char **argv)
{
	struct cpu_list l;
	char err[ERR_LEN];
	size_t i;
	int ret;

	if (argc < 2)
		return usage_error("workers", workers_usage, "cpus needs a CPU list");
	if (!cpulist_parse(argv[1], &l, err, sizeof(err))) {
		fprintf(stderr, "%s: workers: bad CPU list `%s': %s\n", prog_name, argv[1], err);
		return 1;
	}
	if (argc > 2) {
		cpulist_free(&l);
		return usage_error("workers", workers_usage, "unexpected argument `%s'", argv[2]);
	}
	for (i = 0; i < l.n; i++) {
		if (l.cpus[i] >= WORKER_CPUS_MAX) {
			fprintf(stderr, "%s: workers: CPU %u is beyond the %u a worker set can name\n",
				prog_name, l.cpus[i], WORKER_CPUS_MAX);
			cpulist_free(&l);
			return 1;
		}
	}
	ret = workers_set(ifname, &l);
	cpulist_free(&l);
	return ret;
}

int workers_main(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		workers_usage(stdout);
		return 0;
	}
	if (argc < 2)
		return usage_error("workers", workers_usage, "missing interface");
	if (!check_ifname("workers", argv[1]))
		return 1;
	if (argc == 2)
		return workers_show(argv[1]);
	if (strcmp(argv[2], "cpus"))
		return usage_error("workers", workers_usage, "unknown word `%s' (expected cpus)",
				   argv[2]);
	return workers_set_args(argv[1], argc - 2, argv + 2);
}
