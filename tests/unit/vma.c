/*
 * Address spaces (kernel/mm/vma.c, kernel/mm/fault.c): VMAs split and
 * merged by map, unmap and protect; free areas; fork's copy-on-write;
 * page faults.  After every step the fake engine's view must equal the
 * present PTEs of the page table (CHECK_ENGINE).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "kernel/uaccess.h"
#include "tests/unit/unit.h"
#include "tests/unit/fake_engine.h"

#define P PAGE_SIZE
#define A 0x10000000ULL          /* where most tests map */
#define MMAP_BASE 0x7f0000000000ULL
#define MMAP_MIN 0x10000ULL
#define RW (PROT_READ | PROT_WRITE)
#define RX (PROT_READ | PROT_EXEC)

static u64 frames_at_start;

static void setup(void)
{
	unit_machine_default();
	frames_at_start = frames_free();
}

static struct mm *new_mm(void)
{
	struct mm *mm = mm_create();

	if (!mm) {
		FAIL("mm_create failed");
		unit_abort();
	}
	mm->mmap_base = MMAP_BASE;
	return mm;
}

static pte_t pte_at(struct mm *mm, uaddr_t va)
{
	pte_t *pte = pt_walk(&mm->pt, va, false);

	return pte && (*pte & PTE_PRESENT) ? *pte : 0;
}

static int vma_count(struct mm *mm)
{
	struct vma *v;
	int n = 0;

	list_for_each(v, &mm->vmas, link)
		n++;
	return n;
}

struct want {
	uaddr_t start, end;
	int prot;
};

/* mm's VMAs are exactly w[0..n), in order. */
static bool vmas_are(struct mm *mm, const struct want *w, int n,
		     const char *file, int line)
{
	struct vma *v;
	int i = 0;
	bool ok = true;

	list_for_each(v, &mm->vmas, link) {
		if (i >= n || v->start != w[i].start || v->end != w[i].end ||
		    v->prot != w[i].prot)
			ok = false;
		i++;
	}
	if (ok && i == n)
		return true;
	unit_fail(file, line, "the VMAs differ");
	unit_printf("      have:\n");
	list_for_each(v, &mm->vmas, link)
		unit_printf("        %#llx-%#llx prot %d flags %#x%s\n",
			    (unsigned long long)v->start,
			    (unsigned long long)v->end, v->prot, v->flags,
			    v->file ? " file" : "");
	unit_printf("      want:\n");
	for (i = 0; i < n; i++)
		unit_printf("        %#llx-%#llx prot %d\n",
			    (unsigned long long)w[i].start,
			    (unsigned long long)w[i].end, w[i].prot);
	return false;
}

#define CHECK_VMAS(mm, ...)                                              \
	do {                                                             \
		static const struct want w_[] = { __VA_ARGS__ };         \
		vmas_are(mm, w_, ARRAY_SIZE(w_), __FILE__, __LINE__);    \
	} while (0)
#define CHECK_NO_VMAS(mm) CHECK_EQ(vma_count(mm), 0)

/* Every frame is back and every engine space gone. */
static void check_no_leaks(void)
{
	CHECK_EQ(frames_free(), frames_at_start);
	CHECK_EQ(fake_spaces_alive, 0);
	CHECK_EQ(fake_violations, 0);
}

/* Write a u64 into guest memory of mm through its page table. */
static int poke(struct mm *mm, uaddr_t va, u64 val)
{
	return copy_to_mm(mm, va, &val, sizeof(val));
}

static u64 peek(struct mm *mm, uaddr_t va)
{
	u64 *p = user_ptr(mm, va, false);

	return p ? *p : 0xdeadbeefdeadbeefULL;
}

/* ---- map, unmap, protect ---- */

