/*
 * profile_pprof.c - `contend profile --pprof FILE`: the wait stacks of a run
 * as a gzipped profile.proto, the format of pprof (github.com/google/pprof,
 * proto/profile.proto), which pprof, speedscope, Perfetto and most
 * continuous profilers read.
 *
 * The protobuf encoding is written here (varints and length-delimited
 * fields are all profile.proto needs) rather than through a protobuf
 * library: the message is small and fixed, and the build gains no
 * dependency beyond zlib for the gzip wrapper.
 *
 * What goes in:
 *   sample types  contentions/count, wait/nanoseconds, hold/nanoseconds
 *                 (default: wait);
 *   one sample    per wait site of every process: a synthetic leaf
 *                 "CALL@MUTEX" (the call that waited and the lock's
 *                 address, as --folded ends its lines), then the site's
 *                 frames innermost first (pprof's order), values
 *                 (contended, wait_ns, 0), labels pid, mutex, kind;
 *   one sample    per lock whose hold time was measured: the single frame
 *                 "hold@MUTEX", values (0, 0, samples x mean hold), the
 *                 sum of the measured holds (one acquisition in
 *                 hold_sample_every is timed; the JSON says the same);
 *   locations     one per (object, offset), its address the ELF virtual
 *                 address the JSON gives, with a line (function, line)
 *                 when the frame was named;
 *   functions     one per (name, file);
 *   mappings      one per object, with its GNU build-id.
 * Samples are additive, as pprof requires: a wait sample carries no hold
 * and a hold sample no wait, so the totals of each type are the JSON's.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "profile.h"

/* Frames of a wait site (the library keeps at most 16). */
#define PRELOAD_PPROF_FRAMES 16

/* A growing byte buffer; oom latches an allocation failure. */
struct pb {
	unsigned char *p;
	size_t n, cap;
	bool oom;
};

static void pb_put(struct pb *b, const void *data, size_t len)
{
	if (b->oom)
		return;
	if (b->n + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + len)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	unsigned char buf[10];
	size_t n = 0;
	do {
		buf[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			buf[n] |= 0x80;
		n++;
	} while (v != 0);
	pb_put(b, buf, n);
}

/* Wire types: 0 varint, 2 length-delimited. */
static void pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_varint(b, (uint64_t)field << 3 | 0);
	pb_varint(b, v);
}

static void pb_bytes(struct pb *b, unsigned field, const void *data, size_t len)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, len);
	pb_put(b, data, len);
}

/* A sub-message, then the buffer emptied for the next one. */
static void pb_msg(struct pb *b, unsigned field, struct pb *sub)
{
	if (sub->oom)
		b->oom = true;
	pb_bytes(b, field, sub->p, sub->n);
	sub->n = 0;
}

/* Interned keys: the string table and the id maps (function, location,
 * mapping) are all "a string to a small number, first seen first". */
