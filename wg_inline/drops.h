/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device drop counters by reason, so every discarded packet is
 * accounted somewhere an operator (and a test) can read.
 */
#ifndef WGI_DROPS_H
#define WGI_DROPS_H

#include <linux/percpu.h>
#include <linux/types.h>

#define WGI_DROP_REASONS(X)						\
	X(RX_TOO_SHORT, "rx_too_short")					\
	X(RX_BAD_TYPE, "rx_bad_type")					\
	X(RX_BAD_SIZE, "rx_bad_size")					\
	X(RX_BAD_MAC, "rx_bad_mac")					\
	X(RX_HANDSHAKE_QUEUE_FULL, "rx_handshake_queue_full")		\
	X(RX_HANDSHAKE_INVALID, "rx_handshake_invalid")			\
	X(RX_COOKIE_INVALID, "rx_cookie_invalid")			\
	X(RX_UNKNOWN_INDEX, "rx_unknown_index")				\
	X(RX_KEY_EXPIRED, "rx_key_expired")				\
	X(RX_DECRYPT_FAILED, "rx_decrypt_failed")			\
	X(RX_REPLAYED, "rx_replayed")					\
	X(RX_BAD_INNER, "rx_bad_inner")					\
	X(RX_ALLOWEDIPS, "rx_allowedips")				\
	X(RX_NAPI_BACKLOG, "rx_napi_backlog")				\
	X(TX_NO_PEER, "tx_no_peer")					\
	X(TX_NO_ENDPOINT, "tx_no_endpoint")				\
	X(TX_STAGED_OVERFLOW, "tx_staged_overflow")			\
	X(TX_ENCRYPT_FAILED, "tx_encrypt_failed")			\
	X(TX_NO_ROUTE, "tx_no_route")					\
	X(TX_NO_SOCKET, "tx_no_socket")					\
	X(TX_NO_MEMORY, "tx_no_memory")					\
	X(TX_BAD_PROTO, "tx_bad_proto")					\
	X(TX_HANDSHAKE_TIMEOUT, "tx_handshake_timeout")			\
	X(RX_HANDSHAKE_RATELIMITED, "rx_handshake_ratelimited")		\
	X(RX_COOKIE_REPLY_SENT, "rx_cookie_reply_sent")			\
	X(TX_HANDOFF_OVERFLOW, "tx_handoff_overflow")			\
	X(RX_HANDOFF_OVERFLOW, "rx_handoff_overflow")			\
	X(TX_CRYPT_QUEUE_FULL, "tx_crypt_queue_full")			\
	X(RX_CRYPT_QUEUE_FULL, "rx_crypt_queue_full")			\
	X(TX_SWITCH_OVERFLOW, "tx_switch_overflow")			\
	X(RX_SWITCH_OVERFLOW, "rx_switch_overflow")			\
	X(RX_BAD_BUFFER, "rx_bad_buffer")

enum wgi_drop_reason {
#define WGI_DROP_ENUM(name, str) WGI_DROP_##name,
	WGI_DROP_REASONS(WGI_DROP_ENUM)
#undef WGI_DROP_ENUM
	WGI_DROP__MAX
};

struct wgi_drop_counters {
	u64 count[WGI_DROP__MAX];
};

extern const char *const wgi_drop_names[WGI_DROP__MAX];

struct wgi_device;
struct sk_buff;
void wgi_drop_count(struct wgi_device *wg, enum wgi_drop_reason reason);
/* Counts @reason and frees @skb. */
void wgi_drop_skb(struct wgi_device *wg, struct sk_buff *skb,
		  enum wgi_drop_reason reason);
u64 wgi_drop_read(struct wgi_device *wg, enum wgi_drop_reason reason);

#endif
