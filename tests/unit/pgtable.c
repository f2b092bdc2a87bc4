/*
 * Software page tables (kernel/mm/pgtable.c): four levels of 512
 * entries; pt_walk finds or creates a PTE, pt_for_each visits the
 * present PTEs of a range in address order.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "tests/unit/unit.h"

#define L1 (1ULL << 21) /* bytes one leaf table covers */
#define L2 (1ULL << 30)
#define L3 (1ULL << 39)

static void test_walk(void)
{
	struct pgtable pt = { 0 };
	pte_t *a, *b, *c;

	CHECK(pt_walk(&pt, 0x400000, false) == NULL);
	CHECK(pt.root == NULL);
	a = pt_walk(&pt, 0x400000, true);
	REQUIRE(a != NULL);
	CHECK_EQ(*a, 0);
	*a = 0x5000 | PTE_PRESENT | PTE_READ;
	CHECK(pt_walk(&pt, 0x400000, false) == a);
	CHECK(pt_walk(&pt, 0x400fff, false) == a); /* any byte of the page */
	b = pt_walk(&pt, 0x401000, false);
	CHECK(b == a + 1); /* same leaf table, next entry */
	CHECK(b && *b == 0);
	/* Another leaf table: not there until created. */
	CHECK(pt_walk(&pt, 0x400000 + L1, false) == NULL);
	c = pt_walk(&pt, 0x400000 + L1, true);
	CHECK(c != NULL && c != a + 512);
	CHECK_EQ(*pt_walk(&pt, 0x400000, false), 0x5000 | PTE_PRESENT | PTE_READ);
	pt_free(&pt);
	CHECK(pt.root == NULL);
	CHECK(pt_walk(&pt, 0x400000, false) == NULL);
	pt_free(&pt); /* twice is harmless */
}

/* The addresses of a test: near every kind of table boundary. */
static uaddr_t interesting(u64 i)
{
	static const uaddr_t base[] = {
		0x10000, L1 - 0x3000, L1, 2 * L1 - PAGE_SIZE, L2 - 0x2000,
		L2, 5 * L2 + L1 - PAGE_SIZE, L3 - PAGE_SIZE, L3, 3 * L3 + L2,
		UNIT_USER_TOP - 8 * PAGE_SIZE, 0x7fffffff0000ULL,
	};

	return base[i % ARRAY_SIZE(base)] + ((i / ARRAY_SIZE(base)) % 8) *
						      PAGE_SIZE;
}

struct seen {
	uaddr_t va[256];
	int n;
	bool unordered;
};

static void note(pte_t *pte, uaddr_t va, void *arg)
{
	struct seen *s = arg;

	if (s->n && va <= s->va[s->n - 1])
		s->unordered = true;
	if (s->n < (int)ARRAY_SIZE(s->va))
		s->va[s->n++] = va;
	if (pte_phys(*pte) != (va & 0xffffffff000ULL))
		FAIL("pt_for_each gave va %#llx the PTE of another page",
		     (unsigned long long)va);
}

static int cmp_va(const void *a, const void *b)
{
	uaddr_t x = *(const uaddr_t *)a, y = *(const uaddr_t *)b;

	return x < y ? -1 : x > y;
}

