// SPDX-License-Identifier: GPL-2.0
/* show and showconf, formatted as wg(8) formats them. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "commands.h"
#include "device.h"
#include "encoding.h"
#include "format.h"
#include "ipc.h"
#include "show_ext.h"
#include "show_json.h"
#include "terminal.h"
#include "util.h"

#define TIME_STR_LEN 256

static void show_usage(FILE *f, const char *cmd)
{
	fprintf(f,
		"Usage: %s %s { <interface> | all | interfaces } [public-key | private-key | listen-port | fwmark | peers | preshared-keys | endpoints | allowed-ips | latest-handshakes | transfer | persistent-keepalive | dump]\n"
		"       %s %s [{ <interface> | all | interfaces }] { -j | --json } [-p | --pretty]\n",
		prog_name, cmd, prog_name, cmd);
}

void report_ipc_error(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(-err));
	if (*ipc_extack())
		fprintf(stderr, "Kernel: %s\n", ipc_extack());
}

/* ------------------------------------------------------------------ */
/* Formatting helpers */

static const char *key_str(char buf[WG_KEY_B64_LEN], const uint8_t *key)
{
	key_to_base64(buf, key);
	return buf;
}

static const char *maybe_key(char buf[WG_KEY_B64_LEN], const uint8_t *key, bool have)
{
	return have ? key_str(buf, key) : "(none)";
}

static const char *masked_key(char buf[WG_KEY_B64_LEN], const uint8_t *key)
{
	const char *env = getenv("WG_HIDE_KEYS");

	if (env && !strcmp(env, "never"))
		return key_str(buf, key);
	return "(hidden)";
}

static size_t time_unit(char *buf, size_t len, size_t off, unsigned long long n,
			const char *unit)
{
	int ret;

	if (!n || off >= len)
		return off;
	ret = snprintf(buf + off, len - off, "%s%llu " TERM_CYAN "%s%s" TERM_RESET,
		       off ? ", " : "", n, unit, n == 1 ? "" : "s");
	return ret < 0 ? off : off + (size_t)ret;
}

/* "1 year, 2 days, 3 hours, 4 minutes, 5 seconds" */
static size_t pretty_time(char *buf, size_t len, unsigned long long left)
{
	unsigned long long years, days, hours, minutes;
	size_t off = 0;

	years = left / (365ULL * 24 * 60 * 60);
	left %= 365ULL * 24 * 60 * 60;
	days = left / (24 * 60 * 60);
	left %= 24 * 60 * 60;
	hours = left / (60 * 60);
	left %= 60 * 60;
	minutes = left / 60;
	left %= 60;
	buf[0] = '\0';
	off = time_unit(buf, len, off, years, "year");
	off = time_unit(buf, len, off, days, "day");
	off = time_unit(buf, len, off, hours, "hour");
	off = time_unit(buf, len, off, minutes, "minute");
	off = time_unit(buf, len, off, left, "second");
	return off < len ? off : len - 1;
}

static const char *ago(char buf[TIME_STR_LEN], int64_t when)
{
	int64_t now = time(NULL);
	size_t off;

	if (now == when) {
		snprintf(buf, TIME_STR_LEN, "Now");
	} else if (now < when) {
		snprintf(buf, TIME_STR_LEN, "(" TERM_RED
			 "System clock wound backward; connection problems may ensue."
			 TERM_RESET ")");
	} else {
		off = pretty_time(buf, TIME_STR_LEN, (unsigned long long)(now - when));
		snprintf(buf + off, TIME_STR_LEN - off, " ago");
	}
	return buf;
}

static const char *every(char buf[TIME_STR_LEN], uint16_t seconds)
{
	size_t off = (size_t)snprintf(buf, TIME_STR_LEN, "every ");

	pretty_time(buf + off, TIME_STR_LEN - off, seconds);
	return buf;
}

