// SPDX-License-Identifier: GPL-2.0
/*
 * The delay points of race_delay.h. Only built with WGI_DEBUG: a test
 * module that can stall the handshake worker or a sender must never be
 * the one an operator loads.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include "race_delay.h"

static unsigned int wgi_race_us[__WGI_RACE_MAX];
static atomic_t wgi_race_landings[__WGI_RACE_MAX];

module_param_named(race_consume_initiation_us,
		   wgi_race_us[WGI_RACE_CONSUME_INITIATION], uint, 0644);
MODULE_PARM_DESC(race_consume_initiation_us,
		 "Debug builds only: sleep after an initiation's peer lookup (tests)");
module_param_named(race_stage_us, wgi_race_us[WGI_RACE_STAGE], uint, 0644);
MODULE_PARM_DESC(race_stage_us,
		 "Debug builds only: spin before staging packets (tests)");

static int wgi_race_landings_get(char *buf, const struct kernel_param *kp)
{
	const atomic_t *landings = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%d\n", atomic_read(landings));
}

static const struct kernel_param_ops wgi_race_landings_ops = {
	.get = wgi_race_landings_get,
};

module_param_cb(race_stage_landed, &wgi_race_landings_ops,
		&wgi_race_landings[WGI_RACE_STAGE], 0444);
MODULE_PARM_DESC(race_stage_landed,
		 "Debug builds only: sessions that appeared while a sender was staging (tests)");

/* At most 5 s: a stuck test must still end. */
#define WGI_RACE_MAX_US	5000000U

void wgi_race_delay(enum wgi_race_point point)
{
	unsigned int us = min(READ_ONCE(wgi_race_us[point]), WGI_RACE_MAX_US);

	if (!us)
		return;
	switch (point) {
	case WGI_RACE_CONSUME_INITIATION:
		fsleep(us);
		break;
	default:
		/* Atomic context: busy-wait, in slices the watchdog tolerates. */
		while (us) {
			unsigned int slice = min(us, 1000U);

			udelay(slice);
			us -= slice;
		}
		break;
	}
}

void wgi_race_landed(enum wgi_race_point point)
{
	atomic_inc(&wgi_race_landings[point]);
}
