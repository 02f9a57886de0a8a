// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool operations: channels, ntuple rules (steer.c) and RSS with
 * mlx5e's command set and errnos, and the per-queue statistics.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "fakenic.h"

static void fakenic_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "fakenic", sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&fakenic_port(dev)->dev),
		sizeof(info->bus_info));
}

static void fakenic_get_channels(struct net_device *dev,
				 struct ethtool_channels *ch)
{
	struct fakenic_port *port = fakenic_port(dev);

	ch->max_combined = port->channels;
	ch->combined_count = port->channels;
}

/* mlx5e leaves data alone on GRXCLSRLCNT: no RX_CLS_LOC_SPECIAL, so
 * ethtool picks a free location itself (from GRXCLSRLALL's table size).
 */
static int fakenic_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
			     u32 *rule_locs)
{
	struct fakenic_port *port = fakenic_port(dev);

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = port->channels;
		return 0;
	case ETHTOOL_GRXCLSRLCNT:
		info->rule_cnt = fakenic_steer_count(&port->steer);
		return 0;
	case ETHTOOL_GRXCLSRULE:
		return fakenic_steer_get(&port->steer, &info->fs);
	case ETHTOOL_GRXCLSRLALL:
		return fakenic_steer_get_all(&port->steer, info, rule_locs);
	default:
		return -EOPNOTSUPP;
	}
}

static int fakenic_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd)
{
	struct fakenic_port *port = fakenic_port(dev);

	switch (cmd->cmd) {
	case ETHTOOL_SRXCLSRLINS:
		return fakenic_steer_insert(port, &cmd->fs);
	case ETHTOOL_SRXCLSRLDEL:
		return fakenic_steer_delete(&port->steer, cmd->fs.location);
	default:
		return -EOPNOTSUPP;
	}
}

static u32 fakenic_get_rxfh_key_size(struct net_device *dev)
{
	return FAKENIC_KEY_SIZE;
}

static u32 fakenic_get_rxfh_indir_size(struct net_device *dev)
{
	return FAKENIC_INDIR_SIZE;
}

static void fakenic_rss_read(struct fakenic_port *port, u32 *indir, u8 *key)
{
	unsigned int i;

	mutex_lock(&port->steer.lock);
	if (indir)
		for (i = 0; i < FAKENIC_INDIR_SIZE; i++)
			indir[i] = port->rss.indir[i];
	if (key)
		memcpy(key, port->rss.key, FAKENIC_KEY_SIZE);
	mutex_unlock(&port->steer.lock);
}

/* Only Toeplitz (mlx5e also has XOR; not modelled). The core has
 * checked every indir entry against GRXRINGS.
 */
static int fakenic_rss_write(struct fakenic_port *port, const u32 *indir,
			     const u8 *key, u8 hfunc)
{
	unsigned int i;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	mutex_lock(&port->steer.lock);
	if (indir)
		for (i = 0; i < FAKENIC_INDIR_SIZE; i++)
			WRITE_ONCE(port->rss.indir[i], indir[i]);
	if (key)
		memcpy(port->rss.key, key, FAKENIC_KEY_SIZE);
	mutex_unlock(&port->steer.lock);
	return 0;
}

/* The RSS callbacks take one parameter struct since 6.8. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static int fakenic_get_rxfh(struct net_device *dev,
			    struct ethtool_rxfh_param *rxfh)
{
	rxfh->hfunc = ETH_RSS_HASH_TOP;
	fakenic_rss_read(fakenic_port(dev), rxfh->indir, rxfh->key);
	return 0;
}

static int fakenic_set_rxfh(struct net_device *dev,
			    struct ethtool_rxfh_param *rxfh,
			    struct netlink_ext_ack *extack)
{
	return fakenic_rss_write(fakenic_port(dev), rxfh->indir, rxfh->key,
				 rxfh->hfunc);
}
#else
static int fakenic_get_rxfh(struct net_device *dev, u32 *indir, u8 *key,
			    u8 *hfunc)
{
	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	fakenic_rss_read(fakenic_port(dev), indir, key);
	return 0;
}

static int fakenic_set_rxfh(struct net_device *dev, const u32 *indir,
			    const u8 *key, const u8 hfunc)
{
	return fakenic_rss_write(fakenic_port(dev), indir, key, hfunc);
}
#endif

static int fakenic_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? fakenic_stats_count(fakenic_port(dev)) :
				      -EOPNOTSUPP;
}

static void fakenic_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		fakenic_stats_strings(fakenic_port(dev), data);
}

static void fakenic_get_ethtool_stats(struct net_device *dev,
				      struct ethtool_stats *stats, u64 *data)
{
	fakenic_stats_values(fakenic_port(dev), data);
}

const struct ethtool_ops fakenic_ethtool_ops = {
	.get_drvinfo = fakenic_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_channels = fakenic_get_channels,
	.get_rxnfc = fakenic_get_rxnfc,
	.set_rxnfc = fakenic_set_rxnfc,
	.get_rxfh_key_size = fakenic_get_rxfh_key_size,
	.get_rxfh_indir_size = fakenic_get_rxfh_indir_size,
	.get_rxfh = fakenic_get_rxfh,
	.set_rxfh = fakenic_set_rxfh,
	.get_sset_count = fakenic_get_sset_count,
	.get_strings = fakenic_get_strings,
	.get_ethtool_stats = fakenic_get_ethtool_stats,
};