/* Simple insertion sort: kernel/ has no qsort. */
static void sort(uaddr_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && cmp_va(&v[j - 1], &v[j]) > 0; j--) {
			uaddr_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/*
 * Present PTEs at addresses around table boundaries; pt_for_each over
 * many ranges must visit exactly the pages that overlap the range, in
 * order.  Non-present entries are skipped.
 */
static void test_for_each(void)
{
	struct pgtable pt = { 0 };
	uaddr_t set[96];
	int n = 0;

	for (u64 i = 0; i < 96; i++) {
		uaddr_t va = interesting(i);
		pte_t *pte = pt_walk(&pt, va, true);
		bool dup = false;

		for (int k = 0; k < n; k++)
			dup |= set[k] == va;
		if (dup)
			continue;
		if (i % 7 == 3) {
			/* Non-zero but not present: must be skipped. */
			*pte = (va & 0xffffffff000ULL) | PTE_READ;
			continue;
		}
		*pte = (va & 0xffffffff000ULL) | PTE_PRESENT | PTE_READ;
		set[n++] = va;
	}
	sort(set, n);
	for (int r = 0; r < 400; r++) {
		uaddr_t a = interesting(unit_rand() % 96) +
			    (unit_rand() % 3 - 1) * (unit_rand() % 0x3000);
		uaddr_t b = interesting(unit_rand() % 96) +
			    (unit_rand() % 3 - 1) * (unit_rand() % 0x3000);
		struct seen s = { 0 };
		uaddr_t want[96];
		int nw = 0;

		if (r == 0)
			a = 0, b = UNIT_USER_TOP;
		if (r == 1)
			a = 0, b = ~0ULL;
		if (a > b) {
			uaddr_t t = a;

			a = b;
			b = t;
		}
		for (int k = 0; k < n; k++)
			if (set[k] + PAGE_SIZE > a && set[k] < b)
				want[nw++] = set[k];
		pt_for_each(&pt, a, b, note, &s);
		CHECK(!s.unordered);
		if (s.n != nw || memcmp(s.va, want, nw * sizeof(want[0]))) {
			FAIL("pt_for_each(%#llx, %#llx) visited %d pages, "
			     "want %d", (unsigned long long)a,
			     (unsigned long long)b, s.n, nw);
			break;
		}
	}
	{
		struct seen s = { 0 };

		pt_for_each(&pt, 0x500000, 0x500000, note, &s);
		pt_for_each(&pt, 0x500000, 0x400000, note, &s);
		CHECK_EQ(s.n, 0);
	}
	pt_free(&pt);
}

struct clear_arg {
	int calls;
};

static void clear_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct clear_arg *c = arg;

	(void)va;
	*pte = 0;
	c->calls++;
}

/* fn may change the PTE it is given (zap does). */
static void test_for_each_modify(void)
{
	struct pgtable pt = { 0 };
	struct clear_arg c = { 0 };
	uaddr_t base = L2 - 16 * PAGE_SIZE;

	for (int i = 0; i < 32; i++)
		*pt_walk(&pt, base + i * PAGE_SIZE, true) =
			(0x1000ULL * (i + 1)) | PTE_PRESENT;
	pt_for_each(&pt, base + 8 * PAGE_SIZE, base + 24 * PAGE_SIZE, clear_one,
		    &c);
	CHECK_EQ(c.calls, 16);
	c.calls = 0;
	pt_for_each(&pt, 0, UNIT_USER_TOP, clear_one, &c);
	CHECK_EQ(c.calls, 16);
	c.calls = 0;
	pt_for_each(&pt, 0, UNIT_USER_TOP, clear_one, &c);
	CHECK_EQ(c.calls, 0);
	pt_free(&pt);
}

/* The top of the guest address space, and 47-bit addresses. */
static void test_high(void)
{
	struct pgtable pt = { 0 };
	uaddr_t top = UNIT_USER_TOP - PAGE_SIZE, max47 = (1ULL << 47) - PAGE_SIZE;
	pte_t *a = pt_walk(&pt, top, true), *b = pt_walk(&pt, max47, true);
	pte_t *low = pt_walk(&pt, 0, true);
	struct seen s = { 0 };

	REQUIRE(a && b && low);
	CHECK(a != b && a != low && b != low);
	*a = (top & 0xffffffff000ULL) | PTE_PRESENT;
	*b = (max47 & 0xffffffff000ULL) | PTE_PRESENT;
	CHECK_EQ(*low, 0);
	CHECK(pt_walk(&pt, top, false) == a);
	CHECK(pt_walk(&pt, max47, false) == b);
	pt_for_each(&pt, top, UNIT_USER_TOP, note, &s);
	CHECK_EQ(s.n, 1);
	CHECK(s.n && s.va[0] == top);
	s.n = 0;
	pt_for_each(&pt, 0, 1ULL << 47, note, &s);
	CHECK_EQ(s.n, 2);
	pt_free(&pt);
}

static const struct unit_case cases[] = {
	{ "walk", test_walk },
	{ "for_each", test_for_each },
	{ "for_each_modify", test_for_each_modify },
	{ "high", test_high },
};

UNIT_MAIN(cases, NULL)
