// SPDX-License-Identifier: GPL-2.0
/*
 * Test knobs, one folder per bus device:
 * /sys/kernel/debug/fakenic/fakenicN/
 *   fail_next_rule_insert   write 1: the next valid SRXCLSRLINS fails
 *                           (cleared by that insertion)
 *   fail_rule_insert_errno  the errno it fails with (default EINVAL)
 */
#include <linux/debugfs.h>

#include "fakenic.h"

static struct dentry *fakenic_debugfs_root;

int fakenic_debugfs_init(void)
{
	fakenic_debugfs_root = debugfs_create_dir("fakenic", NULL);
	return 0;
}

void fakenic_debugfs_exit(void)
{
	debugfs_remove(fakenic_debugfs_root);
}

/* debugfs failures are not fatal: the knobs are for tests only. */
void fakenic_debugfs_port_add(struct fakenic_port *port)
{
	struct fakenic_steer *steer = &port->steer;

	port->debugfs = debugfs_create_dir(dev_name(&port->dev),
					   fakenic_debugfs_root);
	debugfs_create_bool("fail_next_rule_insert", 0600, port->debugfs,
			    &steer->fail_next_insert);
	debugfs_create_u32("fail_rule_insert_errno", 0600, port->debugfs,
			   &steer->fail_insert_errno);
}

void fakenic_debugfs_port_del(struct fakenic_port *port)
{
	debugfs_remove(port->debugfs);
	port->debugfs = NULL;
}
