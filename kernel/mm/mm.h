/*
 * Memory management.
 *
 *  frames     physical memory (the memory file) in 4 KiB frames, from a
 *             buddy allocator, so that runs of frames are contiguous and
 *             an engine maps them with one call; reference counted.
 *  pagemap    a sparse array index -> frame: the page cache of a file,
 *             or the storage of a tmpfs file.
 *  mm         an address space: VMAs, a software page table, and the
 *             engine address space that mirrors it.
 *  faults     demand paging and copy-on-write; fault-around maps a
 *             window of pages per fault, never one page at a time.
 *
 * Page-table entries hold a frame's physical address and PTE_* bits.
 * Invariant: a present PTE holds one reference on its frame, and the
 * engine space maps exactly the present PTEs with pte_prot().
 */
#ifndef UMK_MM_H
#define UMK_MM_H

#include "kernel/types.h"
#include "kernel/list.h"
#include "kernel/abi/mman.h"

struct file;
struct inode;
struct engine_as;

/* ---- frames ---- */

#define FRAME_ZERO 0x1 /* the caller wants zeroed frames */

void frames_init(void *base, u64 size);
/*
 * Allocate a contiguous run of 2^order frames.  Returns its physical
 * address, or (phys_t)-1 when none is free.  Each frame of the run
 * has a reference count of one and is freed on its own.
 */
phys_t frames_alloc(unsigned order, int flags);
phys_t frame_alloc(int flags);
/*
 * Allocate n frames into out[] in as few contiguous runs as the free
 * lists allow (out[i + 1] follows out[i] within a run), so that pages
 * mapped in a row make one engine mapping.  Returns how many it got.
 */
u64 frames_alloc_run(phys_t *out, u64 n, int flags);
void frame_get(phys_t p);
/* Drop a reference; the frame is free when it reaches zero. */
void frame_put(phys_t p);
unsigned frame_refs(phys_t p);
void *phys_to_kva(phys_t p);
u64 frames_total(void);
u64 frames_free(void);

/* ---- page maps ---- */

struct pagemap {
	phys_t **chunks;  /* chunk[i][j] = frame of index i*512+j, 0 = none */
	u64 nchunks;
	u64 npages;       /* frames held */
};

phys_t pagemap_get(struct pagemap *pm, u64 index);
/* Store frame p (taking the caller's reference); -ENOMEM. */
int pagemap_set(struct pagemap *pm, u64 index, phys_t p);
/* Drop the frames of indexes >= from. */
void pagemap_truncate(struct pagemap *pm, u64 from);
void pagemap_free(struct pagemap *pm);

/* ---- page tables ---- */

typedef u64 pte_t;
#define PTE_PRESENT 0x1ULL
#define PTE_WRITE 0x2ULL   /* writable now (clear on shared COW pages) */
#define PTE_EXEC 0x4ULL
#define PTE_READ 0x8ULL
#define PTE_ANON 0x10ULL   /* a private frame, not from a page cache */
#define PTE_ADDR 0x000ffffffffff000ULL

struct pgtable {
	u64 *root; /* 4 levels of 512 entries; inner entries are pointers */
};

pte_t *pt_walk(struct pgtable *pt, uaddr_t va, bool create);
/* Call fn on every present PTE in [start, end). */
void pt_for_each(struct pgtable *pt, uaddr_t start, uaddr_t end,
		 void (*fn)(pte_t *pte, uaddr_t va, void *arg), void *arg);
void pt_free(struct pgtable *pt);

static inline phys_t pte_phys(pte_t pte)
{
	return pte & PTE_ADDR;
}

/* ---- VMAs and address spaces ---- */

#define VMA_SHARED 0x1
#define VMA_GROWSDOWN 0x2
#define VMA_STACK 0x4
#define VMA_HEAP 0x8
#define VMA_DONTFORK 0x10
#define VMA_WIPEONFORK 0x20   /* the child gets zeroes (MADV_WIPEONFORK) */
#define VMA_NOMAYWRITE 0x40 /* a write-sealed file: mprotect may not add write */

struct vma {
	uaddr_t start, end;
	int prot;            /* PROT_* */
	int flags;           /* VMA_* */
	struct file *file;   /* NULL: anonymous */
	u64 pgoff;           /* file offset of start, in pages */
	struct list link;    /* mm->vmas, sorted by start */
	/* The last fault-around window (fault.c): its end and size. */
	uaddr_t fa_end;
	u64 fa_pages;
};

