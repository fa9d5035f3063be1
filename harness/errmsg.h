/*
 * errmsg.h - the one-line error message every layer hands back to its
 * caller: functions that can fail take (char *err, size_t errlen) and fill
 * it with a sentence that names what was wrong; the command prints it.
 * Header-only, so that the pieces built on their own (the results reader in
 * the fuzz targets) need nothing more.
 */
#ifndef CONTEND_ERRMSG_H
#define CONTEND_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* printf into err (when err is not NULL and errlen > 0), truncating. */
static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif
