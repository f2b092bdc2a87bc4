/*
 * Guest memory access (kernel/mm/uaccess.c): copies walk the current
 * task's page table, fault pages in as the guest would, and give
 * -EFAULT for anything the guest could not have touched.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "kernel/uaccess.h"
#include "kernel/abi/misc.h"
#include "tests/unit/unit.h"
#include "tests/unit/fake_engine.h"

#define P PAGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
/*
 * The layout every case starts with:
 *   RWBASE   4 pages read-write
 *   ROBASE   2 pages read-only, right after
 *   hole     1 page
 *   NONE     1 page PROT_NONE
 */
#define RWBASE 0x20000000ULL
#define ROBASE (RWBASE + 4 * P)
#define HOLE (ROBASE + 2 * P)
#define NONE (HOLE + P)

static struct mm *mm;
static u64 frames_at_start;

static void setup(void)
{
	unit_machine_default();
	frames_at_start = frames_free();
	mm = mm_create();
	mm->mmap_base = 0x7f0000000000ULL;
	current->mm = mm;
	if (vma_map(mm, RWBASE, 4 * P, RW, 0, NULL, 0) ||
	    vma_map(mm, ROBASE, 2 * P, PROT_READ, 0, NULL, 0) ||
	    vma_map(mm, NONE, P, PROT_NONE, 0, NULL, 0)) {
		FAIL("cannot build the address space");
		unit_abort();
	}
}

static void done(void)
{
	CHECK_ENGINE(mm);
	current->mm = NULL;
	mm_put(mm);
	CHECK_EQ(frames_free(), frames_at_start);
	CHECK_EQ(fake_spaces_alive, 0);
	CHECK_EQ(fake_violations, 0);
}

static void fill(char *buf, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(seed + i * 7);
}

static void test_copy_roundtrip(void)
{
	static char out[3 * 4096], in[3 * 4096];

	/* Across page boundaries, at odd offsets and lengths. */
	for (size_t off = 0; off < 2 * P; off += 1365) {
		for (size_t len = 1; len <= 2 * P; len = len * 3 + 1) {
			fill(out, len, (int)(off + len));
			memset(in, 0, sizeof(in));
			if (!CHECK_EQ(copy_to_user(RWBASE + off, out, len), 0))
				break;
			CHECK_EQ(copy_from_user(in, RWBASE + off, len), 0);
			if (memcmp(in, out, len)) {
				FAIL("data differs at offset %zu length %zu",
				     off, len);
				break;
			}
		}
	}
	/* What landed in the frames is what was written. */
	fill(out, 16, 99);
	CHECK_EQ(copy_to_user(RWBASE + P - 8, out, 16), 0);
	{
		pte_t *a = pt_walk(&mm->pt, RWBASE, false);
		pte_t *b = pt_walk(&mm->pt, RWBASE + P, false);

		REQUIRE(a && b && (*a & PTE_PRESENT) && (*b & PTE_PRESENT));
		CHECK(!memcmp((char *)phys_to_kva(pte_phys(*a)) + P - 8, out, 8));
		CHECK(!memcmp(phys_to_kva(pte_phys(*b)), out + 8, 8));
	}
	/* A length of zero touches nothing, wherever it points. */
	CHECK_EQ(copy_to_user(HOLE, out, 0), 0);
	CHECK_EQ(copy_from_user(in, HOLE, 0), 0);
	/* Reading the read-only part works (zeroes: never written). */
	memset(in, 1, 64);
	CHECK_EQ(copy_from_user(in, ROBASE + 100, 64), 0);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(in[i], 0);
	/* clear_user */
	CHECK_EQ(clear_user(RWBASE + P - 8, 16), 0);
	CHECK_EQ(copy_from_user(in, RWBASE + P - 8, 16), 0);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(in[i], 0);
	done();
}

