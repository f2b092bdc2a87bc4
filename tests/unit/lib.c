/*
 * The kernel library (kernel/lib.c): kvsnprintf's formats, truncation
 * and return value; kstrtou64; the errno names.
 */
#include <limits.h>

#include "kernel/kernel.h"
#include "tests/unit/unit.h"

static bool fmt_is(const char *want, const char *file, int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ksnprintf(fmt, ...) gives want and returns its length. */
static bool fmt_is(const char *want, const char *file, int line,
		   const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	memset(buf, '#', sizeof(buf));
	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) || n != (int)strlen(want)) {
		unit_fail(file, line, "format \"%s\": \"%s\" (returned %d), "
			  "want \"%s\"", fmt, buf, n, want);
		return false;
	}
	return true;
}

#define FMT(want, ...) fmt_is(want, __FILE__, __LINE__, __VA_ARGS__)

static void test_integers(void)
{
	FMT("0", "%d", 0);
	FMT("42", "%d", 42);
	FMT("-42", "%d", -42);
	FMT("-2147483648", "%d", INT_MIN);
	FMT("2147483647", "%i", INT_MAX);
	FMT("4294967295", "%u", UINT_MAX);
	FMT("-1", "%ld", -1L);
	FMT("-9223372036854775808", "%lld", LLONG_MIN);
	FMT("18446744073709551615", "%llu", ULLONG_MAX);
	FMT("18446744073709551615", "%lu", ULONG_MAX);
	FMT("123456789012", "%zu", (size_t)123456789012ULL);
	FMT("-5", "%zd", (ssize_t)-5);
	FMT("ff", "%x", 255);
	FMT("FF", "%X", 255);
	FMT("ffffffff", "%x", -1);
	FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	FMT("ffffffffffffffff", "%llx", ~0ULL);
	FMT("17", "%o", 15);
	/* Flags and widths. */
	FMT("   42", "%5d", 42);
	FMT("42   |", "%-5d|", 42);
	FMT("00042", "%05d", 42);
	FMT("-0042", "%05d", -42);
	FMT("  -42", "%5d", -42);
	FMT("+42", "%+d", 42);
	FMT("123456", "%3d", 123456);
	FMT("0xff", "%#x", 255);
	FMT("0XFF", "%#X", 255);
	FMT("0x00ff", "%#06x", 255);
	FMT("017", "%#o", 15);
	FMT("    7", "%*d", 5, 7);
	FMT("00001000", "%08lx", 0x1000UL);
}

static void test_strings(void)
{
	FMT("hello", "%s", "hello");
	FMT("", "%s", "");
	{
		const char *volatile null = NULL;

		FMT("(null)", "%s", null);
	}
	FMT("hel", "%.3s", "hello");
	FMT("he", "%.*s", 2, "hello");
	FMT("hello", "%.*s", 10, "hello");
	FMT("", "%.*s", 0, "hello");
	/* %.*s must not read past the precision: no NUL needed. */
	{
		char nonul[3] = { 'a', 'b', 'c' };

		FMT("abc", "%.*s", 3, nonul);
	}
	FMT("ab   |", "%-5s|", "ab");
	FMT("   ab|", "%5s|", "ab");
	FMT("hello|", "%-3s|", "hello");
	FMT("x", "%c", 'x');
	FMT("a b", "%c%c%c", 'a', ' ', 'b');
	FMT("100%", "%d%%", 100);
	FMT("%", "%%");
	FMT("0x1234", "%p", (void *)0x1234);
	FMT("0x7fffdeadb000", "%p", (void *)0x7fffdeadb000UL);
	FMT("a=1 b=two c=0x3", "a=%d b=%s c=%#x", 1, "two", 3);
}

static void test_truncation(void)
{
	char buf[8];
	int n;

	memset(buf, '#', sizeof(buf));
	n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
	CHECK_EQ(n, 10); /* the length it wanted */
	CHECK_STR(buf, "0123456");
	memset(buf, '#', sizeof(buf));
	n = ksnprintf(buf, 1, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[1], '#');
	memset(buf, '#', sizeof(buf));
	n = ksnprintf(buf, 0, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], '#');
	n = ksnprintf(NULL, 0, "%d-%s", 12345, "xyz");
	CHECK_EQ(n, 9);
	memset(buf, '#', sizeof(buf));
	n = ksnprintf(buf, sizeof(buf), "%5d%5d", 1, 2);
	CHECK_EQ(n, 10);
	CHECK_STR(buf, "    1  ");
}

