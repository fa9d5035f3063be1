/*
 * report.c - what the preload library leaves behind when a process ends:
 * a table of the top N mutexes by total wait time on stderr and, with
 * CONTEND_PROFILE_OUT, a JSON file (format: preload/README.md).
 *
 * The JSON is written by hand: no JSON library is loaded into the profiled
 * program (it might carry its own, different version of one, and a library
 * would allocate from the program's heap at exit). Output goes through
 * write(2) from buffers on our stack; nothing here takes a stdio lock or
 * calls malloc, since the program may exit while another thread holds
 * either. The file is written atomically: a mkostemp() file "<path>.tmp.XXXXXX"
 * (O_EXCL: never through a planted symlink), then rename.
 *
 * Who writes: once per process, from the destructor (exit()) or from the
 * _exit/_Exit wrapper. A child made by fork() starts an empty profile of its
 * own and writes "<path>.<pid>"; so does any other process that is not the
 * one `contend profile` started (exec'd children inherit LD_PRELOAD). Those
 * print their table only if they locked a mutex. A vfork()ed child shares
 * our memory and must not write: it is recognised by its pid.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload.h"

uint64_t report_start_ns;
static _Atomic int report_done;
static pid_t report_pid; /* the process our records describe; 0: not yet */

struct out {
	int fd;
	size_t len;
	char buf[8192];
};

static void out_flush(struct out *o)
{
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	o->len = 0;
}

static void out_str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len + n > sizeof(o->buf))
		out_flush(o);
	if (n > sizeof(o->buf)) {
		(void)!write(o->fd, s, n);
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static __attribute__((format(printf, 2, 3))) void out_fmt(struct out *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out_str(o, line);
}

/* A JSON string (quotes included) with the escapes RFC 8259 requires. */
static void out_json_str(struct out *o, const char *s)
{
	char esc[8];
	out_str(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
			out_str(o, esc);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			out_str(o, esc);
		} else {
			esc[0] = (char)c;
			esc[1] = '\0';
			out_str(o, esc);
		}
	}
	out_str(o, "\"");
}

static const char *kind_name(int k)
{
	switch (k) {
	case REC_NORMAL: return "normal";
	case REC_ADAPTIVE: return "adaptive";
	case REC_RECURSIVE: return "recursive";
	case REC_ERRORCHECK: return "errorcheck";
	case REC_SPECIAL: return "robust/pi/pp/pshared";
	case REC_RWLOCK: return "rwlock";
	case REC_SPIN: return "spinlock";
	case REC_SEM: return "semaphore";
	default: return "cond";
	}
}

