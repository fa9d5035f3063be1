/*
 * reader_schema.h - results/SCHEMA.md as data, inside the reader: each
 * object of a results document is a table of its keys with their JSON
 * type, whether null is accepted and, for objects and arrays of objects,
 * the table of what they hold (reader_schema.c). reader_validate.c walks a
 * document along these tables.
 */
#ifndef CONTEND_READER_SCHEMA_H
#define CONTEND_READER_SCHEMA_H

#include <stdbool.h>

enum schema_kind {
	K_INT,        /* JSON integer */
	K_NUM,        /* JSON integer or real */
	K_STR,
	K_BOOL,
	K_OBJ,        /* object checked against .sub */
	K_ARR_INT,    /* array of integers */
	K_ARR_NUM,
	K_ARR_STR,
	K_ARR_OBJ,    /* array of objects, each checked against .sub */
};

/* Schema versions, for the keys one of them renamed or added: or'ed into a
 * field's kind. */
#define V1_ONLY 0x100
#define SINCE_V2 0x200
#define KIND_MASK 0xff

struct schema_field {
	const char *key;      /* NULL ends a table */
	int kind;             /* enum schema_kind, | V1_ONLY or SINCE_V2 */
	bool nullable;        /* null accepted in place of the value */
	const struct schema_field *sub;
};


/* The top level of a results document. */
extern const struct schema_field results_top_fields[];

#endif
