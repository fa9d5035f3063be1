/*
 * topo_cpulist.c - parsing a CPU list such as "0,2,4-7" (the --pin CPULIST
 * form) into CPU numbers in the listed order. See topo_parse_cpulist() in
 * topo.h for what is accepted and rejected.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "topo.h"

static int parse_cpu_number(const char **pp, int *out)
{
	const char *p = *pp;
	long v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p - '0');
		if (v >= TOPO_CPU_LIMIT) {
			/* keep consuming digits so the caller reports the range */
			while (isdigit((unsigned char)*p))
				p++;
			*pp = p;
			return -2;
		}
		p++;
	}
	*pp = p;
	*out = (int)v;
	return 0;
}

int topo_parse_cpulist(const char *s, int **cpus, size_t *count, char *err,
		       size_t errlen)
{
	unsigned char *seen = NULL;
	int *list = NULL;
	size_t n = 0, cap = 0;
	const char *p = s;

	*cpus = NULL;
	*count = 0;
	if (s == NULL || *s == '\0') {
		seterr(err, errlen, "empty CPU list");
		return -1;
	}
	seen = calloc(TOPO_CPU_LIMIT / 8, 1);
	if (seen == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		const char *entry = p;
		int entry_len = (int)strcspn(entry, ",");
		int lo, hi, rc;

		if (entry_len == 0) {
			seterr(err, errlen, "invalid CPU list '%s': empty entry", s);
			goto fail;
		}
		if (*p == '-') {
			seterr(err, errlen, "invalid CPU list '%s': '%.*s' is negative",
			       s, entry_len, entry);
			goto fail;
		}
		rc = parse_cpu_number(&p, &lo);
		if (rc == 0 && *p == '-') {
			p++;
			rc = parse_cpu_number(&p, &hi);
		} else {
			hi = lo;
		}
		if (rc == -2) {
			seterr(err, errlen, "invalid CPU list '%s': '%.*s' is out of range "
			       "(CPU numbers go up to %d)", s, entry_len, entry,
			       TOPO_CPU_LIMIT - 1);
			goto fail;
		}
		if (rc != 0 || (*p != ',' && *p != '\0')) {
			seterr(err, errlen, "invalid CPU list '%s': '%.*s' is not a CPU "
			       "number or range like 4-7", s, entry_len, entry);
			goto fail;
		}
		if (hi < lo) {
			seterr(err, errlen, "invalid CPU list '%s': range %d-%d is "
			       "reversed (write %d-%d)", s, lo, hi, hi, lo);
			goto fail;
		}
		for (int c = lo; c <= hi; c++) {
			if (seen[c / 8] & (1u << (c % 8))) {
				seterr(err, errlen, "invalid CPU list '%s': CPU %d is "
				       "listed twice", s, c);
				goto fail;
			}
			seen[c / 8] |= (unsigned char)(1u << (c % 8));
			if (n == cap) {
				size_t ncap = cap ? 2 * cap : 16;
				int *nl = realloc(list, ncap * sizeof(*nl));
				if (nl == NULL) {
					seterr(err, errlen, "out of memory");
					goto fail;
				}
				list = nl;
				cap = ncap;
			}
			list[n++] = c;
		}
		if (*p == '\0')
			break;
		p++;	/* the ',' */
	}
	free(seen);
	*cpus = list;
	*count = n;
	return 0;
fail:
	free(seen);
	free(list);
	return -1;
}
