/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WGAFF_CURVE25519_H
#define WGAFF_CURVE25519_H

#include <stdint.h>

#define WG_KEY_SIZE 32

/* out = scalar * point (X25519, RFC 7748); the scalar is clamped here. */
void curve25519(uint8_t out[WG_KEY_SIZE], const uint8_t scalar[WG_KEY_SIZE],
		const uint8_t point[WG_KEY_SIZE]);
/* out = private * basepoint (9) */
void curve25519_public(uint8_t out[WG_KEY_SIZE],
		       const uint8_t private_key[WG_KEY_SIZE]);
void curve25519_clamp(uint8_t key[WG_KEY_SIZE]);

#endif
