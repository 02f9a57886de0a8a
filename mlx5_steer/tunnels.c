// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel records and their reconciliation: on every event of a
 * tunnel, every relevant netdev event, a recovery request and a periodic
 * check, the tunnel's rules are planned anew and compared with what is
 * installed. A rule planned and still present stays where it is; one no
 * longer planned is removed; one planned and not installed (new, or
 * gone from the NIC: a driver reload, a firmware reset, someone's
 * ethtool -N over our location) is installed, and a rule that vanished
 * is reported to devlink health. Everything runs with RTNL and
 * steer_lock held.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "steer.h"

DEFINE_MUTEX(steer_lock);
LIST_HEAD(steer_tunnels);

static struct steer_tunnel *steer_find(u64 tunnel_id)
{
	struct steer_tunnel *t;

	list_for_each_entry(t, &steer_tunnels, list)
		if (t->info.tunnel_id == tunnel_id)
			return t;
	return NULL;
}

static struct net_device *steer_rule_dev(const struct steer_rule *rule)
{
	return rule->net ? __dev_get_by_index(rule->net, rule->ifindex) : NULL;
}

static bool steer_same_rule(const struct steer_rule *a,
			    const struct steer_rule *b)
{
	struct ethtool_rx_flow_spec fa = a->fs, fb = b->fs;

	fa.location = 0;
	fb.location = 0;
	return a->net == b->net && a->ifindex == b->ifindex &&
	       !memcmp(&fa, &fb, sizeof(fa));
}

static void steer_free_rules(struct list_head *rules)
{
	struct steer_rule *rule, *tmp;

	list_for_each_entry_safe(rule, tmp, rules, list) {
		list_del(&rule->list);
		kfree(rule);
	}
}

/* Hands installed @r's location to the same rule in @want, if planned. */
static bool steer_transfer(struct steer_rule *r, struct list_head *want)
{
	struct steer_rule *w;

	list_for_each_entry(w, want, list) {
		if (!w->installed && steer_same_rule(r, w)) {
			w->fs.location = r->fs.location;
			w->driver_fs = r->driver_fs;
			w->installed = true;
			return true;
		}
	}
	return false;
}

/*
 * Moves what is installed and still wanted from @old into @want (by
 * location); removes the rest from the NIC. Counts rules found gone. A
 * rule that cannot be read back now (device detached) is kept if still
 * wanted, and forgotten if not (a detached mlx5e loses its rules).
 */
static unsigned int steer_keep_or_remove(struct list_head *old,
					 struct list_head *want)
{
	enum steer_presence there;
	unsigned int vanished = 0;
	struct net_device *dev;
	struct steer_rule *r;

	list_for_each_entry(r, old, list) {
		if (!r->installed)
			continue;
		dev = steer_rule_dev(r);
		there = dev ? steer_rule_present(dev, r) : STEER_RULE_GONE;
		if (there == STEER_RULE_GONE) {
			vanished += !!dev;
			r->installed = false;
			continue;
		}
		if (!steer_transfer(r, want) && there == STEER_RULE_THERE)
			steer_rule_remove(dev, r);
	}
	return vanished;
}

static void steer_install_missing(struct steer_tunnel *t,
				  struct list_head *want)
{
	struct net_device *dev;
	struct steer_rule *w;
	int err;

	list_for_each_entry(w, want, list) {
		if (w->installed)
			continue;
		dev = steer_rule_dev(w);
		err = dev ? steer_rule_install(dev, w) : -ENODEV;
		if (err && !t->error[0])
			scnprintf(t->error, sizeof(t->error),
				  "%s: the driver refused a rule: %pe",
				  w->ifname, ERR_PTR(err));
	}
}

static void steer_xps_drop(struct steer_tunnel *t)
{
	struct net_device *dev;

	if (!t->xps_ifindex)
		return;
	dev = __dev_get_by_index(t->xps_net, t->xps_ifindex);
	if (dev)
		steer_xps_release(dev, t->xps_cpu);
	t->xps_ifindex = 0;
}

