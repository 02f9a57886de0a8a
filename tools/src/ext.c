// SPDX-License-Identifier: GPL-2.0
/* Requests to the wg-inline-ext family (see ext.h and uapi/linux/wg_inline.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/wg_inline.h>
#include "ext.h"
#include "nl.h"
#include "util.h"

#define EXT_DUMP_RETRIES 64

static struct {
	bool resolved;
	int resolve_err;
	uint16_t family_id;
	struct nl_sock sock;
	char extack[512];
} ext;

const char *ext_extack(void)
{
	return ext.extack;
}

static void ext_save_extack(void)
{
	snprintf(ext.extack, sizeof(ext.extack), "%s", ext.sock.extack);
}

int ext_available(void)
{
	int ret;

	if (ext.resolved)
		return ext.resolve_err;
	ext.resolved = true;
	ret = nl_open(&ext.sock, NETLINK_GENERIC);
	if (!ret)
		ret = genl_family_id(&ext.sock, WG_INLINE_EXT_GENL_NAME, &ext.family_id);
	return ext.resolve_err = ret;
}

void ext_close(void)
{
	if (ext.sock.mnl)
		nl_close(&ext.sock);
	ext.resolved = false;
}

static struct nlmsghdr *ext_msg(uint8_t cmd, uint16_t flags, const char *ifname)
{
	struct nlmsghdr *nlh;

	nlh = genl_msg_start(&ext.sock, ext.family_id, cmd,
			     WG_INLINE_EXT_GENL_VERSION, flags);
	mnl_attr_put_strz(nlh, WGI_EXT_A_IFNAME, ifname);
	return nlh;
}

/* Sends @nlh, keeps the extack; 0 or -errno. */
static int ext_transact(struct nlmsghdr *nlh, nl_data_cb cb, void *data)
{
	int ret = nl_transact(&ext.sock, nlh, cb, data);

	ext_save_extack();
	return ret;
}

/* ------------------------------------------------------------------ */
/* Names */

static const char *const mode_names[] = {
	[WGI_TUNNEL_MODE_INLINE] = "inline",
	[WGI_TUNNEL_MODE_PARALLEL] = "parallel",
};

static const char *const core_state_names[] = {
	[WGI_CORE_STATE_UNASSIGNED] = "unassigned",
	[WGI_CORE_STATE_ON_CORE] = "on-core",
	[WGI_CORE_STATE_FALLBACK] = "fallback",
};

const char *ext_mode_name(uint8_t mode)
{
	return mode <= WGI_TUNNEL_MODE_MAX ? mode_names[mode] : NULL;
}

/* The index of @s in @names (of @n), for the parsers below. */
static bool name_lookup(const char *const *names, uint8_t n, const char *s,
			uint8_t *index)
{
	uint8_t i;

	for (i = 0; i < n; i++) {
		if (names[i] && !strcmp(s, names[i])) {
			*index = i;
			return true;
		}
	}
	return false;
}

bool ext_mode_parse(const char *s, uint8_t *mode)
{
	return name_lookup(mode_names, WGI_TUNNEL_MODE_MAX + 1, s, mode);
}

const char *ext_core_state_name(uint8_t state)
{
	return state <= WGI_CORE_STATE_MAX ? core_state_names[state] : NULL;
}

static const char *const steer_mode_names[] = {
	[WGI_STEER_OFF] = "off",
	[WGI_STEER_ON] = "on",
	[WGI_STEER_DRY_RUN] = "dry-run",
};

const char *ext_steer_mode_name(uint8_t mode)
{
	return mode <= WGI_STEER_MODE_MAX ? steer_mode_names[mode] : NULL;
}

bool ext_steer_mode_parse(const char *s, uint8_t *mode)
{
	return name_lookup(steer_mode_names, WGI_STEER_MODE_MAX + 1, s, mode);
}

/* ------------------------------------------------------------------ */
/* GET_TUNNEL */

static void u64_attr(const struct nlattr *attr, uint64_t *out)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
		*out = mnl_attr_get_u64(attr);
}

static struct ext_pcpu *tunnel_add_pcpu(struct ext_tunnel *t)
{
	if (t->n_pcpu == t->cap_pcpu) {
		t->cap_pcpu = t->cap_pcpu ? t->cap_pcpu * 2 : 8;
		t->pcpu = xreallocarray(t->pcpu, t->cap_pcpu, sizeof(*t->pcpu));
	}
	memset(&t->pcpu[t->n_pcpu], 0, sizeof(*t->pcpu));
	return &t->pcpu[t->n_pcpu++];
}

