// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/wg_inline.h>
#include "commands.h"
#include "encoding.h"
#include "format.h"
#include "ipc.h"
#include "show_json.h"

static void json_key_b64(struct json *j, const char *name, const uint8_t *key)
{
	char b64[WG_KEY_B64_LEN];

	key_to_base64(b64, key);
	json_kv_string(j, name, b64);
}

static void json_allowedips(struct json *j, const struct wg_peer *peer)
{
	char ip[INET6_ADDRSTRLEN], item[INET6_ADDRSTRLEN + 8];
	size_t i;

	json_key(j, "allowed_ips");
	json_begin_array(j);
	for (i = 0; i < peer->n_allowedips; i++) {
		snprintf(item, sizeof(item), "%s/%u", ip_str(ip, &peer->allowedips[i]),
			 peer->allowedips[i].cidr);
		json_string(j, item);
	}
	json_end_array(j);
}

static void json_pcpu(struct json *j, const struct ext_pcpu *pc)
{
	json_begin_object(j);
	json_kv_u64(j, "cpu", pc->cpu);
	json_kv_u64(j, "encrypted_pkts", pc->encrypted_pkts);
	json_kv_u64(j, "encrypted_bytes", pc->encrypted_bytes);
	json_kv_u64(j, "decrypted_pkts", pc->decrypted_pkts);
	json_kv_u64(j, "decrypted_bytes", pc->decrypted_bytes);
	json_kv_u64(j, "handoff_tx", pc->handoff_tx);
	json_kv_u64(j, "handoff_rx", pc->handoff_rx);
	json_kv_u64(j, "sent_pkts", pc->sent_pkts);
	json_kv_u64(j, "delivered_pkts", pc->delivered_pkts);
	json_end_object(j);
}

static void json_tunnel(struct json *j, const struct ext_tunnel *t)
{
	char buf[SHOW_EXT_STR_LEN];
	size_t i;

	json_kv_u64(j, "tunnel_id", t->tunnel_id);
	json_kv_string(j, "mode", show_ext_mode_str(buf, t->mode));
	if (t->core == WGI_CORE_NONE)
		json_kv_null(j, "core");
	else
		json_kv_u64(j, "core", t->core);
	json_kv_string(j, "core_state", show_ext_core_state_str(buf, t->core_state));
	json_kv_u64(j, "handoff_tx", t->handoff_tx);
	json_kv_u64(j, "handoff_rx", t->handoff_rx);
	json_key(j, "pcpu");
	json_begin_array(j);
	for (i = 0; i < t->n_pcpu; i++)
		json_pcpu(j, &t->pcpu[i]);
	json_end_array(j);
}

/* Key material other than public keys is never printed. */
static void json_peer(struct json *j, const struct wg_peer *peer, struct show_ext *x)
{
	char ep[ENDPOINT_STR_LEN];
	const struct ext_tunnel *t = x ? show_ext_tunnel(x, peer->public_key) : NULL;

	json_begin_object(j);
	json_key_b64(j, "public_key", peer->public_key);
	json_kv_bool(j, "preshared_key", peer->flags & PEER_HAS_PRESHARED_KEY);
	if (endpoint_is_set(&peer->endpoint))
		json_kv_string(j, "endpoint", endpoint_str(ep, &peer->endpoint));
	else
		json_kv_null(j, "endpoint");
	json_allowedips(j, peer);
	json_kv_i64(j, "latest_handshake", peer->last_handshake_sec);
	json_kv_u64(j, "transfer_rx", peer->rx_bytes);
	json_kv_u64(j, "transfer_tx", peer->tx_bytes);
	json_kv_u64(j, "persistent_keepalive", peer->keepalive);
	if (t)
		json_tunnel(j, t);
	json_end_object(j);
}

void json_device(struct json *j, const struct wg_device *dev, struct show_ext *x)
{
	char buf[SHOW_EXT_STR_LEN];
	const struct wg_peer *peer;
	size_t i;

	json_begin_object(j);
	json_kv_string(j, "ifname", dev->name);
	json_kv_u64(j, "ifindex", dev->ifindex);
	if (dev->flags & DEV_HAS_PUBLIC_KEY)
		json_key_b64(j, "public_key", dev->public_key);
	else
		json_kv_null(j, "public_key");
	json_kv_u64(j, "listen_port", dev->listen_port);
	json_kv_u64(j, "fwmark", dev->fwmark);
	if (x && x->have_default_mode) {
		json_kv_string(j, "default_mode", show_ext_mode_str(buf, x->default_mode));
		json_key(j, "worker_cpus");
		json_begin_array(j);
		for (i = 0; i < x->workers.n; i++)
			json_u64(j, x->workers.cpus[i]);
		json_end_array(j);
	}
	if (x && x->have_steer) {
		json_key(j, "steering");
		json_begin_object(j);
		show_ext_json_steer(j, &x->steer);
		json_end_object(j);
	}
	json_key(j, "peers");
	json_begin_array(j);
	for_each_peer(dev, peer)
		json_peer(j, peer, x);
	json_end_array(j);
	json_end_object(j);
}

/* Reads the device and what the extension family knows of it. */
static int load(const char *name, struct wg_device **dev, struct show_ext *x)
{
	int ret = ipc_get_device(dev, name);

	if (!ret)
		show_ext_load(x, (*dev)->name, true);
	return ret;
}

static void unload(struct wg_device *dev, struct show_ext *x)
{
	show_ext_free(x);
	device_free(dev);
}

static int show_json_single(struct json *j, const char *name)
{
	struct wg_device *dev;
	struct show_ext x;
	int ret = load(name, &dev, &x);

	/* Read first: a failure prints no JSON at all. */
	if (ret) {
		report_ipc_error("Unable to access interface", ret);
		return 1;
	}
	json_begin_array(j);
	json_device(j, dev, &x);
	json_end_array(j);
	json_finish(j);
	unload(dev, &x);
	return 0;
}

int show_json_devices(char **names, bool single, bool pretty)
{
	struct wg_device *dev;
	struct show_ext x;
	struct json j;
	char **n;
	int ret, err;

	json_init(&j, stdout, pretty);
	if (single)
		return show_json_single(&j, names[0]);
	/* As `show all': 1 only when there were devices and none was read. */
	ret = !!*names;
	json_begin_array(&j);
	for (n = names; *n; n++) {
		err = load(*n, &dev, &x);
		if (err) {
			fprintf(stderr, "Unable to access interface %s: %s\n", *n,
				strerror(-err));
			if (*ipc_extack())
				fprintf(stderr, "Kernel: %s\n", ipc_extack());
			continue;
		}
		json_device(&j, dev, &x);
		unload(dev, &x);
		ret = 0;
	}
	json_end_array(&j);
	json_finish(&j);
	return ret;
}

void show_json_names(char **names, bool pretty)
{
	struct json j;
	char **n;

	json_init(&j, stdout, pretty);
	json_begin_array(&j);
	for (n = names; *n; n++)
		json_string(&j, *n);
	json_end_array(&j);
	json_finish(&j);
}