/* The core sends on its queue's TX queue of the outer netdev. */
static void steer_xps_update(struct steer_tunnel *t, bool want)
{
	struct net_device *dev;

	if (t->xps_ifindex && (!want || t->xps_ifindex != t->outer.ifindex ||
			       t->xps_net != t->outer.net ||
			       t->xps_cpu != t->info.core))
		steer_xps_drop(t);
	if (!want || t->xps_ifindex || !t->outer.ifindex)
		return;
	dev = __dev_get_by_index(t->outer.net, t->outer.ifindex);
	if (!dev || t->outer.queue >= dev->real_num_tx_queues)
		return;
	if (steer_xps_claim(dev, t->info.core, t->outer.queue)) {
		if (!t->error[0])
			scnprintf(t->error, sizeof(t->error),
				  "%s: XPS could not be set", dev->name);
		return;
	}
	t->xps_net = t->outer.net;
	t->xps_ifindex = t->outer.ifindex;
	t->xps_cpu = t->info.core;
}

static bool steer_wanted(const struct steer_tunnel *t)
{
	const struct wgi_tunnel_info *info = &t->info;

	return info->steer != WGI_STEER_OFF && info->device_up &&
	       info->core != WGI_CORE_NONE &&
	       info->core_state == WGI_CORE_STATE_ON_CORE &&
	       info->net && info->sock_net;
}

static void steer_set_state(struct steer_tunnel *t, enum steer_state state,
			    unsigned int vanished)
{
	char msg[160];
	bool report = state == STEER_ERROR &&
		      (t->state != STEER_ERROR || vanished);

	t->state = state;
	t->reinstalls += vanished;
	if (vanished)
		scnprintf(msg, sizeof(msg), "%s tunnel %llu: %u rule(s) vanished from the NIC; reinstalled%s%s",
			  t->info.ifname, t->info.tunnel_id, vanished,
			  t->error[0] ? "; " : "", t->error);
	else
		scnprintf(msg, sizeof(msg), "%s tunnel %llu: %s",
			  t->info.ifname, t->info.tunnel_id, t->error);
	if (report || vanished)
		steer_health_report(msg);
}

void steer_reconcile(struct steer_tunnel *t)
{
	bool wanted = steer_wanted(t), install;
	unsigned int vanished = 0;
	LIST_HEAD(want);
	LIST_HEAD(none);

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	install = wanted && t->info.steer == WGI_STEER_ON;
	t->error[0] = '\0';
	if (wanted)
		steer_plan(t, &want);
	else
		t->outer.ifindex = 0;
	if (install) {
		vanished = steer_keep_or_remove(&t->rules, &want);
		steer_install_missing(t, &want);
	} else {
		/* Dry-run and inactive tunnels hold nothing on the NIC. */
		steer_keep_or_remove(&t->rules, &none);
	}
	steer_free_rules(&t->rules);
	list_splice_init(&want, &t->rules);
	steer_xps_update(t, install);
	if (t->error[0])
		steer_set_state(t, STEER_ERROR, vanished);
	else
		steer_set_state(t, !wanted ? STEER_INACTIVE :
				install ? STEER_ACTIVE : STEER_PLANNED, vanished);
}

void steer_reconcile_all(void)
{
	struct steer_tunnel *t;

	list_for_each_entry(t, &steer_tunnels, list)
		steer_reconcile(t);
	if (!steer_any_error())
		steer_health_healthy();
}

bool steer_any_error(void)
{
	struct steer_tunnel *t;

	list_for_each_entry(t, &steer_tunnels, list)
		if (t->state == STEER_ERROR)
			return true;
	return false;
}

/* Takes the tunnel's rules and XPS claim off the NIC and frees it. */
static void steer_tunnel_free(struct steer_tunnel *t)
{
	struct steer_rule *r;

	list_for_each_entry(r, &t->rules, list)
		if (r->installed)
			steer_rule_remove(steer_rule_dev(r), r);
	steer_free_rules(&t->rules);
	steer_xps_drop(t);
	list_del(&t->list);
	kfree(t);
}

