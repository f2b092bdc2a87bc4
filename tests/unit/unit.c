/*
 * The unit-test harness (see unit.h).  Host C library only: no kernel
 * header comes in here.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/unit.h"

int unit_failures;
static unsigned long long rand_state = 0x9e3779b97f4a7c15ULL;

bool unit_check(bool ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("    %s:%d: check failed: %s\n", file, line, what);
		fflush(stdout);
		unit_failures++;
	}
	return ok;
}

bool unit_check_eq(long long a, long long b, const char *as, const char *bs,
		   const char *file, int line)
{
	if (a != b) {
		printf("    %s:%d: check failed: %s == %s\n"
		       "        left:  %lld (%#llx)\n"
		       "        right: %lld (%#llx)\n",
		       file, line, as, bs, a, (unsigned long long)a, b,
		       (unsigned long long)b);
		fflush(stdout);
		unit_failures++;
	}
	return a == b;
}

bool unit_check_str(const char *a, const char *b, const char *as,
		    const char *bs, const char *file, int line)
{
	bool ok = a && b && !strcmp(a, b);

	if (!ok) {
		printf("    %s:%d: check failed: %s == %s\n"
		       "        left:  \"%s\"\n        right: \"%s\"\n",
		       file, line, as, bs, a ? a : "(null)", b ? b : "(null)");
		fflush(stdout);
		unit_failures++;
	}
	return ok;
}

void unit_abort(void)
{
	printf("    (case stopped)\n");
	fflush(stdout);
	exit(1);
}

void unit_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	unit_failures++;
}

unsigned long long unit_rand(void)
{
	unsigned long long x = rand_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rand_state = x;
	return x;
}

int unit_run_child(void (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		/* The expected panic's message and backtrace are noise. */
		if (!getenv("UNIT_VERBOSE"))
			freopen("/dev/null", "w", stderr);
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFSIGNALED(status))
		return 256 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static bool selected(const char *name, int argc, char **argv)
{
	int any = 0;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (strstr(name, argv[i]))
			return true;
	}
	return !any;
}

static int run_case(const struct unit_case *c, void (*setup)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		alarm(30);
		for (const char *p = c->name; *p; p++)
			rand_state = rand_state * 31 + (unsigned char)*p;
		if (setup)
			setup();
		c->fn();
		fflush(stdout);
		_exit(unit_failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		printf("    killed by signal %d (%s)\n", WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == PANIC_STATUS)
		printf("    the kernel panicked (exit status %d)\n",
		       PANIC_STATUS);
	return 1;
}

int unit_main(const struct unit_case *cases, size_t n, void (*setup)(void),
	      int argc, char **argv)
{
	int failed = 0, ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			for (size_t j = 0; j < n; j++)
				printf("%s\n", cases[j].name);
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!selected(cases[i].name, argc, argv))
			continue;
		rc = run_case(&cases[i], setup);
		printf("%s %s\n", rc ? "FAIL" : "PASS", cases[i].name);
		failed += rc;
		ran++;
	}
	printf("%d cases, %d failed\n", ran, failed);
	return failed ? 1 : (ran ? 0 : 1);
}