static uint64_t ld(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* ---- collecting and ranking ------------------------------------------- */

struct collect {
	struct mutex_rec **recs;
	size_t n, cap;
};

static bool reportable(struct mutex_rec *r)
{
	return atomic_load_explicit(&r->kind, memory_order_relaxed) != REC_COND &&
	       (ld(&r->acquisitions) != 0 || ld(&r->trylock_busy) != 0 ||
		ld(&r->sem_posts) != 0 ||
		ld(&r->timeouts) != 0 || ld(&r->cond_waits) != 0);
}

static void count_one(struct mutex_rec *r, void *arg)
{
	if (reportable(r))
		((struct collect *)arg)->cap++;
}

static void collect_one(struct mutex_rec *r, void *arg)
{
	struct collect *c = arg;
	if (c->n < c->cap && reportable(r))
		c->recs[c->n++] = r;
}

/* Ranking: total wait, then acquisitions, then address (stable output). */
static bool ranks_before(struct mutex_rec *a, struct mutex_rec *b)
{
	uint64_t wa = ld(&a->wait_ns), wb = ld(&b->wait_ns);
	if (wa != wb)
		return wa > wb;
	uint64_t aa = ld(&a->acquisitions), ab = ld(&b->acquisitions);
	if (aa != ab)
		return aa > ab;
	return (uintptr_t)a->addr < (uintptr_t)b->addr;
}

/* Shell sort (Ciura's gaps): libc's qsort may call malloc. */
static void rank(struct mutex_rec **v, size_t n)
{
	static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		size_t gap = gaps[g];
		for (size_t i = gap; i < n; i++) {
			struct mutex_rec *t = v[i];
			size_t j = i;
			for (; j >= gap && ranks_before(t, v[j - gap]); j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
	}
}

/* ---- formatting --------------------------------------------------------- */

static void fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static char exe_path[4096];

/* One frame in words: "symbol+0xoff (object)" where the object exports a
 * symbol there, else "object+0xoff" (the offset addr2line wants). */
struct frame_info {
	const char *object; /* full path */
	const char *symbol; /* NULL if none */
	uintptr_t sym_off, obj_off;
};

static void frame_info(void *pc, struct frame_info *fi)
{
	Dl_info info;
	/* A return address: look up the call instruction just before it. */
	uintptr_t a = (uintptr_t)pc - 1;
	memset(fi, 0, sizeof(*fi));
	fi->object = "?";
	fi->obj_off = a;
	if (dladdr((void *)a, &info) == 0)
		return;
	fi->object = info.dli_fname && info.dli_fname[0] ? info.dli_fname : exe_path;
	fi->obj_off = a - (uintptr_t)info.dli_fbase;
	if (info.dli_sname != NULL && info.dli_saddr != NULL) {
		fi->symbol = info.dli_sname;
		fi->sym_off = a - (uintptr_t)info.dli_saddr;
	}
}

static void frame_text(char *buf, size_t len, const struct frame_info *fi)
{
	if (fi->symbol)
		snprintf(buf, len, "%s+0x%lx (%s)", fi->symbol,
			 (unsigned long)fi->sym_off, base_name(fi->object));
	else
		snprintf(buf, len, "%s+0x%lx", base_name(fi->object),
			 (unsigned long)fi->obj_off);
}

/* ---- wait sites: object, build-id and offset of each frame ------------ */

/* The loaded object holding a code address: its path, load bias (address
 * minus ELF virtual address) and GNU build-id, from the program headers the
 * dynamic loader keeps. Symbols are left to `contend profile`, after the
 * program has exited. */
struct obj_info {
	const void *pc;
	const char *name;
	uintptr_t bias;
	char build_id[2 * 64 + 1];
	bool found;
};

static void build_id_of(struct dl_phdr_info *info, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
			const char *name = p + sizeof(*nh);
			const unsigned char *desc = (const unsigned char *)name +
				((nh->n_namesz + 3) & ~3u);
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 &&
			    desc + nh->n_descsz <= (const unsigned char *)end) {
				size_t k = 0;
				for (unsigned j = 0; j < nh->n_descsz && k + 2 < len; j++, k += 2)
					snprintf(out + k, 3, "%02x", desc[j]);
				out[k] = '\0';
				return;
			}
			p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
}

static int find_obj(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct obj_info *o = arg;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && (uintptr_t)o->pc >= a &&
		    (uintptr_t)o->pc < a + ph->p_memsz) {
			o->found = true;
			o->name = info->dlpi_name;
			o->bias = info->dlpi_addr;
			build_id_of(info, o->build_id, sizeof(o->build_id));
			return 1;
		}
	}
	return 0;
}

static void out_frame_raw(struct out *o, void *pc)
{
	/* A return address: the call is the instruction before it. */
	struct obj_info oi = { .pc = (const char *)pc - 1 };
	dl_iterate_phdr(find_obj, &oi);
	out_str(o, "{\"object\": ");
	if (!oi.found) {
		out_fmt(o, "null, \"build_id\": null, \"offset\": \"0x%lx\"}",
			(unsigned long)((uintptr_t)pc - 1));
		return;
	}
	out_json_str(o, oi.name && oi.name[0] ? oi.name : exe_path);
	out_str(o, ", \"build_id\": ");
	if (oi.build_id[0])
		out_fmt(o, "\"%s\"", oi.build_id);
	else
		out_str(o, "null");
	out_fmt(o, ", \"offset\": \"0x%lx\"}",
		(unsigned long)((uintptr_t)pc - 1 - oi.bias));
}

