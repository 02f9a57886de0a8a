/* SPDX-License-Identifier: GPL-2.0 */
/* The wg-inline net_device and its per-device state. */
#ifndef WGI_DEVICE_H
#define WGI_DEVICE_H

#include <linux/netdevice.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include "noise.h"
#include "allowedips.h"
#include "cookie.h"
#include "index.h"
#include "drops.h"
#include "mode.h"
#include "workers.h"
#include "steer.h"

struct wgi_device {
	struct net_device *dev;
	struct list_head device_list;	/* on wgi_device_list, under RTNL */

	/* Serialises configuration: peers, keys, port, allowed-IPs. */
	struct mutex update_lock;
	/* Taken with update_lock when sockets are replaced. */
	struct mutex socket_update_lock;

	struct sock __rcu *sock4, *sock6;
	struct net __rcu *creating_net;	/* where the UDP sockets live */
	u16 incoming_port;
	u32 fwmark;

	struct wgi_static_identity static_identity;
	struct wgi_cookie_checker cookie_checker;
	struct wgi_pubkey_table *peer_hashtable;
	struct wgi_index_table *index_hashtable;
	struct wgi_allowedips peer_allowedips;
	struct list_head peer_list;
	unsigned int num_peers;
	u64 device_update_gen;		/* bumped on change; dump consistency */

	/* Handshake messages wait here; Curve25519 runs in handshake_work. */
	struct sk_buff_head handshake_queue;
	struct work_struct handshake_work;
	struct workqueue_struct *handshake_wq;
	/* jiffies when the handshake queue was last seen under load */
	unsigned long last_under_load;

	struct wgi_drop_counters __percpu *drops;

	/* The execution mode new tunnels start in; update_lock. */
	enum wgi_tunnel_mode default_mode;
	/* Where the parallel mode's crypt workers run; workers.c writes it. */
	struct wgi_worker_set __rcu *workers;
	/* The parallel mode's crypt queues and workers (parallel.c). */
	struct wgi_parallel *parallel;
	/* NIC steering mode and LAN netdevs; steer.c writes it, NULL: off. */
	struct wgi_steer_cfg __rcu *steer;
};

/* Every wg-inline device of every netns; walk and modify under RTNL. */
extern struct list_head wgi_device_list;

int wgi_device_init(void);	/* registers the rtnl link ops */
void wgi_device_uninit(void);
/* Our private state if @dev is a wg-inline device, else NULL. RTNL held. */
struct wgi_device *wgi_device_from_netdev(struct net_device *dev);
/* Runs the device's handshake worker (queued handshake messages). */
void wgi_device_queue_handshake_work(struct wgi_device *wg);

/* Name under which the link kind and genl family register ("wg-inline" or
 * "wireguard" with compat=1). */
extern const char *wgi_kind_name;
extern bool wgi_compat;

#endif
