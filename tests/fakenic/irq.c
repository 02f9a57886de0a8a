// SPDX-License-Identifier: GPL-2.0
/*
 * RX "interrupts": each RX queue has a real Linux IRQ on a small
 * software irq_chip, so /proc/interrupts counts it per CPU and
 * /proc/irq/N/smp_affinity moves it, as on a NIC's MSI-X vector. The
 * sending end raises it with an IPI to the IRQ's effective-affinity CPU
 * (or a direct call, interrupts off, when that is the sender's CPU):
 * the handler runs there and schedules the queue's NAPI there, so NAPI
 * runs where the affinity says. (irq_work_queue_on would do, but 6.1
 * does not export it.)
 */
#include <linux/cpu_rmap.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/delay.h>

#include "fakenic.h"

/* The chip has no hardware to program: it records the CPU it "routes"
 * the interrupt to as the effective affinity (one CPU, like x86 MSI).
 */
static int fakenic_irq_set_affinity(struct irq_data *d,
				    const struct cpumask *mask, bool force)
{
	unsigned int cpu = cpumask_first_and(mask, cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK;
}

static void fakenic_irq_noop(struct irq_data *d)
{
}

static struct irq_chip fakenic_irq_chip = {
	.name = "fakenic",
	.irq_mask = fakenic_irq_noop,
	.irq_unmask = fakenic_irq_noop,
	.irq_set_affinity = fakenic_irq_set_affinity,
};

static irqreturn_t fakenic_irq_handler(int irq, void *data)
{
	struct fakenic_channel *ch = data;

	napi_schedule(&ch->napi);
	return IRQ_HANDLED;
}

/* On the target CPU, interrupts off: the "MSI-X message arrives". */
static void fakenic_irq_ipi(void *data)
{
	struct fakenic_channel *ch = data;

	/*
	 * First, so that a frame queued from now on raises again; one
	 * queued before is on the ring for the NAPI scheduled below.
	 */
	clear_bit(0, &ch->raise_pending);
	smp_mb__after_atomic();
	generic_handle_irq(ch->irq);
	/* Last touch of ch: teardown waits for this. */
	atomic_dec(&ch->raising);
}

/* Called with BHs off, after the frame is on the ring. A raise still
 * pending has not run the handler yet, so it will see our frame: a
 * second one is not needed (the bit's test-and-set orders the ring
 * write before it).
 */
void fakenic_irq_raise(struct fakenic_channel *ch)
{
	struct irq_data *d = irq_get_irq_data(ch->irq);
	unsigned int cpu;

	if (test_and_set_bit(0, &ch->raise_pending))
		return;
	cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		cpu = smp_processor_id();
	atomic_inc(&ch->raising);
	if (smp_call_function_single_async(cpu, &ch->raise)) {
		atomic_dec(&ch->raising);
		clear_bit(0, &ch->raise_pending);
	}
}

/* mlx5e spreads its completion vectors over CPUs from its NUMA node. */
static unsigned int fakenic_default_cpu(unsigned int channel)
{
	return cpumask_local_spread(channel, NUMA_NO_NODE);
}

static int fakenic_irq_setup(struct fakenic_channel *ch, int irq,
			     const char *name)
{
	int err;

	ch->irq = irq;
	INIT_CSD(&ch->raise, fakenic_irq_ipi, ch);
	ch->raise_pending = 0;
	irq_set_chip_and_handler(irq, &fakenic_irq_chip, handle_simple_irq);
	/* Requestable, and movable from process context: no ack path to
	 * apply a pending move, as x86's MSI chips have.
	 */
	irq_modify_status(irq, IRQ_NOREQUEST | IRQ_NOPROBE, IRQ_MOVE_PCNTXT);
	snprintf(ch->irq_name, sizeof(ch->irq_name), "%s-rx-%u", name,
		 ch->index);
	err = request_irq(irq, fakenic_irq_handler, 0, ch->irq_name, ch);
	if (err)
		return err;
	ch->irq_requested = true;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	netif_napi_set_irq(&ch->napi, irq);
#endif
	return 0;
}

/* The reverse map aRFS uses to find the RX queue of a CPU. */
static int fakenic_rmap_setup(struct fakenic_port *port)
{
#ifdef CONFIG_RFS_ACCEL
	struct cpu_rmap *rmap;
	unsigned int i;
	int err;

	rmap = alloc_irq_cpu_rmap(port->channels);
	if (!rmap)
		return -ENOMEM;
	port->netdev->rx_cpu_rmap = rmap;
	for (i = 0; i < port->channels; i++) {
		err = irq_cpu_rmap_add(rmap, port->ch[i].irq);
		if (err)
			return err;
	}
#endif
	return 0;
}

int fakenic_irqs_alloc(struct fakenic_port *port, const char *name)
{
	unsigned int i;
	int base, err;

	/* No owner module: a requested IRQ would pin its owner, and rmmod
	 * must be able to delete the pairs, as rmmod veth deletes veths.
	 */
	base = __irq_alloc_descs(-1, 1, port->channels, NUMA_NO_NODE, NULL,
				 NULL);
	if (base < 0)
		return base;
	port->irq_base = base;
	for (i = 0; i < port->channels; i++) {
		err = fakenic_irq_setup(&port->ch[i], base + i, name);
		if (err)
			return err;
	}
	err = fakenic_rmap_setup(port);
	if (err)
		return err;
	/*
	 * Affinity last, as mlx5 sets it after adding its vectors to the
	 * rmap: the rmap learns a vector's CPU only from the affinity
	 * notifier, so a vector placed before would be unknown to it.
	 */
	for (i = 0; i < port->channels; i++) {
		err = irq_set_affinity(port->ch[i].irq,
				       cpumask_of(fakenic_default_cpu(i)));
		if (err)
			return err;
	}
	return 0;
}

/* After both netdevs are unregistered: nothing raises our IRQs now. */
void fakenic_irqs_free(struct fakenic_port *port)
{
	unsigned int i;

	if (port->irq_base < 0)
		return;
#ifdef CONFIG_RFS_ACCEL
	/* Before free_irq: it drops the affinity notifiers. */
	if (port->netdev && port->netdev->rx_cpu_rmap) {
		free_irq_cpu_rmap(port->netdev->rx_cpu_rmap);
		port->netdev->rx_cpu_rmap = NULL;
	}
#endif
	for (i = 0; i < port->channels; i++) {
		struct fakenic_channel *ch = &port->ch[i];

		if (ch->irq < 0)
			continue;
		while (atomic_read(&ch->raising))
			usleep_range(100, 200);
		if (ch->irq_requested)
			free_irq(ch->irq, ch);
		irq_set_chip_and_handler(ch->irq, NULL, NULL);
	}
	irq_free_descs(port->irq_base, port->channels);
	port->irq_base = -1;
}
