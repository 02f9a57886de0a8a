/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: compact (one line, no spaces, as
 * iproute2's -j) or pretty (4-space indents, as -j -p).
 */
#ifndef WGAFF_JSON_H
#define WGAFF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool after_key;			/* a key was written, its value is next */
	bool has_items[JSON_MAX_DEPTH];	/* per open container */
};

void json_init(struct json *j, FILE *f, bool pretty);
/* Ends the document with a newline. */
void json_finish(struct json *j);

void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key and value in one call */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

/*
 * Writes @s as a quoted JSON string: '"', '\\' and control characters
 * (and DEL) escaped, valid UTF-8 passed through, and each byte that is not
 * part of valid UTF-8 written as \u00XX.
 */
void json_write_string(FILE *f, const char *s);

#endif
