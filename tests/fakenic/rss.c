// SPDX-License-Identifier: GPL-2.0
/*
 * RSS for frames no rule claims: a Toeplitz hash over the addresses
 * (and ports for TCP and UDP, mlx5e's default hash fields) picks an
 * entry of a 256-entry indirection table. Frames that are not IP hash
 * to 0, the first entry. The RX path reads the table and key without a
 * lock: a frame hashed during an update lands on the old or new queue.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/version.h>
/* Moved to linux/ in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "fakenic.h"

void fakenic_rss_reset(struct fakenic_rss *rss, unsigned int channels)
{
	unsigned int i;

	for (i = 0; i < FAKENIC_INDIR_SIZE; i++)
		WRITE_ONCE(rss->indir[i], ethtool_rxfh_indir_default(i, channels));
	/* The kernel's boot-time random key, as mlx5e starts with. */
	netdev_rss_key_fill(rss->key, FAKENIC_KEY_SIZE);
}

/* Toeplitz: each set input bit XORs in the 32-bit key window at it. */
static u32 fakenic_toeplitz(const u8 *key, const u8 *in, unsigned int len)
{
	u32 window = get_unaligned_be32(key);
	u32 hash = 0;
	unsigned int i, bit;

	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			unsigned int next = 32 + i * 8 + bit;

			if (in[i] & (0x80 >> bit))
				hash ^= window;
			window <<= 1;
			if (key[next / 8] & (0x80 >> (next % 8)))
				window |= 1;
		}
	}
	return hash;
}

u32 fakenic_rss_hash(const struct fakenic_rss *rss,
		     const struct fakenic_pkt *pkt)
{
	u8 in[36];
	unsigned int len;

	if (pkt->l3 == 4) {
		memcpy(in, &pkt->v4src, 4);
		memcpy(in + 4, &pkt->v4dst, 4);
		len = 8;
	} else if (pkt->l3 == 6) {
		memcpy(in, &pkt->v6src, 16);
		memcpy(in + 16, &pkt->v6dst, 16);
		len = 32;
	} else {
		return 0;
	}
	if (pkt->has_ports) {
		memcpy(in + len, &pkt->sport, 2);
		memcpy(in + len + 2, &pkt->dport, 2);
		len += 4;
	}
	return fakenic_toeplitz(rss->key, in, len);
}

unsigned int fakenic_rss_queue(const struct fakenic_rss *rss, u32 hash)
{
	return READ_ONCE(rss->indir[hash % FAKENIC_INDIR_SIZE]);
}
