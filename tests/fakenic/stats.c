// SPDX-License-Identifier: GPL-2.0
/*
 * Counters. Each queue counts per CPU, so `ethtool -S` shows on which
 * CPU each RX queue's NAPI ran (rx_queue_Q_cpu_C_packets) and from which
 * CPU each TX queue was used, besides the usual per-queue totals.
 */
#include <linux/ethtool.h>

#include "fakenic.h"

/* Globals, in the order of struct fakenic_pcpu after the queues. */
static const char *const fakenic_global_stats[] = {
	"rx_rule_hits", "rx_rule_drops", "rx_rss", "rx_ring_full",
	"tx_no_peer",
};

#define FAKENIC_NGLOBAL ARRAY_SIZE(fakenic_global_stats)

static u64 fakenic_global(const struct fakenic_pcpu *p, unsigned int i)
{
	const u64 v[FAKENIC_NGLOBAL] = {
		p->rx_rule_hits, p->rx_rule_drops, p->rx_rss, p->rx_ring_full,
		p->tx_no_peer,
	};

	return v[i];
}

/* Per queue: 4 totals, then 2 per CPU id (rx and tx packets). */
int fakenic_stats_count(const struct fakenic_port *port)
{
	return FAKENIC_NGLOBAL + port->channels * (4 + 2 * nr_cpu_ids);
}

void fakenic_stats_strings(const struct fakenic_port *port, u8 *data)
{
	unsigned int q, cpu, i;

	for (i = 0; i < FAKENIC_NGLOBAL; i++)
		ethtool_sprintf(&data, "%s", fakenic_global_stats[i]);
	for (q = 0; q < port->channels; q++) {
		ethtool_sprintf(&data, "rx_queue_%u_packets", q);
		ethtool_sprintf(&data, "rx_queue_%u_bytes", q);
		ethtool_sprintf(&data, "tx_queue_%u_packets", q);
		ethtool_sprintf(&data, "tx_queue_%u_bytes", q);
		for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
			ethtool_sprintf(&data, "rx_queue_%u_cpu_%u_packets", q, cpu);
			ethtool_sprintf(&data, "tx_queue_%u_cpu_%u_packets", q, cpu);
		}
	}
}

static const struct fakenic_pcpu *fakenic_cpu(const struct fakenic_port *port,
					      unsigned int cpu)
{
	return per_cpu_ptr(port->pcpu, cpu);
}

static void fakenic_queue_values(const struct fakenic_port *port,
				 unsigned int q, u64 *data)
{
	u64 *totals = data;
	unsigned int cpu;

	memset(totals, 0, 4 * sizeof(u64));
	data += 4;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		const struct fakenic_pcpu *p;

		if (!cpu_possible(cpu)) {
			*data++ = 0;
			*data++ = 0;
			continue;
		}
		p = fakenic_cpu(port, cpu);
		totals[0] += READ_ONCE(p->rx[q].packets);
		totals[1] += READ_ONCE(p->rx[q].bytes);
		totals[2] += READ_ONCE(p->tx[q].packets);
		totals[3] += READ_ONCE(p->tx[q].bytes);
		*data++ = READ_ONCE(p->rx[q].packets);
		*data++ = READ_ONCE(p->tx[q].packets);
	}
}

void fakenic_stats_values(const struct fakenic_port *port, u64 *data)
{
	unsigned int q, cpu, i;

	memset(data, 0, FAKENIC_NGLOBAL * sizeof(u64));
	for_each_possible_cpu(cpu)
		for (i = 0; i < FAKENIC_NGLOBAL; i++)
			data[i] += fakenic_global(fakenic_cpu(port, cpu), i);
	data += FAKENIC_NGLOBAL;
	for (q = 0; q < port->channels; q++) {
		fakenic_queue_values(port, q, data);
		data += 4 + 2 * nr_cpu_ids;
	}
}

void fakenic_stats64(const struct fakenic_port *port,
		     struct rtnl_link_stats64 *s)
{
	unsigned int cpu, q;

	for_each_possible_cpu(cpu) {
		const struct fakenic_pcpu *p = fakenic_cpu(port, cpu);

		for (q = 0; q < port->channels; q++) {
			s->rx_packets += READ_ONCE(p->rx[q].packets);
			s->rx_bytes += READ_ONCE(p->rx[q].bytes);
			s->tx_packets += READ_ONCE(p->tx[q].packets);
			s->tx_bytes += READ_ONCE(p->tx[q].bytes);
		}
		s->rx_dropped += READ_ONCE(p->rx_rule_drops) +
				 READ_ONCE(p->rx_ring_full);
		s->tx_dropped += READ_ONCE(p->tx_no_peer);
	}
}