static void test_copy_faults(void)
{
	char buf[64];

	memset(buf, 0x33, sizeof(buf));
	/* Into read-only memory. */
	CHECK_EQ(copy_to_user(ROBASE, buf, 8), -EFAULT);
	CHECK_EQ(clear_user(ROBASE, 8), -EFAULT);
	/* Running from writable into read-only memory. */
	CHECK_EQ(copy_to_user(ROBASE - 4, buf, 8), -EFAULT);
	/* Unmapped, and PROT_NONE. */
	CHECK_EQ(copy_to_user(HOLE, buf, 1), -EFAULT);
	CHECK_EQ(copy_from_user(buf, HOLE + 17, 1), -EFAULT);
	CHECK_EQ(copy_from_user(buf, NONE, 8), -EFAULT);
	CHECK_EQ(copy_to_user(NONE, buf, 8), -EFAULT);
	/* Running off the end of the mapping into the hole. */
	CHECK_EQ(copy_from_user(buf, HOLE - 4, 8), -EFAULT);
	/* Addresses no guest has. */
	CHECK_EQ(copy_from_user(buf, 0, 8), -EFAULT);
	CHECK_EQ(copy_from_user(buf, task_size, 8), -EFAULT);
	CHECK_EQ(copy_from_user(buf, task_size - 4, 8), -EFAULT);
	CHECK_EQ(copy_from_user(buf, ~0ULL - 3, 8), -EFAULT);
	CHECK_EQ(copy_to_user(~0ULL, buf, 1), -EFAULT);
	/* A length that wraps around the address space. */
	CHECK_EQ(copy_from_user(buf, RWBASE, ~0ULL - RWBASE + 2), -EFAULT);
	CHECK_EQ(copy_to_user(RWBASE, buf, (size_t)-1), -EFAULT);
	/* No mm at all (a kernel thread): -EFAULT, not a crash. */
	current->mm = NULL;
	CHECK_EQ(copy_from_user(buf, RWBASE, 8), -EFAULT);
	CHECK_EQ(strncpy_from_user(buf, RWBASE, 8), -EFAULT);
	current->mm = mm;
	done();
}

static void put_str(uaddr_t at, const char *s, size_t n)
{
	REQUIRE(copy_to_user(at, s, n) == 0);
}

