/* broken_lock.h - the negative-control lock of the tests (not registered). */
#ifndef CONTEND_TESTS_BROKEN_LOCK_H
#define CONTEND_TESTS_BROKEN_LOCK_H

#include "lock_define.h"

extern const struct lock_desc lock_desc_broken;

#endif