struct mm {
	int refcount;
	struct list vmas;
	struct vma *cache;   /* the last vma found */
	struct pgtable pt;
	struct engine_as *as;
	int as_error;        /* set when the engine refused an update */
	uaddr_t start_code, end_code, start_data, end_data;
	uaddr_t start_brk, brk;
	uaddr_t start_stack;
	uaddr_t arg_start, arg_end, env_start, env_end;
	u64 saved_auxv[48];  /* the exec's auxv, for /proc/PID/auxv */
	int nauxv;           /* u64s in it, the AT_NULL pair included */
	uaddr_t mmap_base;
	u64 rss_pages;
	struct file *exe;
};

/* Guest addresses end here (the engine's user_top). */
extern uaddr_t task_size;

struct mm *mm_create(void);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* A copy-on-write copy of mm for fork. */
struct mm *mm_fork(struct mm *mm);

struct vma *find_vma(struct mm *mm, uaddr_t addr); /* first vma with end > addr */
struct vma *vma_at(struct mm *mm, uaddr_t addr);   /* vma containing addr */
/*
 * Map [start, start+len) as a new VMA, replacing what was there
 * (MAP_FIXED semantics).  file may be NULL.  0 or -errno.
 */
int vma_map(struct mm *mm, uaddr_t start, u64 len, int prot, int flags,
	    struct file *file, u64 pgoff);
/* Unmap [start, start+len): VMAs split, frames released.  0 or -errno. */
int vma_unmap(struct mm *mm, uaddr_t start, u64 len);
/* mremap: grow in place, or move the pages elsewhere. */
void vma_extend(struct mm *mm, uaddr_t old_end, uaddr_t new_end);
int vma_move(struct mm *mm, uaddr_t old, u64 len, uaddr_t new, u64 newlen,
	     bool keep);
/*
 * Set and clear VMA_* flags on exactly [start, end), splitting VMAs at
 * the edges and merging what became alike.  -ENOMEM on a hole.
 */
int vma_set_flags(struct mm *mm, uaddr_t start, uaddr_t end, int set,
		  int clear);
/* mprotect semantics; -ENOMEM when part of the range is unmapped. */
int vma_protect(struct mm *mm, uaddr_t start, u64 len, int prot);
/* Find a free range of len bytes below the mmap base; 0 if none. */
uaddr_t get_unmapped_area(struct mm *mm, uaddr_t hint, u64 len);
/* Drop the pages of [start, end) (MADV_DONTNEED). */
void zap_range(struct mm *mm, uaddr_t start, uaddr_t end);

/* The engine's view of a PTE. */
int pte_prot(pte_t pte);
/* For umk run --stats: pages passed to the engine's as_map. */
extern u64 stat_pages_mapped;
bool pte_present(struct mm *mm, uaddr_t va);
/* Install frame p at va with PTE bits; takes the caller's reference. */
void pte_install(struct mm *mm, uaddr_t va, phys_t p, pte_t bits);
/* Tell the engine about [va, va+len) after PTE changes. */
void mm_sync_range(struct mm *mm, uaddr_t va, u64 len);

/* ---- faults ---- */

/* Fault-around windows (fault.c), in pages, powers of two. */
#define FAULT_AROUND 64            /* of anonymous memory */
#define FAULT_AROUND_FILE 512      /* of a file's page cache */
#define FAULT_AROUND_MAX 1024      /* doubled up to this for faults in order */
#define COW_AROUND 16              /* pages a copy-on-write fault settles */

/*
 * Make addr accessible with access (FAULT_* bits; 0 = unknown).
 * Returns 0, -EFAULT (no mapping: SEGV_MAPERR), -EACCES (not allowed:
 * SEGV_ACCERR), -ENOMEM (out of memory) or -EIO (file error: SIGBUS).
 * present says the engine had the page mapped (a protection fault).
 */
int handle_mm_fault(struct mm *mm, uaddr_t addr, unsigned access,
		    bool present);
/* Map [start, end) now (MAP_POPULATE, exec), as far as possible. */
int mm_populate(struct mm *mm, uaddr_t start, uaddr_t end, bool write);

/* ---- page cache ---- */

/*
 * The frame caching page index of inode, read in if needed.
 * Returns the frame with a new reference, or (phys_t)-errno.
 */
phys_t pagecache_get(struct inode *inode, u64 index);
/*
 * Read pages [index, index+n) of inode into the cache in one go
 * (readahead).  0 or -errno.
 */
int pagecache_fill(struct inode *inode, u64 index, u64 n);

#define PHYS_ERR(p) ((s64)(p) < 0)

#endif
