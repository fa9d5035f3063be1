/*
 * cpuinfo.h - the one reader of /proc/cpuinfo (the CPU model name for
 * topo.c, the TSC flags for tsc.c).
 *
 * /proc/cpuinfo is "key<TAB>: value" lines, one block per CPU; every block
 * repeats the same keys, so the first match answers for the machine. Which
 * keys exist depends on the architecture (x86 has "model name" and "flags",
 * aarch64 neither): a missing key is an answer (NULL), not an error.
 */
#ifndef CONTEND_CPUINFO_H
#define CONTEND_CPUINFO_H

/*
 * The value of the first line of path that starts with key and has a ':':
 * the text after the colon, without leading blanks and trailing whitespace
 * (possibly ""). malloc'd (caller frees); NULL when the file cannot be read,
 * no line matches, or memory runs out.
 */
char *cpuinfo_field_from(const char *path, const char *key);

/* cpuinfo_field_from("/proc/cpuinfo", key). */
char *cpuinfo_field(const char *key);

/*
 * A CPU model string as people write it, in place: blanks at either end
 * dropped and every run of blanks inside made one space. The kernel and
 * hwloc pass on the processor's brand string, which some processors (and
 * hypervisors) pad to its fixed 48 bytes ("Turin-like Processor" then 13
 * spaces), and every title made from it carried the padding. Inline: the
 * results reader tidies models of files written before, without the
 * harness library.
 */
static inline void cpuinfo_tidy_model(char *s)
{
	char *w = s;
	int blank = 1; /* drops leading blanks */
	for (const char *r = s; *r; r++) {
		int b = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
		if (b && blank)
			continue;
		*w++ = b ? ' ' : *r;
		blank = b;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

#endif
