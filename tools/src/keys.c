// SPDX-License-Identifier: GPL-2.0
/* genkey, genpsk, pubkey */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "curve25519.h"
#include "encoding.h"
#include "util.h"

/* `<verb> --help': usage to stdout, 0; anything else: to stderr, 1. */
static int key_verb_usage(int argc, char **argv)
{
	bool help = argc == 2 && is_help_arg(argv[1]);

	fprintf(help ? stdout : stderr, "Usage: %s %s\n", prog_name, argv[0]);
	return help ? 0 : 1;
}

static bool random_bytes(uint8_t *out, size_t len)
{
	ssize_t ret;
	size_t done = 0;

	while (done < len) {
		ret = getrandom(out + done, len - done, 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return false;
		done += (size_t)ret;
	}
	return true;
}

static void warn_world_readable(void)
{
	struct stat st;

	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		fputs("Warning: writing to world accessible file.\n"
		      "Consider setting the umask to 077 and trying again.\n", stderr);
}

static int print_key(const uint8_t key[WG_KEY_SIZE])
{
	char b64[WG_KEY_B64_LEN];

	key_to_base64(b64, key);
	puts(b64);
	explicit_bzero(b64, sizeof(b64));
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: unable to write key: %s\n", prog_name, strerror(errno));
		return 1;
	}
	return 0;
}

static int gen_main(int argc, char **argv, bool clamp)
{
	uint8_t key[WG_KEY_SIZE];
	int ret;

	if (argc != 1)
		return key_verb_usage(argc, argv);
	warn_world_readable();
	if (!random_bytes(key, sizeof(key))) {
		fprintf(stderr, "%s: unable to get random bytes: %s\n", prog_name,
			strerror(errno));
		return 1;
	}
	if (clamp)
		curve25519_clamp(key);
	ret = print_key(key);
	explicit_bzero(key, sizeof(key));
	return ret;
}

int genkey_main(int argc, char **argv)
{
	return gen_main(argc, argv, true);
}

int genpsk_main(int argc, char **argv)
{
	return gen_main(argc, argv, false);
}

/* Reads the base64 key from stdin: surrounding whitespace is allowed. */
static bool read_stdin_key(uint8_t key[WG_KEY_SIZE])
{
	char buf[WG_KEY_B64_LEN + 64];
	size_t len = 0, start = 0;
	bool ok;
	int c;

	while ((c = getchar()) != EOF) {
		if (len == sizeof(buf) - 1)
			return false;
		buf[len++] = (char)c;
	}
	if (ferror(stdin))
		return false;
	buf[len] = '\0';
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	while (isspace((unsigned char)buf[start]))
		start++;
	ok = key_from_base64(key, buf + start);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

int pubkey_main(int argc, char **argv)
{
	uint8_t priv[WG_KEY_SIZE], pub[WG_KEY_SIZE];

	if (argc != 1)
		return key_verb_usage(argc, argv);
	if (!read_stdin_key(priv)) {
		fprintf(stderr, "%s: Key is not the correct length or format\n", prog_name);
		return 1;
	}
	curve25519_public(pub, priv);
	explicit_bzero(priv, sizeof(priv));
	return print_key(pub);
}
