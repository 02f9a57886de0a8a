/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wg-inline configuration over generic netlink.
 *
 * The family speaks WireGuard's configuration protocol: the commands,
 * attributes, flags and their numbers are those of the WireGuard netlink
 * API, so `wg` and wg-quick work against it. The family is registered as
 * WG_INLINE_GENL_NAME, or as "wireguard" when the module is loaded with
 * compat=1.
 *
 * WG_CMD_GET_DEVICE (dump; NLM_F_DUMP required)
 *   request: WGDEVICE_A_IFINDEX or WGDEVICE_A_IFNAME
 *   reply: the device attributes and WGDEVICE_A_PEERS; a large peer set
 *   is split over several messages. Every message of a dump carries the
 *   device's ifindex/ifname; peers listed in a later message continue the
 *   previous message's list, and a peer whose allowed IPs do not fit in
 *   one message appears again with the rest of them.
 *
 * WG_CMD_SET_DEVICE
 *   WGDEVICE_A_IFINDEX or WGDEVICE_A_IFNAME selects the device, then any of
 *   WGDEVICE_A_PRIVATE_KEY (zero length removes it), WGDEVICE_A_LISTEN_PORT
 *   (0 picks a random port), WGDEVICE_A_FWMARK (0 clears),
 *   WGDEVICE_A_FLAGS (WGDEVICE_F_REPLACE_PEERS) and WGDEVICE_A_PEERS, a
 *   nested list of peers keyed by WGPEER_A_PUBLIC_KEY with optional
 *   WGPEER_A_FLAGS (REMOVE_ME, REPLACE_ALLOWEDIPS, UPDATE_ONLY),
 *   WGPEER_A_PRESHARED_KEY (all zero removes it), WGPEER_A_ENDPOINT
 *   (struct sockaddr_in or sockaddr_in6), WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL
 *   (seconds, 0 off) and WGPEER_A_ALLOWEDIPS, a nested list of
 *   {FAMILY, IPADDR, CIDR_MASK[, FLAGS]}; WGALLOWEDIP_F_REMOVE_ME removes
 *   that prefix from the peer instead of adding it.
 *   A command that does not fit in one message may be split; later
 *   messages must not carry REPLACE_PEERS / REPLACE_ALLOWEDIPS again.
 *
 * Read-back adds WGDEVICE_A_PUBLIC_KEY and per peer
 * WGPEER_A_LAST_HANDSHAKE_TIME (struct __kernel_timespec),
 * WGPEER_A_RX_BYTES, WGPEER_A_TX_BYTES and WGPEER_A_PROTOCOL_VERSION.
 */
#ifndef _UAPI_LINUX_WG_INLINE_H
#define _UAPI_LINUX_WG_INLINE_H

#define WG_INLINE_GENL_NAME "wg-inline"
#define WG_INLINE_LINK_KIND "wg-inline"

#ifndef WG_GENL_NAME
#define WG_GENL_NAME "wireguard"
#define WG_GENL_VERSION 1
#define WG_KEY_LEN 32

enum wg_cmd {
	WG_CMD_GET_DEVICE,
	WG_CMD_SET_DEVICE,
	__WG_CMD_MAX
};
#define WG_CMD_MAX (__WG_CMD_MAX - 1)

enum wgdevice_flag {
	WGDEVICE_F_REPLACE_PEERS = 1U << 0,
	__WGDEVICE_F_ALL = WGDEVICE_F_REPLACE_PEERS
};
enum wgdevice_attribute {
	WGDEVICE_A_UNSPEC,
	WGDEVICE_A_IFINDEX,		/* NLA_U32 */
	WGDEVICE_A_IFNAME,		/* NLA_NUL_STRING, IFNAMSIZ */
	WGDEVICE_A_PRIVATE_KEY,		/* exactly WG_KEY_LEN */
	WGDEVICE_A_PUBLIC_KEY,		/* exactly WG_KEY_LEN, read-only */
	WGDEVICE_A_FLAGS,		/* NLA_U32, wgdevice_flag */
	WGDEVICE_A_LISTEN_PORT,		/* NLA_U16 */
	WGDEVICE_A_FWMARK,		/* NLA_U32 */
	WGDEVICE_A_PEERS,		/* NLA_NESTED of NLA_NESTED peers */
	__WGDEVICE_A_LAST
};
#define WGDEVICE_A_MAX (__WGDEVICE_A_LAST - 1)

