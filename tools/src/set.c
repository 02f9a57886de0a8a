// SPDX-License-Identifier: GPL-2.0
/* set, setconf, addconf, syncconf */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "config.h"
#include "device.h"
#include "encoding.h"
#include "ipc.h"
#include "util.h"

static int apply(struct wg_device *dev)
{
	int ret = ipc_set_device(dev);

	device_free(dev);
	if (ret) {
		report_ipc_error("Unable to modify interface", ret);
		return 1;
	}
	return 0;
}

int set_main(int argc, char **argv)
{
	struct wg_device *dev;

	if (argc < 3 || is_help_arg(argv[1])) {
		bool help = argc >= 2 && is_help_arg(argv[1]);

		fprintf(help ? stdout : stderr,
			"Usage: %s %s <interface> [listen-port <port>] [fwmark <mark>] [private-key <file path>] [peer <base64 public key> [remove] [preshared-key <file path>] [endpoint <ip>:<port>] [persistent-keepalive <interval seconds>] [allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]...\n",
			prog_name, argv[0]);
		return help ? 0 : 1;
	}
	dev = config_from_args(argv[1], argc - 2, argv + 2);
	if (!dev)
		return 1;
	return apply(dev);
}

/* Returns -1 to go on, else the exit status after printing the usage. */
static int conf_usage(int argc, char **argv)
{
	bool help = argc == 2 && is_help_arg(argv[1]);

	if (argc == 3 && !is_help_arg(argv[1]))
		return -1;
	fprintf(help ? stdout : stderr,
		"Usage: %s %s <interface> <configuration filename>\n",
		prog_name, argv[0]);
	return help ? 0 : 1;
}

static int conf_main(int argc, char **argv, bool append)
{
	struct wg_device *dev;
	int ret;

	ret = conf_usage(argc, argv);
	if (ret >= 0)
		return ret;
	dev = config_from_file(argv[1], argv[2], append);
	if (!dev)
		return 1;
	return apply(dev);
}

int setconf_main(int argc, char **argv)
{
	return conf_main(argc, argv, false);
}

int addconf_main(int argc, char **argv)
{
	return conf_main(argc, argv, true);
}

/*
 * syncconf: the file's peers are (re)configured in place, keeping their
 * sessions; peers only the device has are removed; values the file leaves
 * out are reset, except the listen port (kept rather than re-randomised).
 */
static void sync_peer_defaults(struct wg_peer *peer)
{
	peer->flags |= PEER_REPLACE_ALLOWEDIPS;
	if (!(peer->flags & PEER_HAS_PRESHARED_KEY)) {
		memset(peer->preshared_key, 0, WG_KEY_SIZE);
		peer->flags |= PEER_HAS_PRESHARED_KEY;
	}
	if (!(peer->flags & PEER_HAS_KEEPALIVE)) {
		peer->keepalive = 0;
		peer->flags |= PEER_HAS_KEEPALIVE;
	}
}

static void sync_device(struct wg_device *file, const struct wg_device *runtime)
{
	struct wg_peer *peer, *gone;

	file->flags &= ~DEV_REPLACE_PEERS;
	if (!file->listen_port)
		file->flags &= ~DEV_HAS_LISTEN_PORT;
	if ((runtime->flags & DEV_HAS_PRIVATE_KEY) &&
	    key_equal(runtime->private_key, file->private_key))
		file->flags &= ~DEV_HAS_PRIVATE_KEY;
	for_each_peer(file, peer)
		sync_peer_defaults(peer);
	for_each_peer(runtime, peer) {
		if (device_find_peer(file, peer->public_key))
			continue;
		gone = device_add_peer(file);
		memcpy(gone->public_key, peer->public_key, WG_KEY_SIZE);
		gone->flags = PEER_HAS_PUBLIC_KEY | PEER_REMOVE_ME;
	}
}

int syncconf_main(int argc, char **argv)
{
	struct wg_device *file, *runtime;
	int ret;

	ret = conf_usage(argc, argv);
	if (ret >= 0)
		return ret;
	file = config_from_file(argv[1], argv[2], false);
	if (!file)
		return 1;
	ret = ipc_get_device(&runtime, argv[1]);
	if (ret) {
		device_free(file);
		report_ipc_error("Unable to access interface", ret);
		return 1;
	}
	sync_device(file, runtime);
	device_free(runtime);
	return apply(file);
}
