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

#endif
