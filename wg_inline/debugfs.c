// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/wg_inline/: three read-only views whose line formats
 * are parsed by the test suite, so keep them stable.
 *
 *   objects  "peers_created N" ... object lifetime counters (leak checks)
 *   drops    "<ifname> <reason> <count>" for every device and reason
 *   peers    "<ifname> <pubkey> <cpu> <encrypted> <decrypted>" for every
 *            CPU on which a tunnel did any crypto (shows core placement)
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>
#include "debugfs.h"
#include "device.h"
#include "peer.h"

static struct dentry *wgi_debugfs_dir;

#define WGI_KEY_B64_LEN	(((WGI_PUBKEY_LEN + 2) / 3) * 4)	/* 44 */

/* Standard base64 with '=' padding, the form `wg` prints keys in. */
static void wgi_base64_encode(char *dst, const u8 *src, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		u32 v = src[i] << 16 | src[i + 1] << 8 | src[i + 2];

		*dst++ = alphabet[(v >> 18) & 63];
		*dst++ = alphabet[(v >> 12) & 63];
		*dst++ = alphabet[(v >> 6) & 63];
		*dst++ = alphabet[v & 63];
	}
	if (i < len) {
		u32 v = src[i] << 16;

		if (i + 1 < len)
			v |= src[i + 1] << 8;
		*dst++ = alphabet[(v >> 18) & 63];
		*dst++ = alphabet[(v >> 12) & 63];
		*dst++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		*dst++ = '=';
	}
	*dst = '\0';
}

static int objects_show(struct seq_file *m, void *v)
{
	seq_printf(m, "peers_created %lld\n",
		   (long long)atomic64_read(&wgi_peers_created));
	seq_printf(m, "peers_destroyed %lld\n",
		   (long long)atomic64_read(&wgi_peers_destroyed));
	seq_printf(m, "keypairs_created %lld\n",
		   (long long)atomic64_read(&wgi_keypairs_created));
	seq_printf(m, "keypairs_destroyed %lld\n",
		   (long long)atomic64_read(&wgi_keypairs_destroyed));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

static int drops_show(struct seq_file *m, void *v)
{
	struct wgi_device *wg;
	int reason;

	rtnl_lock();
	list_for_each_entry(wg, &wgi_device_list, device_list) {
		for (reason = 0; reason < WGI_DROP__MAX; reason++)
			seq_printf(m, "%s %s %llu\n", wg->dev->name,
				   wgi_drop_names[reason],
				   wgi_drop_read(wg, reason));
	}
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(drops);

static void peers_show_one(struct seq_file *m, struct wgi_device *wg,
			   struct wgi_peer *peer)
{
	char key[WGI_KEY_B64_LEN + 1];
	struct wgi_peer_cpu_work w;
	int cpu;

	wgi_base64_encode(key, peer->handshake.remote_static, WGI_PUBKEY_LEN);
	for_each_possible_cpu(cpu) {
		wgi_peer_stats_read_cpu(peer, cpu, &w);
		if (w.encrypted_pkts || w.decrypted_pkts)
			seq_printf(m, "%s %s %d %llu %llu\n", wg->dev->name,
				   key, cpu, w.encrypted_pkts,
				   w.decrypted_pkts);
	}
}

static int peers_show(struct seq_file *m, void *v)
{
	struct wgi_device *wg;
	struct wgi_peer *peer;

	/* RTNL keeps the device list stable, update_lock the peer lists. */
	rtnl_lock();
	list_for_each_entry(wg, &wgi_device_list, device_list) {
		mutex_lock(&wg->update_lock);
		list_for_each_entry(peer, &wg->peer_list, peer_list)
			peers_show_one(m, wg, peer);
		mutex_unlock(&wg->update_lock);
	}
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(peers);

void wgi_debugfs_init(void)
{
	/* debugfs is best effort: a failure here must not fail the load. */
	wgi_debugfs_dir = debugfs_create_dir("wg_inline", NULL);
	debugfs_create_file("objects", 0444, wgi_debugfs_dir, NULL,
			    &objects_fops);
	debugfs_create_file("drops", 0444, wgi_debugfs_dir, NULL,
			    &drops_fops);
	debugfs_create_file("peers", 0444, wgi_debugfs_dir, NULL,
			    &peers_fops);
}

void wgi_debugfs_uninit(void)
{
	debugfs_remove_recursive(wgi_debugfs_dir);
	wgi_debugfs_dir = NULL;
}

/* The views are global and walk wgi_device_list, so nothing per device. */
void wgi_debugfs_device_add(struct wgi_device *wg)
{
}

void wgi_debugfs_device_remove(struct wgi_device *wg)
{
}
