// SPDX-License-Identifier: GPL-2.0
/*
 * The table of execution modes and the only code that writes a tunnel's
 * mode (peer->ops). Today a tunnel gets its mode when it is created (the
 * device's default mode); switching a running tunnel is the next step
 * and will live here too: park TX, stop the tunnel's NAPI, drain the old
 * mode, swap ops, restart, flush (see docs/architecture.md).
 */
#include <linux/netlink.h>
#include "device.h"
#include "mode.h"
#include "peer.h"

static const struct wgi_mode_ops *const wgi_modes[__WGI_TUNNEL_MODE_MAX] = {
	[WGI_TUNNEL_MODE_INLINE] = &wgi_inline_ops,
	[WGI_TUNNEL_MODE_PARALLEL] = &wgi_parallel_ops,
};

void wgi_mode_xmit(struct wgi_peer *peer, struct sk_buff_head *packets)
{
	rcu_read_lock_bh();
	READ_ONCE(peer->ops)->xmit(peer, packets);
	rcu_read_unlock_bh();
}

const struct wgi_mode_ops *wgi_mode_ops(enum wgi_tunnel_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(wgi_modes))
		return NULL;
	return wgi_modes[mode];
}

int wgi_mode_check(enum wgi_tunnel_mode mode, struct netlink_ext_ack *extack)
{
	if (wgi_mode_ops(mode))
		return 0;
	NL_SET_ERR_MSG(extack, "this execution mode is not implemented yet");
	return -EOPNOTSUPP;
}

int wgi_mode_device_init(struct wgi_device *wg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(wgi_modes); i++) {
		if (!wgi_modes[i] || !wgi_modes[i]->device_init)
			continue;
		ret = wgi_modes[i]->device_init(wg);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	while (i--)
		if (wgi_modes[i] && wgi_modes[i]->device_uninit)
			wgi_modes[i]->device_uninit(wg);
	return ret;
}

void wgi_mode_device_uninit(struct wgi_device *wg)
{
	unsigned int i = ARRAY_SIZE(wgi_modes);

	while (i--)
		if (wgi_modes[i] && wgi_modes[i]->device_uninit)
			wgi_modes[i]->device_uninit(wg);
}

void wgi_mode_peer_init(struct wgi_peer *peer, enum wgi_tunnel_mode mode)
{
	const struct wgi_mode_ops *ops = wgi_mode_ops(mode) ?: &wgi_inline_ops;

	ops->peer_init(peer);
	/* Published before the peer is reachable by any packet path. */
	WRITE_ONCE(peer->ops, ops);
}

void wgi_mode_peer_discard(struct wgi_peer *peer)
{
	struct sk_buff_head tx, rx;

	__skb_queue_head_init(&tx);
	__skb_queue_head_init(&rx);
	peer->ops->drain(peer, &tx, &rx);
	__skb_queue_purge(&tx);
	__skb_queue_purge(&rx);
}

void wgi_mode_peer_stop(struct wgi_peer *peer)
{
	if (peer->ops->peer_stop)
		peer->ops->peer_stop(peer);
}

int wgi_mode_set(struct wgi_peer *peer, enum wgi_tunnel_mode mode,
		 struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&peer->device->update_lock);
	ret = wgi_mode_check(mode, extack);
	if (ret)
		return ret;
	if (peer->ops->mode == mode)
		return 0;
	/* A tunnel gets its mode when it is created, for now. */
	NL_SET_ERR_MSG(extack, "switching execution modes is not implemented yet");
	return -EOPNOTSUPP;
}
