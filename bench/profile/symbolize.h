/*
 * symbolize.h - names for the frames `contend profile` recorded: the preload
 * library keeps only object path, GNU build-id and offset (an ELF virtual
 * address in the object) of each return address; this turns them into
 * function and file:line after the program has exited, with elfutils'
 * libdwfl when it was built in (configure says), reading the debug
 * information of the object itself or of /usr/lib/debug/.build-id/...
 * (a -dbgsym package), else the ELF symbol table, else nothing.
 */
#ifndef CONTEND_SYMBOLIZE_H
#define CONTEND_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>

struct symbolizer;

struct sym_frame {
	const char *function; /* NULL: no symbol covers the address */
	uint64_t function_offset;
	const char *file;     /* NULL: no line information */
	int line;             /* 0 with file NULL */
	bool build_id_mismatch; /* the object on disk is not the one that ran */
};

/* NULL when symbols cannot be had (built without libdw). */
struct symbolizer *symbolizer_new(void);
/* Fills f for the address offset of object (build_id: hex or NULL). The
 * strings live as long as the symbolizer. */
void symbolizer_lookup(struct symbolizer *s, const char *object, const char *build_id,
		       uint64_t offset, struct sym_frame *f);
void symbolizer_free(struct symbolizer *s);
/* "libdw": what names frames, for the JSON; "none" without libdw. */
const char *symbolizer_kind(void);

#endif
