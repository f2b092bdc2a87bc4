/*
 * Software page tables: four levels of 512 entries, as on x86-64.
 * Inner entries point to the next table (kernel memory, not physical
 * memory); leaves are pte_t.  Tables are freed with the address space.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"

#define LEVELS 4
#define ENTRIES 512

static unsigned index_at(uaddr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (ENTRIES - 1);
}

pte_t *pt_walk(struct pgtable *pt, uaddr_t va, bool create)
{
	u64 *table;

	if (!pt->root) {
		if (!create)
			return NULL;
		pt->root = kzalloc(ENTRIES * sizeof(u64));
	}
	table = pt->root;
	for (int level = LEVELS - 1; level > 0; level--) {
		u64 *e = &table[index_at(va, level)];

		if (!*e) {
			if (!create)
				return NULL;
			*e = (u64)(uintptr_t)kzalloc(ENTRIES * sizeof(u64));
		}
		table = (u64 *)(uintptr_t)*e;
	}
	return &table[index_at(va, 0)];
}

static void walk_range(u64 *table, int level, uaddr_t base, uaddr_t start,
		       uaddr_t end,
		       void (*fn)(pte_t *, uaddr_t, void *), void *arg)
{
	u64 span = 1ULL << (PAGE_SHIFT + 9 * level);

	for (unsigned i = 0; i < ENTRIES; i++) {
		uaddr_t lo = base + i * span, hi = lo + span;

		if (hi <= start)
			continue;
		if (lo >= end)
			break;
		if (!table[i])
			continue;
		if (level == 0) {
			if (table[i] & PTE_PRESENT)
				fn(&table[i], lo, arg);
		} else {
			walk_range((u64 *)(uintptr_t)table[i], level - 1, lo,
				   start, end, fn, arg);
		}
	}
}

void pt_for_each(struct pgtable *pt, uaddr_t start, uaddr_t end,
		 void (*fn)(pte_t *pte, uaddr_t va, void *arg), void *arg)
{
	if (pt->root && start < end)
		walk_range(pt->root, LEVELS - 1, 0, start, end, fn, arg);
}

static void free_table(u64 *table, int level)
{
	if (level > 0)
		for (unsigned i = 0; i < ENTRIES; i++)
			if (table[i])
				free_table((u64 *)(uintptr_t)table[i], level - 1);
	kfree(table);
}

void pt_free(struct pgtable *pt)
{
	if (pt->root)
		free_table(pt->root, LEVELS - 1);
	pt->root = NULL;
}
