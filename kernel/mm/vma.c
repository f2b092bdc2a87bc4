/*
 * Address spaces and their VMAs.
 *
 * An mm keeps its VMAs in a list sorted by address and its pages in a
 * software page table.  Every change to a present PTE is passed to the
 * engine space page by page; the engine merges neighbours into one
 * host operation, and applies the batch before the space runs again.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"

#define MMAP_MIN_ADDR 0x10000ULL

uaddr_t task_size;
u64 stat_pages_mapped;

/* ---- PTEs and the engine ------------------------------------------- */

int pte_prot(pte_t pte)
{
	int prot = 0;

	if (!(pte & PTE_PRESENT))
		return 0;
	if (pte & PTE_READ)
		prot |= PROT_READ;
	if (pte & PTE_WRITE)
		prot |= PROT_WRITE | PROT_READ;
	if (pte & PTE_EXEC)
		prot |= PROT_EXEC | PROT_READ;
	return prot;
}

static void engine_map(struct mm *mm, uaddr_t va, pte_t pte)
{
	int rc;

	if (!mm->as)
		return;
	stat_pages_mapped++;
	rc = engine->ops->as_map(mm->as, va, PAGE_SIZE, pte_prot(pte),
				 pte_phys(pte));
	if (rc < 0)
		mm->as_error = rc;
}

static void engine_unmap(struct mm *mm, uaddr_t va, u64 len)
{
	int rc;

	if (!mm->as)
		return;
	rc = engine->ops->as_unmap(mm->as, va, len);
	if (rc < 0)
		mm->as_error = rc;
}

void pte_install(struct mm *mm, uaddr_t va, phys_t p, pte_t bits)
{
	pte_t *pte = pt_walk(&mm->pt, va, true);

	if (*pte & PTE_PRESENT)
		frame_put(pte_phys(*pte));
	else
		mm->rss_pages++;
	*pte = p | bits | PTE_PRESENT;
	engine_map(mm, va, *pte);
}

static void sync_one(pte_t *pte, uaddr_t va, void *arg)
{
	engine_map(arg, va, *pte);
}

void mm_sync_range(struct mm *mm, uaddr_t va, u64 len)
{
	pt_for_each(&mm->pt, va, va + len, sync_one, mm);
}

static void zap_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct mm *mm = arg;

	(void)va;
	frame_put(pte_phys(*pte));
	*pte = 0;
	mm->rss_pages--;
}

void zap_range(struct mm *mm, uaddr_t start, uaddr_t end)
{
	pt_for_each(&mm->pt, start, end, zap_one, mm);
	engine_unmap(mm, start, end - start);
}

/* ---- mm objects ---------------------------------------------------------- */

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	int rc;

	mm->refcount = 1;
	list_init(&mm->vmas);
	rc = engine->ops->as_create(engine, &mm->as);
	if (rc < 0) {
		kfree(mm);
		return NULL;
	}
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->refcount++;
}

/* A shared file mapping counts on its inode (write-back, see pagecache.c). */
static void vma_file_get(struct vma *v)
{
	if (!v->file)
		return;
	file_get(v->file);
	if (v->flags & VMA_SHARED)
		pagecache_mmap_get(v->file->f_inode);
}

static void vma_free(struct vma *v)
{
	list_del(&v->link);
	if (v->file) {
		if (v->flags & VMA_SHARED) {
			struct inode *inode = v->file->f_inode;

			/* munmap and exit write back what the mapping wrote */
			pagecache_writeback(inode, v->pgoff,
					    (v->end - v->start) >> PAGE_SHIFT);
			pagecache_mmap_put(inode);
		}
		file_put(v->file);
	}
	kfree(v);
}

void mm_put(struct mm *mm)
{
	struct vma *v, *tmp;

	if (--mm->refcount)
		return;
	/* The engine space dies whole: no need to unmap page by page. */
	if (mm->as)
		engine->ops->as_destroy(mm->as);
	mm->as = NULL;
	list_for_each_safe(v, tmp, &mm->vmas, link) {
		pt_for_each(&mm->pt, v->start, v->end, zap_one, mm);
		vma_free(v);
	}
	pt_free(&mm->pt);
	if (mm->exe)
		file_put(mm->exe);
	kfree(mm);
}

