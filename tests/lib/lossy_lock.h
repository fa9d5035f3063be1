/* lossy_lock.h - the lost wake-up negative control (not registered). */
#ifndef CONTEND_TESTS_LOSSY_LOCK_H
#define CONTEND_TESTS_LOSSY_LOCK_H

#include "lock_define.h"

extern const struct lock_desc lock_desc_lossy;

#endif
