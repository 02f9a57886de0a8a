// SPDX-License-Identifier: GPL-2.0
/* Base64 (RFC 4648, standard alphabet, padded) for 32-byte keys. */

#include <string.h>
#include "encoding.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Returns the 6-bit value of @c, or -1; no table indexed by secret data. */
static int b64_value(unsigned char c)
{
	int v = -1;

	v += ((('A' - 1 - c) & (c - 'Z' - 1)) >> 8) & (c - 'A' + 1);
	v += ((('a' - 1 - c) & (c - 'z' - 1)) >> 8) & (c - 'a' + 27);
	v += ((('0' - 1 - c) & (c - '9' - 1)) >> 8) & (c - '0' + 53);
	v += ((('+' - 1 - c) & (c - '+' - 1)) >> 8) & 63;
	v += ((('/' - 1 - c) & (c - '/' - 1)) >> 8) & 64;
	return v;
}

static char b64_char(unsigned int v)
{
	return b64_alphabet[v & 63];
}

void key_to_base64(char out[WG_KEY_B64_LEN], const uint8_t key[WG_KEY_SIZE])
{
	unsigned int i, o = 0, triple;

	for (i = 0; i + 3 <= WG_KEY_SIZE; i += 3) {
		triple = (key[i] << 16) | (key[i + 1] << 8) | key[i + 2];
		out[o++] = b64_char(triple >> 18);
		out[o++] = b64_char(triple >> 12);
		out[o++] = b64_char(triple >> 6);
		out[o++] = b64_char(triple);
	}
	/* 32 = 30 + 2 remaining bytes */
	triple = (key[30] << 16) | (key[31] << 8);
	out[o++] = b64_char(triple >> 18);
	out[o++] = b64_char(triple >> 12);
	out[o++] = b64_char(triple >> 6);
	out[o++] = '=';
	out[o] = '\0';
}

bool key_from_base64(uint8_t key[WG_KEY_SIZE], const char *b64)
{
	unsigned int i, o = 0, bad = 0;
	int v[4], j;
	uint32_t triple;

	if (strlen(b64) != WG_KEY_B64_LEN - 1 || b64[43] != '=')
		return false;
	for (i = 0; i < 44; i += 4) {
		for (j = 0; j < 4; j++) {
			v[j] = (i + j == 43) ? 0 : b64_value(b64[i + j]);
			bad |= (unsigned int)v[j] >> 31;
		}
		triple = ((uint32_t)(v[0] & 63) << 18) | ((v[1] & 63) << 12) |
			 ((v[2] & 63) << 6) | (v[3] & 63);
		key[o++] = triple >> 16;
		key[o++] = triple >> 8;
		if (o < WG_KEY_SIZE)
			key[o++] = triple;
		else
			bad |= triple & 0xff;	/* non-canonical trailing bits */
	}
	return !bad;
}

bool key_is_zero(const uint8_t key[WG_KEY_SIZE])
{
	volatile uint8_t acc = 0;
	unsigned int i;

	for (i = 0; i < WG_KEY_SIZE; i++)
		acc |= key[i];
	return !acc;
}

bool key_equal(const uint8_t a[WG_KEY_SIZE], const uint8_t b[WG_KEY_SIZE])
{
	volatile uint8_t acc = 0;
	unsigned int i;

	for (i = 0; i < WG_KEY_SIZE; i++)
		acc |= a[i] ^ b[i];
	return !acc;
}
