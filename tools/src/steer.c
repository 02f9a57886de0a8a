// SPDX-License-Identifier: GPL-2.0
/*
 * steer: a device's NIC steering mode and LAN netdevs, over the
 * wg-inline-ext family. wg-inline records them and tells its event
 * listeners; a steering module (mlx5_steer) acts on them.
 *
 *   steer <interface> [-j]                     prints them
 *   steer <interface> { on | off | dry-run } [lan [<ifname>...]]
 *   steer <interface> lan [<ifname>...]
 *
 * Without `lan' the LAN list stays as it is; `lan' with no names clears
 * it. Names are resolved here, in this network namespace (the device's).
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/wg_inline.h>
#include "commands.h"
#include "ext.h"
#include "json.h"
#include "show_ext.h"
#include "util.h"

/* More than the kernel takes, so that it is the kernel that refuses. */
#define STEER_ARGS_MAX 64

static void steer_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s steer <interface> [-j | --json]\n"
		"       %s steer <interface> { on | off | dry-run } [lan [<lan interface>...]]\n"
		"       %s steer <interface> lan [<lan interface>...]\n"
		"NIC steering of the device's tunnels, carried out by a steering module:\n"
		"on, off, or dry-run (computed and reported, nothing installed). lan names\n"
		"the LAN devices whose inner rules it manages (at most %d); lan alone clears\n"
		"them, and without lan they stay as they are. Without a mode or lan, prints.\n",
		prog_name, prog_name, prog_name, WGI_STEER_LAN_MAX);
}

static int __attribute__((format(printf, 1, 2))) steer_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: steer: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	steer_usage(stderr);
	return 1;
}

static int steer_report(const char *ifname, int err)
{
	fprintf(stderr, "%s: steer %s: ", prog_name, ifname);
	if (ext_available() == -ENOENT)
		fprintf(stderr, "the %s netlink family is not available (is wg_inline loaded?)\n",
			WG_INLINE_EXT_GENL_NAME);
	else if (*ext_extack())
		fprintf(stderr, "%s (%s)\n", ext_extack(), strerror(-err));
	else
		fprintf(stderr, "%s\n", strerror(-err));
	return 1;
}

static int steer_print(const char *ifname, bool json)
{
	char buf[SHOW_EXT_STR_LEN + STEER_TEXT_LEN];
	struct ext_steer s;
	struct json j;
	int ret = ext_get_steer(ifname, &s);

	if (ret)
		return steer_report(ifname, ret);
	if (!json) {
		printf("%s\n", show_ext_steer_str(buf, sizeof(buf), &s));
		return 0;
	}
	json_init(&j, stdout, false);
	json_begin_object(&j);
	json_kv_string(&j, "ifname", ifname);
	show_ext_json_steer(&j, &s);
	json_end_object(&j);
	json_finish(&j);
	return 0;
}

/* argv: the names after `lan'; resolved into @lan. */
static int steer_lan_args(int argc, char **argv, uint32_t *lan)
{
	int i;

	if (argc > STEER_ARGS_MAX) {
		fprintf(stderr, "%s: steer: at most %d LAN devices can be named\n",
			prog_name, WGI_STEER_LAN_MAX);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		lan[i] = if_nametoindex(argv[i]);
		if (!lan[i]) {
			fprintf(stderr, "%s: steer: no LAN device `%s': %s\n", prog_name,
				argv[i], strerror(errno));
			return -1;
		}
	}
	return argc;
}

static int steer_set_args(const char *ifname, int argc, char **argv)
{
	uint32_t lan[STEER_ARGS_MAX];
	uint8_t mode;
	bool have_mode = false;
	int n_lan = -1, ret;

	if (argc && ext_steer_mode_parse(argv[0], &mode)) {
		have_mode = true;
		argc--;
		argv++;
	}
	if (argc && !strcmp(argv[0], "lan")) {
		n_lan = steer_lan_args(argc - 1, argv + 1, lan);
		if (n_lan < 0)
			return 1;
	} else if (argc) {
		return steer_usage_error("unknown word `%s' (expected %s)", argv[0],
					 have_mode ? "lan" : "on, off, dry-run or lan");
	}
	ret = ext_set_steer(ifname, have_mode ? &mode : NULL, n_lan < 0 ? NULL : lan,
			    n_lan < 0 ? 0 : (size_t)n_lan);
	return ret ? steer_report(ifname, ret) : 0;
}

int steer_main(int argc, char **argv)
{
	bool json = false;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ||
		    (i == 1 && is_help_arg(argv[i]))) {
			steer_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else
			argv[++n] = argv[i];	/* keeps the words, in order */
	}
	argc = n + 1;
	if (argc < 2)
		return steer_usage_error("missing interface");
	if (!*argv[1] || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "%s: steer: `%s' is not an interface name (1 to %d characters)\n",
			prog_name, argv[1], IFNAMSIZ - 1);
		return 1;
	}
	if (argc == 2)
		return steer_print(argv[1], json);
	if (json)
		return steer_usage_error("-j only goes with printing");
	return steer_set_args(argv[1], argc - 2, argv + 2);
}