enum wgpeer_flag {
	WGPEER_F_REMOVE_ME = 1U << 0,
	WGPEER_F_REPLACE_ALLOWEDIPS = 1U << 1,
	WGPEER_F_UPDATE_ONLY = 1U << 2,
	__WGPEER_F_ALL = WGPEER_F_REMOVE_ME | WGPEER_F_REPLACE_ALLOWEDIPS |
			 WGPEER_F_UPDATE_ONLY
};
enum wgpeer_attribute {
	WGPEER_A_UNSPEC,
	WGPEER_A_PUBLIC_KEY,			/* exactly WG_KEY_LEN */
	WGPEER_A_PRESHARED_KEY,			/* exactly WG_KEY_LEN */
	WGPEER_A_FLAGS,				/* NLA_U32, wgpeer_flag */
	WGPEER_A_ENDPOINT,			/* sockaddr_in or sockaddr_in6 */
	WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,	/* NLA_U16, seconds */
	WGPEER_A_LAST_HANDSHAKE_TIME,		/* struct __kernel_timespec */
	WGPEER_A_RX_BYTES,			/* NLA_U64 */
	WGPEER_A_TX_BYTES,			/* NLA_U64 */
	WGPEER_A_ALLOWEDIPS,			/* NLA_NESTED of NLA_NESTED */
	WGPEER_A_PROTOCOL_VERSION,		/* NLA_U32, only 1 */
	__WGPEER_A_LAST
};
#define WGPEER_A_MAX (__WGPEER_A_LAST - 1)

enum wgallowedip_flag {
	WGALLOWEDIP_F_REMOVE_ME = 1U << 0,
	__WGALLOWEDIP_F_ALL = WGALLOWEDIP_F_REMOVE_ME
};
enum wgallowedip_attribute {
	WGALLOWEDIP_A_UNSPEC,
	WGALLOWEDIP_A_FAMILY,		/* NLA_U16: AF_INET or AF_INET6 */
	WGALLOWEDIP_A_IPADDR,		/* 4 or 16 bytes, network order */
	WGALLOWEDIP_A_CIDR_MASK,	/* NLA_U8 */
	WGALLOWEDIP_A_FLAGS,		/* NLA_U32, wgallowedip_flag */
	__WGALLOWEDIP_A_LAST
};
#define WGALLOWEDIP_A_MAX (__WGALLOWEDIP_A_LAST - 1)
#endif /* WG_GENL_NAME */

/*
 * The extension family, WG_INLINE_EXT_GENL_NAME: what WireGuard's API has
 * no words for. It is registered whether or not the module was loaded with
 * compat=1, works on wg-inline devices only, and never adds attributes to
 * the WireGuard-compatible family above. Every command needs
 * CAP_NET_ADMIN in the device's network namespace; every refusal carries
 * an extack message.
 *
 * WGI_EXT_CMD_GET_TUNNEL (dump; NLM_F_DUMP required)
 *   request: WGI_EXT_A_IFINDEX or WGI_EXT_A_IFNAME, optionally
 *   WGI_EXT_A_PUBLIC_KEY for one tunnel only
 *   reply: one message per tunnel with IFINDEX, IFNAME, PUBLIC_KEY,
 *   TUNNEL_ID, MODE, CORE (WGI_CORE_NONE when unassigned), CORE_STATE,
 *   HANDOFF_TX, HANDOFF_RX and WGI_EXT_A_PCPU, a nested list of
 *   WGI_EXT_PCPU_A_* entries for every CPU that did work for the tunnel.
 *   A tunnel whose per-CPU list does not fit in one message continues in
 *   the next one (same PUBLIC_KEY and TUNNEL_ID, the remaining CPUs).
 *
 * WGI_EXT_CMD_SET_TUNNEL
 *   IFINDEX or IFNAME, PUBLIC_KEY, and any of MODE and CORE
 *   (WGI_CORE_NONE unassigns). The core must be an online CPU.
 *
 * WGI_EXT_CMD_GET_DEVICE (doit)
 *   IFINDEX or IFNAME; reply: IFINDEX, IFNAME, DEFAULT_MODE, WORKER_CPUS,
 *   STEER and STEER_LAN.
 *
 * WGI_EXT_CMD_SET_DEVICE
 *   IFINDEX or IFNAME, and any of DEFAULT_MODE (the mode tunnels created
 *   from now on start in), WORKER_CPUS (the CPUs the parallel mode's
 *   crypt workers may run on; every one of them online, at least one),
 *   STEER (enum wgi_steer_mode) and STEER_LAN (replaces the list of LAN
 *   netdevs, in the device's namespace, whose inner rules a NIC steering
 *   module installs: a nest of up to WGI_STEER_LAN_MAX
 *   WGI_EXT_STEER_LAN_A_IFINDEX, each an existing netdev other than the
 *   device, none twice; an empty nest clears it). A change of STEER or
 *   STEER_LAN raises STEERING_CHANGED for each tunnel of the device.
 *   Everything is checked before anything changes.
 *
 * WGI_EXT_A_WORKER_CPUS is a CPU bitmap: an array of __u32 words in host
 * byte order, bit B of word W standing for CPU 32 * W + B; 4 to
 * WGI_WORKER_CPUS_MAX_LEN bytes, a multiple of 4. A request may be
 * shorter or longer than the machine needs (missing words are zero), but
 * must not name a CPU the machine cannot have. The reply covers
 * nr_cpu_ids CPUs. A device starts with every possible CPU; while none
 * of its worker CPUs is online, the work runs where it is queued.
 *
 * WGI_EXT_CMD_EVENT (multicast group WG_INLINE_EXT_MCGRP_EVENTS, joining
 * it needs CAP_NET_ADMIN; sent in the device's namespace)
 *   EVENT (enum wgi_tunnel_event), IFINDEX, IFNAME, PUBLIC_KEY, TUNNEL_ID,
 *   MODE, CORE, CORE_STATE, DEVICE_UP, LISTEN_PORT, STEER and, when the
 *   tunnel has one, ENDPOINT (struct sockaddr_in or sockaddr_in6). Events raised
 *   in softirq (roaming) are coalesced; a tunnel's events keep their order.
 */
