// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "config.h"
#include "encoding.h"
#include "util.h"

#define KEYFILE_MAX 1024

/* ------------------------------------------------------------------ */
/* Values */

bool parse_key(uint8_t key[WG_KEY_SIZE], const char *b64)
{
	if (key_from_base64(key, b64))
		return true;
	fprintf(stderr, "Key is not the correct length or format: `%s'\n", b64);
	memset(key, 0, WG_KEY_SIZE);
	return false;
}

static void trim_trailing_space(char *s, size_t *len)
{
	while (*len && isspace((unsigned char)s[*len - 1]))
		s[--*len] = '\0';
}

bool read_keyfile(uint8_t key[WG_KEY_SIZE], const char *path)
{
	char buf[KEYFILE_MAX + 1];
	size_t len;
	bool ok = false;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "Unable to open key file `%s': %s\n", path, strerror(errno));
		return false;
	}
	len = fread(buf, 1, KEYFILE_MAX, f);
	if (ferror(f)) {
		fprintf(stderr, "Unable to read key file `%s': %s\n", path, strerror(errno));
		goto out;
	}
	buf[len] = '\0';
	trim_trailing_space(buf, &len);
	if (!len) {
		memset(key, 0, WG_KEY_SIZE);	/* empty file: remove the key */
		ok = true;
	} else if (!key_from_base64(key, buf)) {
		fprintf(stderr, "Key is not the correct length or format in `%s'\n", path);
	} else {
		ok = true;
	}
out:
	explicit_bzero(buf, sizeof(buf));
	fclose(f);
	return ok;
}

static bool parse_u32(uint32_t *out, const char *s, int base, unsigned long max)
{
	unsigned long v;
	char *end;

	if (!*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_port(uint16_t *port, const char *value)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
				  .ai_protocol = IPPROTO_UDP, .ai_flags = AI_PASSIVE };
	struct addrinfo *res;
	uint32_t v;

	if (parse_u32(&v, value, 10, 65535)) {
		*port = v;
		return true;
	}
	/* A service name, as in /etc/services. */
	if (!isdigit((unsigned char)*value) && !getaddrinfo(NULL, value, &hints, &res)) {
		if (res->ai_family == AF_INET)
			*port = ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port);
		else
			*port = ntohs(((struct sockaddr_in6 *)res->ai_addr)->sin6_port);
		freeaddrinfo(res);
		return true;
	}
	fprintf(stderr, "Unable to parse port: `%s'\n", value);
	return false;
}

static bool parse_fwmark(uint32_t *mark, const char *value)
{
	bool hex = !strncasecmp(value, "0x", 2);

	if (!strcasecmp(value, "off")) {
		*mark = 0;
		return true;
	}
	if (parse_u32(mark, hex ? value + 2 : value, hex ? 16 : 10, UINT32_MAX))
		return true;
	fprintf(stderr, "Fwmark is neither 0/off nor a 32-bit number: `%s'\n", value);
	return false;
}

static bool parse_keepalive(uint16_t *interval, const char *value)
{
	uint32_t v;

	if (!strcasecmp(value, "off")) {
		*interval = 0;
		return true;
	}
	if (parse_u32(&v, value, 10, 65535)) {
		*interval = v;
		return true;
	}
	fprintf(stderr, "Persistent keepalive interval is neither 0/off nor 1-65535: `%s'\n",
		value);
	return false;
}

/* ------------------------------------------------------------------ */
/* Endpoints */

static bool split_host_port(char *s, char **host, char **port)
{
	char *end;

	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':' || !end[2])
			return false;
		*end = '\0';
		*host = s + 1;
		*port = end + 2;
		return true;
	}
	end = strrchr(s, ':');
	if (!end || end == s || !end[1])
		return false;
	*end = '\0';
	*host = s;
	*port = end + 1;
	return true;
}

static unsigned int resolve_retries(void)
{
	const char *env = getenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	uint32_t v;

	if (!env)
		return 15;
	if (!strcmp(env, "infinity"))
		return UINT_MAX;
	return parse_u32(&v, env, 10, UINT_MAX) ? v : 15;
}

