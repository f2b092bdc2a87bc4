/*
 * The harness of the differential guest tests.
 *
 * A test program is a table of cases, {fn, name}.  Each case runs in
 * its own child (fork + waitpid) and the program prints, for each one:
 *
 *	== name
 *	...what the case printed...
 *	-- exit N          or   -- signal SIGNAME
 *
 * The same binary runs natively and under umk (tests/run-tests), and the
 * two outputs must be identical: the host kernel is the oracle.  So a
 * case prints only what both worlds must agree on: results, errno names
 * (never strerror text: musl and glibc word it differently), relations
 * ("gettid == getpid: yes"), never pids, addresses, inode numbers, times
 * or host paths.
 *
 * Environment: TEST_TMP names a writable scratch directory (the program
 * chdir()s into it before any case runs), TEST_DATA a read-only tree
 * that tests/run-tests builds (see mkdata there).  Both default to ".".
 *
 * Usage: ./prog [--list] [NAME...]  runs every case, or only those named.
 * A case that runs longer than HARNESS_LIMIT_S seconds is killed and
 * reported as "-- timeout", and the program goes on with the next one.
 *
 * While the kernel under test cannot fork (fork fails with ENOSYS), the
 * cases run in-process instead, one after the other, with the same
 * output: a fatal synchronous signal is caught and reported as the
 * child's death would be, and the harness puts back what a case may
 * have changed (cwd, signal mask and handlers, umask, descriptors).  A
 * case that calls exit() still ends the whole program then, which shows
 * up as a difference, as it should.
 */
#ifndef GUEST_HARNESS_H
#define GUEST_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct tcase {
	void (*fn)(void);
	const char *name;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Kernel addresses and other pointers no user access may succeed on. */
#define BADPTR_NULL   ((void *)0)
#define BADPTR_ONE    ((void *)1)
#define BADPTR_KERNEL ((void *)0xffff800000000000UL)
#define BADPTR_HIGH   ((void *)0xffffffffffffff00UL)
#define BADPTR_NONCANON ((void *)0x0000800000000000UL)

/* ---- names ---- */

#define E_(x) [x] = #x
static const char *const errnames[] = {
	E_(EPERM), E_(ENOENT), E_(ESRCH), E_(EINTR), E_(EIO), E_(ENXIO),
	E_(E2BIG), E_(ENOEXEC), E_(EBADF), E_(ECHILD), E_(EAGAIN),
	E_(ENOMEM), E_(EACCES), E_(EFAULT), E_(ENOTBLK), E_(EBUSY),
	E_(EEXIST), E_(EXDEV), E_(ENODEV), E_(ENOTDIR), E_(EISDIR),
	E_(EINVAL), E_(ENFILE), E_(EMFILE), E_(ENOTTY), E_(ETXTBSY),
	E_(EFBIG), E_(ENOSPC), E_(ESPIPE), E_(EROFS), E_(EMLINK), E_(EPIPE),
	E_(EDOM), E_(ERANGE), E_(EDEADLK), E_(ENAMETOOLONG), E_(ENOLCK),
	E_(ENOSYS), E_(ENOTEMPTY), E_(ELOOP), E_(ENOMSG), E_(EIDRM),
	E_(ENOSTR), E_(ENODATA), E_(ETIME), E_(ENOSR), E_(EOVERFLOW),
	E_(EBADFD), E_(EILSEQ), E_(ENOTSOCK), E_(EDESTADDRREQ),
	E_(EMSGSIZE), E_(EPROTOTYPE), E_(ENOPROTOOPT), E_(EPROTONOSUPPORT),
	E_(EOPNOTSUPP), E_(EAFNOSUPPORT), E_(EADDRINUSE), E_(EADDRNOTAVAIL),
	E_(ENETDOWN), E_(ENETUNREACH), E_(ECONNABORTED), E_(ECONNRESET),
	E_(ENOBUFS), E_(EISCONN), E_(ENOTCONN), E_(ETIMEDOUT),
	E_(ECONNREFUSED), E_(EALREADY), E_(EINPROGRESS), E_(ESTALE),
	E_(EDQUOT), E_(ECANCELED), E_(EOWNERDEAD), E_(ENOTRECOVERABLE),
};
#undef E_

static inline const char *errname(int e)
{
	static char buf[32];

	if (e > 0 && e < (int)NELEM(errnames) && errnames[e])
		return errnames[e];
	snprintf(buf, sizeof buf, "E%d", e);
	return buf;
}

#define S_(x) [x] = #x
static const char *const signames[] = {
	S_(SIGHUP), S_(SIGINT), S_(SIGQUIT), S_(SIGILL), S_(SIGTRAP),
	S_(SIGABRT), S_(SIGBUS), S_(SIGFPE), S_(SIGKILL), S_(SIGUSR1),
	S_(SIGSEGV), S_(SIGUSR2), S_(SIGPIPE), S_(SIGALRM), S_(SIGTERM),
	S_(SIGSTKFLT), S_(SIGCHLD), S_(SIGCONT), S_(SIGSTOP), S_(SIGTSTP),
	S_(SIGTTIN), S_(SIGTTOU), S_(SIGURG), S_(SIGXCPU), S_(SIGXFSZ),
	S_(SIGVTALRM), S_(SIGPROF), S_(SIGWINCH), S_(SIGIO), S_(SIGPWR),
	S_(SIGSYS),
};
#undef S_

