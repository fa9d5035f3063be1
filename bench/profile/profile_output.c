/*
 * profile_output.c - what `contend profile` makes of the profiles the
 * library left: names for their frames (profile_frames.c), the wait stacks on
 * stderr, the JSON in the library's layout (-o), the folded stacks
 * (--folded) and, through profile_html.c, the --html page.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "profile.h"

/* The stderr section: where each of the top mutexes was first locked,
 * named from debug info (the library's table leaves these out: it knows
 * exported symbols only). */
static void print_first_sites(json_t *prof, int top, FILE *out)
{
	json_t *m;
	size_t i;
	bool header = false;

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		if ((int)i >= top)
			break;
		json_t *frames = json_object_get(m, "site_frames"), *fr;
		if (json_array_size(frames) == 0)
			continue;
		if (!header) {
			fprintf(out, "%s: where the top %d mutexes of pid %lld were first locked "
				"(innermost frame first):\n", cli_progname, top,
				(long long)json_integer_value(json_object_get(prof, "pid")));
			header = true;
		}
		size_t k;
		json_array_foreach(frames, k, fr) {
			char label[1024];
			profile_frame_label(fr, true, label, sizeof(label));
			if (k == 0)
				fprintf(out, "%4lld %s first locked at %s\n",
					(long long)json_integer_value(json_object_get(m, "rank")),
					json_string_value(json_object_get(m, "address")), label);
			else
				fprintf(out, "%*s < %s\n", 20, "", label);
		}
	}
}

/* The stderr section: per mutex of the top ones that waited, its top
 * wait stacks, innermost frame first. */
static void print_sites(json_t *prof, int top, FILE *out)
{
	json_t *mutexes = json_object_get(prof, "mutexes"), *m;
	size_t i;
	bool header = false;

	json_array_foreach(mutexes, i, m) {
		if ((int)i >= top)
			break;
		json_t *sites = json_object_get(m, "wait_sites");
		if (json_array_size(sites) == 0)
			continue;
		if (!header) {
			fprintf(out, "%s: where pid %lld (%s) waited (top stacks of the top %d "
				"mutexes; wait, contended acquisitions, innermost frame first):\n",
				cli_progname, (long long)json_integer_value(json_object_get(prof, "pid")),
				profile_base_of(json_string_value(json_object_get(prof, "program")) ?
					json_string_value(json_object_get(prof, "program")) : "?"),
				top);
			header = true;
		}
		const char *mk = json_string_value(json_object_get(m, "kind"));
		bool other = mk && (strcmp(mk, "rwlock") == 0 || strcmp(mk, "spinlock") == 0 ||
				    strcmp(mk, "semaphore") == 0);
		fprintf(out, "%4lld %s %s\n",
			(long long)json_integer_value(json_object_get(m, "rank")),
			other ? mk : "mutex", json_string_value(json_object_get(m, "address")));
		size_t j;
		json_t *site;
		json_array_foreach(sites, j, site) {
			if (j >= 3) {
				fprintf(out, "       (%zu more stacks in the JSON)\n",
					json_array_size(sites) - 3);
				break;
			}
			char w[32], label[1024];
			fmt_dur((double)json_integer_value(json_object_get(site, "wait_ns")), w,
				sizeof(w));
			const char *kind = json_string_value(json_object_get(site, "kind"));
			json_t *frames = json_object_get(site, "frames"), *fr;
			size_t k;
			const char *what = "";
			if (kind && strcmp(kind, "cond_retake") == 0)
				what = "re-take after condition wait, ";
			else if (kind && strcmp(kind, "rdlock") == 0)
				what = "read lock, ";
			else if (kind && strcmp(kind, "wrlock") == 0)
				what = "write lock, ";
			fprintf(out, "     %10s %7lld  %s", w,
				(long long)json_integer_value(json_object_get(site, "contended")),
				what);
			if (json_array_size(frames) == 0)
				fprintf(out, "(no stack)\n");
			json_array_foreach(frames, k, fr) {
				profile_frame_label(fr, true, label, sizeof(label));
				fprintf(out, k ? "                          < %s\n" : "%s\n", label);
			}
		}
		json_t *drop = json_object_get(m, "wait_sites_dropped");
		json_int_t dc = json_integer_value(json_object_get(drop, "contended"));
		if (dc > 0) {
			char w[32];
			fmt_dur((double)json_integer_value(json_object_get(drop, "wait_ns")), w,
				sizeof(w));
			fprintf(out, "     %10s %7lld  (stacks that did not fit or could not be taken)\n",
				w, (long long)dc);
		}
	}
}

/* One line per wait stack: program;outermost;...;innermost;lock-call@mutex
 * SPACE wait_ns (the folded format of flamegraph.pl). */
static int write_folded_lines(FILE *f, json_t *prof)
{
	json_t *m, *site, *fr;
	size_t i, j, k;
	const char *prog = json_string_value(json_object_get(prof, "program"));

	json_array_foreach(json_object_get(prof, "mutexes"), i, m) {
		json_array_foreach(json_object_get(m, "wait_sites"), j, site) {
			json_t *frames = json_object_get(site, "frames");
			const char *kind = json_string_value(json_object_get(site, "kind"));
			char label[1024];
			fprintf(f, "%s", prog ? profile_base_of(prog) : "?");
			for (k = json_array_size(frames); k-- > 0;) {
				fr = json_array_get(frames, k);
				profile_frame_label(fr, false, label, sizeof(label));
				/* ';' separates frames and the last space the
				 * count: neither may be inside a frame. */
				for (char *c = label; *c; c++)
					if (*c == ';' || *c == ' ')
						*c = '_';
				fprintf(f, ";%s", label);
			}
			fprintf(f, ";%s@%s %lld\n", profile_wait_call(kind),
				json_string_value(json_object_get(m, "address")),
				(long long)json_integer_value(json_object_get(site, "wait_ns")));
		}
	}
	return ferror(f) ? -1 : 0;
}

