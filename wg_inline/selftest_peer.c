// SPDX-License-Identifier: GPL-2.0
/*
 * A bare end of a tunnel for the handshake and cookie self-tests: a
 * device with a static identity, cookie checker and lookup tables, and
 * one peer in them, but no net_device, socket, timers or NAPI. Only the
 * handshake, keypair and cookie state the protocol code touches is set
 * up, the way wgi_peer_create() and the device's setup set it up.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "device.h"
#include "peer.h"
#include "selftest.h"

int wgi_selftest_end_init(struct wgi_selftest_end *end,
			  const u8 private_key[WGI_KEY_LEN],
			  const u8 peer_public_key[WGI_PUBKEY_LEN],
			  const u8 preshared_key[WGI_KEY_LEN])
{
	struct wgi_device *wg;
	struct wgi_peer *peer;

	memset(end, 0, sizeof(*end));
	wg = kzalloc(sizeof(*wg), GFP_KERNEL);
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (wg) {
		wg->peer_hashtable = wgi_pubkey_table_alloc();
		wg->index_hashtable = wgi_index_table_alloc();
	}
	if (!peer || !wg || !wg->peer_hashtable || !wg->index_hashtable) {
		if (wg) {
			wgi_pubkey_table_free(wg->peer_hashtable);
			if (wg->index_hashtable)
				wgi_index_table_free(wg->index_hashtable);
		}
		kfree(wg);
		kfree(peer);
		return -ENOMEM;
	}

	wgi_noise_static_identity_init(&wg->static_identity);
	wgi_cookie_checker_init(&wg->cookie_checker, wg);
	down_write(&wg->static_identity.lock);
	wgi_noise_set_static_identity_private_key(&wg->static_identity,
						  private_key);
	wgi_cookie_checker_precompute_device_keys(&wg->cookie_checker);
	up_write(&wg->static_identity.lock);

	peer->device = wg;
	kref_init(&peer->refcount);
	wgi_noise_keypairs_init(&peer->keypairs);
	wgi_noise_handshake_init(&peer->handshake, &wg->static_identity,
				 peer_public_key, preshared_key, peer);
	wgi_cookie_init(&peer->latest_cookie);
	wgi_cookie_checker_precompute_peer_keys(peer);
	wgi_pubkey_table_add(wg->peer_hashtable, peer);

	end->wg = wg;
	end->peer = peer;
	return 0;
}

void wgi_selftest_end_destroy(struct wgi_selftest_end *end)
{
	struct wgi_device *wg = end->wg;
	struct wgi_peer *peer = end->peer;

	if (!wg)
		return;
	wgi_pubkey_table_remove(wg->peer_hashtable, peer);
	wgi_noise_handshake_destroy(&peer->handshake);
	wgi_noise_keypairs_clear(&peer->keypairs);
	/*
	 * No reader is left after a grace period, and the keypairs' RCU
	 * frees (module code) must be done before a failed load unloads us.
	 */
	synchronize_rcu();
	rcu_barrier();
	/* The tests return every reference they take; ours is the last. */
	WARN_ON(kref_read(&peer->refcount) != 1);
	wgi_noise_static_identity_clear(&wg->static_identity);
	wgi_pubkey_table_free(wg->peer_hashtable);
	wgi_index_table_free(wg->index_hashtable);
	/* Both hold keys (cookie keys, the cookie secret): wiped on free. */
	kfree_sensitive(peer);
	kfree_sensitive(wg);
	memset(end, 0, sizeof(*end));
}
