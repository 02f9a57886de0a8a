// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests for what needs no kernel: CPU lists, JSON strings
 * and documents, steering modes, and the parsing of GET_TUNNEL replies
 * and of GET_DEVICE's steering (built here with libmnl as the kernel
 * would send them).
 *
 *   unit           run the checks; exit status = number of failures
 *   unit text      print the text-view lines of sample tunnels
 *   unit json [-p] print a sample device as `show -j' does
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/wg_inline.h>
#include <libmnl/libmnl.h>
#include "commands.h"
#include "cpulist.h"
#include "device.h"
#include "ext.h"
#include "json.h"
#include "show_ext.h"
#include "show_json.h"

const char *prog_name = "wgaff";

bool is_help_arg(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		failures++; \
	} \
} while (0)

/* ------------------------------------------------------------------ */
/* CPU lists */

static void check_list(const char *in, const char *want)
{
	struct cpu_list l;
	char err[160], got[4096] = "";
	size_t i, off = 0;

	if (!cpulist_parse(in, &l, err, sizeof(err))) {
		fprintf(stderr, "FAILED: `%s' refused: %s\n", in, err);
		failures++;
		return;
	}
	for (i = 0; i < l.n && off < sizeof(got); i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%u", i ? " " : "",
					l.cpus[i]);
	if (strcmp(got, want)) {
		fprintf(stderr, "FAILED: `%s' -> `%s', want `%s'\n", in, got, want);
		failures++;
	}
	cpulist_free(&l);
}

static void check_bad_list(const char *in, const char *want_err)
{
	struct cpu_list l = { 0 };
	char err[160] = "";

	if (cpulist_parse(in, &l, err, sizeof(err))) {
		fprintf(stderr, "FAILED: `%s' accepted\n", in);
		failures++;
		cpulist_free(&l);
		return;
	}
	CHECK(!l.cpus && !l.n);
	if (!strstr(err, want_err)) {
		fprintf(stderr, "FAILED: `%s': error `%s' lacks `%s'\n", in, err, want_err);
		failures++;
	}
}

/* @in to a bitmap of @want_words words and back, formatted as @want. */
static void check_bitmap(const char *in, size_t want_words, const char *want)
{
	struct cpu_list l, back;
	char err[160], got[256];
	uint32_t *words;
	size_t n;

	if (!cpulist_parse(in, &l, err, sizeof(err))) {
		fprintf(stderr, "FAILED: `%s' refused: %s\n", in, err);
		failures++;
		return;
	}
	cpulist_to_bitmap(&l, &words, &n);
	CHECK(n == want_words);
	cpulist_from_bitmap(words, n, &back);
	cpulist_format(&back, got, sizeof(got));
	if (strcmp(got, want)) {
		fprintf(stderr, "FAILED: `%s' -> bitmap -> `%s', want `%s'\n", in, got, want);
		failures++;
	}
	free(words);
	cpulist_free(&back);
	cpulist_free(&l);
}

static void test_cpulist(void)
{
	uint32_t cpu;

	check_list("0", "0");
	check_list("2-15", "2 3 4 5 6 7 8 9 10 11 12 13 14 15");
	check_list("0,2,4-7", "0 2 4 5 6 7");
	check_list("7,3,1", "7 3 1");
	check_list("5-5", "5");
	check_list("65535", "65535");
	check_list("007", "7");
	check_bad_list("", "empty");
	check_bad_list(",", "empty item");
	check_bad_list("1,,2", "empty item");
	check_bad_list("1,", "trailing comma");
	check_bad_list("7-4", "backwards");
	check_bad_list("1-2-3", "not a CPU number");
	check_bad_list("-3", "not a CPU number");
	check_bad_list("3-", "not a CPU number");
	check_bad_list("a", "not a CPU number");
	check_bad_list(" 1", "not a CPU number");
	check_bad_list("1 ", "not a CPU number");
	check_bad_list("+1", "not a CPU number");
	check_bad_list("65536", "not a CPU number");
	check_bad_list("0-99999999999999999999", "not a CPU number");
	check_bad_list("2-4,3", "CPU 3 is listed twice");
	check_bad_list("1,1", "CPU 1 is listed twice");

	check_bitmap("0", 1, "0");
	check_bitmap("31", 1, "31");
	check_bitmap("32", 2, "32");
	check_bitmap("7,3,1,2", 1, "1-3,7");
	check_bitmap("0-15", 1, "0-15");
	check_bitmap("0,2,4-7,64-65,100", 4, "0,2,4-7,64-65,100");
	check_bitmap("8191", 256, "8191");

	CHECK(cpu_parse("0", &cpu) && cpu == 0);
	CHECK(cpu_parse("99", &cpu) && cpu == 99);
	CHECK(cpu_parse("4294967294", &cpu) && cpu == 4294967294U);
	CHECK(!cpu_parse("4294967295", &cpu));	/* WGI_CORE_NONE */
	CHECK(!cpu_parse("18446744073709551617", &cpu));
	CHECK(!cpu_parse("", &cpu));
	CHECK(!cpu_parse("-1", &cpu));
	CHECK(!cpu_parse("+1", &cpu));
	CHECK(!cpu_parse(" 1", &cpu));
	CHECK(!cpu_parse("1x", &cpu));
	CHECK(!cpu_parse("0x10", &cpu));
	CHECK(!cpu_parse("none", &cpu));
}

