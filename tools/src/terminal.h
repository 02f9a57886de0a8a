/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WGAFF_TERMINAL_H
#define WGAFF_TERMINAL_H

#define TERM_RESET "\x1b[0m"
#define TERM_BOLD "\x1b[1m"
#define TERM_RED "\x1b[31m"
#define TERM_GREEN "\x1b[32m"
#define TERM_YELLOW "\x1b[33m"
#define TERM_CYAN "\x1b[36m"

/* printf to stdout; colour sequences are dropped unless colour is on
 * (WG_COLOR_MODE=always|never|auto, auto meaning stdout is a terminal). */
void term_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