struct intern {
	char **keys;
	uint64_t *ids;
	size_t n, cap; /* cap: a power of two, slots of keys/ids */
	uint64_t next;
	bool oom;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The id of key, *fresh true when it was new (ids from first). */
static uint64_t intern(struct intern *t, const char *key, bool *fresh)
{
	*fresh = false;
	if (t->oom)
		return 0;
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		char **keys = calloc(cap, sizeof(*keys));
		uint64_t *ids = calloc(cap, sizeof(*ids));
		if (keys == NULL || ids == NULL) {
			free(keys);
			free(ids);
			t->oom = true;
			return 0;
		}
		for (size_t i = 0; i < t->cap; i++) {
			if (t->keys[i] == NULL)
				continue;
			size_t j = hash_str(t->keys[i]) & (cap - 1);
			while (keys[j] != NULL)
				j = (j + 1) & (cap - 1);
			keys[j] = t->keys[i];
			ids[j] = t->ids[i];
		}
		free(t->keys);
		free(t->ids);
		t->keys = keys;
		t->ids = ids;
		t->cap = cap;
	}
	size_t j = hash_str(key) & (t->cap - 1);
	while (t->keys[j] != NULL) {
		if (strcmp(t->keys[j], key) == 0)
			return t->ids[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->keys[j] = strdup(key);
	if (t->keys[j] == NULL) {
		t->oom = true;
		return 0;
	}
	t->ids[j] = t->next++;
	t->n++;
	*fresh = true;
	return t->ids[j];
}

static void intern_free(struct intern *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->ids);
}

struct pprof {
	struct pb out;       /* the Profile message */
	struct pb tmp, tmp2; /* sub-messages being built */
	struct intern strs, funcs, locs, maps;
};

/* A string's index in the string table (entry 0 is ""), appended to the
 * message when new: string_table = 6. */
static uint64_t str_id(struct pprof *pp, const char *s)
{
	bool fresh;
	uint64_t id = intern(&pp->strs, s ? s : "", &fresh);
	if (fresh)
		pb_bytes(&pp->out, 6, s ? s : "", s ? strlen(s) : 0);
	return id;
}

/* Mapping (3): id 1, filename 5, build_id 6, has_functions 7. */
static uint64_t mapping_id(struct pprof *pp, const char *obj, const char *build_id)
{
	bool fresh;
	uint64_t id = intern(&pp->maps, obj ? obj : "?", &fresh);
	if (fresh) {
		struct pb *m = &pp->tmp2;
		pb_uint(m, 1, id);
		pb_uint(m, 5, str_id(pp, obj ? obj : "?"));
		if (build_id != NULL)
			pb_uint(m, 6, str_id(pp, build_id));
		pb_uint(m, 7, 1);
		pb_msg(&pp->out, 3, m);
	}
	return id;
}

/* Function (5): id 1, name 2, system_name 3, filename 4. */
static uint64_t function_id(struct pprof *pp, const char *name, const char *file)
{
	char key[2048];
	bool fresh;
	snprintf(key, sizeof(key), "%s\n%s", name, file ? file : "");
	uint64_t id = intern(&pp->funcs, key, &fresh);
	if (fresh) {
		struct pb *f = &pp->tmp2;
		pb_uint(f, 1, id);
		pb_uint(f, 2, str_id(pp, name));
		pb_uint(f, 3, str_id(pp, name));
		if (file != NULL)
			pb_uint(f, 4, str_id(pp, file));
		pb_msg(&pp->out, 5, f);
	}
	return id;
}

/* Location (4) of a frame: id 1, mapping_id 2, address 3, line 4 (Line:
 * function_id 1, line 2). */
static uint64_t frame_location(struct pprof *pp, json_t *fr)
{
	const char *obj = json_string_value(json_object_get(fr, "object"));
	const char *off = json_string_value(json_object_get(fr, "offset"));
	const char *fn = json_string_value(json_object_get(fr, "function"));
	const char *file = json_string_value(json_object_get(fr, "file"));
	json_t *line = json_object_get(fr, "line");
	char key[PATH_MAX + 64];
	bool fresh;

	snprintf(key, sizeof(key), "%s\n%s", obj ? obj : "?", off ? off : "?");
	uint64_t id = intern(&pp->locs, key, &fresh);
	if (fresh) {
		uint64_t map = mapping_id(pp, obj,
					  json_string_value(json_object_get(fr, "build_id")));
		uint64_t fid = fn ? function_id(pp, fn, file) : 0;
		struct pb *l = &pp->tmp;
		pb_uint(l, 1, id);
		pb_uint(l, 2, map);
		pb_uint(l, 3, off ? strtoull(off, NULL, 16) : 0);
		if (fid != 0) {
			struct pb ln = { 0 };
			pb_uint(&ln, 1, fid);
			if (json_is_integer(line))
				pb_uint(&ln, 2, (uint64_t)json_integer_value(line));
			pb_msg(l, 4, &ln);
			free(ln.p);
		}
		pb_msg(&pp->out, 4, l);
	}
	return id;
}

/* A location of one synthetic function, no mapping (the lock call and the
 * mutex: what pprof can group by). */
static uint64_t synthetic_location(struct pprof *pp, const char *name)
{
	char key[512];
	bool fresh;
	snprintf(key, sizeof(key), "synthetic\n%s", name);
	uint64_t id = intern(&pp->locs, key, &fresh);
	if (fresh) {
		uint64_t fid = function_id(pp, name, NULL);
		struct pb *l = &pp->tmp, ln = { 0 };
		pb_uint(l, 1, id);
		pb_uint(&ln, 1, fid);
		pb_msg(l, 4, &ln);
		free(ln.p);
		pb_msg(&pp->out, 4, l);
	}
	return id;
}

/* Label (3 of Sample): key 1, str 2, num 3. */
static void label_str(struct pprof *pp, struct pb *s, const char *k, const char *v)
{
	struct pb l = { 0 };
	pb_uint(&l, 1, str_id(pp, k));
	pb_uint(&l, 2, str_id(pp, v ? v : "?"));
	pb_msg(s, 3, &l);
	free(l.p);
}

static void label_num(struct pprof *pp, struct pb *s, const char *k, int64_t v)
{
	struct pb l = { 0 };
	pb_uint(&l, 1, str_id(pp, k));
	pb_uint(&l, 3, (uint64_t)v);
	pb_msg(s, 3, &l);
	free(l.p);
}

/* Sample (2): location_id 1 and value 2, both packed. */
static void sample(struct pprof *pp, const uint64_t *locs, size_t nlocs, int64_t contended,
		   int64_t wait_ns, int64_t hold_ns, json_int_t pid, const char *mutex,
		   const char *kind)
{
	struct pb s = { 0 }, packed = { 0 };
	for (size_t i = 0; i < nlocs; i++)
		pb_varint(&packed, locs[i]);
	pb_msg(&s, 1, &packed);
	pb_varint(&packed, (uint64_t)contended);
	pb_varint(&packed, (uint64_t)wait_ns);
	pb_varint(&packed, (uint64_t)hold_ns);
	pb_msg(&s, 2, &packed);
	label_num(pp, &s, "pid", pid);
	label_str(pp, &s, "mutex", mutex);
	label_str(pp, &s, "kind", kind);
	pb_msg(&pp->out, 2, &s);
	free(s.p);
	free(packed.p);
}

/* ValueType (1 sample_type, 11 period_type): type 1, unit 2. */
static void value_type(struct pprof *pp, unsigned field, const char *type, const char *unit)
{
	struct pb v = { 0 };
	pb_uint(&v, 1, str_id(pp, type));
	pb_uint(&v, 2, str_id(pp, unit));
	pb_msg(&pp->out, field, &v);
	free(v.p);
}

static void add_profile(struct pprof *pp, json_t *prof)
{
	json_int_t pid = json_integer_value(json_object_get(prof, "pid"));
	json_t *m, *site, *fr;
	size_t i, j, k;

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		const char *addr = json_string_value(json_object_get(m, "address"));
		char leaf[256];
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			json_t *frames = json_object_get(site, "frames");
			const char *kind = json_string_value(json_object_get(site, "kind"));
			uint64_t locs[PRELOAD_PPROF_FRAMES + 1];
			size_t n = 0;
			snprintf(leaf, sizeof(leaf), "%s@%s", profile_wait_call(kind),
				 addr ? addr : "?");
			locs[n++] = synthetic_location(pp, leaf);
			json_array_foreach(frames, k, fr) {
				if (n > PRELOAD_PPROF_FRAMES)
					break;
				locs[n++] = frame_location(pp, fr);
			}
			sample(pp, locs, n, json_integer_value(json_object_get(site, "contended")),
			       json_integer_value(json_object_get(site, "wait_ns")), 0, pid, addr,
			       kind ? kind : "?");
		}
		json_t *hold = json_object_get(m, "hold_ns");
		json_int_t hs = json_integer_value(json_object_get(hold, "samples"));
		json_t *mean = json_object_get(hold, "mean");
		if (hs > 0 && json_is_integer(mean)) {
			snprintf(leaf, sizeof(leaf), "hold@%s", addr ? addr : "?");
			uint64_t loc = synthetic_location(pp, leaf);
			sample(pp, &loc, 1, 0, 0, hs * json_integer_value(mean), pid, addr, "hold");
		}
	}
}