#define WG_INLINE_EXT_GENL_NAME "wg-inline-ext"
#define WG_INLINE_EXT_GENL_VERSION 1

/* WGI_EXT_A_WORKER_CPUS: at most 8192 CPUs. */
#define WGI_WORKER_CPUS_MAX_LEN 1024

/* WGI_EXT_A_CORE value meaning "no core assigned". */
#define WGI_CORE_NONE 0xffffffffU

enum wgi_ext_cmd {
	WGI_EXT_CMD_UNSPEC,
	WGI_EXT_CMD_GET_TUNNEL,
	WGI_EXT_CMD_SET_TUNNEL,
	WGI_EXT_CMD_GET_DEVICE,
	WGI_EXT_CMD_SET_DEVICE,
	WGI_EXT_CMD_EVENT,
	__WGI_EXT_CMD_MAX
};
#define WGI_EXT_CMD_MAX (__WGI_EXT_CMD_MAX - 1)

#define WG_INLINE_EXT_MCGRP_EVENTS "events"

/*
 * What happened to a tunnel (WGI_EXT_A_EVENT, and the action of the
 * in-kernel notifier of include/wg_inline/events.h).
 * TUNNEL_ADDED is also replayed for existing tunnels to a kernel
 * listener that registers late; DEVICE_UP/DOWN are sent for each tunnel
 * of the device; AFFINITY_CHANGED also when the assigned core goes
 * offline (CORE_STATE fallback) or comes back. SOCKET_CHANGED: the
 * device's listen port or fwmark changed (sent for each tunnel of the
 * device), so the outer flow or its route may have changed.
 */
enum wgi_tunnel_event {
	WGI_EVENT_UNSPEC,
	WGI_EVENT_TUNNEL_ADDED,
	WGI_EVENT_TUNNEL_REMOVED,
	WGI_EVENT_DEVICE_UP,
	WGI_EVENT_DEVICE_DOWN,
	WGI_EVENT_ENDPOINT_CHANGED,
	WGI_EVENT_ALLOWEDIPS_CHANGED,
	WGI_EVENT_AFFINITY_CHANGED,
	WGI_EVENT_MODE_CHANGED,
	WGI_EVENT_STEERING_CHANGED,
	WGI_EVENT_SOCKET_CHANGED,
	__WGI_EVENT_MAX
};
#define WGI_EVENT_MAX (__WGI_EVENT_MAX - 1)

/*
 * Execution modes. inline: a tunnel's packets are en/decrypted in the
 * context that carries them (on its core, when it has one). parallel:
 * the device's crypt workers en/decrypt, the tunnel's ordered stage
 * sends and its NAPI delivers (on its core, when it has one).
 */
enum wgi_tunnel_mode {
	WGI_TUNNEL_MODE_INLINE,
	WGI_TUNNEL_MODE_PARALLEL,
	__WGI_TUNNEL_MODE_MAX
};
#define WGI_TUNNEL_MODE_MAX (__WGI_TUNNEL_MODE_MAX - 1)

/*
 * NIC steering of a device's tunnels, carried out by a steering module
 * (mlx5_steer) that listens to tunnel events: off, on (rules and XPS
 * installed for each tunnel with a core), or dry-run (computed and
 * reported, nothing installed). Without such a module loaded it is only
 * recorded.
 */
