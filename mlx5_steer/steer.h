/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mlx5_steer's state: one record per wg-inline tunnel it has heard of,
 * each with the NIC rules it installed (or, in dry-run, would install).
 *
 * Locking: everything here is changed with RTNL and steer_lock held, in
 * that order (RTNL first: the NIC's ethtool operations need it). Health
 * diagnose and dump read under steer_lock alone. Nothing here is touched
 * in softirq.
 */
#ifndef MLX5_STEER_H
#define MLX5_STEER_H

#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <wg_inline/events.h>

extern struct mutex steer_lock;
extern struct list_head steer_tunnels;

/* Where a tunnel's steering stands (shown by devlink health diagnose). */
enum steer_state {
	STEER_INACTIVE,		/* steering off, no core, device down... */
	STEER_ACTIVE,		/* every rule installed */
	STEER_PLANNED,		/* dry-run: computed, nothing installed */
	STEER_ERROR,		/* something could not be done: see error */
};

enum steer_rule_kind {
	STEER_RULE_OUTER,	/* the tunnel's UDP flow on the outer netdev */
	STEER_RULE_INNER,	/* an allowed-IP prefix on a LAN netdev */
};

struct steer_rule {
	struct list_head list;
	enum steer_rule_kind kind;
	struct net *net;	/* the netdev's; unreferenced, as below */
	int ifindex;
	char ifname[IFNAMSIZ];
	/* The rule as planned; fs.location is ours once installed. */
	struct ethtool_rx_flow_spec fs;
	/* As the driver read it back after the insertion. */
	struct ethtool_rx_flow_spec driver_fs;
	bool installed;
};

/* What reading an installed rule back says. */
enum steer_presence {
	STEER_RULE_THERE,
	STEER_RULE_GONE,	/* location empty or holding another rule */
	STEER_RULE_UNKNOWN,	/* unreadable now (device detached...) */
};

/* The outer netdev's queue and IRQ that serve the tunnel's core. */
struct steer_placement {
	struct net *net;
	int ifindex;		/* 0: none */
	char ifname[IFNAMSIZ];
	int queue;
	int irq;		/* -1 where the kernel does not link it (6.1) */
};

struct steer_tunnel {
	struct list_head list;
	/*
	 * The latest event's snapshot. info.net and info.sock_net are not
	 * referenced (a reference would keep the namespace alive, and with
	 * it the tunnel): steer_net_exit() forgets the tunnels of a dying
	 * namespace before it goes.
	 */
	struct wgi_tunnel_info info;
	struct list_head rules;		/* struct steer_rule */
	struct steer_placement outer;	/* valid while state is ACTIVE/PLANNED */
	/* The XPS entry claimed for the core (xps_cpu) on that netdev. */
	struct net *xps_net;
	int xps_ifindex;		/* 0: none claimed */
	unsigned int xps_cpu;
	int prefixes_not_steered;	/* beyond the per-tunnel limit */
	enum steer_state state;
	char error[96];			/* why, while state is ERROR */
	unsigned int reinstalls;	/* rules found gone and put back */
};

/* Events and reconciliation (tunnels.c); RTNL and steer_lock held. */
void steer_tunnel_event(unsigned long event, const struct wgi_tunnel_info *info);
void steer_reconcile(struct steer_tunnel *t);
void steer_reconcile_all(void);
void steer_forget_netdev(struct net_device *dev, bool remove);
void steer_forget_net(struct net *net);
void steer_netdev_renamed(struct net_device *dev);
void steer_remove_all(void);
/* Whether any tunnel is in STEER_ERROR now. */
bool steer_any_error(void);

/* The desired rules for a tunnel (plan.c); RTNL held. */
int steer_plan(struct steer_tunnel *t, struct list_head *rules);

/* Core -> RX queue of a netdev (queues.c); RTNL held. */
int steer_queue_of_core(struct net_device *dev, unsigned int cpu, int *irq);

/* Rules through the driver's ethtool steering (rules.c); RTNL held. */
bool steer_dev_can_steer(struct net_device *dev, const char **why);
int steer_rule_install(struct net_device *dev, struct steer_rule *rule);
int steer_rule_remove(struct net_device *dev, struct steer_rule *rule);
enum steer_presence steer_rule_present(struct net_device *dev,
				       const struct steer_rule *rule);
int steer_rule_describe(const struct steer_rule *rule, char *buf, size_t len);

/* XPS (xps.c); RTNL held. */
int steer_xps_claim(struct net_device *dev, unsigned int cpu, u16 txq);
void steer_xps_release(struct net_device *dev, unsigned int cpu);
void steer_xps_forget(struct net_device *dev, bool restore);
void steer_xps_forget_net(const struct net *net);

/* devlink health (health.c). */
int steer_health_init(void);
void steer_health_uninit(void);
/* Queues a report (from any context we run in; delivered by a work). */
void steer_health_report(const char *msg);
void steer_health_healthy(void);

/* Periodic checks that our rules are still there (main.c). */
void steer_kick_reconcile(void);

static inline const char *steer_state_name(enum steer_state s)
{
	switch (s) {
	case STEER_INACTIVE: return "inactive";
	case STEER_ACTIVE: return "active";
	case STEER_PLANNED: return "dry-run";
	case STEER_ERROR: return "error";
	}
	return "?";
}

#endif
