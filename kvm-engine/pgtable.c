/*
 * Engine memory and the guest's x86-64 page tables.
 *
 * Engine memory is anonymous host memory mapped at guest physical 0
 * (layout.h): umk's own, never a frame of the kernel's physical
 * memory, so nothing the guest kernel does can reach a page table.
 * Pages come from a bump pointer and a free list; host memory is only
 * used where a page was touched.
 *
 * Each address space has a PML4.  Slots 0-255 (the user half) hold
 * tables built from as_map/as_unmap/as_protect; slot 511 points at the
 * ring-0 half (kmap_init), the same in every space.  Leaves map guest
 * physical PHYS_GPA + phys with P|U|A|D, W for PROT_WRITE and NX
 * without PROT_EXEC (A and D are preset so the CPU never writes the
 * tables).  A page mapped with no access keeps its frame in a
 * non-present entry marked PTE_NONE, so that as_protect can give the
 * access back.  Tables are freed with the space, not when they empty.
 *
 * TLBs: a change that removes or narrows a present entry bumps the
 * space's tlb_gen; a vCPU whose TLB may hold the old entry compares
 * generations and reloads CR3 before it runs the space again
 * (vcpu_enter), or at once for a running one (as_flush).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kvm-engine/kvm.h"

#define PAGE 4096ULL
#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL
#define PTE_G 0x100ULL
#define PTE_NONE 0x200ULL        /* software: mapped without access */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U | PTE_A)

/* ---- engine memory -------------------------------------------------- */