/* ------------------------------------------------------------------ */
/* JSON */

static void check_escape(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_write_string(f, in);
	fclose(f);
	if (strcmp(buf, want)) {
		fprintf(stderr, "FAILED: escape -> %s, want %s\n", buf, want);
		failures++;
	}
	free(buf);
}

static void test_escape(void)
{
	check_escape("wg0", "\"wg0\"");
	check_escape("", "\"\"");
	check_escape("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	check_escape("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	check_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	check_escape("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"");		/* été */
	check_escape("\xe2\x82\xac", "\"\xe2\x82\xac\"");			/* € */
	check_escape("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");		/* U+1F600 */
	check_escape("\xff", "\"\\u00ff\"");					/* never UTF-8 */
	check_escape("\xc3", "\"\\u00c3\"");					/* truncated */
	check_escape("\xc3(", "\"\\u00c3(\"");					/* bad continuation */
	check_escape("\xc0\xaf", "\"\\u00c0\\u00af\"");				/* overlong '/' */
	check_escape("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"");		/* overlong */
	check_escape("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");		/* surrogate */
	check_escape("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"");	/* > U+10FFFF */
	check_escape("\xe2\x82", "\"\\u00e2\\u0082\"");				/* truncated */
}

static char *json_doc(bool pretty, void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, pretty);
	fn(&j);
	json_finish(&j);
	fclose(f);
	return buf;
}

static void sample_doc(struct json *j)
{
	json_begin_array(j);
	json_begin_object(j);
	json_kv_string(j, "a", "x");
	json_kv_u64(j, "b", 18446744073709551615ULL);
	json_kv_i64(j, "c", -5);
	json_kv_bool(j, "d", true);
	json_kv_null(j, "e");
	json_key(j, "f");
	json_begin_array(j);
	json_end_array(j);
	json_key(j, "g");
	json_begin_array(j);
	json_u64(j, 1);
	json_string(j, "two");
	json_begin_object(j);
	json_end_object(j);
	json_end_array(j);
	json_end_object(j);
	json_end_array(j);
}

static void test_writer(void)
{
	char *s = json_doc(false, sample_doc);

	CHECK(!strcmp(s, "[{\"a\":\"x\",\"b\":18446744073709551615,\"c\":-5,\"d\":true,"
			 "\"e\":null,\"f\":[],\"g\":[1,\"two\",{}]}]\n"));
	free(s);
	s = json_doc(true, sample_doc);
	CHECK(!strcmp(s, "[\n    {\n        \"a\": \"x\",\n        \"b\": 18446744073709551615,\n"
			 "        \"c\": -5,\n        \"d\": true,\n        \"e\": null,\n"
			 "        \"f\": [],\n        \"g\": [\n            1,\n"
			 "            \"two\",\n            {}\n        ]\n    }\n]\n"));
	free(s);
}

/* ------------------------------------------------------------------ */
/* GET_TUNNEL replies */

struct pcpu_in {
	uint32_t cpu;
	uint64_t enc, dec;
};

static char msgbuf[8192];

/* A reply as the kernel builds it; @key_byte fills the public key. */
static struct nlmsghdr *tunnel_msg(uint8_t key_byte, uint64_t id, uint32_t core,
				   uint8_t state, const struct pcpu_in *pc, size_t n)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *list, *one;
	uint8_t key[WG_KEY_SIZE];
	size_t i;

	g->cmd = WGI_EXT_CMD_GET_TUNNEL;
	g->version = WG_INLINE_EXT_GENL_VERSION;
	memset(key, key_byte, sizeof(key));
	mnl_attr_put_u32(nlh, WGI_EXT_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGI_EXT_A_IFNAME, "wg0");
	mnl_attr_put(nlh, WGI_EXT_A_PUBLIC_KEY, sizeof(key), key);
	mnl_attr_put_u64(nlh, WGI_EXT_A_TUNNEL_ID, id);
	mnl_attr_put_u8(nlh, WGI_EXT_A_MODE, WGI_TUNNEL_MODE_INLINE);
	mnl_attr_put_u32(nlh, WGI_EXT_A_CORE, core);
	mnl_attr_put_u8(nlh, WGI_EXT_A_CORE_STATE, state);
	mnl_attr_put_u64(nlh, WGI_EXT_A_HANDOFF_TX, 12);
	mnl_attr_put_u64(nlh, WGI_EXT_A_HANDOFF_RX, 0);
	list = mnl_attr_nest_start(nlh, WGI_EXT_A_PCPU);
	for (i = 0; i < n; i++) {
		one = mnl_attr_nest_start(nlh, (uint16_t)i);
		mnl_attr_put_u32(nlh, WGI_EXT_PCPU_A_CPU, pc[i].cpu);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_ENCRYPTED_PKTS, pc[i].enc);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_ENCRYPTED_BYTES, pc[i].enc * 1000);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_DECRYPTED_PKTS, pc[i].dec);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_DECRYPTED_BYTES, pc[i].dec * 1000);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_HANDOFF_TX, 3);
		mnl_attr_put_u64(nlh, WGI_EXT_PCPU_A_HANDOFF_RX, 4);
		mnl_attr_nest_end(nlh, one);
	}
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

