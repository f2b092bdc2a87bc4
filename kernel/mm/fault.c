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

/* Copy the frame at va into a private one (copy-on-write). */
static int cow_page(struct mm *mm, struct vma *v, uaddr_t va, phys_t old)
{
	phys_t p = frame_alloc(0);

	if (PHYS_ERR(p))
		return -ENOMEM;
	memcpy(phys_to_kva(p), phys_to_kva(old), PAGE_SIZE);
	pte_install(mm, va, p, vma_pte_bits(v) | PTE_ANON | PTE_WRITE);
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

static int fault_one(struct mm *mm, struct vma *v, uaddr_t va, bool write)
{
	if (v->file)
		return file_page(mm, v, va, write);
	return anon_page(mm, v, va);
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

/* Fault in va and the absent pages of the window around it. */
static int fault_in(struct mm *mm, struct vma *v, uaddr_t va, bool write)
{
	u64 pages = fault_pages(v, va), window = pages * PAGE_SIZE;
	uaddr_t lo = MAX(v->start, va & ~(window - 1));
	uaddr_t hi = MIN(v->end, lo + window);
	int rc;

	v->fa_end = hi;
	v->fa_pages = pages;
	if (v->file) {
		u64 first = v->pgoff + ((lo - v->start) >> PAGE_SHIFT);

		rc = pagecache_fill(v->file->f_inode, first,
				    (hi - lo) >> PAGE_SHIFT);
		if (rc < 0 && rc != -ENXIO)
			return rc;
	}
	rc = fault_one(mm, v, va, write);
	if (rc < 0)
		return rc;
	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		if (a == va || pte_present(mm, a))
			continue;
		if (fault_one(mm, v, a, false) < 0)
			break; /* the neighbours are only a bonus */
	}
	return 0;
}

/*
 * Make the read-only page at va of a private vma writable: in place
 * when it is an anonymous frame no one else holds, else by a copy.
 */
static int private_write(struct mm *mm, struct vma *v, uaddr_t va,
			 pte_t *pte)
{
	phys_t p = pte_phys(*pte);
	int rc;

	if ((*pte & PTE_ANON) && frame_refs(p) == 1) {
		*pte |= PTE_WRITE;
		mm_sync_range(mm, va, PAGE_SIZE);
		return 0;
	}
	frame_get(p); /* keep it alive across the install */
	rc = cow_page(mm, v, va, p);
	frame_put(p);
	return rc;
}

/*
 * A write to a present, read-only page of a writable vma.
 *
 * After a fork, the parent and the child write around each other's
 * shared pages, a stack or a heap in a row: each first write would be
 * its own fault.  A fault in a private vma therefore settles the
 * window around it too: the window's anonymous pages that are still
 * read-only become writable (ours alone) or are copied (still shared).
 * A copy is a fraction of what a fault costs.
 */
static int write_protect_fault(struct mm *mm, struct vma *v, uaddr_t va,
			       pte_t *pte)
{
	u64 window = COW_AROUND * PAGE_SIZE;
	uaddr_t lo = MAX(v->start, va & ~(window - 1));
	uaddr_t hi = MIN(v->end, lo + window);
	int rc;

	if (v->flags & VMA_SHARED) {
		if (v->file)
			pagecache_mark_dirty(v->file->f_inode,
					     v->pgoff + ((va - v->start) >> PAGE_SHIFT));
		*pte |= PTE_WRITE;
		mm_sync_range(mm, va, PAGE_SIZE);
		return 0;
	}
	rc = private_write(mm, v, va, pte);
	if (rc < 0)
		return rc;
	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		pte = pt_walk(&mm->pt, a, false);
		if (a != va && pte &&
		    (*pte & (PTE_PRESENT | PTE_ANON | PTE_WRITE)) ==
			    (PTE_PRESENT | PTE_ANON) &&
		    private_write(mm, v, a, pte) < 0)
			break; /* the neighbours are only a bonus */
	}
	return 0;
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
	/* Allowed and present: the engine's copy is behind; refresh it. */
	mm_sync_range(mm, va, PAGE_SIZE);
	return 0;
}

int mm_populate(struct mm *mm, uaddr_t start, uaddr_t end, bool write)
{
	for (uaddr_t va = start & PAGE_MASK; va < end; va += PAGE_SIZE) {
		struct vma *v = vma_at(mm, va);
		int rc;

		if (!v || !v->prot)
			continue;
		if (pte_present(mm, va))
			continue;
		if (v->file && (((va - v->start) >> PAGE_SHIFT) % 64) == 0) {
			u64 idx = v->pgoff + ((va - v->start) >> PAGE_SHIFT);

			pagecache_fill(v->file->f_inode, idx,
				       MIN(64, (v->end - va) >> PAGE_SHIFT));
		}
		rc = fault_one(mm, v, va, write && (v->prot & PROT_WRITE));
		if (rc == -ENXIO)
			break; /* past the end of the file */
		if (rc < 0)
			return rc;
	}
	return 0;
}
