// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include "nl.h"
#include "util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/*
 * Requests are kept below what the kernel's socket send buffer accepts.
 * A SET that fits in one message is applied atomically by wg-inline, so
 * larger messages are better, up to 64 KiB: beyond that a nest's 16-bit
 * length would overflow. Receive needs at least the kernel's dump message
 * size (32 KiB).
 */
#define NL_WANT_SNDBUF (256U * 1024)
#define NL_MIN_MSG 8192U
#define NL_MAX_MSG 65532U
#define NL_RX_SIZE (64U * 1024)

static void nl_set_opt(struct nl_sock *s, int level, int opt, int val)
{
	/* Best effort: older kernels lack some of these options. */
	(void)setsockopt(mnl_socket_get_fd(s->mnl), level, opt, &val,
			 sizeof(val));
}

static size_t nl_pick_max_msg(struct nl_sock *s)
{
	int fd = mnl_socket_get_fd(s->mnl), val = 0;
	socklen_t len = sizeof(val);
	size_t max;

	nl_set_opt(s, SOL_SOCKET, SO_SNDBUF, NL_WANT_SNDBUF / 2);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, &len) || val <= 0)
		return NL_MIN_MSG;
	/* The kernel refuses a message longer than sk_sndbuf - 32. */
	max = (size_t)val > 4096 ? (size_t)val - 4096 : 0;
	if (max < NL_MIN_MSG)
		max = NL_MIN_MSG;
	if (max > NL_MAX_MSG)
		max = NL_MAX_MSG;
	return max;
}

int nl_open(struct nl_sock *s, int bus)
{
	memset(s, 0, sizeof(*s));
	s->mnl = mnl_socket_open(bus);
	if (!s->mnl)
		return -errno;
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(s->mnl);
		s->mnl = NULL;
		return err;
	}
	nl_set_opt(s, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	nl_set_opt(s, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (uint32_t)getpid() ^ 0x5a5a0000U;
	s->max_msg = nl_pick_max_msg(s);
	s->buf_len = s->max_msg > NL_RX_SIZE ? s->max_msg : NL_RX_SIZE;
	s->buf = xcalloc(1, s->buf_len);
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

struct nlmsghdr *nl_msg_start(struct nl_sock *s, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(s->buf, 0, MNL_NLMSG_HDRLEN);
	nlh = mnl_nlmsg_put_header(s->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++s->seq;
	return nlh;
}

struct nlmsghdr *genl_msg_start(struct nl_sock *s, uint16_t family, uint8_t cmd,
				uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = nl_msg_start(s, family, flags);
	struct genlmsghdr *g;

	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* Extended ack TLVs follow the error (and the echoed request, if any). */
static void nl_read_extack(struct nl_sock *s, const struct nlmsghdr *nlh,
			   const struct nlmsgerr *err, size_t hdr_off)
{
	const struct nlattr *attr;
	size_t off = hdr_off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (err && !(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (MNL_NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(s->extack, sizeof(s->extack), "%s",
			 mnl_attr_get_str(attr));
	}
}

/* Returns 1 to go on reading, 0 when complete, -errno on error. */
static int nl_handle_msg(struct nl_sock *s, const struct nlmsghdr *nlh,
			 nl_data_cb cb, void *data, int *cb_err)
{
	const struct nlmsgerr *err;
	int e;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		s->dump_interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return 1;
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
			return -EBADMSG;
		err = mnl_nlmsg_get_payload(nlh);
		nl_read_extack(s, nlh, err, sizeof(*err));
		return err->error > 0 ? -err->error : err->error;
	case NLMSG_DONE:
		if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
			memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
			nl_read_extack(s, nlh, NULL, sizeof(int));
			if (e)
				return e > 0 ? -e : e;
		}
		/* A dump that started sends no ack after its DONE. */
		return 0;
	default:
		if (cb && !*cb_err)
			*cb_err = cb(nlh, data);
		return 1;
	}
}

static int nl_receive(struct nl_sock *s, uint32_t seq, nl_data_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	int cb_err = 0, ret, len;
	ssize_t got;

	for (;;) {
		got = mnl_socket_recvfrom(s->mnl, s->buf, s->buf_len);
		if (got < 0)
			return -errno;
		len = (int)got;
		for (nlh = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != s->portid)
				continue;
			/* An ack (error 0) or DONE ends the exchange. */
			ret = nl_handle_msg(s, nlh, cb, data, &cb_err);
			if (ret <= 0)
				return ret ? ret : cb_err;
		}
	}
}

int nl_transact(struct nl_sock *s, struct nlmsghdr *nlh, nl_data_cb cb,
		void *data)
{
	s->extack[0] = '\0';
	s->dump_interrupted = false;
	if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return nl_receive(s, nlh->nlmsg_seq, cb, data);
}

static int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return 0;
}

int genl_family_id(struct nl_sock *s, const char *name, uint16_t *id)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = genl_msg_start(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	*id = 0;
	ret = nl_transact(s, nlh, genl_family_cb, id);
	if (!ret && !*id)
		ret = -ENOENT;
	return ret;
}
