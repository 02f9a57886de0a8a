// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool ntuple rules with mlx5e's semantics (en_fs_ethtool.c):
 *  - 1024 locations; a location past them is -ENOSPC on insert and
 *    delete, -EINVAL on get;
 *  - a queue past the channels is -EINVAL, an unknown flow type
 *    -ENOTSUPP, a mask on a field mlx5e cannot match (tos, tclass,
 *    l4_4_bytes, VLAN EtherType, a partial VID mask) -EINVAL, a rule
 *    with nothing to match -EINVAL;
 *  - inserting at a used location replaces its rule; the old rule is
 *    gone before the new one is added, so a failing replacement leaves
 *    the location empty, as on mlx5e;
 *  - order of matching: mlx5e puts a rule in one of several flow tables,
 *    L3/L4 tables before L2 ones and, within each kind, rules with more
 *    matched fields ("tuples") first; which of two overlapping rules of
 *    one table wins is up to the hardware, and here the lower location.
 * Readers (the RX path) walk the ranked list under RCU; writers hold
 * steer->lock.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "fakenic.h"

/* mlx5e's ETHTOOL_NUM_L3_L4_FTS and ETHTOOL_NUM_L2_FTS. */
#define FAKENIC_L3L4_TUPLES 7
#define FAKENIC_L2_TUPLES 4

static int fakenic_tuples_ether(const struct ethtool_rx_flow_spec *fs)
{
	const struct ethhdr *m = &fs->m_u.ether_spec;

	return !is_zero_ether_addr(m->h_dest) +
	       !is_zero_ether_addr(m->h_source) + !!m->h_proto;
}

static int fakenic_tuples_tcpudp4(const struct ethtool_rx_flow_spec *fs)
{
	const struct ethtool_tcpip4_spec *m = &fs->m_u.tcp_ip4_spec;

	if (m->tos)
		return -EINVAL;
	/* The protocol itself is one tuple. */
	return 1 + !!m->ip4src + !!m->ip4dst + !!m->psrc + !!m->pdst;
}

static int fakenic_tuples_ip4(const struct ethtool_rx_flow_spec *fs)
{
	const struct ethtool_usrip4_spec *m = &fs->m_u.usr_ip4_spec;

	if (m->l4_4_bytes || m->tos ||
	    fs->h_u.usr_ip4_spec.ip_ver != ETH_RX_NFC_IP4)
		return -EINVAL;
	return 1 + !!m->ip4src + !!m->ip4dst + !!m->proto;
}

static bool fakenic_any6(const __be32 *a)
{
	return !(a[0] | a[1] | a[2] | a[3]);
}

static int fakenic_tuples_tcpudp6(const struct ethtool_rx_flow_spec *fs)
{
	const struct ethtool_tcpip6_spec *m = &fs->m_u.tcp_ip6_spec;

	if (m->tclass)
		return -EINVAL;
	return 1 + !fakenic_any6(m->ip6src) + !fakenic_any6(m->ip6dst) +
	       !!m->psrc + !!m->pdst;
}

static int fakenic_tuples_ip6(const struct ethtool_rx_flow_spec *fs)
{
	const struct ethtool_usrip6_spec *m = &fs->m_u.usr_ip6_spec;

	if (m->l4_4_bytes || m->tclass)
		return -EINVAL;
	return 1 + !fakenic_any6(m->ip6src) + !fakenic_any6(m->ip6dst) +
	       !!m->l4_proto;
}

/* mlx5e matches the VLAN ID only, with a full mask. */
static int fakenic_tuples_vlan(const struct ethtool_rx_flow_spec *fs)
{
	if (fs->m_ext.vlan_etype ||
	    fs->m_ext.vlan_tci != cpu_to_be16(VLAN_VID_MASK))
		return -EINVAL;
	if (be16_to_cpu(fs->h_ext.vlan_tci) >= VLAN_N_VID)
		return -EINVAL;
	return 1;
}

static int fakenic_tuples_base(const struct ethtool_rx_flow_spec *fs)
{
	switch (fakenic_flow_type(fs->flow_type)) {
	case ETHER_FLOW:
		return fakenic_tuples_ether(fs);
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
		return fakenic_tuples_tcpudp4(fs);
	case IP_USER_FLOW:
		return fakenic_tuples_ip4(fs);
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
		return fakenic_tuples_tcpudp6(fs);
	case IPV6_USER_FLOW:
		return fakenic_tuples_ip6(fs);
	default:
		/* mlx5e's errno, kernel-internal as it is. */
		return -ENOTSUPP;
	}
}

/* The number of tuples the rule matches, or a negative errno. */
static int fakenic_rule_validate(const struct ethtool_rx_flow_spec *fs,
				 unsigned int channels)
{
	int n, vlan;

	if (fs->location >= FAKENIC_MAX_RULES)
		return -ENOSPC;
	if (fs->ring_cookie != RX_CLS_FLOW_DISC && fs->ring_cookie >= channels)
		return -EINVAL;
	/* RSS contexts are not modelled. */
	if (fs->flow_type & FLOW_RSS)
		return -EOPNOTSUPP;
	n = fakenic_tuples_base(fs);
	if (n < 0)
		return n;
	if (fs->flow_type & FLOW_EXT) {
		vlan = fakenic_tuples_vlan(fs);
		if (vlan < 0)
			return vlan;
		n += vlan;
	}
	if ((fs->flow_type & FLOW_MAC_EXT) && !is_zero_ether_addr(fs->m_ext.h_dest))
		n++;
	return n ? n : -EINVAL;
}

