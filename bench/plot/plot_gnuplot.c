/*
 * plot_gnuplot.c - what every chart driver (plot_charts.c, plot_heatmap.c)
 * stands on: writing gnuplot strings, the chart set and the list of drivers;
 * then finding gnuplot and the chart templates, running gnuplot on the
 * drivers and checking that it drew every image. Below both drivers, so
 * that neither calls into the other for these.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_internal.h"

/* ------------------------------------------------------------------------ */
/* Writing drivers, the chart set                                           */

/* A gnuplot single-quoted string: no escapes inside, ' doubled; newlines
 * become "\n" joined with the . operator. */
void plot_gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if (*s == '\n')
			fputs("'.\"\\n\".'", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

void plot_gp_set_str(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s = ", name);
	plot_gp_string(f, value);
	fputc('\n', f);
}

/* The start of every driver: relative names (data, templates, image) are
 * those of the driver's own directory, wherever gnuplot was started. ARG0
 * is the script's path as gnuplot was given it. */
void plot_gp_here(FILE *f)
{
	fputs("_n = strlen(ARG0); while (_n > 0 && ARG0[_n:_n] ne '/') { _n = _n - 1 }\n"
	      "if (_n > 0) { cd ARG0[1:_n] }\n"
	      "plotsdir = '.'\n", f);
}

/* The machines of a chart, for its second title line. */
void plot_machines_words(const struct plot_ctx *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (c->nin > 3) {
		snprintf(buf, len, "%zu machines", c->nin);
		return;
	}
	for (size_t i = 0; i < c->nin && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? "  vs  " : "", c->in[i].label);
}

void plot_add_note(struct chart_set *set, char *note)
{
	char **n = realloc(set->notes, (set->nnotes + 1) * sizeof(*n));

	if (!n) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	set->notes = n;
	set->notes[set->nnotes++] = note;
}

void plot_add_chart(struct chart_set *set, char *image, const char *tsv, char *title)
{
	struct chart *ch = realloc(set->charts, (set->n + 1) * sizeof(*ch));

	if (!ch) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	set->charts = ch;
	set->charts[set->n++] = (struct chart){ image, xasprintf("%s", tsv), title, false,
						  900, 540 };
}

void plot_add_driver(struct plot_ctx *c, char *driver)
{
	char **d = realloc(c->drivers, (c->ndrivers + 1) * sizeof(*d));
	if (!d) {
		fputs("contend: out of memory\n", stderr);
		exit(1);
	}
	c->drivers = d;
	c->drivers[c->ndrivers++] = driver;
}

void plot_chart_set_free(struct chart_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->charts[i].image);
		free(set->charts[i].tsv);
		free(set->charts[i].title);
	}
	for (size_t i = 0; i < set->nnotes; i++)
		free(set->notes[i]);
	free(set->charts);
	free(set->notes);
	memset(set, 0, sizeof(*set));
}

/* ------------------------------------------------------------------------ */
/* Finding gnuplot and the templates                                         */

int plot_find_gnuplot(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("CONTEND_GNUPLOT");
	const char *path = getenv("PATH");

	if (env && *env) {
		if (access(env, X_OK) == 0) {
			snprintf(buf, len, "%s", env);
			return 0;
		}
		seterr(err, errlen, "gnuplot: CONTEND_GNUPLOT=%s is not an executable", env);
		return -1;
	}
	for (const char *p = path ? path : ""; *p;) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);

		if (dlen > 0) {
			snprintf(buf, len, "%.*s/gnuplot", (int)dlen, p);
			if (access(buf, X_OK) == 0)
				return 0;
		}
		p += dlen + (end ? 1 : 0);
	}
	seterr(err, errlen, "gnuplot: not found in PATH (install it, e.g. the Debian package gnuplot-nox)");
	return -1;
}

static bool has_templates(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/common.gp", dir);
	return access(path, R_OK) == 0;
}

/* True when this process's executable lies in the build tree: then the
 * templates of the same source tree belong to it, not an older install. */
static bool running_uninstalled(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t blen = strlen(CONTEND_BUILDDIR);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strncmp(exe, CONTEND_BUILDDIR, blen) == 0 && exe[blen] == '/';
}