static const char *bytes_str(char buf[TIME_STR_LEN], uint64_t b)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b / 1024;
	unsigned int i = 0;

	if (b < 1024) {
		snprintf(buf, TIME_STR_LEN, "%u " TERM_CYAN "B" TERM_RESET, (unsigned int)b);
		return buf;
	}
	while (i < 3 && v >= 1024) {
		v /= 1024;
		i++;
	}
	snprintf(buf, TIME_STR_LEN, "%.2f " TERM_CYAN "%s" TERM_RESET, v, units[i]);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Pretty (terminal) output */

static void pretty_device(const struct wg_device *dev)
{
	char k[WG_KEY_B64_LEN];

	term_printf(TERM_RESET TERM_GREEN TERM_BOLD "interface" TERM_RESET ": "
		    TERM_GREEN "%s" TERM_RESET "\n", dev->name);
	if (dev->flags & DEV_HAS_PUBLIC_KEY)
		term_printf("  " TERM_BOLD "public key" TERM_RESET ": %s\n",
			    key_str(k, dev->public_key));
	if (dev->flags & DEV_HAS_PRIVATE_KEY)
		term_printf("  " TERM_BOLD "private key" TERM_RESET ": %s\n",
			    masked_key(k, dev->private_key));
	if (dev->listen_port)
		term_printf("  " TERM_BOLD "listening port" TERM_RESET ": %u\n",
			    dev->listen_port);
	if (dev->fwmark)
		term_printf("  " TERM_BOLD "fwmark" TERM_RESET ": 0x%x\n", dev->fwmark);
}

static void pretty_allowedips(const struct wg_peer *peer)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	term_printf("  " TERM_BOLD "allowed ips" TERM_RESET ": ");
	if (!peer->n_allowedips)
		term_printf("(none)\n");
	for (i = 0; i < peer->n_allowedips; i++)
		term_printf("%s" TERM_CYAN "/" TERM_RESET "%u%s",
			    ip_str(ip, &peer->allowedips[i]), peer->allowedips[i].cidr,
			    i + 1 < peer->n_allowedips ? ", " : "\n");
}

static void pretty_peer(const struct wg_peer *peer)
{
	char k[WG_KEY_B64_LEN], ep[ENDPOINT_STR_LEN], t[TIME_STR_LEN];

	term_printf(TERM_YELLOW TERM_BOLD "peer" TERM_RESET ": " TERM_YELLOW "%s"
		    TERM_RESET "\n", key_str(k, peer->public_key));
	if (peer->flags & PEER_HAS_PRESHARED_KEY)
		term_printf("  " TERM_BOLD "preshared key" TERM_RESET ": %s\n",
			    masked_key(k, peer->preshared_key));
	if (endpoint_is_set(&peer->endpoint))
		term_printf("  " TERM_BOLD "endpoint" TERM_RESET ": %s\n",
			    endpoint_str(ep, &peer->endpoint));
	pretty_allowedips(peer);
	if (peer->last_handshake_sec)
		term_printf("  " TERM_BOLD "latest handshake" TERM_RESET ": %s\n",
			    ago(t, peer->last_handshake_sec));
	if (peer->rx_bytes || peer->tx_bytes) {
		term_printf("  " TERM_BOLD "transfer" TERM_RESET ": ");
		term_printf("%s received, ", bytes_str(t, peer->rx_bytes));
		term_printf("%s sent\n", bytes_str(t, peer->tx_bytes));
	}
	if (peer->keepalive)
		term_printf("  " TERM_BOLD "persistent keepalive" TERM_RESET ": %s\n",
			    every(t, peer->keepalive));
}

/* @x: the wg-inline extension's view of the device, lines after wg's */
static void pretty_print(struct wg_device *dev, struct show_ext *x)
{
	const struct ext_tunnel *t;
	struct wg_peer *peer;

	pretty_device(dev);
	if (x)
		show_ext_pretty_device(x);
	if (dev->first_peer) {
		device_sort_peers(dev);
		term_printf("\n");
	}
	for_each_peer(dev, peer) {
		pretty_peer(peer);
		t = show_ext_tunnel(x, peer->public_key);
		if (t)
			show_ext_pretty_peer(t);
		if (peer->next)
			term_printf("\n");
	}
}