static bool resolve_is_temporary(int err)
{
	return err == EAI_AGAIN || err == EAI_FAIL || err == EAI_NONAME
#ifdef EAI_NODATA
	       || err == EAI_NODATA
#endif
		;
}

static int resolve_endpoint(const char *host, const char *port, struct addrinfo **res)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
				  .ai_protocol = IPPROTO_UDP };
	unsigned int tries, max = resolve_retries();
	struct timespec delay;
	int ret;

	/* Numeric addresses never need the resolver or its retries. */
	hints.ai_flags = AI_NUMERICHOST;
	if (!getaddrinfo(host, port, &hints, res))
		return 0;
	hints.ai_flags = 0;
	for (tries = 0;; tries++) {
		ret = getaddrinfo(host, port, &hints, res);
		if (!ret || !resolve_is_temporary(ret) || tries >= max)
			return ret;
		delay.tv_sec = tries < 20 ? tries / 4 : 5;
		delay.tv_nsec = (tries % 4) * 250000000L;
		nanosleep(&delay, NULL);
	}
}

static bool parse_endpoint(union wg_endpoint *ep, const char *value)
{
	char *copy = xstrdup(value), *host, *port;
	struct addrinfo *res;
	bool ok = false;
	int ret;

	if (!split_host_port(copy, &host, &port)) {
		fprintf(stderr, "Unable to find port of endpoint: `%s'\n", value);
		goto out;
	}
	ret = resolve_endpoint(host, port, &res);
	if (ret) {
		fprintf(stderr, "%s: `%s'\n",
			ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret), value);
		goto out;
	}
	if ((res->ai_family == AF_INET && res->ai_addrlen == sizeof(ep->addr4)) ||
	    (res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(ep->addr6))) {
		memset(ep, 0, sizeof(*ep));
		memcpy(ep, res->ai_addr, res->ai_addrlen);
		ok = true;
	} else {
		fprintf(stderr, "Neither IPv4 nor IPv6 address found: `%s'\n", value);
	}
	freeaddrinfo(res);
out:
	free(copy);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Allowed IPs */

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool parse_ip_cidr(struct wg_allowedip *aip, char *s)
{
	char *slash = strchr(s, '/');
	unsigned long max;
	uint32_t cidr;

	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, s, &aip->ip4) == 1) {
		aip->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, s, &aip->ip6) == 1) {
		aip->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	cidr = max;
	if (slash && !parse_u32(&cidr, slash + 1, 10, max))
		return false;
	aip->cidr = cidr;
	return true;
}

static bool parse_one_allowedip(struct wg_allowedip *aip, const char *item)
{
	char *copy = xstrdup(item);
	bool ok = parse_ip_cidr(aip, copy);

	free(copy);
	if (!ok)
		fprintf(stderr, "Unable to parse IP address: `%s'\n", item);
	return ok;
}

/*
 * Comma separated prefixes. With @signs, a leading '+' adds and '-'
 * removes a single prefix; *incremental is set if any entry had a sign.
 */
static bool parse_allowedips(struct wg_peer *peer, const char *value, bool signs,
			     bool *incremental)
{
	char *copy = xstrdup(value), *save = NULL, *tok, *item;
	struct wg_allowedip aip;
	bool ok = true;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		item = trim(tok);
		if (!*item)
			continue;
		memset(&aip, 0, sizeof(aip));
		if (signs && (*item == '+' || *item == '-')) {
			aip.remove = *item == '-';
			*incremental = true;
			item = trim(item + 1);
		}
		ok = parse_one_allowedip(&aip, item);
		if (!ok)
			break;
		*peer_add_allowedip(peer) = aip;
	}
	free(copy);
	return ok;
}

/* ------------------------------------------------------------------ */
/* `set` arguments */

struct arg_state {
	struct wg_device *dev;
	struct wg_peer *peer;
	int argc;
	char **argv;
};