/* ---- finding ------------------------------------------------------------- */

struct vma *find_vma(struct mm *mm, uaddr_t addr)
{
	struct vma *v = mm->cache;

	if (v && v->start <= addr && addr < v->end)
		return v;
	list_for_each(v, &mm->vmas, link) {
		if (v->end > addr) {
			mm->cache = v;
			return v;
		}
	}
	return NULL;
}

struct vma *vma_at(struct mm *mm, uaddr_t addr)
{
	struct vma *v = find_vma(mm, addr);

	return v && v->start <= addr ? v : NULL;
}

static bool range_free(struct mm *mm, uaddr_t start, u64 len)
{
	struct vma *v = find_vma(mm, start);

	return !v || v->start >= start + len;
}

uaddr_t get_unmapped_area(struct mm *mm, uaddr_t hint, u64 len)
{
	uaddr_t lo = MMAP_MIN_ADDR, best = 0, top = mm->mmap_base;
	struct vma *v;

	if (!len || len > task_size)
		return 0;
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint >= MMAP_MIN_ADDR && range_ok(hint, len, task_size) &&
		    range_free(mm, hint, len))
			return hint;
	}
	/* Top-down below the mmap base: the highest gap that fits. */
	list_for_each(v, &mm->vmas, link) {
		uaddr_t gap_end = MIN(v->start, top);

		if (gap_end > lo && gap_end - lo >= len)
			best = gap_end - len;
		lo = MAX(lo, v->end);
		if (lo >= top)
			break;
	}
	if (lo < top && top - lo >= len)
		best = top - len;
	if (best)
		return best;
	/* Then bottom-up above it. */
	lo = top;
	list_for_each(v, &mm->vmas, link) {
		if (v->end <= lo)
			continue;
		if (v->start >= lo && v->start - lo >= len)
			return lo;
		lo = MAX(lo, v->end);
	}
	return lo < task_size && task_size - lo >= len ? lo : 0;
}

/* ---- changing ------------------------------------------------------------- */

static struct vma *vma_split(struct vma *v, uaddr_t at)
{
	struct vma *n = kmalloc(sizeof(*n));

	*n = *v;
	n->start = at;
	if (n->file)
		n->pgoff += (at - v->start) >> PAGE_SHIFT;
	vma_file_get(n);
	v->end = at;
	list_add_after(&v->link, &n->link);
	return n;
}

static struct vma *next_vma(struct mm *mm, struct vma *v)
{
	return v->link.next == &mm->vmas ? NULL :
		list_entry(v->link.next, struct vma, link);
}

/* The first vma at or after start, split so that it begins at start. */
static struct vma *split_at_start(struct mm *mm, uaddr_t start)
{
	struct vma *v = find_vma(mm, start);

	if (v && v->start < start)
		v = vma_split(v, start);
	return v;
}

int vma_unmap(struct mm *mm, uaddr_t start, u64 len)
{
	uaddr_t end = start + len;
	struct vma *v, *next;

	if ((start & ~PAGE_MASK) || !len || !range_ok(start, len, task_size))
		return -EINVAL;
	for (v = split_at_start(mm, start); v && v->start < end; v = next) {
		if (v->end > end)
			vma_split(v, end);
		next = next_vma(mm, v);
		pt_for_each(&mm->pt, v->start, v->end, zap_one, mm);
		vma_free(v);
	}
	mm->cache = NULL;
	engine_unmap(mm, start, len);
	return 0;
}

static bool can_merge(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags)
		return false;
	if (!a->file && !b->file)
		return true;
	/* The same file, continuing at the next page offset. */
	return a->file == b->file &&
	       a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) == b->pgoff;
}

/* Merge v with its neighbours where they are the same kind of memory. */
static void vma_merge(struct mm *mm, struct vma *v)
{
	struct vma *prev, *next;

	if (v->link.prev != &mm->vmas) {
		prev = list_entry(v->link.prev, struct vma, link);
		if (can_merge(prev, v)) {
			prev->end = v->end;
			vma_free(v);
			v = prev;
		}
	}
	if (v->link.next != &mm->vmas) {
		next = list_entry(v->link.next, struct vma, link);
		if (can_merge(v, next)) {
			v->end = next->end;
			vma_free(next);
		}
	}
	mm->cache = NULL;
}

