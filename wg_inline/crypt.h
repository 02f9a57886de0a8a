/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One data message's cryptography, the same in every execution mode:
 * which nonce a keypair gives next, whether it is still usable, and the
 * in-place ChaCha20-Poly1305 seal and open of one skb. No threading, no
 * peer state: the modes decide where these run.
 */
#ifndef WGI_CRYPT_H
#define WGI_CRYPT_H

#include <linux/skbuff.h>
#include "noise.h"

/* Is @kp still good for sending, and what nonce does the next packet get? */
bool wgi_crypt_next_nonce(struct wgi_keypair *kp, u64 *nonce);
/* Should the holder of @kp start a new handshake (messages or age)? */
bool wgi_crypt_wants_rekey(struct wgi_keypair *kp);
/* May a message with @counter be opened with @kp? */
bool wgi_crypt_receiving_key_usable(struct wgi_keypair *kp, u64 counter);
/* Turns a plaintext packet into a data message, in place. */
bool wgi_crypt_encrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			   u64 nonce, unsigned int mtu);
/*
 * Authenticates and decrypts in place; leaves the plaintext at skb->data.
 * Returns 0, -EBADMSG if the message is not authentic, or -ENOMEM if its
 * buffer could not be made writable or has too many pieces (our limit,
 * not the sender's fault).
 */
int wgi_crypt_decrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			  u64 counter);

#endif
