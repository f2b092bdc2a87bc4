/*
 * Page faults: demand paging, copy-on-write, stack growth.
 *
 * A fault is the most expensive thing an engine does (tens of
 * microseconds under ptrace), so a fault maps a whole window around
 * the address: FAULT_AROUND pages of anonymous memory or of a file's
 * page cache.  Private file pages are mapped read-only and copied on
 * the first write; anonymous frames are written in place while no one
 * else holds them.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"

#define STACK_GUARD_GAP (256 * PAGE_SIZE)

static pte_t vma_pte_bits(const struct vma *v)
{
	pte_t b = 0;

	if (v->prot & (PROT_READ | PROT_WRITE))
		b |= PTE_READ;
	if (v->prot & PROT_EXEC)
		b |= PTE_EXEC;
	return b;
}

bool pte_present(struct mm *mm, uaddr_t va)
{
	pte_t *pte = pt_walk(&mm->pt, va, false);

	return pte && (*pte & PTE_PRESENT);
}

/* Fault in one anonymous page, writable: it is ours alone. */
static int anon_page(struct mm *mm, struct vma *v, uaddr_t va)
{
	phys_t p = frame_alloc(FRAME_ZERO);

	if (PHYS_ERR(p))
		return -ENOMEM;
	pte_install(mm, va, p, vma_pte_bits(v) | PTE_ANON |
			       ((v->prot & PROT_WRITE) ? PTE_WRITE : 0));
	return 0;
}

/* Copy the frame old at va into the private frame p (copy-on-write). */
static void cow_into(struct mm *mm, struct vma *v, uaddr_t va, phys_t old,
		     phys_t p)
{
	memcpy(phys_to_kva(p), phys_to_kva(old), PAGE_SIZE);
	pte_install(mm, va, p, vma_pte_bits(v) | PTE_ANON | PTE_WRITE);
}

/* Copy the frame at va into a new private one. */
static int cow_page(struct mm *mm, struct vma *v, uaddr_t va, phys_t old)
{
	phys_t p = frame_alloc(0);

	if (PHYS_ERR(p))
		return -ENOMEM;
	cow_into(mm, v, va, old, p);
	return 0;
}

static int file_page(struct mm *mm, struct vma *v, uaddr_t va, bool write)
{
	u64 index = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	phys_t p = pagecache_get(v->file->f_inode, index);
	pte_t bits = vma_pte_bits(v);
	int rc;

	if (PHYS_ERR(p))
		return (int)(s64)p;
	if (v->flags & VMA_SHARED) {
		struct inode *inode = v->file->f_inode;

		/*
		 * A file that needs write-back gets its pages writable on
		 * the first write only, which marks them dirty.
		 */
		if ((v->prot & PROT_WRITE) &&
		    (write || !pagecache_tracks_dirty(inode) ||
		     pagecache_is_dirty(inode, index))) {
			bits |= PTE_WRITE;
			if (write)
				pagecache_mark_dirty(inode, index);
		}
		pte_install(mm, va, p, bits);
		return 0;
	}
	if (!write) {
		pte_install(mm, va, p, bits);
		return 0;
	}
	rc = cow_page(mm, v, va, p);
	frame_put(p);
	return rc;
}

/*
 * The window for a fault at va: the base size, doubled (up to
 * FAULT_AROUND_MAX) each time the fault lands in the stretch right after
 * the last window, as a growing heap or a buffer filled in order does.
 */
static u64 fault_pages(struct vma *v, uaddr_t va)
{
	u64 base = v->file ? FAULT_AROUND_FILE : FAULT_AROUND;

	if (v->fa_end && va >= v->fa_end &&
	    va - v->fa_end < v->fa_pages * PAGE_SIZE)
		return MIN(v->fa_pages * 2, FAULT_AROUND_MAX);
	return base;
}

/*
 * Frames are allocated in runs and pages installed in address order:
 * pages in a row on frames in a row make one engine mapping, not one
 * each.  FILL_CHUNK pages at a time.
 */
#define FILL_CHUNK 64

static u64 count_absent(struct mm *mm, uaddr_t lo, uaddr_t hi)
{
	u64 n = 0;

	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE)
		n += !pte_present(mm, a);
	return n;
}

/* The absent pages of [lo, hi) of an anonymous vma: zeroed frames. */
static int anon_fill(struct mm *mm, struct vma *v, uaddr_t lo, uaddr_t hi)
{
	pte_t bits = vma_pte_bits(v) | PTE_ANON |
		     ((v->prot & PROT_WRITE) ? PTE_WRITE : 0);
	phys_t frames[FILL_CHUNK];

	for (uaddr_t c = lo; c < hi; c += FILL_CHUNK * PAGE_SIZE) {
		uaddr_t end = MIN(hi, c + FILL_CHUNK * PAGE_SIZE);
		u64 n = count_absent(mm, c, end), got, i = 0;

		got = frames_alloc_run(frames, n, FRAME_ZERO);
		if (got < n) {
			while (got)
				frame_put(frames[--got]);
			return -ENOMEM;
		}
		for (uaddr_t a = c; a < end; a += PAGE_SIZE)
			if (!pte_present(mm, a))
				pte_install(mm, a, frames[i++], bits);
	}
	return 0;
}