int emem_init(struct kvm_engine *ke)
{
	void *p = mmap(NULL, EMEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	ke->emem = p;
	ke->emem_next = PAGE; /* guest physical 0 stays unused */
	return 0;
}

void emem_fini(struct kvm_engine *ke)
{
	if (ke->emem)
		munmap(ke->emem, EMEM_SIZE);
	free(ke->emem_free);
	free(ke->pml4_free);
	ke->emem = NULL;
	ke->emem_free = NULL;
	ke->pml4_free = NULL;
}

void *emem_ptr(struct kvm_engine *ke, u64 gpa)
{
	return ke->emem + gpa;
}

/* A zeroed page of engine memory: its guest physical address in *gpa. */
int emem_alloc(struct kvm_engine *ke, u64 *gpa)
{
	if (ke->nfree) {
		*gpa = ke->emem_free[--ke->nfree];
	} else {
		if (ke->emem_next + PAGE > EMEM_SIZE)
			return -ENOMEM;
		*gpa = ke->emem_next;
		ke->emem_next += PAGE;
	}
	memset(ke->emem + *gpa, 0, PAGE);
	return 0;
}

void emem_free(struct kvm_engine *ke, u64 gpa)
{
	if (ke->nfree == ke->cap_free) {
		size_t cap = ke->cap_free ? ke->cap_free * 2 : 256;
		u64 *n = realloc(ke->emem_free, cap * sizeof(*n));

		if (!n)
			return; /* leaked, not fatal */
		ke->emem_free = n;
		ke->cap_free = cap;
	}
	ke->emem_free[ke->nfree++] = gpa;
}

/* ---- walking --------------------------------------------------------- */

static unsigned index_at(u64 va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

static u64 *table(struct kvm_engine *ke, u64 entry)
{
	return emem_ptr(ke, entry & PTE_ADDR);
}

/*
 * The leaf entry for va in the tables under root (level 3 = PML4),
 * made with inner flags iflags if create; NULL if absent or out of
 * engine memory.
 */
static u64 *walk(struct kvm_engine *ke, u64 root, u64 va, bool create,
		 u64 iflags)
{
	u64 *t = emem_ptr(ke, root);

	for (int level = 3; level > 0; level--) {
		u64 *e = &t[index_at(va, level)];

		if (!(*e & PTE_P)) {
			u64 gpa;

			if (!create || emem_alloc(ke, &gpa) < 0)
				return NULL;
			*e = gpa | iflags;
		}
		t = table(ke, *e);
	}
	return &t[index_at(va, 0)];
}

/*
 * Call fn on every leaf slot in [start, end) under the table t of
 * level, whose first address is base; skips absent subtrees.
 */
static void walk_range(struct kvm_engine *ke, u64 *t, int level, u64 base,
		       u64 start, u64 end,
		       void (*fn)(u64 *pte, void *arg), void *arg)
{
	u64 span = 1ULL << (12 + 9 * level);
	unsigned first = start > base ? (start - base) / span : 0;

	for (unsigned i = first; i < 512; i++) {
		u64 lo = base + i * span;

		if (lo >= end)
			break;
		if (level == 0) {
			if (t[i])
				fn(&t[i], arg);
		} else if (t[i] & PTE_P) {
			walk_range(ke, table(ke, t[i]), level - 1, lo, start,
				   end, fn, arg);
		}
	}
}

/* ---- the ring-0 half --------------------------------------------------- */

/*
 * The ring-0 half: a template PML4 whose slot 511 every space copies.
 * Its tables are supervisor-only; leaves are global, so CR3 loads keep
 * them in the TLB.
 */
int kmap_init(struct kvm_engine *ke)
{
	return emem_alloc(ke, &ke->kpml4);
}

int kmap_page(struct kvm_engine *ke, u64 va, u64 gpa, bool writable,
	      bool exec)
{
	u64 *pte = walk(ke, ke->kpml4, va, true, PTE_P | PTE_W | PTE_A);

	if (!pte)
		return -ENOMEM;
	*pte = gpa | PTE_P | PTE_A | PTE_D | PTE_G | (writable ? PTE_W : 0) |
	       (exec ? 0 : PTE_NX);
	return 0;
}

/* ---- address spaces ------------------------------------------------------ */

/*
 * PML4 pages are never handed back to engine memory: a vCPU's CR3 may
 * still name the PML4 of a destroyed space until its next entry_slow
 * loads another, and the ring-0 entry runs through it till then.  So a
 * destroyed space's PML4 keeps slot 511, loses its user half, and
 * waits on a list of its own for the next space.
 */
int pt_create(struct kvm_engine *ke, struct engine_as *as)
{
	u64 *pml4;
	int rc;

	if (ke->npml4_free) {
		as->pml4 = ke->pml4_free[--ke->npml4_free];
		return 0;
	}
	rc = emem_alloc(ke, &as->pml4);
	if (rc < 0)
		return rc;
	pml4 = emem_ptr(ke, as->pml4);
	pml4[511] = ((u64 *)emem_ptr(ke, ke->kpml4))[511]; /* no U: ring 0 */
	return 0;
}

static void free_tables(struct kvm_engine *ke, u64 gpa, int level)
{
	u64 *t = emem_ptr(ke, gpa);

	if (level > 0)
		for (unsigned i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				free_tables(ke, t[i] & PTE_ADDR, level - 1);
	emem_free(ke, gpa);
}

void pt_destroy(struct engine_as *as)
{
	struct kvm_engine *ke = as->ke;
	u64 *pml4 = emem_ptr(ke, as->pml4);

	/* Only the user half: slot 511 is shared. */
	for (unsigned i = 0; i < 256; i++) {
		if (pml4[i] & PTE_P)
			free_tables(ke, pml4[i] & PTE_ADDR, 2);
		__atomic_store_n(&pml4[i], 0, __ATOMIC_RELEASE);
	}
	if (ke->npml4_free == ke->cap_pml4_free) {
		size_t cap = ke->cap_pml4_free ? ke->cap_pml4_free * 2 : 64;
		u64 *n = realloc(ke->pml4_free, cap * sizeof(*n));

		if (!n)
			return; /* leaked, never reused: safe */
		ke->pml4_free = n;
		ke->cap_pml4_free = cap;
	}
	ke->pml4_free[ke->npml4_free++] = as->pml4;
}

static u64 leaf_bits(int prot)
{
	u64 b;

	if (!prot)
		return PTE_NONE;
	b = PTE_P | PTE_U | PTE_A | PTE_D;
	if (prot & PROT_WRITE)
		b |= PTE_W;
	if (!(prot & PROT_EXEC))
		b |= PTE_NX;
	return b;
}

/* Does replacing old by new need a TLB flush? */
static bool narrows(u64 old, u64 new)
{
	if (!(old & PTE_P))
		return false; /* TLBs never hold a non-present entry */
	if (!(new & PTE_P) || (old & PTE_ADDR) != (new & PTE_ADDR))
		return true;
	return ((old & PTE_W) && !(new & PTE_W)) ||
	       (!(old & PTE_NX) && (new & PTE_NX));
}

static void set_pte(struct engine_as *as, u64 *pte, u64 new)
{
	if (narrows(*pte, new))
		as->tlb_gen++;
	/* One aligned store: a running vCPU's walker sees old or new. */
	__atomic_store_n(pte, new, __ATOMIC_RELEASE);
}

int pt_map(struct engine_as *as, u64 va, u64 len, int prot, u64 gpa)
{
	u64 bits = leaf_bits(prot);

	for (u64 off = 0; off < len; off += PAGE) {
		u64 *pte = walk(as->ke, as->pml4, va + off, true, TABLE_FLAGS);

		if (!pte)
			return -ENOMEM;
		set_pte(as, pte, (gpa + off) | bits);
	}
	return 0;
}

static void unmap_one(u64 *pte, void *arg)
{
	set_pte(arg, pte, 0);
}

int pt_unmap(struct engine_as *as, u64 va, u64 len)
{
	walk_range(as->ke, emem_ptr(as->ke, as->pml4), 3, 0, va, va + len,
		   unmap_one, as);
	return 0;
}

struct protect_arg {
	struct engine_as *as;
	u64 bits;
};

static void protect_one(u64 *pte, void *arg)
{
	struct protect_arg *a = arg;

	if (*pte & (PTE_P | PTE_NONE))
		set_pte(a->as, pte, (*pte & PTE_ADDR) | a->bits);
}

int pt_protect(struct engine_as *as, u64 va, u64 len, int prot)
{
	struct protect_arg a = { as, leaf_bits(prot) };

	walk_range(as->ke, emem_ptr(as->ke, as->pml4), 3, 0, va, va + len,
		   protect_one, &a);
	return 0;
}
