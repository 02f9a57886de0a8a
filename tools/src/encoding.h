/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WGAFF_ENCODING_H
#define WGAFF_ENCODING_H

#include <stdbool.h>
#include <stdint.h>
#include "curve25519.h"

/* 32 bytes -> 43 base64 characters, '=' and NUL */
#define WG_KEY_B64_LEN 45

void key_to_base64(char out[WG_KEY_B64_LEN], const uint8_t key[WG_KEY_SIZE]);
/* Strict: exactly 44 characters, canonical padding. */
bool key_from_base64(uint8_t key[WG_KEY_SIZE], const char *b64);
bool key_is_zero(const uint8_t key[WG_KEY_SIZE]);
/* Constant time comparison; true when equal. */
bool key_equal(const uint8_t a[WG_KEY_SIZE], const uint8_t b[WG_KEY_SIZE]);

#endif