/*
 * The absent pages of [lo, hi) of a private file vma, copied for
 * writing at once.  -ENXIO past the end of the file.
 */
static int file_cow_fill(struct mm *mm, struct vma *v, uaddr_t lo,
			 uaddr_t hi)
{
	phys_t frames[FILL_CHUNK];

	for (uaddr_t c = lo; c < hi; c += FILL_CHUNK * PAGE_SIZE) {
		uaddr_t end = MIN(hi, c + FILL_CHUNK * PAGE_SIZE);
		u64 got = frames_alloc_run(frames, count_absent(mm, c, end), 0);
		u64 i = 0;
		int rc = 0;

		for (uaddr_t a = c; a < end && !rc; a += PAGE_SIZE) {
			phys_t p;

			if (pte_present(mm, a))
				continue;
			if (i == got) {
				rc = -ENOMEM;
				break;
			}
			p = pagecache_get(v->file->f_inode,
					  v->pgoff + ((a - v->start) >> PAGE_SHIFT));
			if (PHYS_ERR(p)) {
				rc = (int)(s64)p;
				break;
			}
			cow_into(mm, v, a, p, frames[i++]);
			frame_put(p);
		}
		while (i < got)
			frame_put(frames[i++]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Fault in va and the absent pages of the window around it, in address
 * order (so that a run of frames makes one engine mapping).
 */
static int fault_in(struct mm *mm, struct vma *v, uaddr_t va, bool write)
{
	u64 pages = fault_pages(v, va), window = pages * PAGE_SIZE;
	uaddr_t lo = MAX(v->start, va & ~(window - 1));
	uaddr_t hi = MIN(v->end, lo + window);
	bool bonus = true;
	int rc;

	v->fa_end = hi;
	v->fa_pages = pages;
	if (!v->file)
		return anon_fill(mm, v, lo, hi) < 0 && !pte_present(mm, va) ?
			       anon_page(mm, v, va) : 0;
	rc = pagecache_fill(v->file->f_inode,
			    v->pgoff + ((lo - v->start) >> PAGE_SHIFT),
			    (hi - lo) >> PAGE_SHIFT);
	if (rc < 0 && rc != -ENXIO)
		return rc;
	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		if (a == va) {
			rc = file_page(mm, v, va, write);
			if (rc < 0)
				return rc;
		} else if (bonus && !pte_present(mm, a) &&
			   file_page(mm, v, a, false) < 0) {
			bonus = false; /* the neighbours are only a bonus */
		}
	}
	return 0;
}

/*
 * Whether the read-only page pte of a private vma must be copied to be
 * written: unless it is an anonymous frame no one else holds.
 */
static bool needs_copy(pte_t pte)
{
	return !(pte & PTE_ANON) || frame_refs(pte_phys(pte)) > 1;
}

/* The pages a copy-on-write fault at va settles: va and its window's
   anonymous pages that are still read-only. */
static pte_t *cow_candidate(struct mm *mm, uaddr_t a, uaddr_t va)
{
	pte_t *pte = pt_walk(&mm->pt, a, false);

	if (a == va)
		return pte;
	if (pte && (*pte & (PTE_PRESENT | PTE_ANON | PTE_WRITE)) ==
			   (PTE_PRESENT | PTE_ANON))
		return pte;
	return NULL;
}

/*
 * A write to a present, read-only page of a writable vma.
 *
 * After a fork, the parent and the child write around each other's
 * shared pages, a stack or a heap in a row: each first write would be
 * its own fault.  A fault in a private vma therefore settles the
 * window around it too: the window's anonymous pages that are still
 * read-only become writable (ours alone) or are copied (still shared),
 * into frames allocated in a run and installed in address order.  A
 * copy is a fraction of what a fault costs.
 */
static int write_protect_fault(struct mm *mm, struct vma *v, uaddr_t va,
			       pte_t *pte)
{
	u64 window = COW_AROUND * PAGE_SIZE, n = 0, i = 0, got;
	uaddr_t lo = MAX(v->start, va & ~(window - 1));
	uaddr_t hi = MIN(v->end, lo + window);
	phys_t frames[COW_AROUND];
	int rc = 0;

	if (v->flags & VMA_SHARED) {
		if (v->file)
			pagecache_mark_dirty(v->file->f_inode,
					     v->pgoff + ((va - v->start) >> PAGE_SHIFT));
		*pte |= PTE_WRITE;
		mm_sync_range(mm, va, PAGE_SIZE);
		return 0;
	}
	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		pte_t *p = cow_candidate(mm, a, va);

		n += p && needs_copy(*p);
	}
	/* Short of memory, the rest are copied one by one, va first. */
	got = frames_alloc_run(frames, n, 0);
	if (got < n && needs_copy(*pte)) {
		rc = cow_page(mm, v, va, pte_phys(*pte));
		if (rc < 0) {
			while (got)
				frame_put(frames[--got]);
			return rc;
		}
	}
	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		pte_t *p = cow_candidate(mm, a, va);

		if (!p)
			continue;
		if (!needs_copy(*p)) {
			*p |= PTE_WRITE;
			mm_sync_range(mm, a, PAGE_SIZE);
		} else if (i < got) {
			cow_into(mm, v, a, pte_phys(*p), frames[i++]);
		} else if (cow_page(mm, v, a, pte_phys(*p)) < 0) {
			if (a == va)
				rc = -ENOMEM;
			break; /* the neighbours are only a bonus */
		}
	}
	while (i < got)
		frame_put(frames[i++]);
	return rc;
}

