/* SPDX-License-Identifier: GPL-2.0 */
/* The verbs; each gets argv[0] = its own name. */
#ifndef WGAFF_COMMANDS_H
#define WGAFF_COMMANDS_H

#include <stdbool.h>

int show_main(int argc, char **argv);
int showconf_main(int argc, char **argv);
int set_main(int argc, char **argv);
int setconf_main(int argc, char **argv);
int addconf_main(int argc, char **argv);
int syncconf_main(int argc, char **argv);
int genkey_main(int argc, char **argv);
int genpsk_main(int argc, char **argv);
int pubkey_main(int argc, char **argv);
int assign_main(int argc, char **argv);
int mode_main(int argc, char **argv);
int workers_main(int argc, char **argv);
int steer_main(int argc, char **argv);
int monitor_main(int argc, char **argv);

bool is_help_arg(const char *arg);
/* "<what>: <strerror>" plus the kernel's extack message, to stderr. */
void report_ipc_error(const char *what, int err);

#endif