static inline const char *signame(int s)
{
	static char buf[32];

	if (s > 0 && s < (int)NELEM(signames) && signames[s])
		return signames[s];
	snprintf(buf, sizeof buf, "SIG%d", s);
	return buf;
}

/* ---- printing results ---- */

static inline void say(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* "label = value" or "label = -1 ENAME"; returns r with errno kept. */
static inline long show_result(const char *label, long r, int e, int value)
{
	if (r == -1)
		printf("%s = -1 %s\n", label, errname(e));
	else if (value)
		printf("%s = %ld\n", label, r);
	else
		printf("%s = ok\n", label);
	errno = e;
	return r;
}

/*
 * SYS(expr): run a call returning -1 + errno on failure and print the
 * expression with its result.  SYSOK(expr) prints "ok" instead of the
 * value, for results that differ between the two worlds (pointers, pids).
 * The _L variants take a label in place of the expression's text.
 */
#define SYS_L(label, expr) \
	({ errno = 0; long r_ = (long)(expr); show_result(label, r_, errno, 1); })
#define SYSOK_L(label, expr) \
	({ errno = 0; long r_ = (long)(expr); show_result(label, r_, errno, 0); })
#define SYS(expr) SYS_L(#expr, expr)
#define SYSOK(expr) SYSOK_L(#expr, expr)

/* TRUE(cond): print "cond: yes" or "cond: no". */
#define TRUE(cond) say("%s: %s", #cond, (cond) ? "yes" : "no")
#define TRUE_L(label, cond) say("%s: %s", label, (cond) ? "yes" : "no")

/* A raw system call that returns -errno, as the kernel answered. */
static inline long raw_syscall6(long nr, long a, long b, long c, long d,
				long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* RAW(nr, args...): a raw system call; its result is printed as
 * "label = value" or "label = -ENAME". */
#define RAW_ARGS_(nr, a, b, c, d, e, f, ...) \
	raw_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), \
		     (long)(e), (long)(f))
#define RAWCALL(...) RAW_ARGS_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

static inline long show_raw(const char *label, long r, int value)
{
	if (r < 0 && r > -4096)
		printf("%s = -%s\n", label, errname((int)-r));
	else if (value)
		printf("%s = %ld\n", label, r);
	else
		printf("%s = ok\n", label);
	return r;
}

#define RAW(...) show_raw(#__VA_ARGS__, RAWCALL(__VA_ARGS__), 1)
#define RAWOK(...) show_raw(#__VA_ARGS__, RAWCALL(__VA_ARGS__), 0)
#define RAW_L(label, ...) show_raw(label, RAWCALL(__VA_ARGS__), 1)

/* ---- helpers for cases ---- */

static inline const char *test_tmp(void)
{
	const char *s = getenv("TEST_TMP");

	return s && *s ? s : ".";
}

static inline const char *test_data(void)
{
	const char *s = getenv("TEST_DATA");

	return s && *s ? s : ".";
}

/* TEST_DATA/rel in a static buffer (one at a time). */
static inline const char *data_path(const char *rel)
{
	static char buf[2][4096];
	static int which;

	which ^= 1;
	snprintf(buf[which], sizeof buf[which], "%s/%s", test_data(), rel);
	return buf[which];
}

/* Create (truncate) a file in the scratch dir with the given contents. */
static inline void make_file(const char *name, const char *contents)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		say("make_file(%s): %s", name, errname(errno));
		return;
	}
	if (contents && write(fd, contents, strlen(contents)) < 0)
		say("make_file(%s): write %s", name, errname(errno));
	close(fd);
}

/* Print a buffer as text, with non-printing bytes escaped. */
static inline void show_bytes(const char *label, const void *p, long n)
{
	const unsigned char *s = p;
	long i;

	printf("%s: %ld \"", label, n);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			printf("\\n");
		else if (s[i] >= 32 && s[i] < 127 && s[i] != '"' && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02x", s[i]);
	}
	printf("\"\n");
}

/* ---- running cases ---- */

static int harness_inproc;          /* fork() gave ENOSYS */
static sigjmp_buf harness_jmp;
static volatile sig_atomic_t harness_sig;
static int harness_cwd = -1;
static sigset_t harness_mask;
static mode_t harness_umask = 022;
static const int harness_fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
				     SIGTRAP, SIGABRT, SIGSYS };

static void harness_catch(int sig)
{
	harness_sig = sig;
	siglongjmp(harness_jmp, 1);
}

static void harness_close_from(int lo)
{
	int fd;

	for (fd = lo; fd < 64; fd++)
		if (fd != harness_cwd)
			close(fd);
}