int plot_find_templates(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("CONTEND_PLOTS_DIR");
	const char *src = CONTEND_SRCDIR "/plots", *inst = CONTEND_DATADIR "/plots";

	if (env && *env) {
		if (!has_templates(env)) {
			seterr(err, errlen, "CONTEND_PLOTS_DIR=%s: no common.gp there", env);
			return -1;
		}
		snprintf(buf, len, "%s", env);
		return 0;
	}
	const char *first = running_uninstalled() ? src : inst;
	const char *second = first == src ? inst : src;
	if (has_templates(first))
		snprintf(buf, len, "%s", first);
	else if (has_templates(second))
		snprintf(buf, len, "%s", second);
	else {
		seterr(err, errlen, "chart templates not found in %s or %s (set CONTEND_PLOTS_DIR)",
		       inst, src);
		return -1;
	}
	return 0;
}

/* The most telling line of gnuplot's complaint: the one naming a file and
 * line ("x.gp" line 3: ...), else the last non-empty line. */
static void gnuplot_error_line(const char *log, char *buf, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[512];

	snprintf(buf, len, "no message");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || strspn(line, " ^") == strlen(line))
			continue;
		snprintf(buf, len, "%s", line + strspn(line, " \t"));
		if (strstr(line, " line ") && strchr(line, ':'))
			break;
	}
	fclose(f);
}

int plot_run_gnuplot(const char *gnuplot, const struct plot_ctx *c, char *err, size_t errlen)
{
	char *log = xasprintf("%s/gnuplot.log", c->dir);
	const char **argv = xcalloc(c->ndrivers + 3, sizeof(*argv));
	int status = 0, rc = 0;
	pid_t pid;

	argv[0] = gnuplot;
	/* -d: ignore ~/.gnuplot, so a user's init file cannot change the charts. */
	argv[1] = "-d";
	for (size_t i = 0; i < c->ndrivers; i++)
		argv[i + 2] = c->drivers[i];

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		seterr(err, errlen, "gnuplot: fork: %s", strerror(errno));
		rc = -1;
	} else if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd < 0 || null < 0 || chdir(c->dir) != 0 || dup2(null, 0) < 0 ||
		    dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(gnuplot, (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			char line[512];

			gnuplot_error_line(log, line, sizeof(line));
			seterr(err, errlen, "gnuplot failed (%s %d): %s",
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line);
			rc = -1;
		}
	}
	/* Warnings of a successful run are about skipped NaN points; the
	 * TSV already says which points are not measured. */
	unlink(log);
	free(log);
	free(argv);
	return rc;
}

int plot_check_images(const struct plot_ctx *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->out->n; i++) {
		char *path = xasprintf("%s/%s", c->dir, c->out->charts[i].image);
		struct stat st;
		int bad = stat(path, &st) != 0 || st.st_size == 0;

		free(path);
		if (bad) {
			seterr(err, errlen, "gnuplot wrote no %s", c->out->charts[i].image);
			return -1;
		}
	}
	return 0;
}

/* Every template a driver may load; copied beside the drivers so that an
 * output directory redraws without the tree that made it. */
static const char *const template_files[] = { "common.gp", "chart.gp", "heatmap.gp" };

int plot_copy_templates(const char *from, const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(template_files) / sizeof(template_files[0]); i++) {
		char *src = xasprintf("%s/%s", from, template_files[i]);
		char *dst = xasprintf("%s/%s", dir, template_files[i]);
		FILE *in = fopen(src, "r"), *out = in ? fopen(dst, "w") : NULL;
		char buf[8192];
		size_t n;
		int bad = !in || !out;

		while (!bad && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			bad = fwrite(buf, 1, n, out) != n;
		bad |= in && ferror(in);
		if (in)
			fclose(in);
		if (out && fclose(out) != 0)
			bad = 1;
		if (bad)
			seterr(err, errlen, "%s: cannot copy it to %s: %s", src, dir, strerror(errno));
		free(src);
		free(dst);
		if (bad)
			return -1;
	}
	return 0;
}
