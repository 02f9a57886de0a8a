// SPDX-License-Identifier: GPL-2.0
/*
 * Installing and removing RX steering rules through the NIC driver's own
 * ethtool flow-steering backend (on mlx5e: its ethtool steering tables),
 * the way `ethtool -N` does, from the kernel and under RTNL.
 *
 * mlx5e has no "any location" (no RX_CLS_LOC_SPECIAL): the caller picks
 * the location, and inserting at a used one replaces that rule. So we
 * read the table before each insertion and take the highest free
 * location, below the table size the driver reports; rules of others
 * keep theirs. We never delete or overwrite a location unless it holds
 * exactly the rule we put there (as the driver reads it back).
 *
 * Like the ethtool core, every operation first checks the device is
 * present (mlx5e detaches its netdev, keeping it registered, while it
 * tears its steering down for a reload or a reset: its tables are gone
 * then) and brackets the driver call with its begin/complete hooks.
 */
#include <linux/bitmap.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "steer.h"

/* No driver we know has more; a bigger answer is not believed. */
#define STEER_MAX_TABLE 65536

bool steer_dev_can_steer(struct net_device *dev, const char **why)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;

	if (!ops || !ops->get_rxnfc || !ops->set_rxnfc ||
	    !(dev->hw_features & NETIF_F_NTUPLE)) {
		*why = "no ntuple steering (ethtool -N) on this netdev";
		return false;
	}
	if (!netif_device_present(dev)) {
		*why = "the device is detached (driver reload or reset)";
		return false;
	}
	if (!(dev->features & NETIF_F_NTUPLE)) {
		*why = "ntuple is off (ethtool -K DEV ntuple on)";
		return false;
	}
	return true;
}

static int steer_begin(struct net_device *dev)
{
	if (!netif_device_present(dev))
		return -ENODEV;
	return dev->ethtool_ops->begin ? dev->ethtool_ops->begin(dev) : 0;
}

static void steer_complete(struct net_device *dev)
{
	if (dev->ethtool_ops->complete)
		dev->ethtool_ops->complete(dev);
}

static int steer_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd,
			   u32 *locs)
{
	int ret = steer_begin(dev);

	if (ret)
		return ret;
	ret = dev->ethtool_ops->get_rxnfc(dev, cmd, locs);
	steer_complete(dev);
	return ret;
}

static int steer_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *cmd)
{
	int ret = steer_begin(dev);

	if (ret)
		return ret;
	ret = dev->ethtool_ops->set_rxnfc(dev, cmd);
	steer_complete(dev);
	return ret;
}

/* The highest location no rule uses, or -ENOSPC. */
static int steer_free_location(struct net_device *dev)
{
	struct ethtool_rxnfc cmd = { .cmd = ETHTOOL_GRXCLSRLCNT };
	unsigned long *used = NULL;
	u32 *locs = NULL, i, size;
	int ret;

	ret = steer_get_rxnfc(dev, &cmd, NULL);
	if (ret)
		return ret;
	if (cmd.rule_cnt > STEER_MAX_TABLE)
		return -EOVERFLOW;
	locs = kcalloc(max_t(u32, cmd.rule_cnt, 1), sizeof(*locs), GFP_KERNEL);
	if (!locs)
		return -ENOMEM;
	cmd = (struct ethtool_rxnfc){ .cmd = ETHTOOL_GRXCLSRLALL,
				      .rule_cnt = cmd.rule_cnt };
	ret = steer_get_rxnfc(dev, &cmd, locs);
	if (ret)
		goto out;
	size = cmd.data & ~RX_CLS_LOC_SPECIAL;
	ret = -EOPNOTSUPP;
	if (!size || size > STEER_MAX_TABLE)
		goto out;
	ret = -ENOMEM;
	used = bitmap_zalloc(size, GFP_KERNEL);
	if (!used)
		goto out;
	for (i = 0; i < cmd.rule_cnt; i++)
		if (locs[i] < size)
			__set_bit(locs[i], used);
	ret = -ENOSPC;
	for (i = size; i-- > 0;) {
		if (!test_bit(i, used)) {
			ret = i;
			break;
		}
	}
out:
	bitmap_free(used);
	kfree(locs);
	return ret;
}

