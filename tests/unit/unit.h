/*
 * The unit-test harness: named cases, checks, and a kernel machine to
 * run them on.
 *
 * A test program is a table of {name, fn} cases:
 *
 *	static const struct unit_case cases[] = {
 *		{ "alloc_orders", test_alloc_orders },
 *		...
 *	};
 *	UNIT_MAIN(cases, setup)
 *
 * Every case runs in its own child process, so one that panics or
 * crashes fails alone and each starts from the same state; setup (may
 * be NULL) runs in the child before the case.  `prog NAME...` runs the
 * cases whose names contain one of the NAMEs, `prog -l` lists them.
 * The program prints "PASS name" or "FAIL name" per case and exits 0
 * only if every case passed.
 *
 * This header needs only freestanding C headers, so that a test file
 * can include the kernel's headers (which define the guest's O_*,
 * S_IF*, ... themselves) and no C library header at all.
 */
#ifndef UMK_UNIT_H
#define UMK_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

int unit_main(const struct unit_case *cases, size_t n, void (*setup)(void),
	      int argc, char **argv);

#define UNIT_MAIN(cases, setup)                                          \
	int main(int argc, char **argv)                                  \
	{                                                                \
		return unit_main(cases, sizeof(cases) / sizeof(cases[0]), \
				 setup, argc, argv);                     \
	}

/* ---- checks: print file:line and what was wrong, count, go on ---- */

extern int unit_failures;

bool unit_check(bool ok, const char *what, const char *file, int line);
bool unit_check_eq(long long a, long long b, const char *as, const char *bs,
		   const char *file, int line);
bool unit_check_str(const char *a, const char *b, const char *as,
		    const char *bs, const char *file, int line);
/* Stop the case now (after a failed REQUIRE). */
__attribute__((noreturn)) void unit_abort(void);

#define CHECK(cond) unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b)                                                   \
	unit_check_eq((long long)(a), (long long)(b), #a, #b, __FILE__,  \
		      __LINE__)
#define CHECK_STR(a, b) unit_check_str((a), (b), #a, #b, __FILE__, __LINE__)
/* A check the rest of the case depends on. */
#define REQUIRE(cond)                                                    \
	do {                                                             \
		if (!CHECK(cond))                                        \
			unit_abort();                                    \
	} while (0)
#define REQUIRE_EQ(a, b)                                                 \
	do {                                                             \
		if (!CHECK_EQ(a, b))                                     \
			unit_abort();                                    \
	} while (0)

/* printf to stdout (the C library's, checked by the compiler). */
void unit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a failure in the case's own words (counts as a failed check). */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define FAIL(...) unit_fail(__FILE__, __LINE__, __VA_ARGS__)

/*
 * Run fn in a child and return its exit status (0-255), or 256 + the
 * signal that killed it.  For checking that a broken invariant
 * panics (the kernel's panic() exits with status 125).
 */
int unit_run_child(void (*fn)(void *arg), void *arg);
#define PANIC_STATUS 125

/* Deterministic pseudo-random numbers (xorshift), seeded per case. */
unsigned long long unit_rand(void);

/* ---- a machine for kernel code (unit_kernel.c) ---- */

/*
 * Physical memory of mem_bytes (a real memory file, as umk makes it),
 * the frame allocator over it, the fake engine with guest addresses
 * below user_top (task_size), and `current`, a task of a process with
 * default limits, root credentials, no mm and no files.
 */
void unit_machine(unsigned long long mem_bytes, unsigned long long user_top);
/* The machine most tests use: 64 MiB, user_top = the ptrace engine's. */
void unit_machine_default(void);
#define UNIT_USER_TOP 0x7ff000000000ULL

#endif