static void vma_insert(struct mm *mm, struct vma *n)
{
	struct vma *v;

	list_for_each(v, &mm->vmas, link) {
		if (v->start >= n->end) {
			list_insert(v->link.prev, &v->link, &n->link);
			vma_merge(mm, n);
			return;
		}
	}
	list_add_tail(&mm->vmas, &n->link);
	vma_merge(mm, n);
}

int vma_map(struct mm *mm, uaddr_t start, u64 len, int prot, int flags,
	    struct file *file, u64 pgoff)
{
	struct vma *n;
	int rc;

	rc = vma_unmap(mm, start, len);
	if (rc < 0)
		return rc;
	n = kzalloc(sizeof(*n));
	n->start = start;
	n->end = start + len;
	n->prot = prot;
	n->flags = flags;
	n->file = file;
	n->pgoff = pgoff;
	vma_file_get(n);
	vma_insert(mm, n);
	return 0;
}

static pte_t prot_bits(int prot)
{
	pte_t b = 0;

	if (prot & PROT_READ)
		b |= PTE_READ;
	if (prot & PROT_WRITE)
		b |= PTE_READ; /* written only after a fault or if exclusive */
	if (prot & PROT_EXEC)
		b |= PTE_EXEC;
	return b;
}

/* May a present page of shared mapping v at va be writable at once? */
static bool shared_writable_now(struct vma *v, uaddr_t va)
{
	struct inode *inode;

	if (!v->file)
		return true;
	inode = v->file->f_inode;
	return !pagecache_tracks_dirty(inode) ||
	       pagecache_is_dirty(inode, v->pgoff + ((va - v->start) >> PAGE_SHIFT));
}

struct protect_arg {
	struct mm *mm;
	struct vma *vma;
};

static void protect_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct protect_arg *a = arg;
	struct vma *v = a->vma;
	pte_t bits = prot_bits(v->prot);

	/*
	 * Writable now only if no one else can see the frame, or if it is
	 * shared memory whose writes need no tracking (or are tracked).
	 */
	if ((v->prot & PROT_WRITE) &&
	    ((v->flags & VMA_SHARED) ? shared_writable_now(v, va)
				     : ((*pte & PTE_ANON) &&
					frame_refs(pte_phys(*pte)) == 1)))
		bits |= PTE_WRITE;
	*pte = (*pte & (PTE_ADDR | PTE_PRESENT | PTE_ANON)) | bits;
	engine_map(a->mm, va, *pte);
}

/* Merge what became alike in and around [start, end). */
static void merge_range(struct mm *mm, uaddr_t start, uaddr_t end)
{
	struct vma *v = find_vma(mm, start ? start - 1 : 0);

	while (v && v->start <= end) {
		struct vma *next = next_vma(mm, v);

		if (next && can_merge(v, next)) {
			v->end = next->end;
			vma_free(next);
			mm->cache = NULL;
			continue;
		}
		v = next;
	}
	mm->cache = NULL;
}

int vma_protect(struct mm *mm, uaddr_t start, u64 len, int prot)
{
	uaddr_t end = start + len, at = start;
	struct vma *v;

	/* The whole range must be mapped. */
	for (v = find_vma(mm, start); at < end; v = next_vma(mm, v)) {
		if (!v || v->start > at)
			return -ENOMEM;
		if ((prot & PROT_WRITE) && (v->flags & VMA_SHARED) && v->file &&
		    (!(v->file->f_mode & FMODE_WRITE) ||
		     (v->flags & VMA_NOMAYWRITE)))
			return -EACCES;
		at = v->end;
	}
	for (v = split_at_start(mm, start); v && v->start < end;
	     v = next_vma(mm, v)) {
		struct protect_arg a = { mm, v };

		if (v->end > end)
			vma_split(v, end);
		v->prot = prot;
		pt_for_each(&mm->pt, v->start, v->end, protect_one, &a);
	}
	merge_range(mm, start, end);
	return 0;
}