static void test_map_unmap_split(void)
{
	struct mm *mm = new_mm();
	u64 before = frames_free();

	CHECK_EQ(vma_map(mm, A, 10 * P, RW, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A, A + 10 * P, RW });
	CHECK_EQ(mm_populate(mm, A, A + 10 * P, true), 0);
	CHECK_ENGINE(mm);
	CHECK_EQ(frames_free(), before - 10);
	for (int i = 0; i < 10; i++)
		CHECK(pte_at(mm, A + i * P) & PTE_WRITE);

	/* A hole in the middle. */
	CHECK_EQ(vma_unmap(mm, A + 3 * P, 2 * P), 0);
	CHECK_VMAS(mm, { A, A + 3 * P, RW }, { A + 5 * P, A + 10 * P, RW });
	CHECK_EQ(pte_at(mm, A + 3 * P), 0);
	CHECK_EQ(pte_at(mm, A + 4 * P), 0);
	CHECK(pte_at(mm, A + 5 * P) != 0);
	CHECK_EQ(frames_free(), before - 8);
	CHECK_ENGINE(mm);

	/* Across the hole and into both sides. */
	CHECK_EQ(vma_unmap(mm, A + 2 * P, 4 * P), 0);
	CHECK_VMAS(mm, { A, A + 2 * P, RW }, { A + 6 * P, A + 10 * P, RW });
	CHECK_EQ(frames_free(), before - 6);
	CHECK_ENGINE(mm);

	/* Nothing there: fine. */
	CHECK_EQ(vma_unmap(mm, 0x20000000, P), 0);
	CHECK_VMAS(mm, { A, A + 2 * P, RW }, { A + 6 * P, A + 10 * P, RW });

	/* Bad ranges. */
	CHECK_EQ(vma_unmap(mm, A + 1, P), -EINVAL);
	CHECK_EQ(vma_unmap(mm, A, 0), -EINVAL);
	CHECK_EQ(vma_unmap(mm, task_size - P, 2 * P), -EINVAL);
	CHECK_EQ(vma_unmap(mm, task_size, P), -EINVAL);
	CHECK_EQ(vma_unmap(mm, A, ~0ULL - A + 1 + P), -EINVAL);
	CHECK_ENGINE(mm);

	/* A map over part of both replaces what was there. */
	CHECK_EQ(vma_map(mm, A + P, 6 * P, PROT_READ, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A, A + P, RW }, { A + P, A + 7 * P, PROT_READ },
		   { A + 7 * P, A + 10 * P, RW });
	CHECK_EQ(pte_at(mm, A + P), 0);
	CHECK_EQ(pte_at(mm, A + 6 * P), 0);
	CHECK(pte_at(mm, A) != 0);
	CHECK(pte_at(mm, A + 7 * P) != 0);
	CHECK_EQ(frames_free(), before - 4);
	CHECK_ENGINE(mm);

	/* All of the address space at once. */
	CHECK_EQ(vma_unmap(mm, 0, task_size), 0);
	CHECK_NO_VMAS(mm);
	CHECK_EQ(frames_free(), before);
	CHECK_EQ(fake_pages(mm->as), 0);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

static void test_merge(void)
{
	struct mm *mm = new_mm();
	struct file *f = shmem_file(16 * P, O_RDWR);

	CHECK_EQ(vma_map(mm, A, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(vma_map(mm, A + 2 * P, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A, A + 4 * P, RW });
	CHECK_EQ(vma_map(mm, A - 2 * P, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A - 2 * P, A + 4 * P, RW });
	/* Filling a hole joins three. */
	CHECK_EQ(vma_map(mm, A + 6 * P, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A - 2 * P, A + 4 * P, RW }, { A + 6 * P, A + 8 * P, RW });
	CHECK_EQ(vma_map(mm, A + 4 * P, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_VMAS(mm, { A - 2 * P, A + 8 * P, RW });

	/*
	 * Different prot, flags or backing: no merging.  The same file at
	 * consecutive offsets merges, as Linux's vma_merge does (one line in
	 * /proc/PID/maps); a gap in the offsets does not.
	 */
	CHECK_EQ(vma_map(mm, A + 8 * P, P, PROT_READ, 0, NULL, 0), 0);
	CHECK_EQ(vma_map(mm, A + 9 * P, P, PROT_READ, VMA_STACK, NULL, 0), 0);
	CHECK_EQ(vma_map(mm, A + 10 * P, P, PROT_READ, VMA_STACK, f, 0), 0);
	CHECK_EQ(vma_map(mm, A + 11 * P, P, PROT_READ, VMA_STACK, f, 1), 0);
	CHECK_EQ(vma_map(mm, A + 12 * P, P, PROT_READ, VMA_STACK, f, 5), 0);
	CHECK_VMAS(mm, { A - 2 * P, A + 8 * P, RW },
		   { A + 8 * P, A + 9 * P, PROT_READ },
		   { A + 9 * P, A + 10 * P, PROT_READ },
		   { A + 10 * P, A + 12 * P, PROT_READ },
		   { A + 12 * P, A + 13 * P, PROT_READ });
	CHECK_ENGINE(mm);
	mm_put(mm);
	file_put(f);
	check_no_leaks();
}

/*
 * mprotect of part of a VMA splits it; setting the old protection back
 * leaves pieces that Linux would merge again (it reports one mapping
 * in /proc/PID/maps).
 */
static void test_protect_remerge(void)
{
	struct mm *mm = new_mm();

	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(vma_protect(mm, A + P, P, PROT_READ), 0);
	CHECK_VMAS(mm, { A, A + P, RW }, { A + P, A + 2 * P, PROT_READ },
		   { A + 2 * P, A + 4 * P, RW });
	CHECK_EQ(vma_protect(mm, A + P, P, RW), 0);
	CHECK_VMAS(mm, { A, A + 4 * P, RW });
	mm_put(mm);
	check_no_leaks();
}

static void test_protect(void)
{
	struct mm *mm = new_mm();
	phys_t frame;
	int prot;

	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(mm_populate(mm, A, A + 4 * P, true), 0);
	CHECK_EQ(poke(mm, A + P, 0x1234), 0);
	frame = pte_phys(pte_at(mm, A + P));

	/* Read-only: no PTE stays writable, the engine agrees. */
	CHECK_EQ(vma_protect(mm, A, 4 * P, PROT_READ), 0);
	CHECK_VMAS(mm, { A, A + 4 * P, PROT_READ });
	for (int i = 0; i < 4; i++)
		CHECK(!(pte_at(mm, A + i * P) & PTE_WRITE));
	CHECK(fake_lookup(mm->as, A + P, NULL, &prot));
	CHECK_EQ(prot, PROT_READ);
	CHECK_ENGINE(mm);
	CHECK_EQ(handle_mm_fault(mm, A + P, FAULT_WRITE, true), -EACCES);
	CHECK_EQ(poke(mm, A + P, 1), -EFAULT);

	/* Writable again: private frames of ours are writable at once. */
	CHECK_EQ(vma_protect(mm, A + P, P, RW), 0);
	CHECK(pte_at(mm, A + P) & PTE_WRITE);
	CHECK_EQ(pte_phys(pte_at(mm, A + P)), frame);
	CHECK(fake_lookup(mm->as, A + P, NULL, &prot));
	CHECK_EQ(prot, RW);
	CHECK_EQ(peek(mm, A + P), 0x1234);
	CHECK_ENGINE(mm);

	/* No access: the pages stay, the engine maps them with prot 0. */
	CHECK_EQ(vma_protect(mm, A + 2 * P, 2 * P, PROT_NONE), 0);
	CHECK(pte_at(mm, A + 2 * P) != 0);
	CHECK(fake_lookup(mm->as, A + 2 * P, NULL, &prot));
	CHECK_EQ(prot, 0);
	CHECK_EQ(handle_mm_fault(mm, A + 2 * P, FAULT_READ, true), -EACCES);
	CHECK(user_ptr(mm, A + 2 * P, false) == NULL);
	CHECK_ENGINE(mm);

	/* Executable: PROT_EXEC implies read on x86-64. */
	CHECK_EQ(vma_protect(mm, A, P, PROT_EXEC), 0);
	CHECK(fake_lookup(mm->as, A, NULL, &prot));
	CHECK_EQ(prot, PROT_READ | PROT_EXEC);
	CHECK_ENGINE(mm);

	/* A hole in the range: -ENOMEM, and nothing changed. */
	CHECK_EQ(vma_map(mm, A + 6 * P, P, RW, 0, NULL, 0), 0);
	CHECK_EQ(vma_protect(mm, A + 3 * P, 4 * P, RW), -ENOMEM);
	CHECK(fake_lookup(mm->as, A + 3 * P, NULL, &prot));
	CHECK_EQ(prot, 0);
	CHECK_EQ(vma_at(mm, A + 3 * P)->prot, PROT_NONE);
	CHECK_EQ(vma_protect(mm, A + 20 * P, P, RW), -ENOMEM);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

/* ---- free areas ---- */

static void test_unmapped_area(void)
{
	struct mm *mm = new_mm();
	uaddr_t a, b;

	/* Top-down from the mmap base. */
	a = get_unmapped_area(mm, 0, 4 * P);
	CHECK_EQ(a, MMAP_BASE - 4 * P);
	CHECK_EQ(vma_map(mm, a, 4 * P, RW, 0, NULL, 0), 0);
	b = get_unmapped_area(mm, 0, 2 * P);
	CHECK_EQ(b, a - 2 * P);
	CHECK_EQ(vma_map(mm, b, 2 * P, PROT_READ, 0, NULL, 0), 0);

	/* A free hint is taken (rounded up to a page). */
	CHECK_EQ(get_unmapped_area(mm, A, P), A);
	CHECK_EQ(get_unmapped_area(mm, A + 1, P), A + P);
	/* A taken hint is not; nor one below the minimum address. */
	CHECK_EQ(get_unmapped_area(mm, a + P, P), b - P);
	CHECK_EQ(get_unmapped_area(mm, MMAP_MIN - P, P), b - P);
	/* A hint above the base is fine if free. */
	CHECK_EQ(get_unmapped_area(mm, MMAP_BASE + 16 * P, P), MMAP_BASE + 16 * P);
	/* Nor past the end of the address space. */
	CHECK_EQ(get_unmapped_area(mm, task_size - P, 2 * P), b - 2 * P);
	CHECK_EQ(get_unmapped_area(mm, ~0ULL - P, P), b - P);

	/* A gap that fits exactly is used, a smaller one is not. */
	CHECK_EQ(vma_unmap(mm, a + P, 2 * P), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, 2 * P), a + P);
	CHECK_EQ(get_unmapped_area(mm, 0, 3 * P), b - 3 * P);

	/* Bad lengths. */
	CHECK_EQ(get_unmapped_area(mm, 0, 0), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, task_size + P), 0);
	CHECK_ENGINE(mm);
	mm_put(mm);

	/* Nothing free below the base: bottom-up above it. */
	mm = new_mm();
	CHECK_EQ(vma_map(mm, MMAP_MIN, MMAP_BASE - MMAP_MIN, PROT_NONE, 0,
			 NULL, 0), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, P), MMAP_BASE);
	CHECK_EQ(vma_map(mm, MMAP_BASE, 3 * P, PROT_NONE, 0, NULL, 0), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, P), MMAP_BASE + 3 * P);
	/* The whole address space taken: no room at all. */
	CHECK_EQ(vma_map(mm, MMAP_BASE, task_size - MMAP_BASE, PROT_NONE, 0,
			 NULL, 0), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, P), 0);
	CHECK_EQ(get_unmapped_area(mm, A, P), 0);
	/* One page left at the very top. */
	CHECK_EQ(vma_unmap(mm, task_size - P, P), 0);
	CHECK_EQ(get_unmapped_area(mm, 0, P), task_size - P);
	CHECK_EQ(get_unmapped_area(mm, 0, 2 * P), 0);
	mm_put(mm);
	check_no_leaks();
}

/* ---- page faults ---- */

static void test_fault_anon(void)
{
	struct mm *mm = new_mm();
	u64 before = frames_free();
	pte_t pte;

	/* N pages: four fault-around windows; then 4 read-only ones. */
	const int N = 4 * FAULT_AROUND;

	CHECK_EQ(vma_map(mm, A, N * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(vma_map(mm, A + N * P, 4 * P, PROT_READ, 0, NULL, 0), 0);
	CHECK_EQ(fake_pages(mm->as), 0);

	/* Demand zero: a read fault maps zeroed memory (and neighbours). */
	CHECK_EQ(handle_mm_fault(mm, A + 5 * P + 123, FAULT_READ, false), 0);
	pte = pte_at(mm, A + 5 * P);
	CHECK(pte & PTE_PRESENT);
	CHECK(pte & PTE_ANON);
	CHECK_EQ(peek(mm, A + 5 * P), 0);
	CHECK_ENGINE(mm);
	CHECK(fake_pages(mm->as) >= 1);
	/* fault-around stays in its window */
	CHECK(fake_pages(mm->as) <= FAULT_AROUND);
	for (int i = FAULT_AROUND; i < N; i++)
		CHECK_EQ(pte_at(mm, A + i * P), 0);

	/* A write fault far away, near the end of the vma. */
	CHECK_EQ(handle_mm_fault(mm, A + (N - 1) * P, FAULT_WRITE, false), 0);
	CHECK(pte_at(mm, A + (N - 1) * P) & PTE_WRITE);
	CHECK_EQ(pte_at(mm, A + N * P), 0); /* not into the next vma */
	CHECK_ENGINE(mm);

	/* Read-only vma: reads fault in, writes are refused. */
	CHECK_EQ(handle_mm_fault(mm, A + N * P, FAULT_WRITE, false), -EACCES);
	CHECK_EQ(handle_mm_fault(mm, A + N * P, FAULT_READ, false), 0);
	CHECK(!(pte_at(mm, A + N * P) & PTE_WRITE));
	CHECK_EQ(handle_mm_fault(mm, A + N * P, FAULT_WRITE, true), -EACCES);
	CHECK_EQ(handle_mm_fault(mm, A + N * P, FAULT_EXEC, false), -EACCES);
	/* The engine cannot tell the access: a protection fault on a
	   read-only page was a write. */
	CHECK_EQ(handle_mm_fault(mm, A + N * P, 0, true), -EACCES);
	CHECK_ENGINE(mm);

	/* No vma. */
	CHECK_EQ(handle_mm_fault(mm, A - P, FAULT_READ, false), -EFAULT);
	CHECK_EQ(handle_mm_fault(mm, A + (N + 4) * P, FAULT_WRITE, false), -EFAULT);
	CHECK_EQ(handle_mm_fault(mm, 0, FAULT_READ, false), -EFAULT);
	CHECK_EQ(handle_mm_fault(mm, task_size, FAULT_READ, false), -EFAULT);
	CHECK_EQ(handle_mm_fault(mm, ~0ULL, FAULT_READ, false), -EFAULT);
	CHECK_ENGINE(mm);

	/* PROT_NONE. */
	CHECK_EQ(vma_map(mm, A + 80 * P, P, PROT_NONE, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A + 80 * P, FAULT_READ, false), -EACCES);
	CHECK_EQ(pte_at(mm, A + 80 * P), 0);

	/* A fault on a page the engine already has refreshes it. */
	CHECK_EQ(handle_mm_fault(mm, A + 5 * P, FAULT_READ, false), 0);
	CHECK_ENGINE(mm);
	CHECK_EQ(mm->as_error, 0);
	mm_put(mm);
	CHECK_EQ(frames_free(), before);
	check_no_leaks();
}

static void test_fault_exec(void)
{
	struct mm *mm = new_mm();
	int prot;

	CHECK_EQ(vma_map(mm, A, 4 * P, RX, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_EXEC, false), 0);
	CHECK(fake_lookup(mm->as, A, NULL, &prot));
	CHECK_EQ(prot, RX);
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_WRITE, true), -EACCES);
	CHECK_EQ(vma_map(mm, A + 8 * P, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A + 8 * P, FAULT_EXEC, false), -EACCES);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

/*
 * A read fault maps anonymous memory writable at once (it is ours
 * alone); a write to it then needs no second fault.
 */
static void test_fault_write_after_read(void)
{
	struct mm *mm = new_mm();
	phys_t f;
	int prot;

	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_READ, false), 0);
	f = pte_phys(pte_at(mm, A));
	CHECK_EQ(frame_refs(f), 1);
	CHECK(pte_at(mm, A) & PTE_WRITE);
	CHECK(fake_lookup(mm->as, A, NULL, &prot));
	CHECK_EQ(prot, RW);
	CHECK_EQ(poke(mm, A, 7), 0);
	CHECK_EQ(pte_phys(pte_at(mm, A)), f);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

/*
 * A fault the engine reports on a page it maps with less access than
 * the PTE now allows (its copy was behind: an update still queued
 * while another thread of the space ran, see ENGINE_CAP_THREADS).
 * With the access known (ENGINE_CAP_FAULT_ACCESS) the kernel must
 * refresh the engine and let the access retry, not refuse it.
 */
static void test_fault_stale_engine(void)
{
	struct mm *mm = new_mm();

	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_WRITE, false), 0);
	CHECK(pte_at(mm, A) & PTE_WRITE);
	/* The engine had it (say) read-only, and says it was a write. */
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_WRITE, true), 0);
	CHECK_EQ(handle_mm_fault(mm, A, FAULT_READ, true), 0);
	/*
	 * An engine that cannot tell the access, for a data access (far
	 * from rip) on a page another thread just made writable here: the
	 * engine is behind, not an exec of a non-exec page.
	 */
	CHECK_EQ(handle_mm_fault(mm, A + 8, FAULT_NOT_FETCH, true), 0);
	CHECK_EQ(handle_mm_fault(mm, A + 8, 0, true), -EACCES);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