static void test_strncpy(void)
{
	char buf[64];

	put_str(RWBASE, "hello", 6);
	CHECK_EQ(strncpy_from_user(buf, RWBASE, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	/* max counts the NUL: 6 is enough, 5 is not. */
	CHECK_EQ(strncpy_from_user(buf, RWBASE, 6), 5);
	CHECK_EQ(strncpy_from_user(buf, RWBASE, 5), -ENAMETOOLONG);
	CHECK_EQ(strncpy_from_user(buf, RWBASE, 0), -ENAMETOOLONG);
	/* The empty string. */
	CHECK_EQ(strncpy_from_user(buf, RWBASE + 5, 1), 0);
	CHECK_STR(buf, "");
	/* Across a page boundary. */
	put_str(RWBASE + P - 3, "abcdefg", 8);
	CHECK_EQ(strncpy_from_user(buf, RWBASE + P - 3, sizeof(buf)), 7);
	CHECK_STR(buf, "abcdefg");
	/* Ending right at the end of readable memory, NUL included. */
	put_str(ROBASE - 4, "xyz", 4);
	CHECK_EQ(strncpy_from_user(buf, ROBASE - 4, sizeof(buf)), 3);
	/* Read-only memory is fine for reading (zeroes there). */
	CHECK_EQ(strncpy_from_user(buf, ROBASE + 10, sizeof(buf)), 0);
	/* No NUL before the hole: -EFAULT, not -ENAMETOOLONG. */
	{
		char x[16];

		memset(x, 'x', sizeof(x));
		REQUIRE(vma_protect(mm, ROBASE, 2 * P, RW) == 0);
		put_str(HOLE - 16, x, 16);
		CHECK_EQ(strncpy_from_user(buf, HOLE - 16, sizeof(buf)), -EFAULT);
		CHECK_EQ(strncpy_from_user(buf, HOLE - 16, 16), -ENAMETOOLONG);
	}
	CHECK_EQ(strncpy_from_user(buf, HOLE, sizeof(buf)), -EFAULT);
	CHECK_EQ(strncpy_from_user(buf, task_size - 2, sizeof(buf)), -EFAULT);
	CHECK_EQ(strncpy_from_user(buf, ~0ULL, sizeof(buf)), -EFAULT);
	/* A long name: exactly PATH_MAX - 1 characters fit in PATH_MAX. */
	{
		static char name[4097];

		memset(name, 'n', 4095);
		name[4095] = 0;
		REQUIRE(vma_map(mm, 0x30000000, 4 * P, RW, 0, NULL, 0) == 0);
		put_str(0x30000000 + 100, name, 4096);
		CHECK_EQ(strncpy_from_user(name, 0x30000000 + 100, 4096), 4095);
		CHECK_EQ(strncpy_from_user(name, 0x30000000 + 100, 4095),
			 -ENAMETOOLONG);
	}
	done();
}

/* Copies into memory shared copy-on-write after fork stay private. */
static void test_cow(void)
{
	struct mm *child;
	u64 v = 1, w = 0;

	CHECK_EQ(copy_to_user(RWBASE, &v, sizeof(v)), 0);
	child = mm_fork(mm);
	REQUIRE(child != NULL);
	v = 2;
	CHECK_EQ(copy_to_user(RWBASE, &v, sizeof(v)), 0);
	CHECK_ENGINE(mm);
	CHECK_ENGINE(child);
	current->mm = child;
	CHECK_EQ(copy_from_user(&w, RWBASE, sizeof(w)), 0);
	CHECK_EQ(w, 1);
	v = 3;
	CHECK_EQ(copy_to_user(RWBASE, &v, sizeof(v)), 0);
	current->mm = mm;
	CHECK_EQ(copy_from_user(&w, RWBASE, sizeof(w)), 0);
	CHECK_EQ(w, 2);
	CHECK_ENGINE(child);
	mm_put(child);
	done();
}

/* Reading guest iovecs: Linux's checks. */
static void test_import_iovec(void)
{
	struct linux_iovec iov[4] = {
		{ RWBASE, 10 }, { RWBASE + 100, 0 }, { RWBASE + 200, 20 },
		{ RWBASE + 300, 5 },
	};
	struct linux_iovec got[UIO_MAXIOV + 1];
	static struct linux_iovec many[UIO_MAXIOV + 1];

	REQUIRE(copy_to_user(RWBASE + 2 * P, iov, sizeof(iov)) == 0);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, 4, got), 35);
	CHECK_EQ(got[2].iov_base, RWBASE + 200);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, 0, got), 0);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, -1, got), -EINVAL);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, UIO_MAXIOV + 1, got), -EINVAL);
	CHECK_EQ(import_iovec(HOLE, 1, got), -EFAULT);
	/* A length negative as ssize_t: -EINVAL. */
	iov[1].iov_len = 1ULL << 63;
	REQUIRE(copy_to_user(RWBASE + 2 * P, iov, sizeof(iov)) == 0);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, 4, got), -EINVAL);
	/* The total is capped at MAX_RW_COUNT (INT_MAX & PAGE_MASK). */
	iov[1].iov_len = 0x7fffffff;
	REQUIRE(copy_to_user(RWBASE + 2 * P, iov, sizeof(iov)) == 0);
	CHECK_EQ(import_iovec(RWBASE + 2 * P, 4, got), 0x7ffff000);
	/* UIO_MAXIOV entries are fine. */
	REQUIRE(vma_map(mm, 0x30000000, 8 * P, RW, 0, NULL, 0) == 0);
	REQUIRE(copy_to_user(0x30000000, many, sizeof(many)) == 0);
	CHECK_EQ(import_iovec(0x30000000, UIO_MAXIOV, got), 0);
	done();
}

/* Iterators stop at a bad page and report what they did. */
static void test_iter(void)
{
	struct linux_iovec iov[3] = {
		{ RWBASE + 10, 6 }, { RWBASE + 2 * P - 4, 8 }, { HOLE - 2, 10 },
	};
	struct iov_iter it;
	char src[32], dst[32];

	fill(src, sizeof(src), 5);
	iter_user(&it, iov, 3, 24);
	/* 6 + 8 bytes are writable; the third starts read-only. */
	CHECK_EQ(copy_to_iter(src, 24, &it), 14);
	CHECK_EQ(it.count, 10);
	/* Reading gets 2 more, up to the hole. */
	iter_user(&it, iov, 3, 24);
	memset(dst, 0x77, sizeof(dst));
	CHECK_EQ(copy_from_iter(dst, 24, &it), 16);
	CHECK(!memcmp(dst, src, 14));
	CHECK_EQ(dst[14], 0);
	CHECK_EQ(dst[16], 0x77);
	/* A read-only page stops a copy into it. */
	iov[2].iov_base = ROBASE - 2;
	iter_user(&it, iov, 3, 24);
	CHECK_EQ(copy_to_iter(src, 24, &it), 16);
	done();
}

static const struct unit_case cases[] = {
	{ "copy_roundtrip", test_copy_roundtrip },
	{ "copy_faults", test_copy_faults },
	{ "strncpy", test_strncpy },
	{ "cow", test_cow },
	{ "import_iovec", test_import_iovec },
	{ "iter", test_iter },
};

UNIT_MAIN(cases, setup)