/* ------------------------------------------------------------------ */
/* Script output */

static void print_prefix(const struct wg_device *dev, bool with_iface)
{
	if (with_iface)
		printf("%s\t", dev->name);
}

static void print_allowedips(const struct wg_peer *peer, char sep, char end)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	if (!peer->n_allowedips)
		printf("(none)%c", end);
	for (i = 0; i < peer->n_allowedips; i++)
		printf("%s/%u%c", ip_str(ip, &peer->allowedips[i]),
		       peer->allowedips[i].cidr,
		       i + 1 < peer->n_allowedips ? sep : end);
}

static void print_endpoint(const struct wg_peer *peer, char end)
{
	char ep[ENDPOINT_STR_LEN];

	if (endpoint_is_set(&peer->endpoint))
		printf("%s%c", endpoint_str(ep, &peer->endpoint), end);
	else
		printf("(none)%c", end);
}

static void print_fwmark(uint32_t mark, char end)
{
	if (mark)
		printf("0x%x%c", mark, end);
	else
		printf("off%c", end);
}

static void print_keepalive(uint16_t interval, char end)
{
	if (interval)
		printf("%u%c", interval, end);
	else
		printf("off%c", end);
}

static void dump_print(const struct wg_device *dev, bool with_iface)
{
	char k[WG_KEY_B64_LEN];
	const struct wg_peer *peer;

	print_prefix(dev, with_iface);
	printf("%s\t", maybe_key(k, dev->private_key, dev->flags & DEV_HAS_PRIVATE_KEY));
	printf("%s\t", maybe_key(k, dev->public_key, dev->flags & DEV_HAS_PUBLIC_KEY));
	printf("%u\t", dev->listen_port);
	print_fwmark(dev->fwmark, '\n');
	for_each_peer(dev, peer) {
		print_prefix(dev, with_iface);
		printf("%s\t", key_str(k, peer->public_key));
		printf("%s\t", maybe_key(k, peer->preshared_key,
					 peer->flags & PEER_HAS_PRESHARED_KEY));
		print_endpoint(peer, '\t');
		print_allowedips(peer, ',', '\t');
		printf("%llu\t", (unsigned long long)peer->last_handshake_sec);
		printf("%" PRIu64 "\t%" PRIu64 "\t", peer->rx_bytes, peer->tx_bytes);
		print_keepalive(peer->keepalive, '\n');
	}
}

/* One line per peer: the peer's key, a tab, then what @field prints. */
typedef void (*peer_field_fn)(const struct wg_peer *peer);

static void field_endpoint(const struct wg_peer *p) { print_endpoint(p, '\n'); }
static void field_allowedips(const struct wg_peer *p) { print_allowedips(p, ' ', '\n'); }
static void field_none(const struct wg_peer *p) { (void)p; }

static void field_handshake(const struct wg_peer *p)
{
	printf("%llu\n", (unsigned long long)p->last_handshake_sec);
}

static void field_transfer(const struct wg_peer *p)
{
	printf("%" PRIu64 "\t%" PRIu64 "\n", p->rx_bytes, p->tx_bytes);
}

static void field_keepalive(const struct wg_peer *p) { print_keepalive(p->keepalive, '\n'); }

static void field_psk(const struct wg_peer *p)
{
	char k[WG_KEY_B64_LEN];

	printf("%s\n", maybe_key(k, p->preshared_key, p->flags & PEER_HAS_PRESHARED_KEY));
}

static const struct {
	const char *name;
	peer_field_fn fn;
} peer_fields[] = {
	{ "endpoints", field_endpoint },
	{ "allowed-ips", field_allowedips },
	{ "latest-handshakes", field_handshake },
	{ "transfer", field_transfer },
	{ "persistent-keepalive", field_keepalive },
	{ "preshared-keys", field_psk },
	{ "peers", field_none },
};

