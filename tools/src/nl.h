/* SPDX-License-Identifier: GPL-2.0 */
/* Request/response over a netlink socket, with extended-ack messages. */
#ifndef WGAFF_NL_H
#define WGAFF_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
	size_t max_msg;		/* largest request the kernel will take */
	char *buf;		/* request and receive buffer */
	size_t buf_len;
	bool dump_interrupted;	/* NLM_F_DUMP_INTR seen */
	char extack[512];	/* last kernel error message, "" if none */
};

typedef int (*nl_data_cb)(const struct nlmsghdr *nlh, void *data);

/* 0 or -errno */
int nl_open(struct nl_sock *s, int bus);
void nl_close(struct nl_sock *s);
/* Starts a request in s->buf; flags beyond NLM_F_REQUEST|NLM_F_ACK added. */
struct nlmsghdr *nl_msg_start(struct nl_sock *s, uint16_t type, uint16_t flags);
/*
 * Sends @nlh and reads replies until the ack (or NLMSG_DONE), calling @cb
 * for data messages. Returns 0 or -errno (kernel error or cb's error).
 */
int nl_transact(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
		void *data);

/* Generic netlink: a new request for @family; the genl header follows. */
struct nlmsghdr *genl_msg_start(struct nl_sock *s, uint16_t family, uint8_t cmd,
				uint8_t version, uint16_t flags);
/* Resolves a family name to its id: 0 or -errno (-ENOENT if absent). */
int genl_family_id(struct nl_sock *s, const char *name, uint16_t *id);

#endif
