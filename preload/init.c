/*
 * init.c - libcontend-preload.so starts: preload_init() resolves glibc's
 * functions behind the wrappers and reads the configuration, the
 * constructor finishes the start-up, the destructor writes the report, and
 * fork handlers keep the library consistent in a child.
 *
 * A wrapper may run before our constructor (another library's constructor,
 * the program's .preinit_array) and even before libc has set environ.
 * preload_init() resolves the real functions with dlsym(RTLD_NEXT) on the
 * first call from anywhere and reads the configuration from environ, or
 * from /proc/self/environ while environ is not set yet (failing that, from
 * the envp our constructor receives; mutexes seen before then are
 * profiled, not substituted). A wrapper re-entered from inside dlsym calls
 * glibc's __pthread_mutex_* aliases directly (interpose.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

static PRELOAD_TLS bool in_init;      /* preload_init() runs on this thread */
static bool config_done;

/* ---- configuration ---------------------------------------------------- */

static const char *env_in(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int env_int(char **envp, const char *name, int def, int lo, int hi)
{
	const char *s = env_in(envp, name);
	if (s == NULL || *s == '\0')
		return def;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return def;
	return (int)v;
}

/* Reads the CONTEND_PROFILE_* variables (see preload/README.md). */
static void read_config(char **envp)
{
	const char *s;

	if ((s = env_in(envp, "CONTEND_PROFILE_LOCK")) != NULL && *s != '\0' &&
	    strcmp(s, "glibc") != 0) {
		preload_cfg.subst = lock_find(s);
		if (preload_cfg.subst == NULL) {
			static const char msg[] = "contend-preload: unknown lock in "
				"CONTEND_PROFILE_LOCK, profiling only\n";
			(void)!write(2, msg, sizeof(msg) - 1);
		} else if (preload_cfg.subst->props & LOCK_TRYLOCK_MAY_BLOCK) {
			/* A program's trylock back-off would deadlock. */
			static const char msg[] = "contend-preload: the lock in "
				"CONTEND_PROFILE_LOCK has a trylock that may wait for a "
				"holder, profiling only\n";
			(void)!write(2, msg, sizeof(msg) - 1);
			preload_cfg.subst = NULL;
		}
	}
	if ((s = env_in(envp, "CONTEND_PROFILE_OUT")) != NULL &&
	    strlen(s) < sizeof(preload_cfg.out_path))
		strcpy(preload_cfg.out_path, s);
	preload_cfg.top = env_int(envp, "CONTEND_PROFILE_TOP", 10, 1, 1000000);
	preload_cfg.frames = env_int(envp, "CONTEND_PROFILE_FRAMES", 6, 0,
				     PRELOAD_MAX_FRAMES);
	preload_cfg.quiet = env_int(envp, "CONTEND_PROFILE_QUIET", 0, 0, 1) == 1;
	preload_cfg.sites_named = env_int(envp, "CONTEND_PROFILE_SITES_NAMED", 0, 0, 1) == 1;
	/* The process `contend` started keeps the plain file name; others
	 * (exec'd children, forks) add their pid. Unset: we are the main. */
	s = env_in(envp, "CONTEND_PROFILE_MAIN_PID");
	preload_cfg.is_main = s == NULL || atol(s) == (long)getpid();
	config_done = true;
}

/* Before libc has set environ (a .preinit_array function of the program
 * locked a mutex) the environment is still in /proc/self/environ. Only our
 * own variables are kept; the store is static because this runs once. */
static void read_config_from_proc(void)
{
	static char store[8][4224];
	char *vars[9];
	char buf[4096], entry[4224];
	size_t len = 0, found = 0;
	bool skip = false;
	ssize_t n;

	int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* the constructor will read envp */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\0') {
				if (!skip && len > 16 && found < 8 &&
				    strncmp(entry, "CONTEND_PROFILE_", 16) == 0) {
					memcpy(store[found], entry, len);
					store[found][len] = '\0';
					vars[found] = store[found];
					found++;
				}
				len = 0;
				skip = false;
			} else if (!skip) {
				if (len < sizeof(entry) - 1)
					entry[len++] = buf[i];
				else
					skip = true; /* not one of ours: too long */
			}
		}
	}
	close(fd);
	vars[found] = NULL;
	read_config(vars);
}

static void *resolve(const char *name, const char *version)
{
	void *p = version ? dlvsym(RTLD_NEXT, name, version) : NULL;
	if (p == NULL)
		p = dlsym(RTLD_NEXT, name);
	if (p == NULL) {
		static const char msg[] = "contend-preload: cannot resolve a pthread "
			"function with dlsym(RTLD_NEXT)\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

static void *resolve_opt(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

void preload_init(void)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong_explicit(&preload_state, &expected, 1,
						     memory_order_acquire,
						     memory_order_acquire)) {
		if (in_init)
			return; /* re-entered from dlsym: caller falls back */
		/* Another thread initialises: it takes microseconds. ACQUIRE:
		 * pairs with the RELEASE store below. */
		while (atomic_load_explicit(&preload_state, memory_order_acquire) != 2)
			sched_yield();
		return;
	}
	in_init = true;
	/* The condition variable functions have two versions in glibc on
	 * x86-64 (2.2.5: the old condvar ABI, 2.3.2: the current one); plain
	 * dlsym may return the old one, so ask for the current one first. */
	real.mutex_init = resolve("pthread_mutex_init", NULL);
	real.mutex_destroy = resolve("pthread_mutex_destroy", NULL);
	real.mutex_lock = resolve("pthread_mutex_lock", NULL);
	real.mutex_trylock = resolve("pthread_mutex_trylock", NULL);
	real.mutex_timedlock = resolve("pthread_mutex_timedlock", NULL);
	real.mutex_clocklock = resolve("pthread_mutex_clocklock", NULL);
	real.mutex_unlock = resolve("pthread_mutex_unlock", NULL);
	real.cond_wait = resolve("pthread_cond_wait", "GLIBC_2.3.2");
	real.cond_timedwait = resolve("pthread_cond_timedwait", "GLIBC_2.3.2");
	real.cond_clockwait = resolve("pthread_cond_clockwait", NULL);
	real.cond_signal = resolve("pthread_cond_signal", "GLIBC_2.3.2");
	real.cond_broadcast = resolve("pthread_cond_broadcast", "GLIBC_2.3.2");
	real.exit_ = resolve("_exit", NULL);
	more_resolve(resolve_opt);
	extern char **environ;
	if (environ != NULL)
		read_config(environ);
	else
		read_config_from_proc();
	report_init();
	subst_init();
	in_init = false;
	/* RELEASE: publishes real and preload_cfg to every wrapper. */
	atomic_store_explicit(&preload_state, 2, memory_order_release);
}

static void atfork_prepare(void) { subst_atfork_prepare(); }
static void atfork_parent(void) { subst_atfork_parent(); }
static void atfork_child(void)
{
	subst_atfork_child();
	report_reset_child();
}

__attribute__((constructor)) static void preload_ctor(int argc, char **argv, char **envp)
{
	/* ACQUIRE: pairs with the RELEASE store in preload_init(). */
	if (atomic_load_explicit(&preload_state, memory_order_acquire) != 2)
		preload_init();
	/* glibc passes envp to constructors even where environ is not set
	 * yet; settings read here apply to mutexes first seen from now on. */
	if (!config_done)
		read_config(envp);
	preload_stack_init();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

__attribute__((destructor)) static void preload_dtor(void)
{
	report_write();
}
