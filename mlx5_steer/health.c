// SPDX-License-Identifier: GPL-2.0
/*
 * devlink health: a "steering" reporter on a devlink instance of our own,
 * platform/mlx5_steer.
 *
 * Why not the NIC's instance: the NIC driver owns its instance's life;
 * a reporter on it would have to be destroyed inside the driver's own
 * teardown (devlink_free() warns about leftover reporters), which a
 * companion module cannot order, and a gateway's tunnels span several
 * NICs (outer and LAN) that one diagnose should show together.
 *
 * diagnose lists each tunnel: device, tunnel id, key, core, state, the
 * outer netdev's queue and IRQ, and every rule with its netdev and
 * location. dump lists the rules as ethtool would show them. An error
 * (no ntuple, no queue on the core, a rule refused, a rule vanished, no
 * route) is reported with its message; recovery runs the reconciliation
 * of every tunnel (reinstalling what is missing), and `devlink health
 * recover` asks for it too. Reports are sent from a
 * work item: recovery takes RTNL and steer_lock, which the code that
 * finds the errors holds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <net/devlink.h>
#include "steer.h"

#if IS_ENABLED(CONFIG_NET_DEVLINK)

/*
 * Before 6.7 every devlink_fmsg_*() call returns an error to check;
 * since, they return nothing and the message keeps its first error.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define FM(call) ({ call; 0; })
#else
#define FM(call) (call)
#endif

#define STEER_PENDING_MAX 16
#define STEER_GRACE_MS (60 * MSEC_PER_SEC)

struct steer_report {
	struct list_head list;
	char msg[160];
};

static struct platform_device *steer_pdev;
static struct devlink *steer_devlink;
static struct devlink_health_reporter *steer_reporter;
static LIST_HEAD(steer_pending);
static unsigned int steer_npending;
static bool steer_want_healthy;
static bool steer_health_stopping;	/* unload: no more reports */
static DEFINE_SPINLOCK(steer_pending_lock);
static void steer_report_work_fn(struct work_struct *work);
static DECLARE_WORK(steer_report_work, steer_report_work_fn);

/* A rule's pairs, inside an object the caller opened. */
static int steer_fmsg_rule_pairs(struct devlink_fmsg *f,
				 const struct steer_rule *r)
{
	char desc[160];
	int err;

	steer_rule_describe(r, desc, sizeof(desc));
	err = FM(devlink_fmsg_string_pair_put(f, "netdev", r->ifname));
	err = err ?: FM(devlink_fmsg_string_pair_put(f, "kind",
			r->kind == STEER_RULE_OUTER ? "outer" : "inner"));
	if (r->installed)
		err = err ?: FM(devlink_fmsg_u32_pair_put(f, "location",
							  r->fs.location));
	else
		err = err ?: FM(devlink_fmsg_string_pair_put(f, "location",
							     "none"));
	return err ?: FM(devlink_fmsg_string_pair_put(f, "rule", desc));
}

static int steer_fmsg_rule(struct devlink_fmsg *f, const struct steer_rule *r)
{
	int err = FM(devlink_fmsg_obj_nest_start(f));

	err = err ?: steer_fmsg_rule_pairs(f, r);
	return err ?: FM(devlink_fmsg_obj_nest_end(f));
}

static int steer_fmsg_rules(struct devlink_fmsg *f, const struct steer_tunnel *t)
{
	const struct steer_rule *r;
	int err;

	err = FM(devlink_fmsg_arr_pair_nest_start(f, "rules"));
	list_for_each_entry(r, &t->rules, list)
		err = err ?: steer_fmsg_rule(f, r);
	return err ?: FM(devlink_fmsg_arr_pair_nest_end(f));
}

