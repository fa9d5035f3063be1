/*
 * profile_frames.c - how a profile's frames and wait sites are named: the
 * symbols of every frame (symbolize.c), a frame in words, the call that
 * waited. Below both the text output (profile_output.c) and the page
 * (profile_html.c), so that neither calls into the other for them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "profile.h"

const char *profile_base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Adds function, function_offset, file and line to one frame (the
 * library recorded object, build_id and offset only). */
void profile_name_frame(json_t *frame, struct symbolizer *sym)
{
	const char *obj = json_string_value(json_object_get(frame, "object"));
	const char *bid = json_string_value(json_object_get(frame, "build_id"));
	const char *off = json_string_value(json_object_get(frame, "offset"));
	struct sym_frame f;
	symbolizer_lookup(sym, obj, bid, off ? strtoull(off, NULL, 16) : 0, &f);
	json_object_set_new(frame, "function", f.function ? json_string(f.function) : json_null());
	json_object_set_new(frame, "function_offset",
			    f.function ? json_integer((json_int_t)f.function_offset) : json_null());
	json_object_set_new(frame, "file", f.file ? json_string(f.file) : json_null());
	json_object_set_new(frame, "line", f.file ? json_integer(f.line) : json_null());
	if (f.build_id_mismatch)
		json_object_set_new(frame, "build_id_mismatch", json_true());
}

/* Adds function, function_offset, file and line to every frame of every
 * wait site and first-locked site of one process's profile (the library
 * recorded object, build_id and offset only), and says which symboliser
 * did it. */
void profile_symbolise(json_t *prof, struct symbolizer *sym)
{
	size_t i, j, k;
	json_t *m, *site, *frame;

	json_object_set_new(prof, "symbols", json_string(sym ? symbolizer_kind() : "none"));
	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "site_frames"), k, frame)
			profile_name_frame(frame, sym);
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			json_array_foreach(json_object_get(site, "frames"), k, frame)
				profile_name_frame(frame, sym);
		}
	}
}

/* A frame in words: "function (file:line)", "function+0xoff (object)" or
 * "object+0xoff"; with_place false: the function name alone if known. */
void profile_frame_label(json_t *frame, bool with_place, char *buf, size_t len)
{
	const char *fn = json_string_value(json_object_get(frame, "function"));
	const char *file = json_string_value(json_object_get(frame, "file"));
	const char *obj = json_string_value(json_object_get(frame, "object"));
	const char *off = json_string_value(json_object_get(frame, "offset"));

	if (fn != NULL && !with_place)
		snprintf(buf, len, "%s", fn);
	else if (fn != NULL && file != NULL)
		snprintf(buf, len, "%s (%s:%lld)", fn, profile_base_of(file),
			 (long long)json_integer_value(json_object_get(frame, "line")));
	else if (fn != NULL)
		snprintf(buf, len, "%s+0x%llx (%s)", fn,
			 (long long)json_integer_value(json_object_get(frame, "function_offset")),
			 obj ? profile_base_of(obj) : "?");
	else
		snprintf(buf, len, "%s+%s", obj ? profile_base_of(obj) : "?", off ? off : "?");
}

/* The call that waited, by wait-site kind (the library's names). */
const char *profile_wait_call(const char *kind)
{
	static const char *const map[][2] = {
		{ "cond_retake", "cond_retake" },
		{ "rdlock", "pthread_rwlock_rdlock" },
		{ "wrlock", "pthread_rwlock_wrlock" },
		{ "spin", "pthread_spin_lock" },
		{ "sem", "sem_wait" },
	};
	for (size_t i = 0; kind != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kind, map[i][0]) == 0)
			return map[i][1];
	return "pthread_mutex_lock";
}