static bool arg_device(struct arg_state *st, const char *opt, const char *val)
{
	struct wg_device *dev = st->dev;

	if (!strcmp(opt, "listen-port")) {
		dev->flags |= DEV_HAS_LISTEN_PORT;
		return parse_port(&dev->listen_port, val);
	}
	if (!strcmp(opt, "fwmark")) {
		dev->flags |= DEV_HAS_FWMARK;
		return parse_fwmark(&dev->fwmark, val);
	}
	if (!strcmp(opt, "private-key")) {
		dev->flags |= DEV_HAS_PRIVATE_KEY;
		return read_keyfile(dev->private_key, val);
	}
	fprintf(stderr, "Invalid argument: %s\n", opt);
	return false;
}

static bool arg_peer(struct arg_state *st, const char *opt, const char *val)
{
	struct wg_peer *peer = st->peer;
	bool incremental = false;

	if (!strcmp(opt, "endpoint"))
		return parse_endpoint(&peer->endpoint, val);
	if (!strcmp(opt, "persistent-keepalive")) {
		peer->flags |= PEER_HAS_KEEPALIVE;
		return parse_keepalive(&peer->keepalive, val);
	}
	if (!strcmp(opt, "preshared-key")) {
		peer->flags |= PEER_HAS_PRESHARED_KEY;
		return read_keyfile(peer->preshared_key, val);
	}
	if (!strcmp(opt, "allowed-ips")) {
		if (!parse_allowedips(peer, val, true, &incremental))
			return false;
		if (!incremental)
			peer->flags |= PEER_REPLACE_ALLOWEDIPS;
		return true;
	}
	fprintf(stderr, "Invalid argument: %s\n", opt);
	return false;
}

static bool arg_new_peer(struct arg_state *st, const char *key)
{
	st->peer = device_add_peer(st->dev);
	st->peer->flags |= PEER_HAS_PUBLIC_KEY;
	return parse_key(st->peer->public_key, key);
}

/* Consumes one option (and its value); false on error. */
static bool arg_step(struct arg_state *st)
{
	const char *opt = st->argv[0];

	if (!strcmp(opt, "remove") && st->peer) {
		st->peer->flags |= PEER_REMOVE_ME;
		st->argv++;
		st->argc--;
		return true;
	}
	if (st->argc < 2) {
		fprintf(stderr, "Invalid argument: %s\n", opt);
		return false;
	}
	st->argv += 2;
	st->argc -= 2;
	if (!strcmp(opt, "peer"))
		return arg_new_peer(st, st->argv[-1]);
	if (st->peer)
		return arg_peer(st, opt, st->argv[-1]);
	return arg_device(st, opt, st->argv[-1]);
}

struct wg_device *config_from_args(const char *ifname, int argc, char **argv)
{
	struct arg_state st = { .dev = device_new(ifname), .argc = argc, .argv = argv };

	while (st.argc > 0) {
		if (!arg_step(&st)) {
			device_free(st.dev);
			return NULL;
		}
	}
	return st.dev;
}

/* ------------------------------------------------------------------ */
/* Configuration files */

enum conf_section { SEC_NONE, SEC_INTERFACE, SEC_PEER };

struct conf_state {
	struct wg_device *dev;
	struct wg_peer *peer;
	enum conf_section section;
	bool seen_interface;
};

/* Drops comments and every whitespace character, like wg does. */
static void conf_clean_line(char *line)
{
	char *r, *w = line;

	for (r = line; *r && *r != '#'; r++)
		if (!isspace((unsigned char)*r))
			*w++ = *r;
	*w = '\0';
}

static bool conf_interface_key(struct conf_state *cs, const char *key, const char *val)
{
	struct wg_device *dev = cs->dev;

	if (!strcasecmp(key, "ListenPort")) {
		dev->flags |= DEV_HAS_LISTEN_PORT;
		return parse_port(&dev->listen_port, val);
	}
	if (!strcasecmp(key, "FwMark")) {
		dev->flags |= DEV_HAS_FWMARK;
		return parse_fwmark(&dev->fwmark, val);
	}
	if (!strcasecmp(key, "PrivateKey")) {
		dev->flags |= DEV_HAS_PRIVATE_KEY;
		return parse_key(dev->private_key, val);
	}
	return false;
}