static bool u64_is(const char *s, int rc, u64 v, const char *file, int line)
{
	u64 out = 0x5a5a5a5a;
	int got = kstrtou64(s, &out);

	if (got != rc || (rc == 0 && out != v)) {
		unit_fail(file, line, "kstrtou64(\"%s\"): %d, %llu; want %d, %llu",
			  s, got, (unsigned long long)out, rc,
			  (unsigned long long)v);
		return false;
	}
	return true;
}

#define U64(s, rc, v) u64_is(s, rc, v, __FILE__, __LINE__)

static void test_kstrtou64(void)
{
	U64("0", 0, 0);
	U64("7", 0, 7);
	U64("123456789", 0, 123456789);
	U64("0123", 0, 123); /* decimal, not octal */
	U64("18446744073709551615", 0, ~0ULL);
	U64("18446744073709551616", -ERANGE, 0);
	U64("99999999999999999999", -ERANGE, 0);
	U64("0x0", 0, 0);
	U64("0x10", 0, 16);
	U64("0XaBcD", 0, 0xabcd);
	U64("0xffffffffffffffff", 0, ~0ULL);
	U64("0x10000000000000000", -ERANGE, 0);
	U64("", -EINVAL, 0);
	U64("0x", -EINVAL, 0);
	U64("-1", -EINVAL, 0);
	U64("+1", -EINVAL, 0);
	U64(" 1", -EINVAL, 0);
	U64("1 ", -EINVAL, 0);
	U64("12a", -EINVAL, 0);
	U64("0x1g", -EINVAL, 0);
	U64("ff", -EINVAL, 0);
	/* A failed parse leaves the output alone. */
	{
		u64 out = 99;

		CHECK_EQ(kstrtou64("x", &out), -EINVAL);
		CHECK_EQ(out, 99);
	}
}

static void test_errno_names(void)
{
	CHECK_STR(errno_name(-ENOENT), "ENOENT");
	CHECK_STR(errno_name(-EPERM), "EPERM");
	CHECK_STR(errno_name(-ENOTRECOVERABLE), "ENOTRECOVERABLE");
	CHECK_STR(errno_name(-ERESTARTSYS), "ERESTARTSYS");
	CHECK(errno_name(0) == NULL);
	CHECK(errno_name(-4000) == NULL);
	CHECK(errno_name(5) == NULL);
	CHECK_STR(strerror_k(-ENOENT), "No such file or directory");
	CHECK_STR(strerror_k(-ELOOP), "Too many levels of symbolic links");
	CHECK_STR(strerror_k(-9999), "Unknown error");
	CHECK(IS_ERR_VALUE(-1L));
	CHECK(IS_ERR_VALUE(-4095L));
	CHECK(!IS_ERR_VALUE(-4096L));
	CHECK(!IS_ERR_VALUE(0L));
}

static void test_strings_helpers(void)
{
	char buf[8];
	char *p;

	CHECK_EQ(kstrlcpy(buf, "hello world", sizeof(buf)), 11);
	CHECK_STR(buf, "hello w");
	CHECK_EQ(kstrlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK_STR(buf, "hi");
	buf[0] = 'z';
	CHECK_EQ(kstrlcpy(buf, "hi", 0), 2);
	CHECK_EQ(buf[0], 'z');
	p = kstrndup("abcdef", 3);
	CHECK_STR(p, "abc");
	kfree(p);
	p = kstrdup("xyz");
	CHECK_STR(p, "xyz");
	kfree(p);
	CHECK(range_ok(0, 10, 10));
	CHECK(!range_ok(1, 10, 10));
	CHECK(!range_ok(11, 0, 10));
	CHECK(!range_ok(5, ~0ULL, 10));
	CHECK(range_ok(10, 0, 10));
	CHECK(!range_ok(~0ULL, 2, ~0ULL));
}

static void test_random(void)
{
	u64 a = get_random_u64(), b = get_random_u64();

	CHECK(a != b);
	for (int i = 0; i < 1000; i++)
		if (rand_range(7) >= 7) {
			FAIL("rand_range(7) out of range");
			break;
		}
	CHECK_EQ(rand_range(1), 0);
	CHECK_EQ(rand_range(0), 0);
}

static const struct unit_case cases[] = {
	{ "integers", test_integers },
	{ "strings", test_strings },
	{ "truncation", test_truncation },
	{ "kstrtou64", test_kstrtou64 },
	{ "errno_names", test_errno_names },
	{ "string_helpers", test_strings_helpers },
	{ "random", test_random },
};

UNIT_MAIN(cases, NULL)
