// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "terminal.h"
#include "util.h"

static bool use_color(void)
{
	static int cached = -1;
	const char *mode;

	if (cached >= 0)
		return cached;
	mode = getenv("WG_COLOR_MODE");
	if (mode && !strcmp(mode, "always"))
		cached = 1;
	else if (mode && !strcmp(mode, "never"))
		cached = 0;
	else
		cached = isatty(fileno(stdout));
	return cached;
}

/* Writes @s without its CSI ... 'm' sequences. */
static void put_plain(const char *s)
{
	const char *end;

	while (*s) {
		if (s[0] == '\x1b' && s[1] == '[') {
			end = strchr(s, 'm');
			if (end) {
				s = end + 1;
				continue;
			}
		}
		putchar(*s++);
	}
}

void term_printf(const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (use_color())
		fputs(buf, stdout);
	else
		put_plain(buf);
	free(buf);
}