static void test_stack_growth(void)
{
	struct mm *mm = new_mm();
	uaddr_t top = 0x7fe000000000ULL, lo = top - 16 * P;
	struct vma *v;

	CHECK_EQ(vma_map(mm, lo, 16 * P, RW, VMA_GROWSDOWN | VMA_STACK, NULL,
			 0), 0);
	/* Just below: the stack grows to cover it. */
	CHECK_EQ(handle_mm_fault(mm, lo - 3 * P + 8, FAULT_WRITE, false), 0);
	v = vma_at(mm, lo - 3 * P);
	CHECK(v != NULL);
	if (v) {
		CHECK_EQ(v->start, lo - 3 * P);
		CHECK_EQ(v->end, top);
	}
	CHECK(pte_at(mm, lo - 3 * P) & PTE_WRITE);
	CHECK_ENGINE(mm);
	/* Past RLIMIT_STACK (8 MiB by default): no. */
	CHECK_EQ(current->proc->rlim[RLIMIT_STACK].rlim_cur, 8ULL << 20);
	CHECK_EQ(handle_mm_fault(mm, top - (8ULL << 20) - P, FAULT_WRITE,
				 false), -EFAULT);
	v = vma_at(mm, lo - 3 * P);
	CHECK(v && v->start == lo - 3 * P);
	/* Exactly at the limit: yes. */
	CHECK_EQ(handle_mm_fault(mm, top - (8ULL << 20), FAULT_READ, false), 0);
	/* A vma that does not grow down does not grow. */
	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, A - P, FAULT_WRITE, false), -EFAULT);
	/* Not into the guard gap above another mapping. */
	CHECK_EQ(vma_map(mm, 0x60000000, 16 * P, RW, VMA_GROWSDOWN, NULL, 0),
		 0);
	CHECK_EQ(vma_map(mm, 0x60000000 - 300 * P, P, RW, 0, NULL, 0), 0);
	CHECK_EQ(handle_mm_fault(mm, 0x60000000 - 10 * P, FAULT_WRITE, false),
		 0);
	CHECK_EQ(handle_mm_fault(mm, 0x60000000 - 290 * P, FAULT_WRITE, false),
		 -EFAULT);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

