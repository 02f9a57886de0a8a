/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fakenic: a pair of multi-queue Ethernet devices joined like veth, whose
 * receive side classifies frames the way mlx5e's NIC steering does
 * (ethtool ntuple rules first, then Toeplitz RSS) and delivers each RX
 * queue's frames through a real Linux IRQ and a NAPI on that IRQ's CPU.
 * One end ("port") is a device on the fakenic bus with its own netdev,
 * IRQs, devlink instance and debugfs folder.
 */
#ifndef FAKENIC_H
#define FAKENIC_H

#include <linux/device.h>
#include <linux/ethtool.h>
#include <linux/interrupt.h>
#include <linux/smp.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/version.h>

#define FAKENIC_DEFAULT_CHANNELS 2
#define FAKENIC_MAX_CHANNELS	 8
/* mlx5e's MAX_NUM_OF_ETHTOOL_RULES: locations 0..1023. */
#define FAKENIC_MAX_RULES	 1024
/* mlx5e's RSS indirection table and Toeplitz key sizes. */
#define FAKENIC_INDIR_SIZE	 256
#define FAKENIC_KEY_SIZE	 40
/* Frames a ring holds before the "NIC" drops, like a full RX ring. */
#define FAKENIC_RING_SIZE	 1024

struct fakenic_port;

/* One channel: an RX ring with its IRQ and NAPI, and a TX queue. */
struct fakenic_channel {
	struct fakenic_port *port;
	unsigned int index;
	struct sk_buff_head ring;
	struct napi_struct napi;
	/* Raises the IRQ on its effective-affinity CPU, by IPI. */
	call_single_data_t raise;
	/*
	 * Bit 0: a raise is queued and its handler has not started. Calls
	 * on one csd must be strictly serialised (two CPUs queueing it at
	 * once link it into a call queue twice, a loop the IPI handler then
	 * spins in with interrupts off), and senders on any CPU share it.
	 */
	unsigned long raise_pending;
	atomic_t raising;		/* IPIs in flight, for teardown */
	int irq;
	bool irq_requested;
	char irq_name[IFNAMSIZ + 16];
};

/* Per-CPU counters, per queue, so ethtool -S shows where NAPI ran. */
struct fakenic_qstats {
	u64 packets;
	u64 bytes;
};

struct fakenic_pcpu {
	struct fakenic_qstats rx[FAKENIC_MAX_CHANNELS];
	struct fakenic_qstats tx[FAKENIC_MAX_CHANNELS];
	u64 rx_rule_hits;
	u64 rx_rule_drops;
	u64 rx_rss;
	u64 rx_ring_full;
	u64 tx_no_peer;
};

/* An installed ntuple rule; ranked as mlx5e orders its ethtool tables. */
struct fakenic_rule {
	struct list_head node;		/* in steer.active, by rank */
	struct rcu_head rcu;
	struct ethtool_rx_flow_spec fs;
	u32 rank;
};

struct fakenic_steer {
	/* Serialises writers (ethtool under RTNL, devlink reload without). */
	struct mutex lock;
	struct fakenic_rule *by_loc[FAKENIC_MAX_RULES];
	struct list_head active;	/* RCU list read by the RX path */
	unsigned int count;
	/* Fault injection (debugfs): the next insertion fails with errno. */
	bool fail_next_insert;
	u32 fail_insert_errno;
};

struct fakenic_rss {
	u32 indir[FAKENIC_INDIR_SIZE];
	u8 key[FAKENIC_KEY_SIZE];
};

struct fakenic_port {
	struct device dev;		/* on the fakenic bus */
	unsigned int id;
	unsigned int channels;
	struct list_head node;		/* in fakenic_ports */
	struct net_device *netdev;
	struct fakenic_port __rcu *peer;
	bool dead;			/* dellink done, teardown pending */
	int irq_base;
	struct fakenic_channel ch[FAKENIC_MAX_CHANNELS];
	struct fakenic_pcpu __percpu *pcpu;
	struct fakenic_steer steer;
	struct fakenic_rss rss;
	struct devlink *devlink;
	struct dentry *debugfs;
};

struct fakenic_priv {
	struct fakenic_port *port;
};

static inline struct fakenic_port *fakenic_port(const struct net_device *dev)
{
	return ((struct fakenic_priv *)netdev_priv(dev))->port;
}

