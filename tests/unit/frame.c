/*
 * The frame allocator (kernel/mm/frame.c): a buddy allocator over the
 * memory file.  Frame 0 is reserved ("no frame"), so the first
 * max-order block never comes back whole.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "tests/unit/unit.h"

#define MAX_ORDER 10 /* frame.c's; larger orders must fail */
#define NONE ((phys_t)-1)

static u64 pfn(phys_t p)
{
	return p >> PAGE_SHIFT;
}

/* A bitmap of the frames a test holds, to catch double allocation. */
static u8 *held;

static void hold(phys_t p, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		u64 f = pfn(p) + i;

		if (held[f / 8] & (1 << (f % 8)))
			FAIL("frame %#llx handed out twice",
			     (unsigned long long)f);
		held[f / 8] |= 1 << (f % 8);
	}
}

static void release(phys_t p, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		u64 f = pfn(p) + i;

		held[f / 8] &= ~(1 << (f % 8));
		frame_put(p + i * PAGE_SIZE);
	}
}

static void machine(u64 frames)
{
	unit_machine(frames * PAGE_SIZE, UNIT_USER_TOP);
	held = kzalloc(frames / 8 + 1);
}

/* Every order up to MAX_ORDER, aligned, counted, freed page by page. */
static void test_orders(void)
{
	phys_t blocks[MAX_ORDER + 1];
	u64 total, before;

	machine(8192);
	total = frames_total();
	before = frames_free();
	CHECK_EQ(total, 8192);
	CHECK_EQ(before, total - 1); /* frame 0 is reserved */
	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		phys_t p = frames_alloc(o, 0);

		blocks[o] = p;
		REQUIRE(p != NONE);
		CHECK(p != 0);
		CHECK_EQ(p & ((PAGE_SIZE << o) - 1), 0);
		CHECK(pfn(p) + (1ULL << o) <= total);
		hold(p, 1ULL << o);
		for (u64 i = 0; i < (1ULL << o); i++)
			CHECK_EQ(frame_refs(p + i * PAGE_SIZE), 1);
	}
	CHECK_EQ(frames_free(), before - ((1ULL << (MAX_ORDER + 1)) - 1));
	CHECK_EQ(frames_alloc(MAX_ORDER + 1, 0), NONE);
	CHECK_EQ(frames_alloc(64, 0), NONE);
	CHECK_EQ(frames_alloc(~0U, 0), NONE);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		release(blocks[o], 1ULL << o);
	CHECK_EQ(frames_free(), before);
	CHECK_EQ(frame_alloc(0) & ~PAGE_MASK, 0);
}

/* Allocate every frame; then nothing is left, of any order. */
static void exhaust(u64 frames)
{
	phys_t *all = kmalloc(frames * sizeof(*all));
	u64 n = 0;
	phys_t p;

	while ((p = frame_alloc(0)) != NONE) {
		REQUIRE(n < frames);
		all[n++] = p;
		hold(p, 1);
	}
	CHECK_EQ(n, frames - 1);
	CHECK_EQ(frames_free(), 0);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		CHECK_EQ(frames_alloc(o, FRAME_ZERO), NONE);
	/* Free in a scrambled order: merging must not depend on it. */
	for (u64 i = n; i > 1; i--) {
		u64 j = unit_rand() % i;
		phys_t t = all[i - 1];

		all[i - 1] = all[j];
		all[j] = t;
	}
	for (u64 i = 0; i < n; i++)
		release(all[i], 1);
	CHECK_EQ(frames_free(), frames - 1);
	kfree(all);
}

static void test_exhaustion(void)
{
	u64 got = 0;
	phys_t p;

	machine(4096);
	exhaust(4096);
	/*
	 * Freed page by page, the buddies merged back: every max-order
	 * block but the one holding reserved frame 0 is whole again.
	 */
	while ((p = frames_alloc(MAX_ORDER, 0)) != NONE) {
		CHECK_EQ(p & ((PAGE_SIZE << MAX_ORDER) - 1), 0);
		hold(p, 1ULL << MAX_ORDER);
		got++;
	}
	CHECK_EQ(got, 4096 / 1024 - 1);
	/* What is left is the first block less frame 0: 1023 frames. */
	CHECK_EQ(frames_free(), 1023);
	for (int o = MAX_ORDER - 1; o >= 0; o--) {
		p = frames_alloc(o, 0);
		CHECK(p != NONE);
		if (p != NONE)
			hold(p, 1ULL << o);
	}
	CHECK_EQ(frames_free(), 0);
	CHECK_EQ(frame_alloc(0), NONE);
}

/* A memory size that is no multiple of any block size. */
static void test_odd_size(void)
{
	machine(3 * 1024 + 517);
	exhaust(3 * 1024 + 517);
	exhaust(3 * 1024 + 517);
	CHECK(frames_alloc(MAX_ORDER, 0) != NONE);
}

