// SPDX-License-Identifier: GPL-2.0
/*
 * wgaff: configure wg-inline (and WireGuard) interfaces. The WireGuard
 * verbs and their output follow wg(8); assign, mode and workers (CPU
 * affinity, execution mode, worker CPUs) speak the wg-inline-ext family.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "ext.h"
#include "ipc.h"
#include "util.h"

#define WGAFF_VERSION "0.1"

const char *prog_name = "wgaff";

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct verb verbs[] = {
	{ "show", show_main, "Shows the current configuration and device information" },
	{ "showconf", showconf_main,
	  "Shows the current configuration of a given interface, for use with `setconf'" },
	{ "set", set_main, "Change the current configuration, add peers, remove peers, or change peers" },
	{ "setconf", setconf_main, "Applies a configuration file to an interface" },
	{ "addconf", addconf_main, "Appends a configuration file to an interface" },
	{ "syncconf", syncconf_main, "Synchronizes a configuration file to an interface" },
	{ "genkey", genkey_main, "Generates a new private key and writes it to stdout" },
	{ "genpsk", genpsk_main, "Generates a new preshared key and writes it to stdout" },
	{ "pubkey", pubkey_main, "Reads a private key from stdin and writes a public key to stdout" },
	{ "assign", assign_main, "Pins tunnels to CPU cores: one peer, or all of them spread over a CPU list" },
	{ "mode", mode_main, "Sets the execution mode (inline or parallel) of a tunnel, or of a device and its tunnels" },
	{ "workers", workers_main, "Sets or prints the CPUs a device's parallel-mode crypt workers run on" },
	{ "steer", steer_main, "Sets or prints a device's NIC steering mode (on, off, dry-run) and LAN devices" },
	{ "monitor", monitor_main, "Prints tunnel events as they happen (-j: JSON lines)" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

bool is_help_arg(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [--compat] <cmd> [<args>]\n\n", prog_name);
	fprintf(f, "Available subcommands:\n");
	for (i = 0; i < N_VERBS; i++)
		fprintf(f, "  %s: %s\n", verbs[i].name, verbs[i].help);
	fprintf(f, "You may pass `--help' to any of these subcommands to view usage.\n");
	fprintf(f, "`show ... -j' (or --json, -p/--pretty indented) prints JSON.\n");
	fprintf(f, "--compat talks to the \"wireguard\" family instead of \"wg-inline\";\n");
	fprintf(f, "assign, mode, workers and steer always use \"wg-inline-ext\", and show adds its lines\n");
	fprintf(f, "and keys only without --compat.\n");
}

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static char show_name[] = "show";
	static char *show_argv[] = { show_name, NULL };
	const struct verb *v;
	int ret;

	argc--;
	argv++;
	while (argc > 0 && !strcmp(argv[0], "--compat")) {
		ipc_force_compat();
		argc--;
		argv++;
	}
	if (argc > 0 && (!strcmp(argv[0], "--version") || !strcmp(argv[0], "version"))) {
		printf("wgaff v%s (wg-inline)\n", WGAFF_VERSION);
		return 0;
	}
	if (argc > 0 && is_help_arg(argv[0])) {
		usage(stdout);
		return 0;
	}
	if (argc == 0) {
		argc = 1;
		argv = show_argv;
	}
	v = find_verb(argv[0]);
	if (!v) {
		fprintf(stderr, "Invalid subcommand: `%s'\n", argv[0]);
		usage(stderr);
		return 1;
	}
	ret = v->fn(argc, argv);
	ipc_close();
	ext_close();
	return ret;
}