/* The encoded Profile of the n profiles into *out (malloc'ed); -1 when out
 * of memory. */
static int encode(json_t **profs, size_t n, struct pb *out)
{
	struct pprof pp = { 0 };
	/* Ids of functions, locations and mappings start at 1 (0: none). */
	pp.funcs.next = pp.locs.next = pp.maps.next = 1;
	str_id(&pp, ""); /* string_table[0] must be "" */
	value_type(&pp, 1, "contentions", "count");
	value_type(&pp, 1, "wait", "nanoseconds");
	value_type(&pp, 1, "hold", "nanoseconds");
	for (size_t i = 0; i < n; i++)
		add_profile(&pp, profs[i]);
	if (n > 0) {
		json_t *el = json_object_get(profs[0], "elapsed_ns");
		if (json_is_integer(el))
			pb_uint(&pp.out, 10, (uint64_t)json_integer_value(el)); /* duration_nanos */
	}
	value_type(&pp, 11, "contentions", "count"); /* period_type */
	pb_uint(&pp.out, 12, 1);                     /* period: every contention */
	/* comment (13), then default_sample_type (14): wait. */
	pb_uint(&pp.out, 13, str_id(&pp, "contend profile: wait samples at the stacks that "
				    "waited; hold samples per lock: sum of the measured "
				    "holds (one acquisition in hold_sample_every is timed)"));
	pb_uint(&pp.out, 14, str_id(&pp, "wait"));
	bool oom = pp.out.oom || pp.strs.oom || pp.funcs.oom || pp.locs.oom || pp.maps.oom ||
		   pp.tmp.oom || pp.tmp2.oom;
	free(pp.tmp.p);
	free(pp.tmp2.p);
	intern_free(&pp.strs);
	intern_free(&pp.funcs);
	intern_free(&pp.locs);
	intern_free(&pp.maps);
	*out = pp.out;
	return oom ? -1 : 0;
}

bool profile_pprof_available(void)
{
#ifdef HAVE_ZLIB
	return true;
#else
	return false;
#endif
}

int profile_write_pprof(FILE *f, void *arg)
{
	struct profile_set *set = arg;
	struct pb raw = { 0 };
	int rc = -1;

	if (encode(set->profs, set->n, &raw) != 0) {
		free(raw.p);
		return -1;
	}
#ifdef HAVE_ZLIB
	z_stream z = { 0 };
	/* windowBits 15 + 16: a gzip wrapper, which pprof expects. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) == Z_OK) {
		uLong bound = deflateBound(&z, raw.n);
		unsigned char *gz = malloc(bound);
		if (gz != NULL) {
			z.next_in = raw.p;
			z.avail_in = (uInt)raw.n;
			z.next_out = gz;
			z.avail_out = (uInt)bound;
			if (deflate(&z, Z_FINISH) == Z_STREAM_END &&
			    fwrite(gz, 1, z.total_out, f) == z.total_out)
				rc = 0;
			free(gz);
		}
		deflateEnd(&z);
	}
#else
	(void)f;
#endif
	free(raw.p);
	return rc == 0 && !ferror(f) ? 0 : -1;
}