/* One frame held back keeps its block from merging; its free merges. */
static void test_merge(void)
{
	phys_t p, q;

	machine(2048);
	p = frames_alloc(MAX_ORDER, 0);
	REQUIRE(p != NONE);
	CHECK_EQ(frames_alloc(MAX_ORDER, 0), NONE); /* the only one */
	/* (k * 389) % 1024 visits every frame once, out of order */
	for (u64 k = 0; k < 1024; k++)
		if ((k * 389) % 1024 != 517)
			frame_put(p + ((k * 389) % 1024) * PAGE_SIZE);
	CHECK_EQ(frame_refs(p + 517 * PAGE_SIZE), 1);
	CHECK_EQ(frames_alloc(MAX_ORDER, 0), NONE);
	q = frames_alloc(MAX_ORDER - 1, 0);
	CHECK(q != NONE);
	if (q != NONE) {
		/* the half without frame 517 */
		CHECK_EQ(q, p);
		release(q, 1ULL << (MAX_ORDER - 1));
	}
	frame_put(p + 517 * PAGE_SIZE);
	q = frames_alloc(MAX_ORDER, 0);
	CHECK_EQ(q, p);
}

static bool all_zero(phys_t p, u64 bytes)
{
	const u8 *k = phys_to_kva(p);

	for (u64 i = 0; i < bytes; i++)
		if (k[i])
			return false;
	return true;
}

/* FRAME_ZERO frames read as zero, however dirty they were. */
static void test_zero(void)
{
	phys_t p, q;

	machine(8192);
	p = frame_alloc(0);
	REQUIRE(p != NONE);
	memset(phys_to_kva(p), 0xaa, PAGE_SIZE);
	frame_put(p);
	q = frame_alloc(FRAME_ZERO);
	CHECK_EQ(q, p); /* the free lists hand back the last freed frame */
	CHECK(all_zero(q, PAGE_SIZE));
	frame_put(q);

	/* A block dirtied all over, freed page by page. */
	p = frames_alloc(5, 0);
	REQUIRE(p != NONE);
	memset(phys_to_kva(p), 0x5a, PAGE_SIZE << 5);
	for (int i = 31; i >= 0; i--)
		frame_put(p + i * PAGE_SIZE);
	q = frames_alloc(5, FRAME_ZERO);
	CHECK_EQ(q, p);
	CHECK(all_zero(q, PAGE_SIZE << 5));
	release(q, 32);
}

/* Fill every frame with old data, then free them all. */
static void dirty_everything(u64 frames)
{
	phys_t *all = kmalloc(frames * sizeof(*all)), p;
	u64 n = 0;

	while ((p = frame_alloc(0)) != NONE) {
		memset(phys_to_kva(p), 0xc3, PAGE_SIZE);
		all[n++] = p;
	}
	CHECK_EQ(n, frames - 1);
	for (u64 i = 0; i < n; i++)
		frame_put(all[i]);
	kfree(all);
}

/*
 * Take every free frame with FRAME_ZERO, blocks of 2^order first, then
 * single frames: each must read as zero.
 */
static void drain_zeroed(unsigned order)
{
	phys_t p;

	for (unsigned o = order;; o = 0) {
		while ((p = frames_alloc(o, FRAME_ZERO)) != NONE) {
			hold(p, 1ULL << o);
			if (!all_zero(p, PAGE_SIZE << o)) {
				FAIL("FRAME_ZERO block %#llx (order %u) holds "
				     "old data", (unsigned long long)p, o);
				unit_abort();
			}
		}
		if (!o)
			break;
	}
	CHECK_EQ(frames_free(), 0);
}

/*
 * Enough frees to make the allocator give large dirty blocks back to
 * the host (the sweep); every frame handed out zeroed afterwards must
 * read as zero, swept or not.
 */
static void test_zero_after_sweep(void)
{
	machine(8192);
	dirty_everything(8192);
	drain_zeroed(3);
}

/* frames_alloc_run: contiguous runs where it can, each frame counted. */
static void test_run(void)
{
	phys_t out[64];
	u64 before, got;

	machine(8192);
	before = frames_free();
	got = frames_alloc_run(out, 37, 0);
	CHECK_EQ(got, 37);
	for (u64 i = 0; i < got; i++) {
		hold(out[i], 1);
		CHECK_EQ(frame_refs(out[i]), 1);
		if (i)
			CHECK_EQ(out[i], out[i - 1] + PAGE_SIZE);
	}
	/* The block's other 27 frames went back. */
	CHECK_EQ(frames_free(), before - 37);
	for (u64 i = 0; i < got; i++)
		release(out[i], 1);
	CHECK_EQ(frames_free(), before);
	CHECK_EQ(frames_alloc_run(out, 0, 0), 0);
}