static bool conf_peer_key(struct conf_state *cs, const char *key, const char *val)
{
	struct wg_peer *peer = cs->peer;
	bool incremental = false;

	if (!strcasecmp(key, "PublicKey")) {
		peer->flags |= PEER_HAS_PUBLIC_KEY;
		return parse_key(peer->public_key, val);
	}
	if (!strcasecmp(key, "PresharedKey")) {
		peer->flags |= PEER_HAS_PRESHARED_KEY;
		return parse_key(peer->preshared_key, val);
	}
	if (!strcasecmp(key, "AllowedIPs"))
		return parse_allowedips(peer, val, false, &incremental);
	if (!strcasecmp(key, "Endpoint"))
		return parse_endpoint(&peer->endpoint, val);
	if (!strcasecmp(key, "PersistentKeepalive")) {
		peer->flags |= PEER_HAS_KEEPALIVE;
		return parse_keepalive(&peer->keepalive, val);
	}
	return false;
}

static bool conf_finish_peer(struct conf_state *cs)
{
	if (cs->peer && !(cs->peer->flags & PEER_HAS_PUBLIC_KEY)) {
		fprintf(stderr, "A peer is missing a public key\n");
		return false;
	}
	return true;
}

static bool conf_section(struct conf_state *cs, const char *line)
{
	if (!conf_finish_peer(cs))
		return false;
	if (!strcasecmp(line, "[Interface]")) {
		cs->section = SEC_INTERFACE;
		cs->peer = NULL;
		cs->seen_interface = true;
		return true;
	}
	if (!strcasecmp(line, "[Peer]")) {
		cs->section = SEC_PEER;
		cs->peer = device_add_peer(cs->dev);
		return true;
	}
	return false;
}

static bool conf_line(struct conf_state *cs, char *line)
{
	char *eq;

	conf_clean_line(line);
	if (!*line)
		return true;
	if (*line == '[')
		return conf_section(cs, line);
	eq = strchr(line, '=');
	if (!eq || eq == line)
		return false;
	*eq = '\0';
	/* Report the line as written, not as split. */
	if (cs->section == SEC_INTERFACE && conf_interface_key(cs, line, eq + 1))
		return true;
	if (cs->section == SEC_PEER && conf_peer_key(cs, line, eq + 1))
		return true;
	*eq = '=';
	return false;
}

static bool conf_read(struct conf_state *cs, FILE *f)
{
	char *line = NULL, *shown = NULL;
	size_t cap = 0, len;
	bool ok = true;

	while (ok && getline(&line, &cap, f) >= 0) {
		free(shown);
		shown = xstrdup(line);
		if (!conf_line(cs, line)) {
			len = strlen(shown);
			trim_trailing_space(shown, &len);
			fprintf(stderr, "Line unrecognized: `%s'\n", shown);
			ok = false;
		}
	}
	if (line)
		explicit_bzero(line, cap);
	free(line);
	if (shown)
		explicit_bzero(shown, strlen(shown));
	free(shown);
	return ok && conf_finish_peer(cs);
}

struct wg_device *config_from_file(const char *ifname, const char *path, bool append)
{
	struct conf_state cs = { .dev = device_new(ifname) };
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f) {
		fprintf(stderr, "Unable to open configuration file `%s': %s\n", path,
			strerror(errno));
		device_free(cs.dev);
		return NULL;
	}
	if (!append)
		cs.dev->flags |= DEV_REPLACE_PEERS | DEV_HAS_PRIVATE_KEY |
				 DEV_HAS_LISTEN_PORT | DEV_HAS_FWMARK;
	ok = conf_read(&cs, f);
	fclose(f);
	if (!ok) {
		fprintf(stderr, "Configuration parsing error\n");
		device_free(cs.dev);
		return NULL;
	}
	return cs.dev;
}
