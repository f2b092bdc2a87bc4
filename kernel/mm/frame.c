/*
 * Physical frames: a buddy allocator over the memory file.
 *
 * Blocks of 2^order frames (order <= MAX_ORDER) sit on free lists;
 * allocation splits, freeing merges with the buddy.  Allocated frames
 * are counted one by one, so a run allocated at once may be freed page
 * by page.  Freed frames are remembered as dirty and zeroed when handed
 * out with FRAME_ZERO; a large run freed at once is given back to the
 * host (host_physmem_discard), which also zeroes it.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "host/host.h"

#define MAX_ORDER 10
#define NIL 0xffffffffU

#define F_FREE 0x1   /* head of a free block */
#define F_DIRTY 0x2  /* may hold old data */

struct frame {
	u32 ref;
	u8 order;    /* free blocks: the block's order */
	u8 flags;
	u16 pad;
	u32 next, prev; /* free list links */
};

static char *phys_base;
static struct frame *frames;
static u32 nframes;
static u64 nfree;
static u32 free_head[MAX_ORDER + 1];
static u64 dirty_free; /* frames freed since the last sweep */
/*
 * Frames from here up were never handed out: their metadata is still
 * the zero pages calloc gave us, and untouched.  Blocks are carved from
 * here only when the free lists run dry, so a big memory costs nothing
 * until it is used.
 */
static u32 untouched;

/* Sweep when this many frames were freed; discard blocks this large. */
#define SWEEP_PAGES 4096
#define SWEEP_ORDER 6

void *phys_to_kva(phys_t p)
{
	return phys_base + p;
}

u64 frames_total(void)
{
	return nframes;
}

u64 frames_free(void)
{
	return nfree;
}

static void list_push(u32 pfn, unsigned order)
{
	struct frame *f = &frames[pfn];

	f->flags |= F_FREE;
	f->order = order;
	f->prev = NIL;
	f->next = free_head[order];
	if (f->next != NIL)
		frames[f->next].prev = pfn;
	free_head[order] = pfn;
}

static void list_remove(u32 pfn)
{
	struct frame *f = &frames[pfn];

	if (f->prev != NIL)
		frames[f->prev].next = f->next;
	else
		free_head[f->order] = f->next;
	if (f->next != NIL)
		frames[f->next].prev = f->prev;
	f->flags &= ~F_FREE;
}

static void free_block(u32 pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		u32 buddy = pfn ^ (1U << order);

		if (buddy + (1U << order) > untouched)
			break;
		if (!(frames[buddy].flags & F_FREE) ||
		    frames[buddy].order != order)
			break;
		list_remove(buddy);
		pfn &= ~(1U << order);
		order++;
	}
	list_push(pfn, order);
}

void frames_init(void *base, u64 size)
{
	phys_base = base;
	nframes = size >> PAGE_SHIFT;
	frames = kzalloc((size_t)nframes * sizeof(*frames));
	for (int i = 0; i <= MAX_ORDER; i++)
		free_head[i] = NIL;
	/* Frame 0 stays reserved: physical address 0 means "none". */
	frames[0].ref = 1;
	untouched = 1;
	nfree = nframes - 1;
}

/* Move the next block above the high-water mark onto the free lists. */
static bool carve(void)
{
	unsigned order = MAX_ORDER;

	if (untouched >= nframes)
		return false;
	while (order && ((untouched & ((1U << order) - 1)) ||
			 untouched + (1U << order) > nframes))
		order--;
	list_push(untouched, order);
	untouched += 1U << order;
	return true;
}

static void zero_dirty(u32 pfn, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (frames[pfn + i].flags & F_DIRTY) {
			memset(phys_base + ((u64)(pfn + i) << PAGE_SHIFT), 0,
			       PAGE_SIZE);
			frames[pfn + i].flags &= ~F_DIRTY;
		}
	}
}

/*
 * Give the memory of large free blocks that hold old data back to the
 * host, in one fallocate per block.  Smaller dirty frames are zeroed
 * when allocated.
 */
static void sweep(void)
{
	for (unsigned o = SWEEP_ORDER; o <= MAX_ORDER; o++) {
		for (u32 pfn = free_head[o]; pfn != NIL; pfn = frames[pfn].next) {
			bool dirty = false;

			for (u32 i = 0; i < (1U << o) && !dirty; i++)
				dirty = frames[pfn + i].flags & F_DIRTY;
			if (!dirty || host_physmem_discard((u64)pfn << PAGE_SHIFT,
							   (u64)PAGE_SIZE << o))
				continue;
			for (u32 i = 0; i < (1U << o); i++)
				frames[pfn + i].flags &= ~F_DIRTY;
		}
	}
	dirty_free = 0;
}

phys_t frames_alloc(unsigned order, int flags)
{
	unsigned o = order;
	u32 pfn;

	if (order > MAX_ORDER)
		return (phys_t)-1;
	for (;;) {
		while (o <= MAX_ORDER && free_head[o] == NIL)
			o++;
		if (o <= MAX_ORDER)
			break;
		if (!carve())
			return (phys_t)-1;
		o = order;
	}
	pfn = free_head[o];
	list_remove(pfn);
	while (o > order) { /* split: the upper half goes back */
		o--;
		list_push(pfn + (1U << o), o);
	}
	for (u32 i = 0; i < (1U << order); i++)
		frames[pfn + i].ref = 1;
	nfree -= 1U << order;
	if (flags & FRAME_ZERO)
		zero_dirty(pfn, 1U << order);
	else
		for (u32 i = 0; i < (1U << order); i++)
			frames[pfn + i].flags &= ~F_DIRTY;
	return (phys_t)pfn << PAGE_SHIFT;
}

phys_t frame_alloc(int flags)
{
	return frames_alloc(0, flags);
}

static struct frame *frame_of(phys_t p)
{
	u64 pfn = p >> PAGE_SHIFT;

	if (!pfn || pfn >= nframes || (p & ~PAGE_MASK))
		panic("bad physical address %#llx", (unsigned long long)p);
	return &frames[pfn];
}

void frame_get(phys_t p)
{
	struct frame *f = frame_of(p);

	BUG_ON(!f->ref);
	f->ref++;
}

unsigned frame_refs(phys_t p)
{
	return frame_of(p)->ref;
}

void frame_put(phys_t p)
{
	struct frame *f = frame_of(p);

	BUG_ON(!f->ref);
	if (--f->ref)
		return;
	f->flags |= F_DIRTY;
	nfree++;
	free_block(p >> PAGE_SHIFT, 0);
	if (++dirty_free >= SWEEP_PAGES)
		sweep();
}
