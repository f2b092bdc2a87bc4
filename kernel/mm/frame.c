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

/*
 * Take a block of 2^order frames off the free lists: its first pfn.
 * Untouched memory is carved only when the lists hold no block that
 * large, and with carve false not at all.
 */
static u32 take_block(unsigned order, bool carve_ok)
{
	unsigned o = order;
	u32 pfn;

	for (;;) {
		while (o <= MAX_ORDER && free_head[o] == NIL)
			o++;
		if (o <= MAX_ORDER)
			break;
		if (!carve_ok || !carve())
			return NIL;
		o = order;
	}
	pfn = free_head[o];
	list_remove(pfn);
	while (o > order) { /* split: the upper half goes back */
		o--;
		list_push(pfn + (1U << o), o);
	}
	nfree -= 1U << order;
	return pfn;
}

/* Hand out n frames from pfn: referenced once, zeroed if asked. */
static void hand_out(u32 pfn, u32 n, int flags)
{
	for (u32 i = 0; i < n; i++)
		frames[pfn + i].ref = 1;
	if (flags & FRAME_ZERO)
		zero_dirty(pfn, n);
	else
		for (u32 i = 0; i < n; i++)
			frames[pfn + i].flags &= ~F_DIRTY;
}

phys_t frames_alloc(unsigned order, int flags)
{
	u32 pfn;

	if (order > MAX_ORDER || (pfn = take_block(order, true)) == NIL)
		return (phys_t)-1;
	hand_out(pfn, 1U << order, flags);
	return (phys_t)pfn << PAGE_SHIFT;
}

/*
 * The smallest block that holds what is still wanted (or the largest
 * there is); its frames beyond that go straight back, as they were.
 * Blocks come from the free lists first: frames freed a moment ago are
 * still backed by the host, untouched ones would have to be allocated
 * and zeroed by the host when mapped.  Only when nothing is free is
 * untouched memory carved.
 */
u64 frames_alloc_run(phys_t *out, u64 n, int flags)
{
	u64 got = 0;

	while (got < n) {
		unsigned order = 0, o;
		u32 pfn, use;

		while (order < MAX_ORDER && (1ULL << order) < n - got)
			order++;
		pfn = NIL;
		for (int carve = 0; carve < 2 && pfn == NIL; carve++)
			for (o = order; (pfn = take_block(o, carve)) == NIL && o;)
				o--;
		if (pfn == NIL)
			break;
		use = (u32)MIN(1ULL << o, n - got);
		for (u32 i = use; i < (1U << o); i++) {
			nfree++;
			free_block(pfn + i, 0);
		}
		hand_out(pfn, use, flags);
		for (u32 i = 0; i < use; i++)
			out[got++] = (phys_t)(pfn + i) << PAGE_SHIFT;
	}
	return got;
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