int steer_rule_install(struct net_device *dev, struct steer_rule *rule)
{
	struct ethtool_rxnfc cmd = { .cmd = ETHTOOL_SRXCLSRLINS };
	int loc, ret;

	ASSERT_RTNL();
	loc = steer_free_location(dev);
	if (loc < 0)
		return loc;
	cmd.fs = rule->fs;
	cmd.fs.location = loc;
	ret = steer_set_rxnfc(dev, &cmd);
	if (ret)
		return ret;
	rule->fs.location = loc;
	rule->installed = true;
	/*
	 * Later checks compare with the rule as the driver reads it back (a
	 * driver may normalise what it stores); unreadable, we keep ours.
	 */
	cmd = (struct ethtool_rxnfc){ .cmd = ETHTOOL_GRXCLSRULE };
	cmd.fs.location = loc;
	if (!steer_get_rxnfc(dev, &cmd, NULL))
		rule->driver_fs = cmd.fs;
	else
		rule->driver_fs = rule->fs;
	return 0;
}

static bool steer_fs_equal(const struct ethtool_rx_flow_spec *a,
			   const struct ethtool_rx_flow_spec *b)
{
	return a->flow_type == b->flow_type &&
	       a->ring_cookie == b->ring_cookie &&
	       !memcmp(&a->h_u, &b->h_u, sizeof(a->h_u)) &&
	       !memcmp(&a->m_u, &b->m_u, sizeof(a->m_u));
}

enum steer_presence steer_rule_present(struct net_device *dev,
				       const struct steer_rule *rule)
{
	struct ethtool_rxnfc cmd = { .cmd = ETHTOOL_GRXCLSRULE };
	int ret;

	ASSERT_RTNL();
	if (!rule->installed)
		return STEER_RULE_GONE;
	cmd.fs.location = rule->fs.location;
	ret = steer_get_rxnfc(dev, &cmd, NULL);
	/* Only an empty location, or someone else's rule there, is gone. */
	if (ret == -ENOENT)
		return STEER_RULE_GONE;
	if (ret)
		return STEER_RULE_UNKNOWN;
	return steer_fs_equal(&cmd.fs, &rule->driver_fs) ? STEER_RULE_THERE :
							    STEER_RULE_GONE;
}

int steer_rule_remove(struct net_device *dev, struct steer_rule *rule)
{
	struct ethtool_rxnfc cmd = { .cmd = ETHTOOL_SRXCLSRLDEL };
	int ret = 0;

	ASSERT_RTNL();
	/* A location that no longer holds our rule is someone else's now. */
	if (dev && steer_rule_present(dev, rule) == STEER_RULE_THERE) {
		cmd.fs.location = rule->fs.location;
		ret = steer_set_rxnfc(dev, &cmd);
	}
	rule->installed = false;
	return ret;
}

static int steer_describe_udp(const struct ethtool_rx_flow_spec *fs,
			      char *buf, size_t len)
{
	if (fs->flow_type == UDP_V4_FLOW)
		return scnprintf(buf, len, "udp4 src-ip %pI4 src-port %u dst-port %u",
				 &fs->h_u.udp_ip4_spec.ip4src,
				 ntohs(fs->h_u.udp_ip4_spec.psrc),
				 ntohs(fs->h_u.udp_ip4_spec.pdst));
	return scnprintf(buf, len, "udp6 src-ip %pI6c src-port %u dst-port %u",
			 fs->h_u.udp_ip6_spec.ip6src,
			 ntohs(fs->h_u.udp_ip6_spec.psrc),
			 ntohs(fs->h_u.udp_ip6_spec.pdst));
}

static int steer_describe_ip(const struct ethtool_rx_flow_spec *fs,
			     char *buf, size_t len)
{
	if (fs->flow_type == IP_USER_FLOW)
		return scnprintf(buf, len, "ip4 dst-ip %pI4 m %pI4",
				 &fs->h_u.usr_ip4_spec.ip4dst,
				 &fs->m_u.usr_ip4_spec.ip4dst);
	return scnprintf(buf, len, "ip6 dst-ip %pI6c m %pI6c",
			 fs->h_u.usr_ip6_spec.ip6dst,
			 fs->m_u.usr_ip6_spec.ip6dst);
}

/* The rule in ethtool -N's words, e.g. "udp4 src-ip ... action 1". */
int steer_rule_describe(const struct steer_rule *rule, char *buf, size_t len)
{
	const struct ethtool_rx_flow_spec *fs = &rule->fs;
	int n;

	if (fs->flow_type == UDP_V4_FLOW || fs->flow_type == UDP_V6_FLOW)
		n = steer_describe_udp(fs, buf, len);
	else
		n = steer_describe_ip(fs, buf, len);
	return n + scnprintf(buf + n, len - n, " action %llu", fs->ring_cookie);
}
