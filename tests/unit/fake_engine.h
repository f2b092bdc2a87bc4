/*
 * A fake engine for unit tests: no host process, no context ever runs.
 * Its address spaces only record what the kernel asks them to map, page
 * by page, so a test can compare "what the engine was told" with the
 * kernel's software page table (mm.h's invariant: the engine maps
 * exactly the present PTEs, with pte_prot()).
 *
 * It also checks the engine contract of kernel/engine.h on every call
 * (page-aligned arguments, ranges below user_top, physical ranges
 * inside physical memory, known prot bits, no use of a destroyed
 * space) and counts violations in fake_violations.
 */
#ifndef UMK_FAKE_ENGINE_H
#define UMK_FAKE_ENGINE_H

#include "kernel/engine.h"

struct mm;

extern const struct engine_ops fake_engine_ops;
extern struct engine fake_engine;
/* Contract violations seen so far (each was printed). */
extern int fake_violations;
/* Address spaces created and not destroyed. */
extern int fake_spaces_alive;

/* Set up fake_engine and make it the kernel's engine (task_size too). */
void fake_engine_install(uaddr_t user_top, u64 phys_size);

/* What as maps at va: true with *phys and *prot, or false. */
bool fake_lookup(struct engine_as *as, uaddr_t va, phys_t *phys, int *prot);
/* Pages mapped in as. */
u64 fake_pages(struct engine_as *as);
/* Calls made on as since it was created: map, unmap, protect. */
u64 fake_calls(struct engine_as *as);
/* Make the next n map/unmap/protect calls on as fail with rc. */
void fake_fail_next(struct engine_as *as, int n, int rc);

/*
 * Compare mm's present PTEs with what its engine space maps: same
 * pages, same frames, prot == pte_prot().  Prints every difference
 * (at most a few) and returns whether they agree.
 */
bool fake_matches_mm(struct mm *mm);

#define CHECK_ENGINE(mm) CHECK(fake_matches_mm(mm))

#endif
