// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the replay window: the edges the whitepaper fixes (a
 * window of WGI_REPLAY_WINDOW_BITS, nothing at or past the reject
 * limit), then a long pseudo-random counter sequence compared with a
 * plain model of the same rule (accept a counter once, if it is newer
 * than the newest accepted or less than a window behind it).
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "messages.h"
#include "replay.h"
#include "selftest.h"

#define W	WGI_REPLAY_WINDOW_BITS

static bool accept(struct wgi_replay_window *w, u64 counter)
{
	return wgi_replay_check_and_update(w, counter,
					   WGI_REJECT_AFTER_MESSAGES);
}

static void replay_test_in_order(struct wgi_selftest *t,
				 struct wgi_replay_window *w)
{
	unsigned int bad = 0;
	u64 c;

	wgi_replay_init(w);
	for (c = 0; c < 3 * W; c++)
		bad += !accept(w, c);
	wgi_selftest_expect(t, !bad, "in-order counters accepted", bad);
	wgi_selftest_expect(t, !accept(w, 0), "counter 0 twice", 0);
	wgi_selftest_expect(t, !accept(w, 3 * W - 1), "newest twice",
			    3 * W - 1);
}

static void replay_test_window_edges(struct wgi_selftest *t,
				     struct wgi_replay_window *w)
{
	const u64 top = 10000;

	wgi_replay_init(w);
	wgi_selftest_expect(t, accept(w, top), "first counter", top);
	wgi_selftest_expect(t, accept(w, top - (W - 1)),
			    "oldest counter inside the window", top - (W - 1));
	wgi_selftest_expect(t, !accept(w, top - (W - 1)),
			    "oldest counter twice", top - (W - 1));
	wgi_selftest_expect(t, !accept(w, top - W),
			    "first counter behind the window", top - W);
	wgi_selftest_expect(t, accept(w, top - 1), "one behind the newest",
			    top - 1);
	/* A jump far ahead forgets everything behind the new window. */
	wgi_selftest_expect(t, accept(w, top + 100 * W), "far jump",
			    top + 100 * W);
	wgi_selftest_expect(t, accept(w, top + 100 * W - 1),
			    "just behind a far jump", top + 100 * W - 1);
	wgi_selftest_expect(t, !accept(w, top), "old counter after a jump",
			    top);
}

static void replay_test_limits(struct wgi_selftest *t,
			       struct wgi_replay_window *w)
{
	const u64 limit = WGI_REJECT_AFTER_MESSAGES;

	wgi_replay_init(w);
	wgi_selftest_expect(t, wgi_replay_check_and_update(w, limit - 1, limit),
			    "last counter below the limit", limit - 1);
	wgi_selftest_expect(t, !wgi_replay_check_and_update(w, limit, limit),
			    "counter at the limit", limit);
	wgi_selftest_expect(t, !wgi_replay_check_and_update(w, U64_MAX,
							    U64_MAX),
			    "U64_MAX", U64_MAX);
}

static u32 replay_test_rand(u32 *state)
{
	/* xorshift32: reproducible, so a failure can be replayed. */
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

#define MODEL_RANGE	(256 * W)
#define MODEL_STEPS	40000

/* The next counter: mostly near the newest, now and then a jump. */
static u64 replay_test_next(u32 *rng, s64 top)
{
	u32 r = replay_test_rand(rng);
	s64 c;

	if (r % 64 == 0)	/* up to four windows either way */
		c = top + (s64)(r % (8 * W)) - 4 * W;
	else
		c = top + (s64)(r % (W + 192)) - W - 64;
	return clamp_t(s64, c, 0, MODEL_RANGE - 1);
}

static void replay_test_model(struct wgi_selftest *t,
			      struct wgi_replay_window *w)
{
	unsigned int mismatches = 0, accepted = 0, i;
	u64 first_bad = 0, c;
	unsigned long *seen;
	u32 rng = 0x2545f491;
	bool want, got;
	s64 top = -1;

	seen = bitmap_zalloc(MODEL_RANGE, GFP_KERNEL);
	if (!wgi_selftest_expect(t, seen, "model bitmap allocated", 0))
		return;
	wgi_replay_init(w);
	for (i = 0; i < MODEL_STEPS; i++) {
		c = replay_test_next(&rng, top);
		want = !test_bit(c, seen) &&
		       (top < 0 || (s64)c > top || top - (s64)c < W);
		got = accept(w, c);
		if (want) {
			__set_bit(c, seen);
			top = max_t(s64, top, c);
			accepted++;
		}
		if (want != got && !mismatches++)
			first_bad = i;
	}
	bitmap_free(seen);
	wgi_selftest_expect(t, !mismatches,
			    "window agrees with the model (first bad step)",
			    first_bad);
	/* The sequence must exercise both answers, or it proves nothing. */
	wgi_selftest_expect(t, accepted > 1000 &&
			    accepted < MODEL_STEPS - 1000,
			    "model saw both fresh and replayed counters",
			    accepted);
}

void wgi_selftest_replay(struct wgi_selftest *t)
{
	struct wgi_replay_window *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!wgi_selftest_expect(t, w, "window allocated", 0))
		return;
	replay_test_in_order(t, w);
	replay_test_window_edges(t, w);
	replay_test_limits(t, w);
	replay_test_model(t, w);
	kfree(w);
}