static int steer_fmsg_tunnel(struct devlink_fmsg *f, const struct steer_tunnel *t)
{
	char key[48];
	int err;

	snprintf(key, sizeof(key), "%*phN", 8, t->info.public_key);
	err = FM(devlink_fmsg_obj_nest_start(f));
	err = err ?: FM(devlink_fmsg_string_pair_put(f, "device", t->info.ifname));
	err = err ?: FM(devlink_fmsg_u64_pair_put(f, "tunnel_id", t->info.tunnel_id));
	err = err ?: FM(devlink_fmsg_string_pair_put(f, "key", key));
	if (t->info.core != WGI_CORE_NONE)
		err = err ?: FM(devlink_fmsg_u32_pair_put(f, "core", t->info.core));
	else
		err = err ?: FM(devlink_fmsg_string_pair_put(f, "core", "none"));
	err = err ?: FM(devlink_fmsg_string_pair_put(f, "state",
						     steer_state_name(t->state)));
	if (t->state == STEER_ERROR)
		err = err ?: FM(devlink_fmsg_string_pair_put(f, "error", t->error));
	if (t->outer.ifindex) {
		err = err ?: FM(devlink_fmsg_string_pair_put(f, "netdev", t->outer.ifname));
		err = err ?: FM(devlink_fmsg_u32_pair_put(f, "queue", t->outer.queue));
		if (t->outer.irq > 0)
			err = err ?: FM(devlink_fmsg_u32_pair_put(f, "irq", t->outer.irq));
		err = err ?: FM(devlink_fmsg_bool_pair_put(f, "xps", !!t->xps_ifindex));
	}
	err = err ?: FM(devlink_fmsg_u32_pair_put(f, "reinstalled", t->reinstalls));
	if (t->prefixes_not_steered)
		err = err ?: FM(devlink_fmsg_u32_pair_put(f, "prefixes_not_steered",
							  t->prefixes_not_steered));
	err = err ?: steer_fmsg_rules(f, t);
	return err ?: FM(devlink_fmsg_obj_nest_end(f));
}

static int steer_diagnose(struct devlink_health_reporter *reporter,
			  struct devlink_fmsg *f, struct netlink_ext_ack *extack)
{
	const struct steer_tunnel *t;
	int err;

	mutex_lock(&steer_lock);
	err = FM(devlink_fmsg_arr_pair_nest_start(f, "tunnels"));
	list_for_each_entry(t, &steer_tunnels, list)
		err = err ?: steer_fmsg_tunnel(f, t);
	err = err ?: FM(devlink_fmsg_arr_pair_nest_end(f));
	mutex_unlock(&steer_lock);
	return err;
}

/* The rule table: every rule of ours, by netdev and location. */
static int steer_dump(struct devlink_health_reporter *reporter,
		      struct devlink_fmsg *f, void *priv_ctx,
		      struct netlink_ext_ack *extack)
{
	const struct steer_tunnel *t;
	const struct steer_rule *r;
	int err;

	mutex_lock(&steer_lock);
	err = FM(devlink_fmsg_arr_pair_nest_start(f, "rules"));
	list_for_each_entry(t, &steer_tunnels, list) {
		list_for_each_entry(r, &t->rules, list) {
			if (!r->installed)
				continue;
			err = err ?: FM(devlink_fmsg_obj_nest_start(f));
			err = err ?: FM(devlink_fmsg_u64_pair_put(f, "tunnel_id",
							t->info.tunnel_id));
			err = err ?: steer_fmsg_rule_pairs(f, r);
			err = err ?: FM(devlink_fmsg_obj_nest_end(f));
		}
	}
	err = err ?: FM(devlink_fmsg_arr_pair_nest_end(f));
	mutex_unlock(&steer_lock);
	return err;
}

static int steer_recover(struct devlink_health_reporter *reporter,
			 void *priv_ctx, struct netlink_ext_ack *extack)
{
	bool bad;

	rtnl_lock();
	mutex_lock(&steer_lock);
	steer_reconcile_all();
	bad = steer_any_error();
	mutex_unlock(&steer_lock);
	rtnl_unlock();
	if (bad)
		NL_SET_ERR_MSG(extack, "some tunnels are still not steered; see diagnose");
	return bad ? -EAGAIN : 0;
}

static const struct devlink_health_reporter_ops steer_reporter_ops = {
	.name = "steering",
	.recover = steer_recover,
	.diagnose = steer_diagnose,
	.dump = steer_dump,
};