/* Lower rank matches first: table kind, then tuples, then location. */
static u32 fakenic_rule_rank(const struct ethtool_rx_flow_spec *fs, int tuples)
{
	bool l2 = fakenic_flow_type(fs->flow_type) == ETHER_FLOW;
	int max = l2 ? FAKENIC_L2_TUPLES : FAKENIC_L3L4_TUPLES;
	u32 table = max > tuples ? max - tuples : 0;

	if (l2)
		table += FAKENIC_L3L4_TUPLES;
	return table * FAKENIC_MAX_RULES + fs->location;
}

void fakenic_steer_init(struct fakenic_steer *steer)
{
	mutex_init(&steer->lock);
	INIT_LIST_HEAD(&steer->active);
	steer->fail_insert_errno = EINVAL;
}

static void fakenic_rule_remove(struct fakenic_steer *steer, u32 loc)
{
	struct fakenic_rule *rule = steer->by_loc[loc];

	steer->by_loc[loc] = NULL;
	steer->count--;
	list_del_rcu(&rule->node);
	kfree_rcu(rule, rcu);
}

static void fakenic_rule_link(struct fakenic_steer *steer,
			      struct fakenic_rule *rule)
{
	struct fakenic_rule *iter;

	steer->by_loc[rule->fs.location] = rule;
	steer->count++;
	list_for_each_entry(iter, &steer->active, node) {
		if (iter->rank > rule->rank) {
			list_add_tail_rcu(&rule->node, &iter->node);
			return;
		}
	}
	list_add_tail_rcu(&rule->node, &steer->active);
}

/* The debugfs knob: the "hardware" refuses this one rule. */
static int fakenic_injected_failure(struct fakenic_steer *steer)
{
	u32 err = READ_ONCE(steer->fail_insert_errno);

	if (!steer->fail_next_insert)
		return 0;
	steer->fail_next_insert = false;
	return -(err && err < MAX_ERRNO ? (int)err : EINVAL);
}

int fakenic_steer_insert(struct fakenic_port *port,
			 const struct ethtool_rx_flow_spec *fs)
{
	struct fakenic_steer *steer = &port->steer;
	struct fakenic_rule *rule;
	int tuples, err;

	tuples = fakenic_rule_validate(fs, port->channels);
	if (tuples < 0) {
		netdev_warn(port->netdev, "flow is not valid %d\n", tuples);
		return tuples;
	}
	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return -ENOMEM;
	rule->fs = *fs;
	rule->rank = fakenic_rule_rank(fs, tuples);

	mutex_lock(&steer->lock);
	if (steer->by_loc[fs->location])
		fakenic_rule_remove(steer, fs->location);
	err = fakenic_injected_failure(steer);
	if (err)
		kfree(rule);
	else
		fakenic_rule_link(steer, rule);
	mutex_unlock(&steer->lock);
	return err;
}

int fakenic_steer_delete(struct fakenic_steer *steer, u32 loc)
{
	int err = 0;

	if (loc >= FAKENIC_MAX_RULES)
		return -ENOSPC;
	mutex_lock(&steer->lock);
	if (steer->by_loc[loc])
		fakenic_rule_remove(steer, loc);
	else
		err = -ENOENT;
	mutex_unlock(&steer->lock);
	return err;
}

static int fakenic_steer_lookup(struct fakenic_steer *steer, u32 loc,
				struct ethtool_rx_flow_spec *fs)
{
	if (loc >= FAKENIC_MAX_RULES)
		return -EINVAL;
	if (!steer->by_loc[loc])
		return -ENOENT;
	if (fs)
		*fs = steer->by_loc[loc]->fs;
	return 0;
}

int fakenic_steer_get(struct fakenic_steer *steer,
		      struct ethtool_rx_flow_spec *fs)
{
	int err;

	mutex_lock(&steer->lock);
	err = fakenic_steer_lookup(steer, fs->location, fs);
	mutex_unlock(&steer->lock);
	return err;
}

/* mlx5e's loop: table size in data; asking for more rules than exist
 * ends in -EINVAL at the first location past the table.
 */
int fakenic_steer_get_all(struct fakenic_steer *steer,
			  struct ethtool_rxnfc *info, u32 *locs)
{
	u32 loc = 0, idx = 0;
	int err = 0;

	info->data = FAKENIC_MAX_RULES;
	mutex_lock(&steer->lock);
	while ((!err || err == -ENOENT) && idx < info->rule_cnt) {
		err = fakenic_steer_lookup(steer, loc, NULL);
		if (!err)
			locs[idx++] = loc;
		loc++;
	}
	mutex_unlock(&steer->lock);
	return err;
}

unsigned int fakenic_steer_count(struct fakenic_steer *steer)
{
	return READ_ONCE(steer->count);
}

void fakenic_steer_flush(struct fakenic_steer *steer)
{
	u32 loc;

	mutex_lock(&steer->lock);
	for (loc = 0; loc < FAKENIC_MAX_RULES; loc++)
		if (steer->by_loc[loc])
			fakenic_rule_remove(steer, loc);
	mutex_unlock(&steer->lock);
}

/* devlink reload: the NIC comes back with no rules and default RSS. */
void fakenic_port_reset_steering(struct fakenic_port *port)
{
	fakenic_steer_flush(&port->steer);
	mutex_lock(&port->steer.lock);
	fakenic_rss_reset(&port->rss, port->channels);
	mutex_unlock(&port->steer.lock);
}
