// SPDX-License-Identifier: GPL-2.0
/*
 * X25519 (RFC 7748) over GF(2^255 - 19).
 *
 * Field elements are five unsigned 64-bit limbs of 51 bits each (radix
 * 2^51); products are formed in 128-bit integers. The Montgomery ladder
 * runs a fixed number of steps and swaps with masks, never with branches
 * or table lookups indexed by secret data.
 */

#include <string.h>
#include "curve25519.h"

typedef uint64_t fe[5];
typedef unsigned __int128 u128;

#define LIMB_MASK ((UINT64_C(1) << 51) - 1)

static uint64_t load64_le(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void store64_le(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void fe_from_bytes(fe h, const uint8_t s[32])
{
	uint64_t w0 = load64_le(s), w1 = load64_le(s + 8);
	uint64_t w2 = load64_le(s + 16), w3 = load64_le(s + 24);

	h[0] = w0 & LIMB_MASK;
	h[1] = ((w0 >> 51) | (w1 << 13)) & LIMB_MASK;
	h[2] = ((w1 >> 38) | (w2 << 26)) & LIMB_MASK;
	h[3] = ((w2 >> 25) | (w3 << 39)) & LIMB_MASK;
	h[4] = (w3 >> 12) & LIMB_MASK;	/* drops the top bit, per RFC 7748 */
}

/* One pass of carries, folding the overflow of limb 4 back as *19. */
static void fe_carry(fe h)
{
	uint64_t c;
	int i;

	for (i = 0; i < 4; i++) {
		c = h[i] >> 51;
		h[i] &= LIMB_MASK;
		h[i + 1] += c;
	}
	c = h[4] >> 51;
	h[4] &= LIMB_MASK;
	h[0] += 19 * c;
}

static void fe_to_bytes(uint8_t s[32], const fe f)
{
	fe h;
	uint64_t q;
	int i;

	memcpy(h, f, sizeof(h));
	fe_carry(h);
	fe_carry(h);
	fe_carry(h);
	/* Now h < 2^255 with 51-bit limbs; q = 1 iff h >= p. */
	q = (h[0] + 19) >> 51;
	for (i = 1; i < 5; i++)
		q = (h[i] + q) >> 51;
	h[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		h[i + 1] += h[i] >> 51;
		h[i] &= LIMB_MASK;
	}
	h[4] &= LIMB_MASK;

	store64_le(s, h[0] | (h[1] << 51));
	store64_le(s + 8, (h[1] >> 13) | (h[2] << 38));
	store64_le(s + 16, (h[2] >> 26) | (h[3] << 25));
	store64_le(s + 24, (h[3] >> 39) | (h[4] << 12));
}

static void fe_set(fe h, uint64_t v)
{
	memset(h, 0, sizeof(fe));
	h[0] = v;
}

static void fe_add(fe h, const fe a, const fe b)
{
	int i;

	for (i = 0; i < 5; i++)
		h[i] = a[i] + b[i];
	fe_carry(h);
}

/* h = a - b, computed as a + 4p - b so no limb goes negative. */
static void fe_sub(fe h, const fe a, const fe b)
{
	static const uint64_t four_p[5] = {
		0x1FFFFFFFFFFFB4, 0x1FFFFFFFFFFFFC, 0x1FFFFFFFFFFFFC,
		0x1FFFFFFFFFFFFC, 0x1FFFFFFFFFFFFC,
	};
	int i;

	for (i = 0; i < 5; i++)
		h[i] = a[i] + four_p[i] - b[i];
	fe_carry(h);
}

static void fe_reduce_wide(fe h, u128 r[5])
{
	u128 c;
	int i;

	for (i = 0; i < 4; i++) {
		c = r[i] >> 51;
		r[i] &= LIMB_MASK;
		r[i + 1] += c;
	}
	c = r[4] >> 51;
	r[4] &= LIMB_MASK;
	r[0] += c * 19;
	c = r[0] >> 51;
	r[0] &= LIMB_MASK;
	r[1] += c;
	for (i = 0; i < 5; i++)
		h[i] = (uint64_t)r[i];
}

static void fe_mul(fe h, const fe a, const fe b)
{
	uint64_t b1_19 = b[1] * 19, b2_19 = b[2] * 19;
	uint64_t b3_19 = b[3] * 19, b4_19 = b[4] * 19;
	u128 r[5];

	r[0] = (u128)a[0] * b[0] + (u128)a[1] * b4_19 + (u128)a[2] * b3_19 +
	       (u128)a[3] * b2_19 + (u128)a[4] * b1_19;
	r[1] = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4_19 +
	       (u128)a[3] * b3_19 + (u128)a[4] * b2_19;
	r[2] = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] +
	       (u128)a[3] * b4_19 + (u128)a[4] * b3_19;
	r[3] = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] +
	       (u128)a[3] * b[0] + (u128)a[4] * b4_19;
	r[4] = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] +
	       (u128)a[3] * b[1] + (u128)a[4] * b[0];
	fe_reduce_wide(h, r);
}

