/*
 * errmsg.h - the one-line error message every layer hands back to its
 * caller: functions that can fail take (char *err, size_t errlen) and fill
 * it with a sentence that names what was wrong; the command prints it.
 */
#ifndef CONTEND_ERRMSG_H
#define CONTEND_ERRMSG_H

#include <stddef.h>

/* printf into err (when err is not NULL and errlen > 0), truncating. */
void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