static int parse_pcpu(const struct nlattr *nest, struct ext_tunnel *t)
{
	struct ext_pcpu pc = { 0 };
	const struct nlattr *attr;
	bool have_cpu = false;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGI_EXT_PCPU_A_CPU:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
				pc.cpu = mnl_attr_get_u32(attr);
				have_cpu = true;
			}
			break;
		case WGI_EXT_PCPU_A_ENCRYPTED_PKTS:
			u64_attr(attr, &pc.encrypted_pkts);
			break;
		case WGI_EXT_PCPU_A_ENCRYPTED_BYTES:
			u64_attr(attr, &pc.encrypted_bytes);
			break;
		case WGI_EXT_PCPU_A_DECRYPTED_PKTS:
			u64_attr(attr, &pc.decrypted_pkts);
			break;
		case WGI_EXT_PCPU_A_DECRYPTED_BYTES:
			u64_attr(attr, &pc.decrypted_bytes);
			break;
		case WGI_EXT_PCPU_A_HANDOFF_TX:
			u64_attr(attr, &pc.handoff_tx);
			break;
		case WGI_EXT_PCPU_A_HANDOFF_RX:
			u64_attr(attr, &pc.handoff_rx);
			break;
		case WGI_EXT_PCPU_A_SENT_PKTS:
			u64_attr(attr, &pc.sent_pkts);
			break;
		case WGI_EXT_PCPU_A_DELIVERED_PKTS:
			u64_attr(attr, &pc.delivered_pkts);
			break;
		}
	}
	if (!have_cpu)
		return -EBADMSG;
	*tunnel_add_pcpu(t) = pc;
	return 0;
}

static int parse_pcpus(const struct nlattr *nest, struct ext_tunnel *t)
{
	const struct nlattr *attr;
	int ret;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	mnl_attr_for_each_nested(attr, nest) {
		ret = parse_pcpu(attr, t);
		if (ret)
			return ret;
	}
	return 0;
}

/* Fills @t from one attribute; @have_key set on PUBLIC_KEY. */
static int parse_tunnel_attr(const struct nlattr *attr, struct ext_tunnel *t,
			     bool *have_key)
{
	switch (mnl_attr_get_type(attr)) {
	case WGI_EXT_A_PUBLIC_KEY:
		if (mnl_attr_get_payload_len(attr) == WG_KEY_SIZE) {
			memcpy(t->public_key, mnl_attr_get_payload(attr), WG_KEY_SIZE);
			*have_key = true;
		}
		break;
	case WGI_EXT_A_TUNNEL_ID:
		u64_attr(attr, &t->tunnel_id);
		break;
	case WGI_EXT_A_MODE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0)
			t->mode = mnl_attr_get_u8(attr);
		break;
	case WGI_EXT_A_CORE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			t->core = mnl_attr_get_u32(attr);
		break;
	case WGI_EXT_A_CORE_STATE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0)
			t->core_state = mnl_attr_get_u8(attr);
		break;
	case WGI_EXT_A_HANDOFF_TX:
		u64_attr(attr, &t->handoff_tx);
		break;
	case WGI_EXT_A_HANDOFF_RX:
		u64_attr(attr, &t->handoff_rx);
		break;
	case WGI_EXT_A_PCPU:
		return parse_pcpus(attr, t);
	}
	return 0;
}

static bool continues(const struct ext_tunnels *ts, const struct ext_tunnel *t)
{
	const struct ext_tunnel *last = ts->n ? &ts->t[ts->n - 1] : NULL;

	return last && last->tunnel_id == t->tunnel_id &&
	       !memcmp(last->public_key, t->public_key, WG_KEY_SIZE);
}

static void tunnels_push(struct ext_tunnels *ts, const struct ext_tunnel *t)
{
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 16;
		ts->t = xreallocarray(ts->t, ts->cap, sizeof(*ts->t));
	}
	ts->t[ts->n++] = *t;
}

int ext_parse_tunnel_msg(const struct nlmsghdr *nlh, struct ext_tunnels *ts)
{
	struct ext_tunnel t = { .core = WGI_CORE_NONE };
	const struct nlattr *attr;
	struct ext_tunnel *last;
	bool have_key = false;
	size_t i;
	int ret = 0;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		ret = parse_tunnel_attr(attr, &t, &have_key);
		if (ret)
			break;
	}
	if (!ret && !have_key)
		ret = -EBADMSG;
	if (ret) {
		free(t.pcpu);
		return ret;
	}
	if (!continues(ts, &t)) {
		tunnels_push(ts, &t);
		return 0;
	}
	last = &ts->t[ts->n - 1];
	for (i = 0; i < t.n_pcpu; i++)
		*tunnel_add_pcpu(last) = t.pcpu[i];
	free(t.pcpu);
	return 0;
}

