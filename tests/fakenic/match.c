// SPDX-License-Identifier: GPL-2.0
/*
 * Does a parsed frame match an ntuple rule? Each field compares under
 * the rule's mask (a set bit must match), the flow type fixing the L3
 * and L4 protocols, as mlx5e's flow-table entries do.
 */
#include <linux/if_vlan.h>
#include <linux/rculist.h>

#include "fakenic.h"

static bool fakenic_eq32(__be32 pkt, __be32 val, __be32 mask)
{
	return !((pkt ^ val) & mask);
}

static bool fakenic_eq16(__be16 pkt, __be16 val, __be16 mask)
{
	return !((pkt ^ val) & mask);
}

static bool fakenic_eq8(u8 pkt, u8 val, u8 mask)
{
	return !((pkt ^ val) & mask);
}

static bool fakenic_eq_mac(const u8 *pkt, const u8 *val, const u8 *mask)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		if ((pkt[i] ^ val[i]) & mask[i])
			return false;
	return true;
}

static bool fakenic_eq6(const struct in6_addr *pkt, const __be32 *val,
			const __be32 *mask)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!fakenic_eq32(pkt->s6_addr32[i], val[i], mask[i]))
			return false;
	return true;
}

static bool fakenic_match_l4v4(const struct ethtool_rx_flow_spec *fs,
			       const struct fakenic_pkt *pkt, u8 proto)
{
	const struct ethtool_tcpip4_spec *v = &fs->h_u.tcp_ip4_spec;
	const struct ethtool_tcpip4_spec *m = &fs->m_u.tcp_ip4_spec;

	return pkt->l3 == 4 && pkt->proto == proto && pkt->has_ports &&
	       fakenic_eq32(pkt->v4src, v->ip4src, m->ip4src) &&
	       fakenic_eq32(pkt->v4dst, v->ip4dst, m->ip4dst) &&
	       fakenic_eq16(pkt->sport, v->psrc, m->psrc) &&
	       fakenic_eq16(pkt->dport, v->pdst, m->pdst);
}

static bool fakenic_match_ip4(const struct ethtool_rx_flow_spec *fs,
			      const struct fakenic_pkt *pkt)
{
	const struct ethtool_usrip4_spec *v = &fs->h_u.usr_ip4_spec;
	const struct ethtool_usrip4_spec *m = &fs->m_u.usr_ip4_spec;

	return pkt->l3 == 4 &&
	       fakenic_eq32(pkt->v4src, v->ip4src, m->ip4src) &&
	       fakenic_eq32(pkt->v4dst, v->ip4dst, m->ip4dst) &&
	       fakenic_eq8(pkt->proto, v->proto, m->proto);
}

static bool fakenic_match_l4v6(const struct ethtool_rx_flow_spec *fs,
			       const struct fakenic_pkt *pkt, u8 proto)
{
	const struct ethtool_tcpip6_spec *v = &fs->h_u.tcp_ip6_spec;
	const struct ethtool_tcpip6_spec *m = &fs->m_u.tcp_ip6_spec;

	return pkt->l3 == 6 && pkt->proto == proto && pkt->has_ports &&
	       fakenic_eq6(&pkt->v6src, v->ip6src, m->ip6src) &&
	       fakenic_eq6(&pkt->v6dst, v->ip6dst, m->ip6dst) &&
	       fakenic_eq16(pkt->sport, v->psrc, m->psrc) &&
	       fakenic_eq16(pkt->dport, v->pdst, m->pdst);
}

static bool fakenic_match_ip6(const struct ethtool_rx_flow_spec *fs,
			      const struct fakenic_pkt *pkt)
{
	const struct ethtool_usrip6_spec *v = &fs->h_u.usr_ip6_spec;
	const struct ethtool_usrip6_spec *m = &fs->m_u.usr_ip6_spec;

	return pkt->l3 == 6 &&
	       fakenic_eq6(&pkt->v6src, v->ip6src, m->ip6src) &&
	       fakenic_eq6(&pkt->v6dst, v->ip6dst, m->ip6dst) &&
	       fakenic_eq8(pkt->proto, v->l4_proto, m->l4_proto);
}

static bool fakenic_match_ether(const struct ethtool_rx_flow_spec *fs,
				const struct fakenic_pkt *pkt)
{
	const struct ethhdr *v = &fs->h_u.ether_spec;
	const struct ethhdr *m = &fs->m_u.ether_spec;

	return fakenic_eq_mac(pkt->eth.h_dest, v->h_dest, m->h_dest) &&
	       fakenic_eq_mac(pkt->eth.h_source, v->h_source, m->h_source) &&
	       fakenic_eq16(pkt->ethertype, v->h_proto, m->h_proto);
}

static bool fakenic_match_base(const struct ethtool_rx_flow_spec *fs,
			       const struct fakenic_pkt *pkt)
{
	switch (fakenic_flow_type(fs->flow_type)) {
	case TCP_V4_FLOW:
		return fakenic_match_l4v4(fs, pkt, IPPROTO_TCP);
	case UDP_V4_FLOW:
		return fakenic_match_l4v4(fs, pkt, IPPROTO_UDP);
	case IP_USER_FLOW:
		return fakenic_match_ip4(fs, pkt);
	case TCP_V6_FLOW:
		return fakenic_match_l4v6(fs, pkt, IPPROTO_TCP);
	case UDP_V6_FLOW:
		return fakenic_match_l4v6(fs, pkt, IPPROTO_UDP);
	case IPV6_USER_FLOW:
		return fakenic_match_ip6(fs, pkt);
	case ETHER_FLOW:
		return fakenic_match_ether(fs, pkt);
	}
	return false;
}

static bool fakenic_match_ext(const struct ethtool_rx_flow_spec *fs,
			      const struct fakenic_pkt *pkt)
{
	if ((fs->flow_type & FLOW_EXT) &&
	    (!pkt->has_vlan ||
	     !fakenic_eq16(pkt->vlan_tci, fs->h_ext.vlan_tci,
			   htons(VLAN_VID_MASK))))
		return false;
	if ((fs->flow_type & FLOW_MAC_EXT) &&
	    !fakenic_eq_mac(pkt->eth.h_dest, fs->h_ext.h_dest, fs->m_ext.h_dest))
		return false;
	return true;
}

/* The first rule in rank order that matches decides; false: none. */
bool fakenic_steer_match(struct fakenic_steer *steer,
			 const struct fakenic_pkt *pkt, u64 *ring)
{
	struct fakenic_rule *rule;

	list_for_each_entry_rcu(rule, &steer->active, node) {
		if (fakenic_match_base(&rule->fs, pkt) &&
		    fakenic_match_ext(&rule->fs, pkt)) {
			*ring = rule->fs.ring_cookie;
			return true;
		}
	}
	return false;
}
