/* cpuinfo.c - see cpuinfo.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuinfo.h"

char *cpuinfo_field_from(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	size_t keylen = strlen(key), cap = 0;
	char *line = NULL, *value = NULL;

	if (f == NULL)
		return NULL;
	/* getline, not a fixed buffer: an x86 "flags" line runs past 1 KiB. */
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, keylen) != 0)
			continue;
		char *v = strchr(line, ':');
		if (v == NULL)
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t n = strlen(v);
		while (n > 0 && isspace((unsigned char)v[n - 1]))
			n--;
		value = strndup(v, n);
		break;
	}
	free(line);
	fclose(f);
	return value;
}

char *cpuinfo_field(const char *key)
{
	return cpuinfo_field_from("/proc/cpuinfo", key);
}
