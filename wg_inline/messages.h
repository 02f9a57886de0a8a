/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WireGuard wire format and protocol constants, from the WireGuard whitepaper
 * (sections 5.4 and 6). Everything on the wire is little-endian.
 */
#ifndef WGI_MESSAGES_H
#define WGI_MESSAGES_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <crypto/blake2s.h>

enum {
	WGI_KEY_LEN = CHACHA20POLY1305_KEY_SIZE,	/* 32 */
	WGI_PUBKEY_LEN = CURVE25519_KEY_SIZE,		/* 32 */
	WGI_HASH_LEN = BLAKE2S_HASH_SIZE,		/* 32 */
	WGI_TIMESTAMP_LEN = 12,				/* TAI64N */
	WGI_AEAD_TAG_LEN = CHACHA20POLY1305_AUTHTAG_SIZE, /* 16 */
	WGI_COOKIE_LEN = 16,
	WGI_COOKIE_NONCE_LEN = XCHACHA20POLY1305_NONCE_SIZE, /* 24 */
	WGI_MAC_LEN = 16,
};

/* Timers and limits (whitepaper section 6.1). */
#define WGI_REKEY_AFTER_MESSAGES	(1ULL << 60)
/* 2^64 - 2^13 - 1, written so that it does not overflow. */
#define WGI_REJECT_AFTER_MESSAGES	(U64_MAX - (1ULL << 13))
#define WGI_REKEY_AFTER_TIME		120	/* seconds */
#define WGI_REJECT_AFTER_TIME		180
#define WGI_REKEY_ATTEMPT_TIME		90
#define WGI_REKEY_TIMEOUT		5
#define WGI_KEEPALIVE_TIMEOUT		10
#define WGI_COOKIE_SECRET_MAX_AGE	120
#define WGI_COOKIE_SECRET_LATENCY	5
#define WGI_REKEY_TIMEOUT_JITTER_MS	334	/* up to a third of a second */

/* Inline-path limits (ours, not the protocol's). */
#define WGI_MAX_STAGED_PACKETS		128	/* per peer, while no session */
#define WGI_MAX_QUEUED_HANDSHAKES	4096	/* per device */
#define WGI_MAX_PEERS_PER_DEVICE	(1U << 20)
#define WGI_MAX_ALLOWEDIPS_PER_PEER	(1U << 16)
#define WGI_REPLAY_WINDOW_BITS		2048	/* whitepaper: >= 2000 */

enum wgi_message_type {
	WGI_MSG_INVALID = 0,
	WGI_MSG_HANDSHAKE_INITIATION = 1,
	WGI_MSG_HANDSHAKE_RESPONSE = 2,
	WGI_MSG_COOKIE_REPLY = 3,
	WGI_MSG_DATA = 4,
};

/* First four bytes of every message: type then three reserved zero bytes. */
struct wgi_msg_header {
	__le32 type;
};

/* MAC1/MAC2 trail every handshake message (whitepaper 5.4.4). */
struct wgi_msg_macs {
	u8 mac1[WGI_MAC_LEN];
	u8 mac2[WGI_MAC_LEN];
};

struct wgi_msg_handshake_initiation {
	struct wgi_msg_header header;
	__le32 sender_index;
	u8 unencrypted_ephemeral[WGI_PUBKEY_LEN];
	u8 encrypted_static[WGI_PUBKEY_LEN + WGI_AEAD_TAG_LEN];
	u8 encrypted_timestamp[WGI_TIMESTAMP_LEN + WGI_AEAD_TAG_LEN];
	struct wgi_msg_macs macs;
} __packed;

struct wgi_msg_handshake_response {
	struct wgi_msg_header header;
	__le32 sender_index;
	__le32 receiver_index;
	u8 unencrypted_ephemeral[WGI_PUBKEY_LEN];
	u8 encrypted_nothing[WGI_AEAD_TAG_LEN];
	struct wgi_msg_macs macs;
} __packed;

struct wgi_msg_cookie_reply {
	struct wgi_msg_header header;
	__le32 receiver_index;
	u8 nonce[WGI_COOKIE_NONCE_LEN];
	u8 encrypted_cookie[WGI_COOKIE_LEN + WGI_AEAD_TAG_LEN];
} __packed;

struct wgi_msg_data {
	struct wgi_msg_header header;
	__le32 key_idx;
	__le64 counter;
	u8 encrypted_data[];
} __packed;

#define WGI_DATA_HEADER_LEN	sizeof(struct wgi_msg_data)
#define WGI_DATA_OVERHEAD	(WGI_DATA_HEADER_LEN + WGI_AEAD_TAG_LEN)
#define WGI_DATA_MIN_LEN	WGI_DATA_OVERHEAD	/* a keepalive */
#define WGI_PADDING_MULTIPLE	16

static_assert(sizeof(struct wgi_msg_handshake_initiation) == 148);
static_assert(sizeof(struct wgi_msg_handshake_response) == 92);
static_assert(sizeof(struct wgi_msg_cookie_reply) == 64);
static_assert(sizeof(struct wgi_msg_data) == 16);

#endif