static int get_tunnel_cb(const struct nlmsghdr *nlh, void *data)
{
	return ext_parse_tunnel_msg(nlh, data);
}

static int pcpu_order(const void *a, const void *b)
{
	const struct ext_pcpu *x = a, *y = b;

	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

void ext_tunnels_finish(struct ext_tunnels *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (ts->t[i].n_pcpu > 1)
			qsort(ts->t[i].pcpu, ts->t[i].n_pcpu, sizeof(*ts->t[i].pcpu),
			      pcpu_order);
}

void ext_tunnels_free(struct ext_tunnels *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		free(ts->t[i].pcpu);
	free(ts->t);
	free(ts->by_key);
	memset(ts, 0, sizeof(*ts));
}

static int get_tunnels_once(const char *ifname, const uint8_t *only_key,
			    struct ext_tunnels *ts)
{
	struct nlmsghdr *nlh = ext_msg(WGI_EXT_CMD_GET_TUNNEL, NLM_F_DUMP, ifname);

	if (only_key)
		mnl_attr_put(nlh, WGI_EXT_A_PUBLIC_KEY, WG_KEY_SIZE, only_key);
	return ext_transact(nlh, get_tunnel_cb, ts);
}

int ext_get_tunnels(const char *ifname, const uint8_t *only_key,
		    struct ext_tunnels *out)
{
	int ret, tries;

	memset(out, 0, sizeof(*out));
	ext.extack[0] = '\0';
	ret = ext_available();
	if (ret)
		return ret;
	for (tries = 0; tries < EXT_DUMP_RETRIES; tries++) {
		ret = get_tunnels_once(ifname, only_key, out);
		if (ret || !ext.sock.dump_interrupted)
			break;
		ext_tunnels_free(out);	/* changed while reading: again */
		ret = -EAGAIN;
	}
	if (ret) {
		ext_tunnels_free(out);
		return ret;
	}
	ext_tunnels_finish(out);
	return 0;
}

static int key_order(const void *a, const void *b)
{
	const struct ext_tunnel *const *x = a, *const *y = b;

	return memcmp((*x)->public_key, (*y)->public_key, WG_KEY_SIZE);
}

static int key_find(const void *key, const void *elem)
{
	const struct ext_tunnel *const *t = elem;

	return memcmp(key, (*t)->public_key, WG_KEY_SIZE);
}

const struct ext_tunnel *ext_find_tunnel(struct ext_tunnels *ts,
					 const uint8_t key[WG_KEY_SIZE])
{
	struct ext_tunnel **hit;
	size_t i;

	if (!ts->n)
		return NULL;
	if (!ts->by_key) {
		ts->by_key = xcalloc(ts->n, sizeof(*ts->by_key));
		for (i = 0; i < ts->n; i++)
			ts->by_key[i] = &ts->t[i];
		qsort(ts->by_key, ts->n, sizeof(*ts->by_key), key_order);
	}
	hit = bsearch(key, ts->by_key, ts->n, sizeof(*ts->by_key), key_find);
	return hit ? *hit : NULL;
}

/* ------------------------------------------------------------------ */
/* SET_TUNNEL, GET_DEVICE, SET_DEVICE */

int ext_set_tunnel(const char *ifname, const uint8_t key[WG_KEY_SIZE],
		   const struct ext_tunnel_change *change)
{
	struct nlmsghdr *nlh;
	int ret;

	ext.extack[0] = '\0';
	ret = ext_available();
	if (ret)
		return ret;
	nlh = ext_msg(WGI_EXT_CMD_SET_TUNNEL, 0, ifname);
	mnl_attr_put(nlh, WGI_EXT_A_PUBLIC_KEY, WG_KEY_SIZE, key);
	if (change->set_mode)
		mnl_attr_put_u8(nlh, WGI_EXT_A_MODE, change->mode);
	if (change->set_core)
		mnl_attr_put_u32(nlh, WGI_EXT_A_CORE, change->core);
	return ext_transact(nlh, NULL, NULL);
}

struct device_reply {
	bool have_mode, have_workers;
	uint8_t mode;
	struct cpu_list workers;
};

static int get_device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct device_reply *r = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case WGI_EXT_A_DEFAULT_MODE:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) {
				r->mode = mnl_attr_get_u8(attr);
				r->have_mode = true;
			}
			break;
		case WGI_EXT_A_WORKER_CPUS:
			if (r->have_workers || mnl_attr_get_payload_len(attr) % 4)
				break;
			cpulist_from_bitmap(mnl_attr_get_payload(attr),
					    mnl_attr_get_payload_len(attr) / 4, &r->workers);
			r->have_workers = true;
			break;
		}
	}
	return 0;
}

