// SPDX-License-Identifier: GPL-2.0
/*
 * wgi_cryptobench: the physical limit make bench compares tunnels with.
 *
 * At load it seals, then opens, 1420-byte packets with the kernel's
 * ChaCha20-Poly1305 library (the AEAD and the code WireGuard data
 * messages use) for duration_ms each, on the CPU insmod runs on (pin it
 * with taskset), and logs how many packets each took in how long. It
 * stays loaded doing nothing: rmmod it after reading the log.
 */
#include <linux/module.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/random.h>
#include <crypto/chacha20poly1305.h>

#define PACKET_LEN 1420
/* Packets between two looks at the clock and a chance to reschedule. */
#define BATCH 32

static unsigned int duration_ms = 1000;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "how long to seal, then to open (ms, 10..10000)");

struct bench_buffers {
	u8 key[CHACHA20POLY1305_KEY_SIZE];
	u8 plain[PACKET_LEN];
	u8 sealed[PACKET_LEN + CHACHA20POLY1305_AUTHTAG_SIZE];
};

struct bench_run {
	u64 packets;
	u64 ns;
	u64 failures;
};

static void seal_batch(struct bench_buffers *b, u64 nonce)
{
	int i;

	for (i = 0; i < BATCH; i++)
		chacha20poly1305_encrypt(b->sealed, b->plain, PACKET_LEN,
					 NULL, 0, nonce, b->key);
}

/* Opens the one sealed packet over and over: each open is checked in full. */
static u64 open_batch(struct bench_buffers *b, u64 nonce)
{
	u64 failures = 0;
	int i;

	for (i = 0; i < BATCH; i++)
		if (!chacha20poly1305_decrypt(b->plain, b->sealed,
					      sizeof(b->sealed), NULL, 0,
					      nonce, b->key))
			failures++;
	return failures;
}

static void run_for(struct bench_buffers *b, bool open, u64 budget_ns,
		    struct bench_run *r)
{
	u64 start = ktime_get_ns(), now;

	memset(r, 0, sizeof(*r));
	do {
		if (open)
			r->failures += open_batch(b, 1);
		else
			seal_batch(b, r->packets);
		r->packets += BATCH;
		cond_resched();
		now = ktime_get_ns();
	} while (now - start < budget_ns);
	r->ns = now - start;
}

static int __init cryptobench_init(void)
{
	struct bench_run seal, open;
	struct bench_buffers *b;
	u64 budget_ns;

	if (duration_ms < 10 || duration_ms > 10000)
		return -EINVAL;
	budget_ns = (u64)duration_ms * NSEC_PER_MSEC;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	get_random_bytes(b->key, sizeof(b->key));
	get_random_bytes(b->plain, sizeof(b->plain));

	run_for(b, false, budget_ns, &seal);
	/* What open checks: the packet sealed with nonce 1. */
	chacha20poly1305_encrypt(b->sealed, b->plain, PACKET_LEN, NULL, 0, 1,
				 b->key);
	run_for(b, true, budget_ns, &open);
	pr_info("wgi_cryptobench: cpu %d len %d seal %llu packets %llu ns open %llu packets %llu ns failures %llu\n",
		raw_smp_processor_id(), PACKET_LEN, seal.packets, seal.ns,
		open.packets, open.ns, open.failures);
	kfree_sensitive(b);
	return open.failures ? -EIO : 0;
}

static void __exit cryptobench_exit(void)
{
}

module_init(cryptobench_init);
module_exit(cryptobench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wg-inline make bench: one core's ChaCha20-Poly1305 rate");