int vma_set_flags(struct mm *mm, uaddr_t start, uaddr_t end, int set,
		  int clear)
{
	uaddr_t at = start;
	struct vma *v;

	for (v = find_vma(mm, start); at < end; v = next_vma(mm, v)) {
		if (!v || v->start > at)
			return -ENOMEM;
		at = v->end;
	}
	for (v = split_at_start(mm, start); v && v->start < end;
	     v = next_vma(mm, v)) {
		if (v->end > end)
			vma_split(v, end);
		v->flags = (v->flags | set) & ~clear;
	}
	merge_range(mm, start, end);
	return 0;
}

/* ---- mremap ---- */

/*
 * Grow the vma that ends at old_end in place to new_end.  The caller
 * checked that [old_end, new_end) is free.
 */
void vma_extend(struct mm *mm, uaddr_t old_end, uaddr_t new_end)
{
	struct vma *v = vma_at(mm, old_end - 1);

	v->end = new_end;
	merge_range(mm, v->start, new_end);
}

struct move_arg {
	struct mm *mm;
	uaddr_t from, to;
};

static void move_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct move_arg *a = arg;
	uaddr_t nva = va - a->from + a->to;
	pte_t *n = pt_walk(&a->mm->pt, nva, true);

	*n = *pte;
	*pte = 0;
	engine_map(a->mm, nva, *n);
}

/*
 * Move [old, old+len), all of one vma, to new, as a mapping newlen
 * long: the page-table entries move, no page is copied.  With keep
 * (MREMAP_DONTUNMAP) the old range stays mapped, empty.  The caller
 * made sure [new, new+newlen) is free and does not overlap.
 */
int vma_move(struct mm *mm, uaddr_t old, u64 len, uaddr_t new, u64 newlen,
	     bool keep)
{
	struct vma *v = split_at_start(mm, old), *n;
	struct move_arg a = { mm, old, new };

	if (!v || v->start != old || v->end < old + len)
		return -EFAULT;
	if (v->end > old + len)
		vma_split(v, old + len);
	n = kmalloc(sizeof(*n));
	*n = *v;
	n->start = new;
	n->end = new + newlen;
	vma_file_get(n);
	pt_for_each(&mm->pt, old, old + len, move_one, &a);
	engine_unmap(mm, old, len);
	if (!keep)
		vma_free(v);
	mm->cache = NULL;
	vma_insert(mm, n);
	return 0;
}

/* ---- fork ---- */

struct fork_arg {
	struct mm *parent, *child;
	struct vma *vma;
};

static void fork_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct fork_arg *a = arg;
	phys_t p = pte_phys(*pte);

	/* Private writable pages become copy-on-write in both. */
	if (!(a->vma->flags & VMA_SHARED) && (*pte & PTE_WRITE)) {
		*pte &= ~PTE_WRITE;
		engine_map(a->parent, va, *pte);
	}
	frame_get(p);
	pte_install(a->child, va, p, *pte & ~(PTE_ADDR | PTE_PRESENT));
}

struct mm *mm_fork(struct mm *old)
{
	struct mm *mm = mm_create();
	struct vma *v;

	if (!mm)
		return NULL;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	memcpy(mm->saved_auxv, old->saved_auxv, sizeof(mm->saved_auxv));
	mm->nauxv = old->nauxv;
	mm->mmap_base = old->mmap_base;
	mm->exe = old->exe;
	if (mm->exe)
		file_get(mm->exe);
	list_for_each(v, &old->vmas, link) {
		struct vma *n;
		struct fork_arg a = { old, mm, v };

		if (v->flags & VMA_DONTFORK)
			continue;
		n = kmalloc(sizeof(*n));
		*n = *v;
		vma_file_get(n);
		list_add_tail(&mm->vmas, &n->link);
		if (v->flags & VMA_WIPEONFORK)
			continue; /* the child faults in zeroes */
		pt_for_each(&old->pt, v->start, v->end, fork_one, &a);
	}
	return mm;
}