/* A snapshot's namespaces are kept unreferenced: see steer.h. */
static void steer_take_info(struct steer_tunnel *t,
			    const struct wgi_tunnel_info *info)
{
	struct net *net = info->net ?: t->info.net;
	struct net *sock_net = info->sock_net ?: t->info.sock_net;

	t->info = *info;
	t->info.net = net;
	t->info.sock_net = sock_net;
}

void steer_tunnel_event(unsigned long event, const struct wgi_tunnel_info *info)
{
	struct steer_tunnel *t;

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	t = steer_find(info->tunnel_id);
	if (event == WGI_EVENT_TUNNEL_REMOVED) {
		if (t)
			steer_tunnel_free(t);
		return;
	}
	if (!t) {
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t)
			return;
		INIT_LIST_HEAD(&t->rules);
		list_add_tail(&t->list, &steer_tunnels);
	}
	steer_take_info(t, info);
	steer_reconcile(t);
	if (!steer_any_error())
		steer_health_healthy();
}

/*
 * @dev leaves its namespace: unregistered, its rules and XPS maps go
 * with it; moved elsewhere (@remove), it would keep them, so ours are
 * taken off now. The next reconciliation plans from scratch.
 */
void steer_forget_netdev(struct net_device *dev, bool remove)
{
	const struct net *net = dev_net(dev);
	struct steer_tunnel *t;
	struct steer_rule *r;

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	list_for_each_entry(t, &steer_tunnels, list) {
		list_for_each_entry(r, &t->rules, list) {
			if (r->ifindex != dev->ifindex || r->net != net)
				continue;
			if (remove && r->installed)
				steer_rule_remove(dev, r);
			r->installed = false;
		}
		if (t->xps_ifindex == dev->ifindex && t->xps_net == net)
			t->xps_ifindex = 0;
	}
	steer_xps_forget(dev, remove);
}

/*
 * A tunnel's record keeps its device's name from the last event, and a
 * wg-inline device is renamed only while down (no event follows until it
 * is up again): diagnose shows the new name at once. Rules and the outer
 * netdev take their names from the plan, which the caller kicks.
 */
void steer_netdev_renamed(struct net_device *dev)
{
	struct steer_tunnel *t;

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	list_for_each_entry(t, &steer_tunnels, list)
		if (t->info.ifindex == dev->ifindex && t->info.net == dev_net(dev))
			strscpy(t->info.ifname, dev->name, sizeof(t->info.ifname));
}

/*
 * @net is being dismantled: its tunnels are about to be removed, and
 * their records must not outlive it. Rules on netdevs of other
 * namespaces are removed now.
 */
void steer_forget_net(struct net *net)
{
	struct steer_tunnel *t, *tmp;
	struct net_device *dev;
	struct steer_rule *r;

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	/*
	 * Its physical netdevs will move to the initial namespace with
	 * their rules and XPS maps: ours come off them now, while they are
	 * still here; the virtual ones are about to go anyway.
	 */
	for_each_netdev(net, dev)
		steer_forget_netdev(dev, true);
	list_for_each_entry(t, &steer_tunnels, list)
		list_for_each_entry(r, &t->rules, list)
			if (r->net == net)
				r->installed = false;
	list_for_each_entry(t, &steer_tunnels, list)
		if (t->xps_net == net)
			t->xps_ifindex = 0;
	steer_xps_forget_net(net);
	list_for_each_entry_safe(t, tmp, &steer_tunnels, list)
		if (t->info.net == net || t->info.sock_net == net)
			steer_tunnel_free(t);
}

void steer_remove_all(void)
{
	struct steer_tunnel *t, *tmp;

	ASSERT_RTNL();
	lockdep_assert_held(&steer_lock);
	list_for_each_entry_safe(t, tmp, &steer_tunnels, list)
		steer_tunnel_free(t);
}
