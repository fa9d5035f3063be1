/*
 * unit.h - what the C unit tests share: the TAP helpers (tap.h). A test
 * runs CHECK()s, each failed one printed with its location, and closes
 * each case with case_done("name"): "ok N - name" when none of its checks
 * failed. One test program = one translation unit, so the state is static.
 */
#ifndef CONTEND_TESTS_UNIT_H
#define CONTEND_TESTS_UNIT_H

#include "tap.h"

#endif