/* The flow type without its extension flags. */
static inline u32 fakenic_flow_type(u32 flow_type)
{
	return flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
}

/* A frame's header fields, as the steering hardware would parse them. */
struct fakenic_pkt {
	struct ethhdr eth;
	__be16 ethertype;		/* after one VLAN tag, if any */
	bool has_vlan;
	__be16 vlan_tci;
	u8 l3;				/* 0, 4 or 6 */
	__be32 v4src, v4dst;
	struct in6_addr v6src, v6dst;
	u8 proto;
	bool has_ports;
	__be16 sport, dport;
};

/* bus.c */
extern struct bus_type fakenic_bus;
int fakenic_bus_init(void);
void fakenic_bus_exit(void);

/* pair.c */
int fakenic_pair_new(struct net *net, const char *a, const char *b,
		     unsigned int channels);
int fakenic_pair_del(struct net *net, const char *name);
void fakenic_pair_del_all(void);
void fakenic_port_destroy(struct fakenic_port *port);
extern struct rtnl_link_ops fakenic_link_ops;

/* netdev.c */
struct net_device *fakenic_netdev_alloc(struct fakenic_port *port,
					const char *name);
void fakenic_netdev_setup_xps(struct fakenic_port *port);
void fakenic_link_peers(struct fakenic_port *a, struct fakenic_port *b);
bool fakenic_is_ours(const struct net_device *dev);
void fakenic_channels_teardown(struct fakenic_port *port);

/* irq.c */
int fakenic_irqs_alloc(struct fakenic_port *port, const char *name);
void fakenic_irqs_free(struct fakenic_port *port);
void fakenic_irq_raise(struct fakenic_channel *ch);

/* rx.c */
void fakenic_deliver(struct fakenic_port *rx, struct sk_buff *skb);
int fakenic_poll(struct napi_struct *napi, int budget);

/* steer.c */
void fakenic_steer_init(struct fakenic_steer *steer);
void fakenic_steer_flush(struct fakenic_steer *steer);
int fakenic_steer_insert(struct fakenic_port *port,
			 const struct ethtool_rx_flow_spec *fs);
int fakenic_steer_delete(struct fakenic_steer *steer, u32 loc);
int fakenic_steer_get(struct fakenic_steer *steer,
		      struct ethtool_rx_flow_spec *fs);
int fakenic_steer_get_all(struct fakenic_steer *steer,
			  struct ethtool_rxnfc *info, u32 *locs);
unsigned int fakenic_steer_count(struct fakenic_steer *steer);
/* match.c */
bool fakenic_steer_match(struct fakenic_steer *steer,
			 const struct fakenic_pkt *pkt, u64 *ring);

/* rss.c */
void fakenic_rss_reset(struct fakenic_rss *rss, unsigned int channels);
u32 fakenic_rss_hash(const struct fakenic_rss *rss,
		     const struct fakenic_pkt *pkt);
unsigned int fakenic_rss_queue(const struct fakenic_rss *rss, u32 hash);

/* ethtool.c, stats.c */
extern const struct ethtool_ops fakenic_ethtool_ops;
int fakenic_stats_count(const struct fakenic_port *port);
void fakenic_stats_strings(const struct fakenic_port *port, u8 *data);
void fakenic_stats_values(const struct fakenic_port *port, u64 *data);
void fakenic_stats64(const struct fakenic_port *port,
		     struct rtnl_link_stats64 *s);

/* debugfs.c */
int fakenic_debugfs_init(void);
void fakenic_debugfs_exit(void);
void fakenic_debugfs_port_add(struct fakenic_port *port);
void fakenic_debugfs_port_del(struct fakenic_port *port);

/* devlink.c: optional, the debug kernel is built without devlink */
#if IS_ENABLED(CONFIG_NET_DEVLINK)
int fakenic_devlink_register(struct fakenic_port *port);
void fakenic_devlink_unregister(struct fakenic_port *port);
#else
static inline int fakenic_devlink_register(struct fakenic_port *port)
{
	return 0;
}

static inline void fakenic_devlink_unregister(struct fakenic_port *port)
{
}
#endif

/* Drops every rule and restores default RSS (devlink reload). */
void fakenic_port_reset_steering(struct fakenic_port *port);

#endif /* FAKENIC_H */