struct folded_ctx {
	json_t **profs;
	size_t n;
};

static int write_folded(FILE *f, void *arg)
{
	struct folded_ctx *c = arg;
	for (size_t i = 0; i < c->n; i++)
		if (write_folded_lines(f, c->profs[i]) != 0)
			return -1;
	return 0;
}

/* A profile as the library lays it out: one top-level key per line, one
 * mutex per line (greppable), in the library's key order. */
static int dump_profile(FILE *f, void *arg)
{
	json_t *prof = arg;
	const char *key;
	json_t *v;
	size_t n = json_object_size(prof), i = 0;

	fputs("{\n", f);
	json_object_foreach(prof, key, v) {
		i++;
		fprintf(f, "  \"%s\": ", key);
		if (strcmp(key, "mutexes") == 0 && json_array_size(v) > 0) {
			size_t j;
			json_t *m;
			fputs("[", f);
			json_array_foreach(v, j, m) {
				fputs(j ? ",\n    " : "\n    ", f);
				if (json_dumpf(m, f, JSON_INDENT(0) | JSON_PRESERVE_ORDER) != 0)
					return -1;
			}
			fputs("\n  ]", f);
		} else if (json_dumpf(v, f, JSON_INDENT(0) | JSON_PRESERVE_ORDER |
				      JSON_ENCODE_ANY) != 0) {
			return -1;
		}
		fputs(i < n ? ",\n" : "\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* The profiles the run left in dir (profile.json of the main process,
 * profile.json.<pid> of the others): symbolised, their wait sites printed,
 * written to -o FILE and FILE.<pid>, folded. Returns 0, or 1 when an
 * output could not be written. */
int profile_post_process(const char *dir, const struct post_opts *po)
{
	json_t *profs[1024];
	char names[1024][64];
	size_t n = 0;
	int rc = 0;
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct symbolizer *sym = symbolizer_new();

	while (dp != NULL && (de = readdir(dp)) != NULL && n < 1024) {
		if (strncmp(de->d_name, "profile.json", 12) != 0 ||
		    (de->d_name[12] != '\0' && de->d_name[12] != '.') ||
		    strstr(de->d_name, ".tmp.") != NULL)
			continue;
		char path[PATH_MAX];
		json_error_t err;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json_t *p = json_load_file(path, 0, &err);
		if (p == NULL) {
			cli_error("warning: the profile of a process is not valid JSON (%s): %s",
				  de->d_name, err.text);
			continue;
		}
		snprintf(names[n], sizeof(names[n]), "%s", de->d_name + 12);
		profs[n++] = p;
	}
	if (dp != NULL)
		closedir(dp);
	/* The main process first, then the others by name (pid). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (names[j][0] == '\0' ||
					     (names[j - 1][0] != '\0' &&
					      strlen(names[j]) <= strlen(names[j - 1]) &&
					      (strlen(names[j]) < strlen(names[j - 1]) ||
					       strcmp(names[j], names[j - 1]) < 0))); j--) {
			json_t *t = profs[j];
			char tn[64];
			profs[j] = profs[j - 1];
			profs[j - 1] = t;
			memcpy(tn, names[j], sizeof(tn));
			memcpy(names[j], names[j - 1], sizeof(tn));
			memcpy(names[j - 1], tn, sizeof(tn));
		}
	for (size_t i = 0; i < n; i++) {
		profile_symbolise(profs[i], sym);
		profile_symbolise_order(profs[i], sym);
		if (!po->quiet) {
			print_first_sites(profs[i], po->top, stderr);
			print_sites(profs[i], po->top, stderr);
			profile_print_order(profs[i], stderr);
		}
		if (po->user_out != NULL) {
			char path[PATH_MAX + 64], err[PATH_MAX + 128];
			if (snprintf(path, sizeof(path), "%s%s", po->user_out, names[i]) >=
			    (int)sizeof(path)) {
				cli_error("cannot write '%s%s': path too long", po->user_out, names[i]);
				rc = 1;
			} else if (atomic_write_file(path, dump_profile, profs[i], err, sizeof(err)) != 0) {
				cli_error("%s", err);
				rc = 1;
			}
		}
	}
	if (po->folded != NULL) {
		struct folded_ctx fc = { profs, n };
		char err[PATH_MAX + 128];
		if (atomic_write_file(po->folded, write_folded, &fc, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = 1;
		}
	}
	if (po->pprof != NULL) {
		struct profile_set ps = { profs, n, po->top };
		char err[PATH_MAX + 128];
		if (atomic_write_file(po->pprof, profile_write_pprof, &ps, err, sizeof(err)) != 0) {
			cli_error("--pprof: %s", err);
			rc = 1;
		}
	}
	if (po->html != NULL) {
		struct profile_set hc = { profs, n, po->top };
		char path[PATH_MAX + 32], err[PATH_MAX + 128];
		snprintf(path, sizeof(path), "%s/index.html", po->html->tmp);
		if (n == 0) {
			cli_error("--html: no profile to draw (the program left none)");
			rc = 1;
		} else if (atomic_write_file(path, profile_write_html, &hc, err, sizeof(err)) != 0 ||
			   staged_dir_commit(po->html, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = 1;
		}
	}
	for (size_t i = 0; i < n; i++)
		json_decref(profs[i]);
	symbolizer_free(sym);
	return rc;
}