/* Put back what an in-process case may have changed. */
static void harness_restore(void)
{
	struct sigaction sa;
	int s;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigprocmask(SIG_SETMASK, &harness_mask, NULL);
	umask(harness_umask);
	if (harness_cwd >= 0 && fchdir(harness_cwd) < 0)
		say("harness: fchdir: %s", errname(errno));
	harness_close_from(3);
}

static int harness_run_inproc(const struct tcase *c)
{
	struct sigaction sa;
	unsigned i;

	if (harness_cwd < 0) {
		int fd = open(".", O_RDONLY | O_DIRECTORY);

		harness_cwd = fcntl(fd, F_DUPFD_CLOEXEC, 60);
		close(fd);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = harness_catch;
	sa.sa_flags = SA_NODEFER;
	harness_sig = 0;
	if (sigsetjmp(harness_jmp, 1) == 0) {
		for (i = 0; i < NELEM(harness_fatal); i++)
			sigaction(harness_fatal[i], &sa, NULL);
		c->fn();
	}
	fflush(stdout);
	harness_restore();
	return harness_sig ? harness_sig : 0x10000;
}

/*
 * TEST_SLOW=N (run-tests' UMK_TEST_SLOW): a slow machine (an emulated
 * CPU) gives time limits N times longer.  A case may run
 * HARNESS_LIMIT_S seconds times that.
 */
static int test_slow(void)
{
	const char *slow = getenv("TEST_SLOW");
	int n = slow ? atoi(slow) : 1;

	return n > 0 && n <= 100 ? n : 1;
}

#define HARNESS_LIMIT_S 10
static int harness_limit_s(void)
{
	return HARNESS_LIMIT_S * test_slow();
}

/*
 * Waits for the case's child, at most harness_limit_s() seconds
 * (polling, so that it needs no timer signal); a child that runs longer
 * is killed.  Returns 0, 1 when it had to be killed, -1 on an error
 * (errno set).
 */
static int harness_wait(pid_t pid, int *st)
{
	struct timespec ts = { 0, 100000 };
	long long waited = 0, limit = harness_limit_s() * 1000000000LL;
	pid_t r;

	for (;;) {
		r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno == EINVAL)   /* no WNOHANG: just wait */
			return waitpid(pid, st, 0) == pid ? 0 : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= limit) {
			kill(pid, SIGKILL);
			while (waitpid(pid, st, 0) < 0 && errno == EINTR)
				;
			return 1;
		}
		nanosleep(&ts, NULL);
		waited += ts.tv_nsec;
		if (ts.tv_nsec < 20000000)
			ts.tv_nsec *= 2;
	}
}

/* Runs one case and prints how it ended. */
static void harness_run(const struct tcase *c)
{
	pid_t pid;
	int st;

	printf("== %s\n", c->name);
	fflush(stdout);
	fflush(stderr);
	if (!harness_inproc) {
		pid = fork();
		if (pid == 0) {
			c->fn();
			exit(0);
		}
		if (pid < 0 && errno == ENOSYS)
			harness_inproc = 1;
		else if (pid < 0) {
			printf("-- fork failed: %s\n", errname(errno));
			return;
		}
		if (!harness_inproc) {
			switch (harness_wait(pid, &st)) {
			case -1:
				printf("-- waitpid failed: %s\n", errname(errno));
				return;
			case 1:
				printf("-- timeout: killed after %d s\n",
				       harness_limit_s());
				return;
			}
			if (WIFEXITED(st))
				printf("-- exit %d\n", WEXITSTATUS(st));
			else if (WIFSIGNALED(st))
				printf("-- signal %s\n", signame(WTERMSIG(st)));
			else
				printf("-- status 0x%x\n", st);
			return;
		}
	}
	st = harness_run_inproc(c);
	if (st == 0x10000)
		printf("-- exit 0\n");
	else
		printf("-- signal %s\n", signame(st));
}

static int harness_main(int argc, char **argv, const struct tcase *cases,
			unsigned n)
{
	const char *tmp = test_tmp();
	unsigned i;
	int a, found;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* The runner closes stray descriptors; this covers manual runs. */
	harness_close_from(3);
	umask(harness_umask);
	sigprocmask(SIG_SETMASK, NULL, &harness_mask);
	if (chdir(tmp) < 0) {
		printf("harness: chdir(TEST_TMP): %s\n", errname(errno));
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < n; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	for (a = 1; a < argc; a++) {
		for (found = 0, i = 0; i < n; i++)
			if (!strcmp(argv[a], cases[i].name))
				found = 1;
		if (!found) {
			fprintf(stderr, "no case named '%s'\n", argv[a]);
			return 2;
		}
	}
	for (i = 0; i < n; i++) {
		if (argc > 1) {
			for (found = 0, a = 1; a < argc; a++)
				if (!strcmp(argv[a], cases[i].name))
					found = 1;
			if (!found)
				continue;
		}
		harness_run(&cases[i]);
	}
	return 0;
}

#define HARNESS_MAIN(cases) \
	int main(int argc, char **argv) \
	{ \
		return harness_main(argc, argv, cases, NELEM(cases)); \
	}

#endif
