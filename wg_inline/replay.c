// SPDX-License-Identifier: GPL-2.0
/*
 * Sliding-window replay protection for transport data counters, after the
 * bitmap scheme of RFC 6479: the window is a ring of machine words, and
 * moving it forward only clears whole words, never shifts bits.
 *
 * w->greatest is one more than the highest counter accepted, so zero means
 * "nothing accepted yet" without a separate flag.
 */
#include <linux/bitops.h>
#include <linux/string.h>
#include "replay.h"

#define WGI_REPLAY_RING_BITS	(WGI_REPLAY_WORDS * WGI_REPLAY_WORD_BITS)

static_assert(WGI_REPLAY_WINDOW_BITS % WGI_REPLAY_WORD_BITS == 0);

void wgi_replay_init(struct wgi_replay_window *w)
{
	w->greatest = 0;
	memset(w->bitmap, 0, sizeof(w->bitmap));
	spin_lock_init(&w->lock);
}

static inline u64 replay_block(u64 counter)
{
	return counter / WGI_REPLAY_WORD_BITS;
}

/* Clears the ring words that the window slides over to reach @counter. */
static void replay_advance(struct wgi_replay_window *w, u64 counter)
{
	u64 top_block, new_block, blocks, i;

	if (w->greatest) {
		top_block = replay_block(w->greatest - 1);
		new_block = replay_block(counter);
		blocks = min_t(u64, new_block - top_block, WGI_REPLAY_WORDS);
		for (i = 1; i <= blocks; i++)
			w->bitmap[(top_block + i) % WGI_REPLAY_WORDS] = 0;
	}
	w->greatest = counter + 1;
}

bool wgi_replay_check_and_update(struct wgi_replay_window *w, u64 counter,
				 u64 reject_after)
{
	bool fresh = false;

	/* Also keeps counter + 1 below from overflowing. */
	if (unlikely(counter >= reject_after || counter == U64_MAX))
		return false;

	spin_lock_bh(&w->lock);
	if (counter >= w->greatest)
		replay_advance(w, counter);
	else if (w->greatest - 1 - counter >= WGI_REPLAY_WINDOW_BITS)
		goto out;	/* fell off the back of the window */

	fresh = !__test_and_set_bit(counter % WGI_REPLAY_RING_BITS, w->bitmap);
out:
	spin_unlock_bh(&w->lock);
	return fresh;
}
