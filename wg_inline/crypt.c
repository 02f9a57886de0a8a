// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing and opening one data message (whitepaper section 5.4.6). The
 * skb is worked on in place through a scatterlist, so the only copy is
 * the one skb_cow_data makes of a shared or fragmented buffer.
 */
#include <linux/scatterlist.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <crypto/chacha20poly1305.h>
#include "crypt.h"
#include "messages.h"
#include "timers.h"

/* Enough scatterlist entries for any skb that skb_cow_data leaves. */
#define WGI_MAX_SG	(MAX_SKB_FRAGS + 8)

/*
 * Hands out each sending nonce of @kp at most once, and none at or past
 * REJECT_AFTER_MESSAGES.
 *
 * The counter itself must stop at the limit. Were every attempt to
 * increment it and only the result be checked, each refused attempt would
 * still move it on, and 2^64 - REJECT_AFTER_MESSAGES = 2^13 + 1 of them (a
 * busy sender whose handshake cannot complete makes that many in
 * milliseconds) would wrap it to 0 and hand out nonces 0, 1, ... again
 * under the same key: ChaCha20 keystream reuse, which gives away the XOR
 * of two plaintexts and repeats the Poly1305 one-time key (forgeries).
 *
 * So the counter only moves by a compare-and-exchange from a value below
 * the limit to that value plus one. Every successful exchange starts
 * below the limit, so no interleaving of any number of CPUs can take the
 * counter past it (nor past a debug first_nonce that starts above it):
 * wrap cannot happen, however many callers race, rather than being merely
 * unlikely. A caller that finds the counter at the limit gets no nonce and
 * writes nothing to it. The caller that takes the last nonce (limit - 1),
 * and any that finds the counter exhausted, also marks the sending key
 * invalid, so that later callers stop at the is_valid test without
 * touching the counter; the key is not made valid again, and the holder
 * keeps asking for a new session (wgi_crypt_wants_rekey stays true, the
 * packets are staged for the handshake).
 *
 * The common case costs one read and one successful cmpxchg, the same
 * single atomic operation as an increment; under contention a failed
 * exchange retries with the value it found.
 */
bool wgi_crypt_next_nonce(struct wgi_keypair *kp, u64 *nonce)
{
	s64 old;

	if (unlikely(!kp || !READ_ONCE(kp->sending.is_valid) ||
		     wgi_birthdate_has_expired(kp->sending.birthdate,
					       WGI_REJECT_AFTER_TIME)))
		return false;

	old = atomic64_read(&kp->sending_counter);
	do {
		if (unlikely((u64)old >= WGI_REJECT_AFTER_MESSAGES)) {
		WRITE_ONCE(kp->sending.is_valid, false);
			return false;
		}
	} while (!atomic64_try_cmpxchg(&kp->sending_counter, &old,
				       (s64)((u64)old + 1)));

	if (unlikely((u64)old + 1 == WGI_REJECT_AFTER_MESSAGES))
		WRITE_ONCE(kp->sending.is_valid, false);
	*nonce = old;
	return true;
}

bool wgi_crypt_wants_rekey(struct wgi_keypair *kp)
{
	return atomic64_read(&kp->sending_counter) > WGI_REKEY_AFTER_MESSAGES ||
	       (kp->i_am_the_initiator &&
		wgi_birthdate_has_expired(kp->sending.birthdate,
					  WGI_REKEY_AFTER_TIME));
}

bool wgi_crypt_receiving_key_usable(struct wgi_keypair *kp, u64 counter)
{
	return READ_ONCE(kp->receiving.is_valid) &&
	       !wgi_birthdate_has_expired(kp->receiving.birthdate,
					  WGI_REJECT_AFTER_TIME) &&
	       counter < WGI_REJECT_AFTER_MESSAGES;
}

/* Pad to a multiple of 16, but never beyond the tunnel MTU. */
static unsigned int wgi_padded_len(unsigned int len, unsigned int mtu)
{
	unsigned int padded = ALIGN(len, WGI_PADDING_MULTIPLE);

	if (padded > mtu)
		padded = max(len, mtu);
	return padded;
}

bool wgi_crypt_encrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			   u64 nonce, unsigned int mtu)
{
	unsigned int padded = wgi_padded_len(skb->len, mtu);
	unsigned int trailer_len = padded - skb->len + WGI_AEAD_TAG_LEN;
	struct scatterlist sg[WGI_MAX_SG];
	struct wgi_msg_data *hdr;
	struct sk_buff *trailer;
	int nsg;

	/* The payload is about to become opaque: finish checksums now. */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return false;
	if (skb_cow_head(skb, WGI_DATA_HEADER_LEN))
		return false;
	nsg = skb_cow_data(skb, trailer_len, &trailer);
	if (unlikely(nsg < 0 || nsg > ARRAY_SIZE(sg)))
		return false;
	/* Zero padding, then room for the tag the cipher appends. */
	memset(pskb_put(skb, trailer, trailer_len), 0, trailer_len);

	sg_init_table(sg, nsg);
	if (unlikely(skb_to_sgvec(skb, sg, 0, skb->len) < 0))
		return false;
	if (unlikely(!chacha20poly1305_encrypt_sg_inplace(sg, padded, NULL, 0,
							  nonce,
							  kp->sending.key)))
		return false;

	hdr = skb_push(skb, sizeof(*hdr));
	hdr->header.type = cpu_to_le32(WGI_MSG_DATA);
	hdr->key_idx = kp->remote_index;
	hdr->counter = cpu_to_le64(nonce);
	skb->ip_summed = CHECKSUM_NONE;
	return true;
}

int wgi_crypt_decrypt_skb(struct sk_buff *skb, struct wgi_keypair *kp,
			  u64 counter)
{
	struct scatterlist sg[WGI_MAX_SG];
	struct sk_buff *trailer;
	int nsg;

	__skb_pull(skb, WGI_DATA_HEADER_LEN);
	nsg = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nsg < 0 || nsg > ARRAY_SIZE(sg)))
		return -ENOMEM;
	sg_init_table(sg, nsg);
	if (unlikely(skb_to_sgvec(skb, sg, 0, skb->len) < 0))
		return -ENOMEM;
	if (!chacha20poly1305_decrypt_sg_inplace(sg, skb->len, NULL, 0,
						 counter, kp->receiving.key))
		return -EBADMSG;
	return pskb_trim(skb, skb->len - WGI_AEAD_TAG_LEN) ? -ENOMEM : 0;
}