static const struct devlink_ops steer_devlink_ops = {
};

static void steer_report_work_fn(struct work_struct *work)
{
	struct steer_report *rep;
	bool healthy;

	for (;;) {
		spin_lock(&steer_pending_lock);
		rep = list_first_entry_or_null(&steer_pending,
					       struct steer_report, list);
		if (rep) {
			list_del(&rep->list);
			steer_npending--;
		}
		healthy = !rep && steer_want_healthy;
		if (healthy)
			steer_want_healthy = false;
		spin_unlock(&steer_pending_lock);
		if (!rep)
			break;
		pr_warn("%s\n", rep->msg);
		devlink_health_report(steer_reporter, rep->msg, NULL);
		kfree(rep);
	}
	if (healthy)
		devlink_health_reporter_state_update(steer_reporter,
				DEVLINK_HEALTH_REPORTER_STATE_HEALTHY);
}

void steer_health_report(const char *msg)
{
	struct steer_report *rep = kzalloc(sizeof(*rep), GFP_KERNEL);

	if (!rep)
		return;
	strscpy(rep->msg, msg, sizeof(rep->msg));
	spin_lock(&steer_pending_lock);
	steer_want_healthy = false;
	/* A storm of errors: the first ones say enough. */
	if (!steer_health_stopping && steer_npending < STEER_PENDING_MAX) {
		list_add_tail(&rep->list, &steer_pending);
		steer_npending++;
		rep = NULL;
	}
	if (!steer_health_stopping)
		schedule_work(&steer_report_work);
	spin_unlock(&steer_pending_lock);
	kfree(rep);
}

void steer_health_healthy(void)
{
	spin_lock(&steer_pending_lock);
	steer_want_healthy = true;
	if (!steer_health_stopping)
		schedule_work(&steer_report_work);
	spin_unlock(&steer_pending_lock);
}

int steer_health_init(void)
{
	int err;

	steer_pdev = platform_device_register_simple(KBUILD_MODNAME,
						     PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(steer_pdev))
		return PTR_ERR(steer_pdev);
	err = -ENOMEM;
	steer_devlink = devlink_alloc(&steer_devlink_ops, 0, &steer_pdev->dev);
	if (!steer_devlink)
		goto err_pdev;
	/*
	 * The grace period keeps an error that comes back right after a
	 * recovery (a rule the driver keeps refusing) from recovering in a
	 * loop: the periodic check retries it meanwhile.
	 */
	steer_reporter = devlink_health_reporter_create(steer_devlink,
							&steer_reporter_ops,
							STEER_GRACE_MS, NULL);
	if (IS_ERR(steer_reporter)) {
		err = PTR_ERR(steer_reporter);
		goto err_free;
	}
	devlink_register(steer_devlink);
	return 0;
err_free:
	devlink_free(steer_devlink);
err_pdev:
	platform_device_unregister(steer_pdev);
	return err;
}

void steer_health_uninit(void)
{
	struct steer_report *rep, *tmp;

	/*
	 * A devlink recover can still run until the instance is
	 * unregistered, and would queue a report: none is taken from now.
	 */
	spin_lock(&steer_pending_lock);
	steer_health_stopping = true;
	spin_unlock(&steer_pending_lock);
	devlink_unregister(steer_devlink);
	cancel_work_sync(&steer_report_work);
	list_for_each_entry_safe(rep, tmp, &steer_pending, list)
		kfree(rep);
	INIT_LIST_HEAD(&steer_pending);
	steer_npending = 0;
	devlink_health_reporter_destroy(steer_reporter);
	devlink_free(steer_devlink);
	platform_device_unregister(steer_pdev);
}

#else /* !CONFIG_NET_DEVLINK: errors still reach the kernel log */

int steer_health_init(void)
{
	return 0;
}

void steer_health_uninit(void)
{
}

void steer_health_report(const char *msg)
{
	pr_warn("%s\n", msg);
}

void steer_health_healthy(void)
{
}
#endif