/* MADV_DONTNEED: pages dropped, private anonymous memory reads zero. */
static void test_zap(void)
{
	struct mm *mm = new_mm();
	u64 before = frames_free();

	CHECK_EQ(vma_map(mm, A, 8 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(mm_populate(mm, A, A + 8 * P, true), 0);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(poke(mm, A + i * P, 100 + i), 0);
	zap_range(mm, A + 2 * P, A + 5 * P);
	CHECK_EQ(pte_at(mm, A + 3 * P), 0);
	CHECK_EQ(frames_free(), before - 5);
	CHECK_ENGINE(mm);
	CHECK_EQ(peek(mm, A + 3 * P), 0);
	CHECK_EQ(peek(mm, A + 1 * P), 101);
	CHECK_EQ(peek(mm, A + 5 * P), 105);
	CHECK_ENGINE(mm);
	mm_put(mm);
	check_no_leaks();
}

/* ---- fork ---- */

static void test_fork_cow(void)
{
	struct mm *parent = new_mm(), *child;
	struct file *shm = shmem_file(4 * P, O_RDWR);
	phys_t f, shared;
	int prot;

	CHECK_EQ(vma_map(parent, A, 4 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(vma_map(parent, A + 8 * P, 4 * P, RW, VMA_SHARED, shm, 0), 0);
	CHECK_EQ(vma_map(parent, A + 16 * P, 2 * P, RW, VMA_DONTFORK, NULL, 0),
		 0);
	CHECK_EQ(mm_populate(parent, A, A + 18 * P, true), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(poke(parent, A + i * P, 0x1000 + i), 0);
	CHECK_EQ(poke(parent, A + 8 * P, 0x5555), 0);
	f = pte_phys(pte_at(parent, A));
	shared = pte_phys(pte_at(parent, A + 8 * P));
	CHECK_EQ(frame_refs(f), 1);
	parent->brk = 0x1234000;

	child = mm_fork(parent);
	REQUIRE(child != NULL);
	CHECK(child->as != parent->as);
	CHECK_EQ(child->brk, 0x1234000);
	CHECK_VMAS(child, { A, A + 4 * P, RW }, { A + 8 * P, A + 12 * P, RW });
	CHECK_ENGINE(parent);
	CHECK_ENGINE(child);

	/* Private pages: shared read-only, two references. */
	CHECK_EQ(pte_phys(pte_at(child, A)), f);
	CHECK_EQ(frame_refs(f), 2);
	CHECK(!(pte_at(parent, A) & PTE_WRITE));
	CHECK(!(pte_at(child, A) & PTE_WRITE));
	CHECK(fake_lookup(parent->as, A, NULL, &prot));
	CHECK_EQ(prot, PROT_READ);
	CHECK(fake_lookup(child->as, A, NULL, &prot));
	CHECK_EQ(prot, PROT_READ);
	/* Shared pages: the same frame, still writable in both. */
	CHECK_EQ(pte_phys(pte_at(child, A + 8 * P)), shared);
	CHECK(pte_at(child, A + 8 * P) & PTE_WRITE);
	CHECK(pte_at(parent, A + 8 * P) & PTE_WRITE);
	/* DONTFORK pages stay behind. */
	CHECK_EQ(pte_at(child, A + 16 * P), 0);

	/* The child writes: it gets a copy; the parent keeps the frame. */
	CHECK_EQ(handle_mm_fault(child, A, FAULT_WRITE, true), 0);
	CHECK(pte_phys(pte_at(child, A)) != f);
	CHECK(pte_at(child, A) & PTE_WRITE);
	CHECK_EQ(frame_refs(f), 1);
	CHECK_EQ(peek(child, A), 0x1000);
	CHECK_EQ(poke(child, A, 0xc0de), 0);
	CHECK_EQ(peek(parent, A), 0x1000);
	CHECK_ENGINE(child);
	/* The parent writes: the frame is its alone now, no copy. */
	CHECK_EQ(handle_mm_fault(parent, A, FAULT_WRITE, true), 0);
	CHECK_EQ(pte_phys(pte_at(parent, A)), f);
	CHECK(pte_at(parent, A) & PTE_WRITE);
	CHECK_ENGINE(parent);

	/* The other way round on another page, through copy_to_mm. */
	CHECK_EQ(poke(parent, A + P, 0xaaaa), 0);
	CHECK_EQ(peek(child, A + P), 0x1001);
	CHECK_EQ(poke(child, A + P, 0xbbbb), 0);
	CHECK_EQ(peek(parent, A + P), 0xaaaa);
	CHECK_EQ(peek(child, A + P), 0xbbbb);

	/* Shared memory is shared. */
	CHECK_EQ(poke(child, A + 8 * P, 0x7777), 0);
	CHECK_EQ(peek(parent, A + 8 * P), 0x7777);
	CHECK_ENGINE(parent);
	CHECK_ENGINE(child);

	/* The child goes: its frames go back, the parent's are intact. */
	mm_put(child);
	CHECK_EQ(frame_refs(pte_phys(pte_at(parent, A + 2 * P))), 1);
	CHECK_EQ(peek(parent, A + 2 * P), 0x1002);
	CHECK_EQ(fake_spaces_alive, 1);
	CHECK_ENGINE(parent);
	mm_put(parent);
	file_put(shm);
	check_no_leaks();
}

/* ---- madvise's fork advice (kernel/sys_mm.c) ---- */

long sys_madvise(struct task *t, uaddr_t addr, u64 len, int advice);

/* MADV_DONTFORK applies to the range given, not to whole VMAs. */
static void test_madvise_dontfork(void)
{
	struct mm *mm = new_mm(), *child;

	current->mm = mm;
	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(poke(mm, A + i * P, 10 + i), 0);
	CHECK_EQ(sys_madvise(current, A + 2 * P, P, MADV_DONTFORK), 0);
	child = mm_fork(mm);
	REQUIRE(child != NULL);
	CHECK(vma_at(child, A) != NULL);
	CHECK(vma_at(child, A + 2 * P) == NULL);
	CHECK(vma_at(child, A + 3 * P) != NULL);
	CHECK_EQ(peek(child, A + P), 11);
	CHECK_EQ(peek(child, A + 3 * P), 13);
	CHECK_ENGINE(child);
	mm_put(child);
	/* MADV_DOFORK undoes it. */
	CHECK_EQ(sys_madvise(current, A, 4 * P, MADV_DOFORK), 0);
	child = mm_fork(mm);
	REQUIRE(child != NULL);
	CHECK_EQ(peek(child, A + 2 * P), 12);
	mm_put(child);
	current->mm = NULL;
	mm_put(mm);
	check_no_leaks();
}

/*
 * MADV_WIPEONFORK: the child gets the range zero-filled (glibc's
 * arc4random keeps its state there so that a child never repeats its
 * parent's numbers).
 */
static void test_madvise_wipeonfork(void)
{
	struct mm *mm = new_mm(), *child;

	current->mm = mm;
	CHECK_EQ(vma_map(mm, A, 2 * P, RW, 0, NULL, 0), 0);
	CHECK_EQ(poke(mm, A, 0x1234), 0);
	CHECK_EQ(poke(mm, A + P, 0x5678), 0);
	CHECK_EQ(sys_madvise(current, A, P, MADV_WIPEONFORK), 0);
	child = mm_fork(mm);
	REQUIRE(child != NULL);
	CHECK_EQ(peek(child, A), 0);
	CHECK_EQ(peek(child, A + P), 0x5678);
	CHECK_EQ(peek(mm, A), 0x1234);
	CHECK_ENGINE(child);
	CHECK_ENGINE(mm);
	mm_put(child);
	current->mm = NULL;
	mm_put(mm);
	check_no_leaks();
}

/* ---- file mappings (a tmpfs file, through the page cache) ---- */

static void test_file_mappings(void)
{
	struct mm *mm = new_mm();
	struct file *f = shmem_file(8 * P, O_RDWR);
	struct inode *inode = f->f_inode;
	phys_t page0;

	/* Shared: the page cache's frames themselves. */
	CHECK_EQ(vma_map(mm, A, 8 * P, RW, VMA_SHARED, f, 0), 0);
	CHECK_EQ(poke(mm, A + 8, 42), 0);
	page0 = pagemap_get(&inode->pages, 0);
	CHECK(page0 != 0);
	CHECK_EQ(pte_phys(pte_at(mm, A)), page0);
	CHECK_EQ(*(u64 *)((char *)phys_to_kva(page0) + 8), 42);
	CHECK_ENGINE(mm);

	/* Private, at an offset: read maps the cache read-only ... */
	CHECK_EQ(vma_map(mm, A + 16 * P, 4 * P, RW, 0, f, 0), 0);
	CHECK_EQ(peek(mm, A + 16 * P + 8), 42);
	CHECK_EQ(pte_phys(pte_at(mm, A + 16 * P)), page0);
	CHECK(!(pte_at(mm, A + 16 * P) & PTE_WRITE));
	CHECK(!(pte_at(mm, A + 16 * P) & PTE_ANON));
	CHECK_ENGINE(mm);
	/* ... and a write copies it, the file is untouched. */
	CHECK_EQ(poke(mm, A + 16 * P + 8, 43), 0);
	CHECK(pte_phys(pte_at(mm, A + 16 * P)) != page0);
	CHECK(pte_at(mm, A + 16 * P) & PTE_ANON);
	CHECK_EQ(peek(mm, A + 8), 42);
	CHECK_EQ(peek(mm, A + 16 * P + 8), 43);
	CHECK_ENGINE(mm);

	/* Split a file vma: the second half maps the right file pages. */
	CHECK_EQ(poke(mm, A + 5 * P, 5), 0);
	CHECK_EQ(vma_protect(mm, A + 4 * P, 4 * P, PROT_READ), 0);
	CHECK_EQ(vma_unmap(mm, A + 2 * P, P), 0);
	zap_range(mm, A + 4 * P, A + 8 * P);
	CHECK_EQ(peek(mm, A + 5 * P), 5);
	CHECK_EQ(pte_phys(pte_at(mm, A + 5 * P)), pagemap_get(&inode->pages, 5));
	CHECK_ENGINE(mm);

	/* Past the end of the file: SIGBUS territory, not a crash. */
	CHECK_EQ(vma_map(mm, A + 32 * P, 16 * P, PROT_READ, VMA_SHARED, f, 0),
		 0);
	CHECK(handle_mm_fault(mm, A + 40 * P, FAULT_READ, false) < 0);
	CHECK_ENGINE(mm);
	mm_put(mm);
	file_put(f);
	check_no_leaks();
}

/* ---- the engine refusing an update ---- */

static void test_engine_error(void)
{
	struct mm *mm = new_mm();

	CHECK_EQ(vma_map(mm, A, 4 * P, RW, 0, NULL, 0), 0);
	fake_fail_next(mm->as, 1, -ENOMEM);
	handle_mm_fault(mm, A, FAULT_WRITE, false);
	CHECK_EQ(mm->as_error, -ENOMEM);
	mm_put(mm);
	check_no_leaks();
}

/* ---- random operations against a model ---- */

#define NPAGES 48
#define B 0x40000000ULL
#define NMM 3

struct model {
	struct mm *mm;
	int prot[NPAGES];  /* -1: unmapped */
	u64 data[NPAGES];  /* what the page's first word holds */
};

static bool model_vmas_ok(struct model *m, int step)
{
	struct vma *v, *prev = NULL;
	bool ok = true;

	list_for_each(v, &m->mm->vmas, link) {
		if (v->start >= v->end || (v->start | v->end) & ~PAGE_MASK ||
		    (prev && prev->end > v->start)) {
			FAIL("step %d: bad vma list at %#llx-%#llx", step,
			     (unsigned long long)v->start,
			     (unsigned long long)v->end);
			ok = false;
		}
		prev = v;
	}
	for (int i = 0; i < NPAGES; i++) {
		struct vma *at = vma_at(m->mm, B + i * P);
		pte_t pte = pte_at(m->mm, B + i * P);
		int want = m->prot[i];

		if ((want < 0) != !at || (at && at->prot != want)) {
			FAIL("step %d: page %d: vma prot %d, want %d", step, i,
			     at ? at->prot : -1, want);
			ok = false;
		}
		if (pte && (!at || ((pte & PTE_WRITE) &&
				    !(at->prot & PROT_WRITE)) ||
			    ((pte & PTE_EXEC) && !(at->prot & PROT_EXEC)))) {
			FAIL("step %d: page %d: PTE %#llx allows more than "
			     "its vma", step, i, (unsigned long long)pte);
			ok = false;
		}
	}
	return ok;
}

static void test_random(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, RW, RX,
				     PROT_READ | PROT_WRITE | PROT_EXEC };
	struct model ms[NMM];
	int nm = 1, forks = 0, writes = 0, reads = 0;
	u64 tag = 1;

	memset(ms, 0, sizeof(ms));
	ms[0].mm = new_mm();
	for (int i = 0; i < NPAGES; i++)
		ms[0].prot[i] = -1;
	for (int step = 0; step < 20000 && !unit_failures; step++) {
		struct model *m = &ms[unit_rand() % nm];
		int first = unit_rand() % NPAGES;
		int n = 1 + unit_rand() % MIN(8, NPAGES - first);
		uaddr_t va = B + first * P;
		int prot = prots[unit_rand() % ARRAY_SIZE(prots)];
		int op = unit_rand() % 100;

		if (op < 15) {
			CHECK_EQ(vma_map(m->mm, va, n * P, prot, 0, NULL, 0), 0);
			for (int i = first; i < first + n; i++)
				m->prot[i] = prot, m->data[i] = 0;
		} else if (op < 25) {
			CHECK_EQ(vma_unmap(m->mm, va, n * P), 0);
			for (int i = first; i < first + n; i++)
				m->prot[i] = -1;
		} else if (op < 35) {
			bool all = true;

			for (int i = first; i < first + n; i++)
				all &= m->prot[i] >= 0;
			CHECK_EQ(vma_protect(m->mm, va, n * P, prot),
				 all ? 0 : -ENOMEM);
			for (int i = first; all && i < first + n; i++)
				m->prot[i] = prot;
		} else if (op < 60) {
			bool can = m->prot[first] >= 0 &&
				   (m->prot[first] & PROT_WRITE);
			u64 *p = user_ptr(m->mm, va, true);

			CHECK_EQ(p != NULL, can);
			if (p) {
				*p = m->data[first] = tag++;
				writes++;
			}
		} else if (op < 85) {
			bool can = m->prot[first] > 0;
			u64 *p = user_ptr(m->mm, va, false);

			CHECK_EQ(p != NULL, can);
			reads += p != NULL;
			if (p && *p != m->data[first])
				FAIL("step %d: page %d reads %#llx, want %#llx",
				     step, first, (unsigned long long)*p,
				     (unsigned long long)m->data[first]);
		} else if (op < 90) {
			bool mapped = true;

			for (int i = first; i < first + n; i++)
				mapped &= m->prot[i] >= 0;
			if (mapped) {
				zap_range(m->mm, va, va + n * P);
				for (int i = first; i < first + n; i++)
					m->data[i] = 0;
			}
		} else if (op < 95 && nm < NMM) {
			ms[nm] = *m;
			ms[nm].mm = mm_fork(m->mm);
			REQUIRE(ms[nm].mm != NULL);
			nm++;
			forks++;
		} else if (nm > 1) {
			mm_put(m->mm);
			*m = ms[--nm];
		}
		for (int k = 0; k < nm; k++) {
			if (!fake_matches_mm(ms[k].mm)) {
				FAIL("step %d (op %d): engine and page table "
				     "differ in mm %d", step, op, k);
				break;
			}
			if (!model_vmas_ok(&ms[k], step))
				break;
		}
	}
	unit_printf("    %d forks, %d writes, %d reads checked\n", forks, writes,
		    reads);
	for (int k = 0; k < nm; k++)
		mm_put(ms[k].mm);
	check_no_leaks();
}

static const struct unit_case cases[] = {
	{ "map_unmap_split", test_map_unmap_split },
	{ "merge", test_merge },
	{ "protect", test_protect },
	{ "protect_remerge", test_protect_remerge },
	{ "unmapped_area", test_unmapped_area },
	{ "fault_anon", test_fault_anon },
	{ "fault_exec", test_fault_exec },
	{ "fault_write_after_read", test_fault_write_after_read },
	{ "fault_stale_engine", test_fault_stale_engine },
	{ "stack_growth", test_stack_growth },
	{ "zap", test_zap },
	{ "fork_cow", test_fork_cow },
	{ "madvise_dontfork", test_madvise_dontfork },
	{ "madvise_wipeonfork", test_madvise_wipeonfork },
	{ "file_mappings", test_file_mappings },
	{ "engine_error", test_engine_error },
	{ "random", test_random },
};

UNIT_MAIN(cases, setup)
