/* symbolize.c - see symbolize.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize.h"

#ifdef HAVE_LIBDW
#include <elfutils/libdwfl.h>

/* One Dwfl per object, reported at bias 0, so that module addresses are the
 * object's own virtual addresses: the offsets the library recorded. */
struct sym_object {
	char *path;
	Dwfl *dwfl;
	Dwfl_Module *mod; /* NULL: the file cannot be read as ELF */
	char build_id[2 * 64 + 1];
	struct sym_object *next;
};

struct symbolizer {
	struct sym_object *objects;
	char *debuginfo_path;
	Dwfl_Callbacks cb;
};

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cb.find_elf = dwfl_build_id_find_elf;
	/* The object's own sections, then /usr/lib/debug (.build-id/xx/...,
	 * and the path-mirroring layout): libdwfl's default search. */
	s->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	s->cb.section_address = dwfl_offline_section_address;
	s->cb.debuginfo_path = &s->debuginfo_path;
	return s;
}

static struct sym_object *object_of(struct symbolizer *s, const char *path)
{
	for (struct sym_object *o = s->objects; o; o = o->next)
		if (strcmp(o->path, path) == 0)
			return o;
	struct sym_object *o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->path = strdup(path);
	o->dwfl = dwfl_begin(&s->cb);
	if (o->path != NULL && o->dwfl != NULL) {
		dwfl_report_begin(o->dwfl);
		o->mod = dwfl_report_elf(o->dwfl, path, path, -1, 0, false);
		dwfl_report_end(o->dwfl, NULL, NULL);
	}
	if (o->mod != NULL) {
		const unsigned char *bits;
		GElf_Addr vaddr;
		int n = dwfl_module_build_id(o->mod, &bits, &vaddr);
		for (int i = 0; i < n && 2 * i + 2 < (int)sizeof(o->build_id); i++)
			snprintf(o->build_id + 2 * i, 3, "%02x", bits[i]);
	}
	o->next = s->objects;
	s->objects = o;
	return o;
}

void symbolizer_lookup(struct symbolizer *s, const char *object, const char *build_id,
		       uint64_t offset, struct sym_frame *f)
{
	memset(f, 0, sizeof(*f));
	if (s == NULL || object == NULL)
		return;
	struct sym_object *o = object_of(s, object);
	if (o == NULL || o->mod == NULL)
		return;
	/* A rebuilt or upgraded object at the same path: its symbols would
	 * be wrong ones. */
	if (build_id != NULL && o->build_id[0] != '\0' && strcmp(build_id, o->build_id) != 0) {
		f->build_id_mismatch = true;
		return;
	}
	GElf_Off off;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(o->mod, offset, &off, &sym, NULL, NULL, NULL);
	if (name != NULL) {
		f->function = name;
		f->function_offset = off;
	}
	Dwfl_Line *line = dwfl_module_getsrc(o->mod, offset);
	if (line != NULL) {
		int lineno = 0;
		const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (file != NULL && lineno > 0) {
			f->file = file;
			f->line = lineno;
		}
	}
}

void symbolizer_free(struct symbolizer *s)
{
	if (s == NULL)
		return;
	for (struct sym_object *o = s->objects, *next; o; o = next) {
		next = o->next;
		if (o->dwfl)
			dwfl_end(o->dwfl);
		free(o->path);
		free(o);
	}
	free(s);
}

const char *symbolizer_kind(void)
{
	return "libdw";
}

#else /* !HAVE_LIBDW */

struct symbolizer *symbolizer_new(void)
{
	return NULL;
}

void symbolizer_lookup(struct symbolizer *s, const char *object, const char *build_id,
		       uint64_t offset, struct sym_frame *f)
{
	(void)s;
	(void)object;
	(void)build_id;
	(void)offset;
	memset(f, 0, sizeof(*f));
}

void symbolizer_free(struct symbolizer *s)
{
	(void)s;
}

const char *symbolizer_kind(void)
{
	return "none";
}

#endif