static void print_peer_field(const struct wg_device *dev, peer_field_fn fn,
			     bool with_iface)
{
	char k[WG_KEY_B64_LEN];
	const struct wg_peer *peer;

	for_each_peer(dev, peer) {
		print_prefix(dev, with_iface);
		if (fn == field_none) {
			printf("%s\n", key_str(k, peer->public_key));
			continue;
		}
		printf("%s\t", key_str(k, peer->public_key));
		fn(peer);
	}
}

static bool print_device_field(const struct wg_device *dev, const char *param,
			       bool with_iface)
{
	char k[WG_KEY_B64_LEN];

	if (!strcmp(param, "public-key")) {
		print_prefix(dev, with_iface);
		printf("%s\n", maybe_key(k, dev->public_key, dev->flags & DEV_HAS_PUBLIC_KEY));
	} else if (!strcmp(param, "private-key")) {
		print_prefix(dev, with_iface);
		printf("%s\n", maybe_key(k, dev->private_key, dev->flags & DEV_HAS_PRIVATE_KEY));
	} else if (!strcmp(param, "listen-port")) {
		print_prefix(dev, with_iface);
		printf("%u\n", dev->listen_port);
	} else if (!strcmp(param, "fwmark")) {
		print_prefix(dev, with_iface);
		print_fwmark(dev->fwmark, '\n');
	} else if (!strcmp(param, "dump")) {
		dump_print(dev, with_iface);
	} else {
		return false;
	}
	return true;
}

static bool ugly_print(const struct wg_device *dev, const char *param, bool with_iface)
{
	size_t i;

	if (print_device_field(dev, param, with_iface))
		return true;
	for (i = 0; i < sizeof(peer_fields) / sizeof(peer_fields[0]); i++) {
		if (!strcmp(param, peer_fields[i].name)) {
			print_peer_field(dev, peer_fields[i].fn, with_iface);
			return true;
		}
	}
	fprintf(stderr, "Invalid parameter: `%s'\n", param);
	return false;
}

/* ------------------------------------------------------------------ */
/* Verbs */

/* The text view, with the extension's lines where it answers. */
static void pretty_print_ext(struct wg_device *dev)
{
	struct show_ext x;

	show_ext_load(&x, dev->name, true);
	pretty_print(dev, &x);
	show_ext_free(&x);
}

static int show_all(int argc, char **argv)
{
	struct wg_device *dev;
	char **names, **n;
	int ret;

	ret = ipc_list_devices(&names);
	if (ret) {
		report_ipc_error("Unable to list interfaces", ret);
		return 1;
	}
	ret = !!*names;
	for (n = names; *n; n++) {
		int err = ipc_get_device(&dev, *n);

		if (err) {
			fprintf(stderr, "Unable to access interface %s: %s\n", *n,
				strerror(-err));
			if (*ipc_extack())
				fprintf(stderr, "Kernel: %s\n", ipc_extack());
			continue;
		}
		if (argc == 3) {
			if (!ugly_print(dev, argv[2], true)) {
				show_usage(stderr, argv[0]);
				device_free(dev);
				ret = 1;
				break;
			}
		} else {
			pretty_print_ext(dev);
			if (n[1])
				printf("\n");
		}
		device_free(dev);
		ret = 0;
	}
	ipc_free_list(names);
	return ret;
}

static int list_or_report(char ***names)
{
	int ret = ipc_list_devices(names);

	if (ret)
		report_ipc_error("Unable to list interfaces", ret);
	return ret;
}

static int show_interfaces(void)
{
	char **names, **n;

	if (list_or_report(&names))
		return 1;
	for (n = names; *n; n++)
		printf("%s%c", *n, n[1] ? ' ' : '\n');
	ipc_free_list(names);
	return 0;
}