enum wgi_steer_mode {
	WGI_STEER_OFF,
	WGI_STEER_ON,
	WGI_STEER_DRY_RUN,
	__WGI_STEER_MODE_MAX
};
#define WGI_STEER_MODE_MAX (__WGI_STEER_MODE_MAX - 1)

/* WGI_EXT_A_STEER_LAN: at most this many LAN netdevs per device. */
#define WGI_STEER_LAN_MAX 8

enum wgi_ext_steer_lan_attribute {
	WGI_EXT_STEER_LAN_A_UNSPEC,
	WGI_EXT_STEER_LAN_A_IFINDEX,	/* NLA_U32 */
	__WGI_EXT_STEER_LAN_A_LAST
};
#define WGI_EXT_STEER_LAN_A_MAX (__WGI_EXT_STEER_LAN_A_LAST - 1)

/* Where a tunnel's work runs now. */
enum wgi_core_state {
	WGI_CORE_STATE_UNASSIGNED,	/* wherever its packets arrive */
	WGI_CORE_STATE_ON_CORE,		/* on its assigned core */
	WGI_CORE_STATE_FALLBACK,	/* assigned core offline: as unassigned */
	__WGI_CORE_STATE_MAX
};
#define WGI_CORE_STATE_MAX (__WGI_CORE_STATE_MAX - 1)

enum wgi_ext_attribute {
	WGI_EXT_A_UNSPEC,
	WGI_EXT_A_IFINDEX,		/* NLA_U32 */
	WGI_EXT_A_IFNAME,		/* NLA_NUL_STRING, IFNAMSIZ */
	WGI_EXT_A_PUBLIC_KEY,		/* exactly WG_KEY_LEN */
	WGI_EXT_A_TUNNEL_ID,		/* NLA_U64, read-only, stable */
	WGI_EXT_A_MODE,			/* NLA_U8, wgi_tunnel_mode */
	WGI_EXT_A_CORE,			/* NLA_U32, CPU or WGI_CORE_NONE */
	WGI_EXT_A_CORE_STATE,		/* NLA_U8, wgi_core_state, read-only */
	WGI_EXT_A_HANDOFF_TX,		/* NLA_U64, read-only */
	WGI_EXT_A_HANDOFF_RX,		/* NLA_U64, read-only */
	WGI_EXT_A_PCPU,			/* NLA_NESTED of NLA_NESTED, read-only */
	WGI_EXT_A_DEFAULT_MODE,		/* NLA_U8, wgi_tunnel_mode */
	WGI_EXT_A_PAD,
	WGI_EXT_A_EVENT,		/* NLA_U8, wgi_tunnel_event, events only */
	WGI_EXT_A_DEVICE_UP,		/* NLA_U8, 0 or 1, events only */
	WGI_EXT_A_LISTEN_PORT,		/* NLA_U16, events only */
	WGI_EXT_A_ENDPOINT,		/* sockaddr_in or sockaddr_in6, events only */
	WGI_EXT_A_WORKER_CPUS,		/* binary: CPU bitmap, see above */
	WGI_EXT_A_STEER,		/* NLA_U8, wgi_steer_mode */
	WGI_EXT_A_STEER_LAN,		/* NLA_NESTED, wgi_ext_steer_lan_attribute */
	__WGI_EXT_A_LAST
};
#define WGI_EXT_A_MAX (__WGI_EXT_A_LAST - 1)

/* One CPU's share of a tunnel's work (all read-only). */
enum wgi_ext_pcpu_attribute {
	WGI_EXT_PCPU_A_UNSPEC,
	WGI_EXT_PCPU_A_CPU,		/* NLA_U32 */
	WGI_EXT_PCPU_A_ENCRYPTED_PKTS,	/* NLA_U64 */
	WGI_EXT_PCPU_A_ENCRYPTED_BYTES,	/* NLA_U64, plaintext bytes */
	WGI_EXT_PCPU_A_DECRYPTED_PKTS,	/* NLA_U64 */
	WGI_EXT_PCPU_A_DECRYPTED_BYTES,	/* NLA_U64, plaintext bytes */
	WGI_EXT_PCPU_A_HANDOFF_TX,	/* NLA_U64: packets this CPU handed on */
	WGI_EXT_PCPU_A_HANDOFF_RX,	/* NLA_U64 */
	WGI_EXT_PCPU_A_PAD,
	WGI_EXT_PCPU_A_SENT_PKTS,	/* NLA_U64: data messages sent from it */
	WGI_EXT_PCPU_A_DELIVERED_PKTS,	/* NLA_U64: packets given to the stack */
	__WGI_EXT_PCPU_A_LAST
};
#define WGI_EXT_PCPU_A_MAX (__WGI_EXT_PCPU_A_LAST - 1)

#endif /* _UAPI_LINUX_WG_INLINE_H */