int ext_get_device(const char *ifname, uint8_t *default_mode,
		   struct cpu_list *workers)
{
	struct device_reply r = { 0 };
	int ret;

	ext.extack[0] = '\0';
	memset(workers, 0, sizeof(*workers));
	ret = ext_available();
	if (ret)
		return ret;
	ret = ext_transact(ext_msg(WGI_EXT_CMD_GET_DEVICE, 0, ifname),
			   get_device_cb, &r);
	if (!ret && (!r.have_mode || !r.have_workers))
		ret = -EBADMSG;
	if (ret) {
		cpulist_free(&r.workers);
		return ret;
	}
	*default_mode = r.mode;
	*workers = r.workers;
	return 0;
}

int ext_set_default_mode(const char *ifname, uint8_t mode)
{
	struct nlmsghdr *nlh;
	int ret;

	ext.extack[0] = '\0';
	ret = ext_available();
	if (ret)
		return ret;
	nlh = ext_msg(WGI_EXT_CMD_SET_DEVICE, 0, ifname);
	mnl_attr_put_u8(nlh, WGI_EXT_A_DEFAULT_MODE, mode);
	return ext_transact(nlh, NULL, NULL);
}

int ext_set_workers(const char *ifname, const struct cpu_list *cpus)
{
	struct nlmsghdr *nlh;
	uint32_t *words;
	size_t n_words;
	int ret;

	ext.extack[0] = '\0';
	cpulist_to_bitmap(cpus, &words, &n_words);
	if (n_words * sizeof(*words) > WGI_WORKER_CPUS_MAX_LEN) {
		free(words);
		return -E2BIG;
	}
	ret = ext_available();
	if (!ret) {
		nlh = ext_msg(WGI_EXT_CMD_SET_DEVICE, 0, ifname);
		mnl_attr_put(nlh, WGI_EXT_A_WORKER_CPUS, n_words * sizeof(*words), words);
		ret = ext_transact(nlh, NULL, NULL);
	}
	free(words);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Steering */

struct steer_reply {
	bool have_mode;
	struct ext_steer steer;
};

/* The LAN list; entries beyond what the uapi allows are not kept. */
static void parse_steer_lan(const struct nlattr *nest, struct ext_steer *s)
{
	const struct nlattr *a;

	s->n_lan = 0;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != WGI_EXT_STEER_LAN_A_IFINDEX ||
		    mnl_attr_validate(a, MNL_TYPE_U32) < 0 || s->n_lan >= WGI_STEER_LAN_MAX)
			continue;
		s->lan[s->n_lan++] = mnl_attr_get_u32(a);
	}
}

static int steer_attr_cb(const struct nlattr *attr, struct steer_reply *r)
{
	switch (mnl_attr_get_type(attr)) {
	case WGI_EXT_A_STEER:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) {
			r->steer.mode = mnl_attr_get_u8(attr);
			r->have_mode = true;
		}
		break;
	case WGI_EXT_A_STEER_LAN:
		parse_steer_lan(attr, &r->steer);
		break;
	}
	return 0;
}

int ext_parse_steer_msg(const struct nlmsghdr *nlh, struct ext_steer *out)
{
	struct steer_reply r = { 0 };
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		steer_attr_cb(attr, &r);
	if (!r.have_mode)
		return -EBADMSG;
	*out = r.steer;
	return 0;
}

static int get_steer_cb(const struct nlmsghdr *nlh, void *data)
{
	ext_parse_steer_msg(nlh, data);
	return 0;
}

int ext_get_steer(const char *ifname, struct ext_steer *out)
{
	int ret;

	ext.extack[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->mode = 0xff;	/* not set by a reply */
	ret = ext_available();
	if (ret)
		return ret;
	ret = ext_transact(ext_msg(WGI_EXT_CMD_GET_DEVICE, 0, ifname),
			   get_steer_cb, out);
	if (!ret && out->mode == 0xff)
		ret = -EBADMSG;
	return ret;
}

int ext_set_steer(const char *ifname, const uint8_t *mode,
		  const uint32_t *lan, size_t n_lan)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	size_t i;
	int ret;

	ext.extack[0] = '\0';
	ret = ext_available();
	if (ret)
		return ret;
	nlh = ext_msg(WGI_EXT_CMD_SET_DEVICE, 0, ifname);
	if (mode)
		mnl_attr_put_u8(nlh, WGI_EXT_A_STEER, *mode);
	if (lan) {
		nest = mnl_attr_nest_start(nlh, WGI_EXT_A_STEER_LAN);
		for (i = 0; i < n_lan; i++)
			mnl_attr_put_u32(nlh, WGI_EXT_STEER_LAN_A_IFINDEX, lan[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	return ext_transact(nlh, NULL, NULL);
}