static bool expand_stack(struct mm *mm, struct vma *v, uaddr_t addr)
{
	u64 limit = current ? current->proc->rlim[RLIMIT_STACK].rlim_cur
			    : 8ULL << 20;
	uaddr_t start = addr & PAGE_MASK;
	struct vma *prev;

	if (!(v->flags & VMA_GROWSDOWN) || v->end - start > limit)
		return false;
	prev = v->link.prev == &mm->vmas ? NULL :
		list_entry(v->link.prev, struct vma, link);
	if (prev && prev->end + STACK_GUARD_GAP > start)
		return false;
	if (start < 0x10000)
		return false;
	v->start = start;
	return true;
}

int handle_mm_fault(struct mm *mm, uaddr_t addr, unsigned access,
		    bool present)
{
	uaddr_t va = addr & PAGE_MASK;
	struct vma *v = find_vma(mm, addr);
	pte_t *pte;
	bool have, known_access;

	if (!v || addr >= task_size)
		return -EFAULT;
	if (v->start > addr && !expand_stack(mm, v, addr))
		return -EFAULT;
	if (!v->prot)
		return -EACCES;
	pte = pt_walk(&mm->pt, va, false);
	have = pte && (*pte & PTE_PRESENT);
	known_access = (access & (FAULT_READ | FAULT_WRITE | FAULT_EXEC)) != 0;
	if (!known_access) {
		/* The engine cannot tell: a protection fault on a page we
		   hold read-only was a write. */
		access = (access & FAULT_NOT_FETCH) |
			 (present && have && !(*pte & PTE_WRITE) ? FAULT_WRITE
								  : FAULT_READ);
	}
	if ((access & FAULT_WRITE) && !(v->prot & PROT_WRITE))
		return -EACCES;
	if ((access & FAULT_EXEC) && !(v->prot & PROT_EXEC))
		return -EACCES;
	if (!have)
		return fault_in(mm, v, va, access & FAULT_WRITE);
	if ((access & FAULT_WRITE) && !(*pte & PTE_WRITE))
		return write_protect_fault(mm, v, va, pte);
	/*
	 * An engine that cannot tell the access had the page readable and
	 * writable, yet it faulted: it was an exec.
	 */
	if (!known_access && present && (*pte & PTE_WRITE) &&
	    !(v->prot & PROT_EXEC) && !(access & FAULT_NOT_FETCH))
		return -EACCES;
	/*
	 * Allowed and present: the engine's copy is behind (or the engine
	 * dropped its mappings to make room); refresh it, and the present
	 * pages of the window around it.
	 */
	{
		u64 window = FAULT_AROUND * PAGE_SIZE;
		uaddr_t lo = MAX(v->start, va & ~(window - 1));

		mm_sync_range(mm, lo, MIN(v->end, lo + window) - lo);
	}
	return 0;
}

/* Map the absent pages of [lo, hi) of v, which has access. */
static int populate_vma(struct mm *mm, struct vma *v, uaddr_t lo, uaddr_t hi,
			bool write)
{
	if (!v->file)
		return anon_fill(mm, v, lo, hi);
	for (uaddr_t c = lo; c < hi; c += FILL_CHUNK * PAGE_SIZE) {
		uaddr_t end = MIN(hi, c + FILL_CHUNK * PAGE_SIZE);
		int rc;

		pagecache_fill(v->file->f_inode,
			       v->pgoff + ((c - v->start) >> PAGE_SHIFT),
			       (end - c) >> PAGE_SHIFT);
		if (write && !(v->flags & VMA_SHARED)) {
			rc = file_cow_fill(mm, v, c, end);
			if (rc < 0)
				return rc;
			continue;
		}
		for (uaddr_t a = c; a < end; a += PAGE_SIZE) {
			if (pte_present(mm, a))
				continue;
			rc = file_page(mm, v, a, write);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int mm_populate(struct mm *mm, uaddr_t start, uaddr_t end, bool write)
{
	uaddr_t va = start & PAGE_MASK;

	while (va < end) {
		struct vma *v = find_vma(mm, va);
		uaddr_t hi;
		int rc;

		if (!v || v->start >= end)
			break;
		va = MAX(va, v->start);
		hi = MIN(end, v->end);
		if (v->prot) {
			rc = populate_vma(mm, v, va, hi,
					  write && (v->prot & PROT_WRITE));
			if (rc == -ENXIO)
				break; /* past the end of the file */
			if (rc < 0)
				return rc;
		}
		va = hi;
	}
	return 0;
}