static const char *wait_kind_name(int k)
{
	switch (k) {
	case WAIT_COND_RETAKE: return "cond_retake";
	case WAIT_RDLOCK: return "rdlock";
	case WAIT_WRLOCK: return "wrlock";
	case WAIT_SPIN: return "spin";
	case WAIT_SEM: return "sem";
	default: return "lock";
	}
}

/* The wait sites of r, most waited first; their histogram; what did not fit. */
static void out_waits(struct out *o, struct mutex_rec *r)
{
	/* ACQUIRE: pairs with the RELEASE CAS in rec_wait(). */
	struct wait_info *w = atomic_load_explicit(&r->waits, memory_order_acquire);
	struct wait_site *v[PRELOAD_SITES];
	size_t n = 0;

	out_str(o, "\"wait_sites\": [");
	if (w != NULL) {
		for (unsigned i = 0; i < PRELOAD_SITES; i++)
			/* ACQUIRE: pairs with the RELEASE of nframes. */
			if (atomic_load_explicit(&w->site[i].nframes, memory_order_acquire) > 0 &&
			    ld(&w->site[i].count) > 0)
				v[n++] = &w->site[i];
		for (size_t i = 1; i < n; i++) /* insertion sort, by wait */
			for (size_t j = i; j > 0 && ld(&v[j]->wait_ns) > ld(&v[j - 1]->wait_ns); j--) {
				struct wait_site *t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
	}
	for (size_t i = 0; i < n; i++) {
		struct wait_site *s = v[i];
		int nf = atomic_load_explicit(&s->nframes, memory_order_acquire) - 1;
		out_fmt(o, "%s{\"kind\": \"%s\", \"contended\": %llu, \"wait_ns\": %llu, "
			"\"frames\": [", i ? ", " : "", wait_kind_name(s->kind),
			(unsigned long long)ld(&s->count), (unsigned long long)ld(&s->wait_ns));
		for (int f = 0; f < nf; f++) {
			if (f)
				out_str(o, ", ");
			out_frame_raw(o, s->frames[f]);
		}
		out_str(o, "]}");
	}
	out_fmt(o, "], \"wait_sites_dropped\": {\"contended\": %llu, \"wait_ns\": %llu}, ",
		(unsigned long long)(w ? ld(&w->dropped) : 0),
		(unsigned long long)(w ? ld(&w->dropped_ns) : 0));
	/* Bucket b >= 1: waits of [2^(b-1), 2^b) ns; only non-empty ones. */
	out_str(o, "\"wait_histogram\": [");
	bool first = true;
	for (int b = 0; w != NULL && b < PRELOAD_HIST_BUCKETS; b++) {
		uint64_t c = ld(&w->hist[b]);
		if (c == 0)
			continue;
		out_fmt(o, "%s{\"ge_ns\": %llu, \"lt_ns\": %llu, \"count\": %llu}",
			first ? "" : ", ", b ? 1ull << (b - 1) : 0ull, 1ull << b,
			(unsigned long long)c);
		first = false;
	}
	out_str(o, "]");
}

/* The lock-order graph (order.c): how many edges, and its cycles, each the
 * edges around it with the stack of each edge's first occurrence. A cycle
 * u -> v -> ... -> u is found from its edge leaving its smallest node u, by
 * a breadth-first search from v back to u (the shortest way round), so
 * each is reported once. */
#define ORDER_MAX_CYCLES 32
static int edge_cmp(const void *a, const void *b)
{
	const struct order_edge *x = *(struct order_edge *const *)a;
	const struct order_edge *y = *(struct order_edge *const *)b;
	return x->from->lo_id < y->from->lo_id ? -1 : x->from->lo_id > y->from->lo_id;
}

static void out_lock_order(struct out *o)
{
	struct order_edge **e = NULL;
	size_t ne = 0, ncyc = 0;
	uint32_t maxid = atomic_load_explicit(&order_next_id, memory_order_relaxed) + 1;
	size_t ebytes = sizeof(*e) * ORDER_EDGES;
	size_t nbytes = sizeof(uint32_t) * 2 * (size_t)maxid;
	size_t qbytes = sizeof(uint32_t) * ORDER_EDGES;
	uint32_t *first = NULL, *parent = NULL, *queue = NULL;

	e = mmap(NULL, ebytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	first = mmap(NULL, nbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	queue = mmap(NULL, qbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e == MAP_FAILED || first == MAP_FAILED || queue == MAP_FAILED) {
		out_str(o, "  \"lock_order\": null,\n");
		goto done;
	}
	for (size_t i = 0; i < ORDER_EDGES; i++)
		/* ACQUIRE: pairs with the RELEASE of ready in order_edges_add(). */
		if (atomic_load_explicit(&order_edges[i].ready, memory_order_acquire))
			e[ne++] = &order_edges[i];
	qsort(e, ne, sizeof(*e), edge_cmp);
	/* first[id]: index + 1 of id's first outgoing edge; parent[id]: index
	 * + 1 of the edge the search reached id by. */
	parent = first + maxid;
	for (size_t i = ne; i-- > 0;)
		if (e[i]->from->lo_id < maxid)
			first[e[i]->from->lo_id] = (uint32_t)i + 1;
	out_fmt(o, "  \"lock_order\": {\"edges\": %zu, \"edges_dropped\": %llu, \"cycles\": [",
		ne, (unsigned long long)atomic_load_explicit(&order_edges_dropped,
							     memory_order_relaxed));
	for (size_t s = 0; s < ne && ncyc < ORDER_MAX_CYCLES; s++) {
		uint32_t u = e[s]->from->lo_id, v = e[s]->to->lo_id;
		if (u >= maxid || v >= maxid || v < u)
			continue; /* u must be the cycle's smallest node */
		memset(parent, 0, sizeof(uint32_t) * maxid);
		size_t qh = 0, qt = 0;
		queue[qt++] = v;
		parent[v] = (uint32_t)s + 1;
		bool found = false;
		while (qh < qt && !found) {
			uint32_t x = queue[qh++];
			for (uint32_t k = first[x]; k != 0 && k <= ne && e[k - 1]->from->lo_id == x; k++) {
				uint32_t y = e[k - 1]->to->lo_id;
				if (y >= maxid || y < u || parent[y] != 0)
					continue;
				parent[y] = k;
				if (y == u) {
					found = true;
					break;
				}
				if (qt < ORDER_EDGES)
					queue[qt++] = y;
			}
		}
		if (!found)
			continue;
		/* The edges round, walked back from u: reversed into queue. */
		size_t len = 0;
		for (uint32_t x = u;;) {
			uint32_t k = parent[x];
			queue[len++] = k - 1;
			if (k - 1 == s)
				break;
			x = e[k - 1]->from->lo_id;
		}
		out_str(o, ncyc ? ",\n    " : "\n    ");
		out_str(o, "{\"mutexes\": [");
		for (size_t i = len; i-- > 0;)
			out_fmt(o, "%s\"%p\"", i + 1 < len ? ", " : "", e[queue[i]]->from->addr);
		out_str(o, "], \"edges\": [");
		for (size_t i = len; i-- > 0;) {
			struct order_edge *x = e[queue[i]];
			out_fmt(o, "%s{\"from\": \"%p\", \"to\": \"%p\", \"frames\": [",
				i + 1 < len ? ", " : "", x->from->addr, x->to->addr);
			for (int f = 0; f < x->nframes; f++) {
				if (f)
					out_str(o, ", ");
				out_frame_raw(o, x->frames[f]);
			}
			out_str(o, "]}");
		}
		out_str(o, "]}");
		ncyc++;
	}
	out_str(o, ncyc ? "\n  ]},\n" : "]},\n");
done:
	if (e != MAP_FAILED && e != NULL)
		munmap(e, ebytes);
	if (first != MAP_FAILED && first != NULL)
		munmap(first, nbytes);
	if (queue != MAP_FAILED && queue != NULL)
		munmap(queue, qbytes);
}

static const char *impl_name(struct mutex_rec *r)
{
	return atomic_load_explicit(&r->substituted, memory_order_relaxed) ?
		preload_cfg.subst->name : "glibc";
}

struct totals {
	uint64_t acquisitions, contended, wait_ns;
	uint64_t cond_retake_ns; /* substitution mode only */
};

static void print_table(struct mutex_rec **v, size_t n, const struct totals *t,
			uint64_t elapsed)
{
	struct out o = { .fd = 2 };
	char a[32], b[32], c[32], d[32], e[32];

	fmt_ns(a, sizeof(a), t->wait_ns);
	fmt_ns(b, sizeof(b), elapsed);
	char rt[96] = "";
	if (preload_cfg.subst) {
		fmt_ns(c, sizeof(c), t->cond_retake_ns);
		snprintf(rt, sizeof(rt), " (+ %s re-taking mutexes after condition waits)", c);
	}
	out_fmt(&o, "contend profile: pid %ld (%s)%s%s: %zu mutexes, %llu acquisitions, "
		"%llu contended, %s waited%s in %s\n",
		(long)getpid(), base_name(exe_path),
		preload_cfg.subst ? ", locks substituted by " : "",
		preload_cfg.subst ? preload_cfg.subst->name : "", n,
		(unsigned long long)t->acquisitions, (unsigned long long)t->contended, a, rt, b);
	if (n == 0)
		goto done;
	out_fmt(&o, "%4s %10s %10s %10s %18s %10s %9s %10s %10s  %-16s %s\n", "rank",
		"wait-total", "wait-mean", "wait-max", "contended", "acquired",
		"owner-chg", "hold-mean", "hold-max", "kind/impl", "mutex");
	for (size_t i = 0; i < n && i < (size_t)preload_cfg.top; i++) {
		struct mutex_rec *r = v[i];
		uint64_t acq = ld(&r->acquisitions), con = ld(&r->contended);
		uint64_t hs = ld(&r->hold_samples);
		char pct[40], kind[48];
		fmt_ns(a, sizeof(a), ld(&r->wait_ns));
		if (con)
			fmt_ns(b, sizeof(b), ld(&r->wait_ns) / con);
		else
			snprintf(b, sizeof(b), "-");
		fmt_ns(c, sizeof(c), ld(&r->wait_max_ns));
		if (hs) {
			fmt_ns(d, sizeof(d), ld(&r->hold_ns) / hs);
			fmt_ns(e, sizeof(e), ld(&r->hold_max_ns));
		} else {
			snprintf(d, sizeof(d), "-");
			snprintf(e, sizeof(e), "-");
		}
		snprintf(pct, sizeof(pct), "%llu (%.1f%%)", (unsigned long long)con,
			 acq ? 100.0 * (double)con / (double)acq : 0.0);
		snprintf(kind, sizeof(kind), "%s/%s",
			 kind_name(atomic_load_explicit(&r->kind, memory_order_relaxed)),
			 impl_name(r));
		out_fmt(&o, "%4zu %10s %10s %10s %18s %10llu %9llu %10s %10s  %-16s %p%s\n",
			i + 1, a, b, c, pct, (unsigned long long)acq,
			(unsigned long long)ld(&r->owner_changes), d, e, kind, r->addr,
			atomic_load_explicit(&r->held, memory_order_relaxed) > 0 ?
			" (held at exit)" : "");
		/* Under `contend profile`, contend prints these sites with
		 * names from debug info; dladdr() here knows exported symbols
		 * only. */
		int nf = atomic_load_explicit(&r->site_state, memory_order_acquire) == 2 &&
			 !preload_cfg.sites_named ? r->site_frames : 0;
		for (int f = 0; f < nf; f++) {
			struct frame_info fi;
			char text[512];
			frame_info(r->site[f], &fi);
			frame_text(text, sizeof(text), &fi);
			out_fmt(&o, "     %s %s\n", f == 0 ? "first locked at" : "               ",
				text);
		}
	}
	if (n > (size_t)preload_cfg.top)
		out_fmt(&o, "     (%zu more mutexes in the JSON file)\n", n - (size_t)preload_cfg.top);
done:
	if (atomic_load_explicit(&table_untracked, memory_order_relaxed))
		out_fmt(&o, "     %llu calls on mutexes the full table could not track\n",
			(unsigned long long)atomic_load_explicit(&table_untracked,
								 memory_order_relaxed));
	out_flush(&o);
}

static void json_u64_or_null(struct out *o, const char *key, bool have, uint64_t v)
{
	if (have)
		out_fmt(o, "\"%s\": %llu", key, (unsigned long long)v);
	else
		out_fmt(o, "\"%s\": null", key);
}

static void write_json(const char *path, struct mutex_rec **v, size_t n,
		       const struct totals *t, uint64_t elapsed)
{
	char tmp[4200];
	/* mkostemp: a fresh name, created with O_EXCL, in the target's
	 * directory (so the rename stays in one file system). A predictable
	 * name would follow a symlink planted there by another user. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		char msg[4400];
		snprintf(msg, sizeof(msg), "contend-preload: cannot write '%s'\n", path);
		(void)!write(2, msg, strlen(msg));
		return;
	}
	fchmod(fd, 0644); /* mkostemp makes it 0600; a profile is not secret */
	struct out o = { .fd = fd };
	out_str(&o, "{\n  \"schema\": \"contend-profile/3\",\n");
	out_fmt(&o, "  \"pid\": %ld,\n  \"program\": ", (long)getpid());
	out_json_str(&o, exe_path);
	out_fmt(&o, ",\n  \"main_process\": %s,\n", preload_cfg.is_main ? "true" : "false");
	out_fmt(&o, "  \"mode\": \"%s\",\n", preload_cfg.subst ? "substitute" : "profile");
	if (preload_cfg.subst)
		out_fmt(&o, "  \"lock\": \"%s\",\n", preload_cfg.subst->name);
	else
		out_str(&o, "  \"lock\": null,\n");
	out_fmt(&o, "  \"elapsed_ns\": %llu,\n  \"clock\": \"CLOCK_MONOTONIC\",\n"
		"  \"hold_sample_every\": %d,\n  \"table_capacity\": %zu,\n"
		"  \"untracked_calls\": %llu,\n",
		(unsigned long long)elapsed, PRELOAD_HOLD_SAMPLE, table_capacity(),
		(unsigned long long)atomic_load_explicit(&table_untracked, memory_order_relaxed));
	out_fmt(&o, "  \"totals\": {\"mutexes\": %zu, \"acquisitions\": %llu, "
		"\"contended\": %llu, \"wait_ns\": %llu, \"cond_retake_wait_ns\": ",
		n, (unsigned long long)t->acquisitions, (unsigned long long)t->contended,
		(unsigned long long)t->wait_ns);
	if (preload_cfg.subst)
		out_fmt(&o, "%llu},\n", (unsigned long long)t->cond_retake_ns);
	else
		out_str(&o, "null},\n");
	out_lock_order(&o);
	out_str(&o, "  \"mutexes\": [");
	for (size_t i = 0; i < n; i++) {
		struct mutex_rec *r = v[i];
		uint64_t acq = ld(&r->acquisitions), con = ld(&r->contended);
		uint64_t hs = ld(&r->hold_samples);
		out_str(&o, i ? ",\n    " : "\n    ");
		out_fmt(&o, "{\"rank\": %zu, \"address\": \"%p\", \"kind\": \"%s\", "
			"\"implementation\": \"%s\", \"inits\": %u, \"acquisitions\": %llu, "
			"\"contended\": %llu, ", i + 1, r->addr,
			kind_name(atomic_load_explicit(&r->kind, memory_order_relaxed)),
			impl_name(r), atomic_load_explicit(&r->inits, memory_order_relaxed),
			(unsigned long long)acq, (unsigned long long)con);
		out_fmt(&o, "\"owner_changes\": %llu, \"trylock_busy\": %llu, "
			"\"timeouts\": %llu, \"cond_waits\": %llu, ",
			(unsigned long long)ld(&r->owner_changes),
			(unsigned long long)ld(&r->trylock_busy),
			(unsigned long long)ld(&r->timeouts),
			(unsigned long long)ld(&r->cond_waits));
		out_fmt(&o, "\"wait_ns\": {\"total\": %llu, ", (unsigned long long)ld(&r->wait_ns));
		json_u64_or_null(&o, "mean", con != 0, con ? ld(&r->wait_ns) / con : 0);
		out_str(&o, ", ");
		json_u64_or_null(&o, "max", con != 0, ld(&r->wait_max_ns));
		out_fmt(&o, "}, \"hold_ns\": {\"samples\": %llu, ", (unsigned long long)hs);
		json_u64_or_null(&o, "mean", hs != 0, hs ? ld(&r->hold_ns) / hs : 0);
		out_str(&o, ", ");
		json_u64_or_null(&o, "max", hs != 0, ld(&r->hold_max_ns));
		out_fmt(&o, "}, \"held_at_exit\": %s, \"site\": [",
			atomic_load_explicit(&r->held, memory_order_relaxed) > 0 ? "true" : "false");
		int nf = atomic_load_explicit(&r->site_state, memory_order_acquire) == 2 ?
			r->site_frames : 0;
		for (int f = 0; f < nf; f++) {
			struct frame_info fi;
			char text[512];
			frame_info(r->site[f], &fi);
			frame_text(text, sizeof(text), &fi);
			out_str(&o, f ? ", {\"text\": " : "{\"text\": ");
			out_json_str(&o, text);
			out_str(&o, ", \"object\": ");
			out_json_str(&o, fi.object);
			out_fmt(&o, ", \"offset\": \"0x%lx\", \"symbol\": ",
				(unsigned long)fi.obj_off);
			if (fi.symbol)
				out_json_str(&o, fi.symbol);
			else
				out_str(&o, "null");
			out_str(&o, "}");
		}
		/* The same frames as the wait sites' (object, build-id, offset
		 * from the load bias), for contend to name from debug info. */
		out_str(&o, "], \"site_frames\": [");
		for (int f = 0; f < nf; f++) {
			if (f)
				out_str(&o, ", ");
			out_frame_raw(&o, r->site[f]);
		}
		out_str(&o, "], ");
		/* Re-take waits are measured only when our lock stands in for
		 * glibc's: inside glibc's cond_wait they cannot be told apart. */
		if (atomic_load_explicit(&r->substituted, memory_order_relaxed))
			out_fmt(&o, "\"cond_retake_wait_ns\": %llu, \"cond_retake_contended\": %llu, ",
				(unsigned long long)ld(&r->cond_retake_ns),
				(unsigned long long)ld(&r->cond_retake_contended));
		else
			out_str(&o, "\"cond_retake_wait_ns\": null, \"cond_retake_contended\": null, ");
		int kind = atomic_load_explicit(&r->kind, memory_order_relaxed);
		if (kind == REC_RWLOCK) {
			/* Read after the totals: threads still running may have
			 * added to the read side since; never report it larger. */
			uint64_t ra = ld(&r->rd_acquisitions), rc = ld(&r->rd_contended);
			uint64_t rw = ld(&r->rd_wait_ns), tw = ld(&r->wait_ns);
			ra = ra > acq ? acq : ra;
			rc = rc > con ? con : rc;
			rw = rw > tw ? tw : rw;
			out_fmt(&o, "\"rwlock\": {\"read\": {\"acquisitions\": %llu, \"contended\": %llu, "
				"\"wait_ns\": %llu}, \"write\": {\"acquisitions\": %llu, "
				"\"contended\": %llu, \"wait_ns\": %llu}}, ",
				(unsigned long long)ra, (unsigned long long)rc, (unsigned long long)rw,
				(unsigned long long)(acq - ra), (unsigned long long)(con - rc),
				(unsigned long long)(tw - rw));
		} else {
			out_str(&o, "\"rwlock\": null, ");
		}
		if (kind == REC_SEM)
			out_fmt(&o, "\"sem_posts\": %llu, ", (unsigned long long)ld(&r->sem_posts));
		else
			out_str(&o, "\"sem_posts\": null, ");
		out_waits(&o, r);
		out_str(&o, "}");
	}
	out_str(&o, n ? "\n  ]\n}\n" : "]\n}\n");
	out_flush(&o);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		char msg[4400];
		snprintf(msg, sizeof(msg), "contend-preload: cannot write '%s'\n", path);
		(void)!write(2, msg, strlen(msg));
		unlink(tmp);
	}
}

void report_init(void)
{
	report_pid = getpid();
	report_start_ns = preload_now_ns();
}

void report_write(void)
{
	if (atomic_load_explicit(&preload_state, memory_order_acquire) != 2)
		return;
	if (getpid() != report_pid)
		return; /* a vfork()ed child or a raw clone(): not ours */
	int expected = 0;
	if (!atomic_compare_exchange_strong_explicit(&report_done, &expected, 1,
						     memory_order_relaxed,
						     memory_order_relaxed))
		return;

	uint64_t elapsed = preload_now_ns() - report_start_ns;
	ssize_t len = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	exe_path[len > 0 ? len : 0] = '\0';

	struct collect c = { 0 };
	table_foreach(count_one, &c);
	size_t bytes = (c.cap + 1) * sizeof(*c.recs);
	c.recs = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.recs == MAP_FAILED)
		return;
	table_foreach(collect_one, &c);
	rank(c.recs, c.n);

	struct totals t = { 0 };
	for (size_t i = 0; i < c.n; i++) {
		t.acquisitions += ld(&c.recs[i]->acquisitions);
		t.contended += ld(&c.recs[i]->contended);
		t.wait_ns += ld(&c.recs[i]->wait_ns);
		t.cond_retake_ns += ld(&c.recs[i]->cond_retake_ns);
	}
	/* Processes other than the one contend started speak only if they
	 * used a mutex: a shell script's every `sed` would drown the report. */
	bool speak = preload_cfg.is_main || c.n > 0;
	if (speak && !preload_cfg.quiet)
		print_table(c.recs, c.n, &t, elapsed);
	if (speak && preload_cfg.out_path[0] != '\0') {
		if (preload_cfg.is_main) {
			write_json(preload_cfg.out_path, c.recs, c.n, &t, elapsed);
		} else {
			char path[4200];
			snprintf(path, sizeof(path), "%s.%ld", preload_cfg.out_path,
				 (long)getpid());
			write_json(path, c.recs, c.n, &t, elapsed);
		}
	}
	munmap(c.recs, bytes);
}

static void reset_one(struct mutex_rec *r, void *arg)
{
	atomic_store_explicit(&r->acquisitions, 0, memory_order_relaxed);
	atomic_store_explicit(&r->contended, 0, memory_order_relaxed);
	atomic_store_explicit(&r->owner_changes, 0, memory_order_relaxed);
	atomic_store_explicit(&r->wait_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->wait_max_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->hold_samples, 0, memory_order_relaxed);
	atomic_store_explicit(&r->hold_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->hold_max_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->cond_waits, 0, memory_order_relaxed);
	atomic_store_explicit(&r->trylock_busy, 0, memory_order_relaxed);
	atomic_store_explicit(&r->timeouts, 0, memory_order_relaxed);
	atomic_store_explicit(&r->cond_retake_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->cond_retake_contended, 0, memory_order_relaxed);
	atomic_store_explicit(&r->rd_acquisitions, 0, memory_order_relaxed);
	atomic_store_explicit(&r->rd_contended, 0, memory_order_relaxed);
	atomic_store_explicit(&r->rd_wait_ns, 0, memory_order_relaxed);
	atomic_store_explicit(&r->sem_posts, 0, memory_order_relaxed);
	/* The parent's wait sites stay in its arena; the child starts afresh. */
	atomic_store_explicit(&r->waits, NULL, memory_order_relaxed);
	/* held, owner, hold_start and the call site describe the mutexes'
	 * state, which the child inherits: keep them. */
}

void report_reset_child(void)
{
	/* Only the forking thread runs in the child: nothing races here. */
	report_pid = getpid();
	preload_cfg.is_main = false;
	atomic_store_explicit(&report_done, 0, memory_order_relaxed);
	atomic_store_explicit(&table_untracked, 0, memory_order_relaxed);
	table_foreach(reset_one, NULL);
	/* The parent's lock-order edges are the parent's. */
	memset(order_edges, 0, sizeof(order_edges));
	atomic_store_explicit(&order_edges_dropped, 0, memory_order_relaxed);
	report_start_ns = preload_now_ns();
}