static int show_one(int argc, char **argv)
{
	struct wg_device *dev;
	int ret = ipc_get_device(&dev, argv[1]);

	if (ret) {
		report_ipc_error("Unable to access interface", ret);
		return 1;
	}
	ret = 0;
	if (argc == 3) {
		if (!ugly_print(dev, argv[2], false)) {
			show_usage(stderr, argv[0]);
			ret = 1;
		}
	} else {
		pretty_print_ext(dev);
	}
	device_free(dev);
	return ret;
}

/* show [...] -j: argv as left by take_output_opts(). */
static int show_json(int argc, char **argv, bool pretty)
{
	char **names;
	int ret;

	if (argc == 3) {
		fprintf(stderr, "Invalid parameter with --json: `%s'\n", argv[2]);
		show_usage(stderr, argv[0]);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "all") && strcmp(argv[1], "interfaces"))
		return show_json_devices(argv + 1, true, pretty);
	if (list_or_report(&names))
		return 1;
	if (argc == 2 && !strcmp(argv[1], "interfaces")) {
		show_json_names(names, pretty);
		ret = 0;
	} else {
		ret = show_json_devices(names, false, pretty);
	}
	ipc_free_list(names);
	return ret;
}

/*
 * Removes -j/--json and -p/--pretty (which implies -j) from anywhere in
 * argv; returns the new argc.
 */
static int take_output_opts(int argc, char **argv, bool *json, bool *pretty)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			*json = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			*json = *pretty = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

int show_main(int argc, char **argv)
{
	bool json = false, pretty = false;

	argc = take_output_opts(argc, argv, &json, &pretty);
	if (argc == 2 && is_help_arg(argv[1])) {
		show_usage(stdout, argv[0]);
		return 0;
	}
	if (argc > 3) {
		show_usage(stderr, argv[0]);
		return 1;
	}
	if (json)
		return show_json(argc, argv, pretty);
	if (argc == 1 || !strcmp(argv[1], "all"))
		return show_all(argc, argv);
	if (!strcmp(argv[1], "interfaces")) {
		if (argc > 2) {
			show_usage(stderr, argv[0]);
			return 1;
		}
		return show_interfaces();
	}
	return show_one(argc, argv);
}

static void showconf_peer(const struct wg_peer *peer)
{
	char k[WG_KEY_B64_LEN], ep[ENDPOINT_STR_LEN], ip[INET6_ADDRSTRLEN];
	size_t i;

	printf("[Peer]\n");
	printf("PublicKey = %s\n", key_str(k, peer->public_key));
	if (peer->flags & PEER_HAS_PRESHARED_KEY)
		printf("PresharedKey = %s\n", key_str(k, peer->preshared_key));
	if (peer->n_allowedips)
		printf("AllowedIPs = ");
	for (i = 0; i < peer->n_allowedips; i++)
		printf("%s/%u%s", ip_str(ip, &peer->allowedips[i]), peer->allowedips[i].cidr,
		       i + 1 < peer->n_allowedips ? ", " : "\n");
	if (endpoint_is_set(&peer->endpoint))
		printf("Endpoint = %s\n", endpoint_str(ep, &peer->endpoint));
	if (peer->keepalive)
		printf("PersistentKeepalive = %u\n", peer->keepalive);
}

int showconf_main(int argc, char **argv)
{
	char k[WG_KEY_B64_LEN];
	struct wg_device *dev;
	struct wg_peer *peer;
	int ret;

	if (argc != 2 || is_help_arg(argv[1])) {
		fprintf(argc == 2 ? stdout : stderr, "Usage: %s %s <interface>\n",
			prog_name, argv[0]);
		return argc == 2 ? 0 : 1;
	}
	ret = ipc_get_device(&dev, argv[1]);
	if (ret) {
		report_ipc_error("Unable to access interface", ret);
		return 1;
	}
	printf("[Interface]\n");
	if (dev->listen_port)
		printf("ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & DEV_HAS_PRIVATE_KEY)
		printf("PrivateKey = %s\n", key_str(k, dev->private_key));
	printf("\n");
	for_each_peer(dev, peer) {
		showconf_peer(peer);
		if (peer->next)
			printf("\n");
	}
	device_free(dev);
	return 0;
}
