// SPDX-License-Identifier: GPL-2.0
/*
 * The receiving end's "hardware": parse the frame's headers, pick the RX
 * queue (ntuple rules first, then RSS), put the frame on that queue's
 * ring and raise its IRQ; then the queue's NAPI delivers it.
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <linux/etherdevice.h>

#include "fakenic.h"

static bool fakenic_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

static void fakenic_parse_ports(const struct sk_buff *skb, unsigned int off,
				struct fakenic_pkt *pkt)
{
	__be16 ports[2];

	if (!fakenic_has_ports(pkt->proto) ||
	    skb_copy_bits(skb, off, ports, sizeof(ports)))
		return;
	pkt->has_ports = true;
	pkt->sport = ports[0];
	pkt->dport = ports[1];
}

static void fakenic_parse_v4(const struct sk_buff *skb, unsigned int off,
			     struct fakenic_pkt *pkt)
{
	struct iphdr iph;

	if (skb_copy_bits(skb, off, &iph, sizeof(iph)) || iph.ihl < 5)
		return;
	pkt->l3 = 4;
	pkt->v4src = iph.saddr;
	pkt->v4dst = iph.daddr;
	pkt->proto = iph.protocol;
	/* Later fragments carry no L4 header. */
	if (!(iph.frag_off & htons(IP_OFFSET)))
		fakenic_parse_ports(skb, off + iph.ihl * 4, pkt);
}

static void fakenic_parse_v6(const struct sk_buff *skb, unsigned int off,
			     struct fakenic_pkt *pkt)
{
	struct ipv6hdr ip6h;

	if (skb_copy_bits(skb, off, &ip6h, sizeof(ip6h)))
		return;
	pkt->l3 = 6;
	pkt->v6src = ip6h.saddr;
	pkt->v6dst = ip6h.daddr;
	/* The next header only, as the first header the NIC parses. */
	pkt->proto = ip6h.nexthdr;
	fakenic_parse_ports(skb, off + sizeof(ip6h), pkt);
}

/* skb->data is at the Ethernet header (we are in the sender's xmit). */
static void fakenic_parse(const struct sk_buff *skb, struct fakenic_pkt *pkt)
{
	unsigned int off = ETH_HLEN;

	memset(pkt, 0, sizeof(*pkt));
	if (skb_copy_bits(skb, 0, &pkt->eth, ETH_HLEN))
		return;
	pkt->ethertype = pkt->eth.h_proto;
	if (skb_vlan_tag_present(skb)) {
		pkt->has_vlan = true;
		pkt->vlan_tci = htons(skb_vlan_tag_get(skb));
	} else if (pkt->ethertype == htons(ETH_P_8021Q)) {
		struct vlan_hdr vh;

		if (skb_copy_bits(skb, off, &vh, sizeof(vh)))
			return;
		pkt->has_vlan = true;
		pkt->vlan_tci = vh.h_vlan_TCI;
		pkt->ethertype = vh.h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	if (pkt->ethertype == htons(ETH_P_IP))
		fakenic_parse_v4(skb, off, pkt);
	else if (pkt->ethertype == htons(ETH_P_IPV6))
		fakenic_parse_v6(skb, off, pkt);
}

/* The queue for the frame, or -1 when a rule says drop. */
static int fakenic_classify(struct fakenic_port *rx, const struct fakenic_pkt *pkt,
			    u32 hash)
{
	struct fakenic_pcpu *pcpu = this_cpu_ptr(rx->pcpu);
	u64 ring;

	if (fakenic_steer_match(&rx->steer, pkt, &ring)) {
		if (ring == RX_CLS_FLOW_DISC) {
			pcpu->rx_rule_drops++;
			return -1;
		}
		pcpu->rx_rule_hits++;
		return ring;
	}
	pcpu->rx_rss++;
	return fakenic_rss_queue(&rx->rss, hash);
}

/* In the sending end's xmit, under rcu_read_lock, BHs off. */
void fakenic_deliver(struct fakenic_port *rx, struct sk_buff *skb)
{
	struct fakenic_channel *ch;
	struct fakenic_pkt pkt;
	u32 hash;
	int q;

	fakenic_parse(skb, &pkt);
	hash = fakenic_rss_hash(&rx->rss, &pkt);
	q = fakenic_classify(rx, &pkt, hash);
	if (q < 0) {
		kfree_skb(skb);
		return;
	}
	/* Scrubs the skb for the other device; frees it on failure. */
	if (__dev_forward_skb(rx->netdev, skb))
		return;
	if (pkt.l3)
		skb_set_hash(skb, hash, pkt.has_ports ? PKT_HASH_TYPE_L4 :
			     PKT_HASH_TYPE_L3);
	skb_record_rx_queue(skb, q);
	ch = &rx->ch[q];
	if (skb_queue_len(&ch->ring) >= FAKENIC_RING_SIZE) {
		this_cpu_inc(rx->pcpu->rx_ring_full);
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&ch->ring, skb);
	fakenic_irq_raise(ch);
}

int fakenic_poll(struct napi_struct *napi, int budget)
{
	struct fakenic_channel *ch = container_of(napi, struct fakenic_channel,
						  napi);
	struct fakenic_qstats *st = &this_cpu_ptr(ch->port->pcpu)->rx[ch->index];
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&ch->ring))) {
		st->packets++;
		st->bytes += skb->len + ETH_HLEN;
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}