/* Tunnels 0x11 (CPUs split over two messages), 0x22 (unassigned), 0x33 (fallback). */
static void sample_tunnels(struct ext_tunnels *ts)
{
	static const struct pcpu_in a1[] = { { 7, 1234, 1200 }, { 1, 10, 20 } };
	static const struct pcpu_in a2[] = { { 3, 5, 6 } };
	static const struct pcpu_in b[] = { { 0, 1, 1 } };

	memset(ts, 0, sizeof(*ts));
	CHECK(!ext_parse_tunnel_msg(tunnel_msg(0x11, 100, 7, WGI_CORE_STATE_ON_CORE, a1, 2), ts));
	CHECK(!ext_parse_tunnel_msg(tunnel_msg(0x11, 100, 7, WGI_CORE_STATE_ON_CORE, a2, 1), ts));
	CHECK(!ext_parse_tunnel_msg(tunnel_msg(0x22, 101, WGI_CORE_NONE,
					       WGI_CORE_STATE_UNASSIGNED, b, 1), ts));
	CHECK(!ext_parse_tunnel_msg(tunnel_msg(0x33, 102, 5, WGI_CORE_STATE_FALLBACK, NULL, 0), ts));
	ext_tunnels_finish(ts);
}

static void test_parse(void)
{
	struct ext_tunnels ts;
	const struct ext_tunnel *t;
	uint8_t key[WG_KEY_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	sample_tunnels(&ts);
	CHECK(ts.n == 3);
	CHECK(ts.t[0].tunnel_id == 100 && ts.t[0].core == 7 && ts.t[0].n_pcpu == 3);
	CHECK(ts.t[0].pcpu[0].cpu == 1 && ts.t[0].pcpu[1].cpu == 3 && ts.t[0].pcpu[2].cpu == 7);
	CHECK(ts.t[0].pcpu[2].encrypted_pkts == 1234 && ts.t[0].pcpu[2].decrypted_bytes == 1200000);
	CHECK(ts.t[0].handoff_tx == 12 && ts.t[0].pcpu[0].handoff_rx == 4);
	CHECK(ts.t[1].core == WGI_CORE_NONE && ts.t[2].core_state == WGI_CORE_STATE_FALLBACK);
	memset(key, 0x22, sizeof(key));
	t = ext_find_tunnel(&ts, key);
	CHECK(t && t->tunnel_id == 101);
	memset(key, 0x44, sizeof(key));
	CHECK(!ext_find_tunnel(&ts, key));
	/* the same key with a new id is a new tunnel, not a continuation */
	CHECK(!ext_parse_tunnel_msg(tunnel_msg(0x33, 103, 5, 0, NULL, 0), &ts));
	CHECK(ts.n == 4);
	ext_tunnels_free(&ts);

	/* no public key: refused */
	nlh = mnl_nlmsg_put_header(msgbuf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = WGI_EXT_CMD_GET_TUNNEL;
	mnl_attr_put_u64(nlh, WGI_EXT_A_TUNNEL_ID, 1);
	CHECK(ext_parse_tunnel_msg(nlh, &ts) == -EBADMSG && ts.n == 0);
	ext_tunnels_free(&ts);

	CHECK(!strcmp(ext_mode_name(WGI_TUNNEL_MODE_PARALLEL), "parallel"));
	CHECK(!ext_mode_name(WGI_TUNNEL_MODE_MAX + 1));
	CHECK(!strcmp(ext_core_state_name(WGI_CORE_STATE_ON_CORE), "on-core"));
	CHECK(!ext_core_state_name(WGI_CORE_STATE_MAX + 1));
}

/* A GET_DEVICE reply with @n LAN entries, and a foreign one in the nest. */
static struct nlmsghdr *steer_msg(uint8_t mode, const uint32_t *lan, size_t n)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;
	size_t i;

	g->cmd = WGI_EXT_CMD_GET_DEVICE;
	mnl_attr_put_u32(nlh, WGI_EXT_A_IFINDEX, 7);
	mnl_attr_put_u8(nlh, WGI_EXT_A_STEER, mode);
	nest = mnl_attr_nest_start(nlh, WGI_EXT_A_STEER_LAN);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, WGI_EXT_STEER_LAN_A_IFINDEX, lan[i]);
	mnl_attr_put_u32(nlh, WGI_EXT_STEER_LAN_A_MAX + 1, 42);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_steer(void)
{
	uint32_t lan[WGI_STEER_LAN_MAX + 2] = { 3, 5, 4, 6, 7, 8, 9, 10, 11, 12 };
	char buf[SHOW_EXT_STR_LEN + STEER_TEXT_LEN];
	struct ext_steer s;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	uint8_t mode = 0xff;

	CHECK(ext_steer_mode_parse("dry-run", &mode) && mode == WGI_STEER_DRY_RUN);
	CHECK(ext_steer_mode_parse("off", &mode) && mode == WGI_STEER_OFF);
	CHECK(ext_steer_mode_parse("on", &mode) && mode == WGI_STEER_ON);
	CHECK(!ext_steer_mode_parse("On", &mode) && !ext_steer_mode_parse("dryrun", &mode));
	CHECK(!ext_steer_mode_parse("", &mode) && mode == WGI_STEER_ON);
	CHECK(!strcmp(ext_steer_mode_name(WGI_STEER_DRY_RUN), "dry-run"));
	CHECK(!ext_steer_mode_name(WGI_STEER_MODE_MAX + 1));

	CHECK(!ext_parse_steer_msg(steer_msg(WGI_STEER_ON, lan, 3), &s));
	CHECK(s.mode == WGI_STEER_ON && s.n_lan == 3);
	CHECK(s.lan[0] == 3 && s.lan[1] == 5 && s.lan[2] == 4);
	/* an empty list, and one longer than the uapi allows (kept short) */
	CHECK(!ext_parse_steer_msg(steer_msg(WGI_STEER_OFF, lan, 0), &s) && !s.n_lan);
	CHECK(!ext_parse_steer_msg(steer_msg(WGI_STEER_OFF, lan, WGI_STEER_LAN_MAX + 2), &s));
	CHECK(s.n_lan == WGI_STEER_LAN_MAX && s.lan[WGI_STEER_LAN_MAX - 1] == 10);
	/* no STEER: refused */
	nlh = mnl_nlmsg_put_header(msgbuf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = WGI_EXT_CMD_GET_DEVICE;
	mnl_attr_put_u8(nlh, WGI_EXT_A_DEFAULT_MODE, 0);
	CHECK(ext_parse_steer_msg(nlh, &s) == -EBADMSG);

	s.mode = WGI_STEER_MODE_MAX + 1;
	s.n_lan = 1;
	s.lan[0] = 999999;
	CHECK(!strcmp(show_ext_steer_str(buf, sizeof(buf), &s), "unknown(3) lan #999999"));
	s.mode = WGI_STEER_OFF;
	s.n_lan = 0;
	CHECK(!strcmp(show_ext_steer_str(buf, sizeof(buf), &s), "off"));
}

/* ------------------------------------------------------------------ */
/* Samples for the shell tests */

static void demo_text(void)
{
	struct ext_tunnels ts;
	size_t i;

	struct show_ext x = { .have_default_mode = true, .have_steer = true,
			      .steer = { .mode = WGI_STEER_DRY_RUN, .n_lan = 2,
					 .lan = { 999998, 999999 } } };
	uint32_t workers = 0xf0f;	/* CPUs 0-3 and 8-11 */

	cpulist_from_bitmap(&workers, 1, &x.workers);
	show_ext_pretty_device(&x);
	show_ext_free(&x);
	sample_tunnels(&ts);
	for (i = 0; i < ts.n; i++)
		show_ext_pretty_peer(&ts.t[i]);
	ext_tunnels_free(&ts);
}

static struct wg_device *sample_device(void)
{
	struct wg_device *dev = device_new("wg\"0\\\x01\xff");
	struct wg_peer *p;
	struct wg_allowedip *aip;
	uint8_t key[WG_KEY_SIZE];

	dev->ifindex = 7;
	dev->listen_port = 51820;
	dev->fwmark = 0x42;
	memset(dev->public_key, 0xaa, WG_KEY_SIZE);
	memset(dev->private_key, 0xbb, WG_KEY_SIZE);
	dev->flags = DEV_HAS_PUBLIC_KEY | DEV_HAS_PRIVATE_KEY;
	for (uint8_t b = 0x11; b <= 0x44; b += 0x11) {
		p = device_add_peer(dev);
		memset(key, b, sizeof(key));
		memcpy(p->public_key, key, WG_KEY_SIZE);
		p->flags = PEER_HAS_PUBLIC_KEY;
		if (b == 0x11) {
			memset(p->preshared_key, 0xdd, WG_KEY_SIZE);
			p->flags |= PEER_HAS_PRESHARED_KEY;
			p->endpoint.addr4.sin_family = AF_INET;
			p->endpoint.addr4.sin_port = htons(51820);
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000202);
			p->last_handshake_sec = 1700000000;
			p->rx_bytes = 1000;
			p->tx_bytes = 2000;
			p->keepalive = 25;
			aip = peer_add_allowedip(p);
			aip->family = AF_INET;
			aip->cidr = 24;
			aip->ip4.s_addr = htonl(0x0a000000);
			aip = peer_add_allowedip(p);
			aip->family = AF_INET6;
			aip->cidr = 64;
			inet_pton(AF_INET6, "fd00::", &aip->ip6);
		}
	}
	return dev;
}

static void demo_json(bool pretty)
{
	struct wg_device *dev = sample_device();
	struct show_ext x = { .have_tunnels = true, .have_default_mode = true,
			      .default_mode = WGI_TUNNEL_MODE_INLINE, .have_steer = true,
			      .steer = { .mode = WGI_STEER_ON, .n_lan = 1, .lan = { 999999 } } };
	uint32_t workers = 0x5;	/* CPUs 0 and 2 */
	struct json j;

	cpulist_from_bitmap(&workers, 1, &x.workers);
	sample_tunnels(&x.tunnels);
	json_init(&j, stdout, pretty);
	json_begin_array(&j);
	json_device(&j, dev, &x);	/* peer 0x44 has no tunnel: no ext keys */
	json_device(&j, dev, NULL);	/* as with --compat */
	json_end_array(&j);
	json_finish(&j);
	show_ext_free(&x);
	device_free(dev);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "text")) {
		demo_text();
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "json")) {
		demo_json(argc > 2 && !strcmp(argv[2], "-p"));
		return 0;
	}
	test_cpulist();
	test_escape();
	test_writer();
	test_parse();
	test_steer();
	if (!failures)
		printf("unit: all passed\n");
	return failures;
}