static void fe_sq(fe h, const fe a)
{
	fe_mul(h, a, a);
}

static void fe_mul_small(fe h, const fe a, uint32_t k)
{
	u128 r[5];
	int i;

	for (i = 0; i < 5; i++)
		r[i] = (u128)a[i] * k;
	fe_reduce_wide(h, r);
}

/* h = z^(p - 2) = 1/z. The exponent is public, so branching on it is fine. */
static void fe_invert(fe h, const fe z)
{
	/* p - 2 = 2^255 - 21: bits 254..5 set, then 01011 */
	fe acc;
	int bit;

	fe_set(acc, 1);
	for (bit = 254; bit >= 0; bit--) {
		int set = bit >= 5 || ((0x0B >> bit) & 1);

		fe_sq(acc, acc);
		if (set)
			fe_mul(acc, acc, z);
	}
	memcpy(h, acc, sizeof(fe));
}

static void fe_cswap(fe a, fe b, uint64_t swap)
{
	uint64_t mask = 0 - swap, x;
	int i;

	for (i = 0; i < 5; i++) {
		x = mask & (a[i] ^ b[i]);
		a[i] ^= x;
		b[i] ^= x;
	}
}

void curve25519_clamp(uint8_t key[WG_KEY_SIZE])
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

struct ladder {
	fe x1, x2, z2, x3, z3;
};

static void ladder_step(struct ladder *l)
{
	fe a, aa, b, bb, e, c, d, da, cb, t;

	fe_add(a, l->x2, l->z2);
	fe_sq(aa, a);
	fe_sub(b, l->x2, l->z2);
	fe_sq(bb, b);
	fe_sub(e, aa, bb);
	fe_add(c, l->x3, l->z3);
	fe_sub(d, l->x3, l->z3);
	fe_mul(da, d, a);
	fe_mul(cb, c, b);

	fe_add(t, da, cb);
	fe_sq(l->x3, t);
	fe_sub(t, da, cb);
	fe_sq(t, t);
	fe_mul(l->z3, l->x1, t);
	fe_mul(l->x2, aa, bb);
	fe_mul_small(t, e, 121665);
	fe_add(t, t, aa);
	fe_mul(l->z2, e, t);
}

void curve25519(uint8_t out[WG_KEY_SIZE], const uint8_t scalar[WG_KEY_SIZE],
		const uint8_t point[WG_KEY_SIZE])
{
	uint8_t k[WG_KEY_SIZE];
	struct ladder l;
	uint64_t swap = 0, bit;
	fe zinv;
	int t;

	memcpy(k, scalar, sizeof(k));
	curve25519_clamp(k);
	fe_from_bytes(l.x1, point);
	fe_set(l.x2, 1);
	fe_set(l.z2, 0);
	memcpy(l.x3, l.x1, sizeof(fe));
	fe_set(l.z3, 1);

	for (t = 254; t >= 0; t--) {
		bit = (k[t >> 3] >> (t & 7)) & 1;
		swap ^= bit;
		fe_cswap(l.x2, l.x3, swap);
		fe_cswap(l.z2, l.z3, swap);
		swap = bit;
		ladder_step(&l);
	}
	fe_cswap(l.x2, l.x3, swap);
	fe_cswap(l.z2, l.z3, swap);

	fe_invert(zinv, l.z2);
	fe_mul(l.x2, l.x2, zinv);
	fe_to_bytes(out, l.x2);

	memset(k, 0, sizeof(k));
	memset(&l, 0, sizeof(l));
	__asm__ __volatile__("" : : "r"(k), "r"(&l) : "memory");
}

void curve25519_public(uint8_t out[WG_KEY_SIZE],
		       const uint8_t private_key[WG_KEY_SIZE])
{
	static const uint8_t basepoint[WG_KEY_SIZE] = { 9 };

	curve25519(out, private_key, basepoint);
}
