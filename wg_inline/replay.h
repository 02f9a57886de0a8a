/* SPDX-License-Identifier: GPL-2.0 */
/* Sliding-window replay protection for data counters (RFC 6479 style). */
#ifndef WGI_REPLAY_H
#define WGI_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include "messages.h"

#define WGI_REPLAY_WORD_BITS	BITS_PER_LONG
/*
 * One word more than the window needs: the word holding the newest counter
 * is only partly in use, and the spare keeps the usable window at least
 * WGI_REPLAY_WINDOW_BITS wide.
 */
#define WGI_REPLAY_WORDS \
	(WGI_REPLAY_WINDOW_BITS / WGI_REPLAY_WORD_BITS + 1)

struct wgi_replay_window {
	u64 greatest;	/* highest counter accepted + 1 */
	unsigned long bitmap[WGI_REPLAY_WORDS];
	spinlock_t lock;
};

void wgi_replay_init(struct wgi_replay_window *w);
/*
 * True if @counter is new and within the window; records it if so.
 * Softirq-safe (spinlock); call only after the packet was authenticated.
 */
bool wgi_replay_check_and_update(struct wgi_replay_window *w, u64 counter,
				 u64 reject_after);

#endif
