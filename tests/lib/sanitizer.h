/*
 * sanitizer.h - which sanitizer a test program was built with, the same way
 * for gcc (__SANITIZE_*__) and clang (__has_feature), so that a test can
 * skip (skip_all() of tap.h) what only makes sense under one of them and
 * say why.
 */
#ifndef CONTEND_TESTS_SANITIZER_H
#define CONTEND_TESTS_SANITIZER_H

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define TEST_UNDER_TSAN 1
#else
#define TEST_UNDER_TSAN 0
#endif

#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define TEST_UNDER_ASAN 1
#else
#define TEST_UNDER_ASAN 0
#endif

#endif