/*
 * With only scattered single frames free, a run takes them (no order
 * is needed), zeroed if asked; with too few, it takes what there is.
 */
static void test_run_scattered(void)
{
	u64 frames = 2048, n = 0, got;
	phys_t *all = kmalloc(frames * sizeof(*all)), out[64];
	phys_t p;

	machine(frames);
	while ((p = frame_alloc(0)) != NONE) {
		memset(phys_to_kva(p), 0x3c, PAGE_SIZE);
		hold(p, 1);
		all[n++] = p;
	}
	CHECK_EQ(n, frames - 1);
	/* every other frame of pfns 100..199: no two are buddies */
	for (u64 i = 0; i < n; i++)
		if (pfn(all[i]) >= 100 && pfn(all[i]) < 200 &&
		    !(pfn(all[i]) & 1))
			release(all[i], 1);
	CHECK_EQ(frames_free(), 50);
	got = frames_alloc_run(out, 60, FRAME_ZERO);
	CHECK_EQ(got, 50);
	for (u64 i = 0; i < got; i++) {
		hold(out[i], 1);
		CHECK(pfn(out[i]) >= 100 && pfn(out[i]) < 200);
		CHECK(all_zero(out[i], PAGE_SIZE));
	}
	CHECK_EQ(frames_free(), 0);
	kfree(all);
}

/*
 * The frames of a block a run does not need go back as they were: old
 * data in them is still zeroed when they are handed out with
 * FRAME_ZERO, by a run or by frames_alloc.
 */
static void test_run_tail_dirty(void)
{
	phys_t out[64];

	machine(4096);
	dirty_everything(4096);
	for (int k = 0; k < 20; k++) {
		u64 got = frames_alloc_run(out, 37, 0);

		CHECK_EQ(got, 37);
		for (u64 i = 0; i < got; i++)
			hold(out[i], 1);
	}
	drain_zeroed(4);
}

static void test_refcount(void)
{
	u64 before;
	phys_t p;

	machine(2048);
	before = frames_free();
	p = frame_alloc(0);
	REQUIRE(p != NONE);
	CHECK_EQ(frame_refs(p), 1);
	frame_get(p);
	frame_get(p);
	CHECK_EQ(frame_refs(p), 3);
	frame_put(p);
	frame_put(p);
	CHECK_EQ(frame_refs(p), 1);
	CHECK_EQ(frames_free(), before - 1);
	frame_put(p);
	CHECK_EQ(frames_free(), before);
	CHECK_EQ(frame_refs(p), 0);
	/* Frames of one run are counted one by one. */
	p = frames_alloc(2, 0);
	REQUIRE(p != NONE);
	frame_get(p + 2 * PAGE_SIZE);
	release(p, 4);
	CHECK_EQ(frame_refs(p + 2 * PAGE_SIZE), 1);
	CHECK_EQ(frames_free(), before - 1);
	frame_put(p + 2 * PAGE_SIZE);
	CHECK_EQ(frames_free(), before);
}

/* Broken invariants panic, they are not ignored. */
static void put_free_frame(void *arg)
{
	phys_t p = frame_alloc(0);

	(void)arg;
	frame_put(p);
	frame_put(p);
}

static void get_free_frame(void *arg)
{
	phys_t p = frame_alloc(0);

	(void)arg;
	frame_put(p);
	frame_get(p);
}

static void put_bad_address(void *arg)
{
	frame_put(*(phys_t *)arg);
}

static void test_misuse_panics(void)
{
	phys_t zero = 0, odd = PAGE_SIZE + 8, past = 1ULL << 40;

	machine(2048);
	CHECK_EQ(unit_run_child(put_free_frame, NULL), PANIC_STATUS);
	CHECK_EQ(unit_run_child(get_free_frame, NULL), PANIC_STATUS);
	CHECK_EQ(unit_run_child(put_bad_address, &zero), PANIC_STATUS);
	CHECK_EQ(unit_run_child(put_bad_address, &odd), PANIC_STATUS);
	CHECK_EQ(unit_run_child(put_bad_address, &past), PANIC_STATUS);
}

static const struct unit_case cases[] = {
	{ "orders", test_orders },
	{ "exhaustion", test_exhaustion },
	{ "odd_size", test_odd_size },
	{ "merge", test_merge },
	{ "zero", test_zero },
	{ "zero_after_sweep", test_zero_after_sweep },
	{ "run", test_run },
	{ "run_scattered", test_run_scattered },
	{ "run_tail_dirty", test_run_tail_dirty },
	{ "refcount", test_refcount },
	{ "misuse_panics", test_misuse_panics },
};

UNIT_MAIN(cases, NULL)
