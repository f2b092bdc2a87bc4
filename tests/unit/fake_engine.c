/*
 * The fake engine (see fake_engine.h).  An address space is a sorted
 * array of pages {va, phys, prot}; map, unmap and protect edit it at
 * once (nothing is queued, so as_flush has nothing to do).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "tests/unit/unit.h"
#include "tests/unit/fake_engine.h"

struct fake_page {
	uaddr_t va;
	phys_t phys;
	int prot;
};

struct engine_as {
	struct fake_page *pages; /* sorted by va */
	u64 n, cap;
	u64 calls;
	bool dead;
	int fail_n, fail_rc;
};

struct engine fake_engine;
int fake_violations;
int fake_spaces_alive;
static u64 fake_phys_size;

static void violation(const char *op, const char *what, uaddr_t va, u64 len)
{
	unit_printf("    fake engine: %s(va=%#llx, len=%#llx): %s\n", op,
		    (unsigned long long)va, (unsigned long long)len, what);
	fake_violations++;
	unit_failures++;
}

/* Index of the first page with va >= addr. */
static u64 lower_bound(struct engine_as *as, uaddr_t addr)
{
	u64 lo = 0, hi = as->n;

	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (as->pages[mid].va < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Check the arguments every range operation shares; false if bad. */
static bool range_args_ok(struct engine_as *as, const char *op, uaddr_t va,
			  u64 len)
{
	if (as->dead) {
		violation(op, "the space was destroyed", va, len);
		return false;
	}
	if ((va | len) & ~PAGE_MASK) {
		violation(op, "not page aligned", va, len);
		return false;
	}
	if (!len) {
		violation(op, "empty range", va, len);
		return false;
	}
	if (!range_ok(va, len, fake_engine.user_top)) {
		violation(op, "not below user_top", va, len);
		return false;
	}
	return true;
}

static bool injected_failure(struct engine_as *as, int *rc)
{
	if (!as->fail_n)
		return false;
	as->fail_n--;
	*rc = as->fail_rc;
	return true;
}

static void remove_range(struct engine_as *as, uaddr_t va, u64 len)
{
	u64 i = lower_bound(as, va), j = i;

	while (j < as->n && as->pages[j].va - va < len)
		j++;
	if (j == i)
		return;
	memmove(&as->pages[i], &as->pages[j],
		(as->n - j) * sizeof(as->pages[0]));
	as->n -= j - i;
}

static int fake_init(struct engine *e, const struct engine_config *cfg)
{
	e->caps = ENGINE_CAP_FAULT_ACCESS;
	e->fpu_size = 512;
	fake_phys_size = cfg->phys_size;
	return 0;
}

static void fake_shutdown(struct engine *e)
{
	(void)e;
}

static int fake_as_create(struct engine *e, struct engine_as **out)
{
	(void)e;
	*out = kzalloc(sizeof(**out));
	fake_spaces_alive++;
	return 0;
}

static void fake_as_destroy(struct engine_as *as)
{
	if (as->dead) {
		violation("as_destroy", "destroyed twice", 0, 0);
		return;
	}
	/* Keep the husk so that a later use is caught, not a crash. */
	as->dead = true;
	kfree(as->pages);
	as->pages = NULL;
	as->n = as->cap = 0;
	fake_spaces_alive--;
}

static int fake_as_map(struct engine_as *as, uaddr_t va, u64 len, int prot,
		       phys_t phys)
{
	int rc;

	as->calls++;
	if (!range_args_ok(as, "as_map", va, len))
		return 0;
	if ((phys & ~PAGE_MASK) || !phys || phys + len < phys ||
	    phys + len > fake_phys_size) {
		violation("as_map", "physical range outside memory", va, len);
		return 0;
	}
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) {
		violation("as_map", "unknown prot bits", va, len);
		return 0;
	}
	if (injected_failure(as, &rc))
		return rc;
	remove_range(as, va, len);
	{
		u64 np = len >> PAGE_SHIFT, i = lower_bound(as, va);

		if (as->n + np > as->cap) {
			as->cap = MAX(as->cap * 2, as->n + np + 64);
			as->pages = krealloc(as->pages,
					     as->cap * sizeof(as->pages[0]));
		}
		memmove(&as->pages[i + np], &as->pages[i],
			(as->n - i) * sizeof(as->pages[0]));
		for (u64 k = 0; k < np; k++)
			as->pages[i + k] = (struct fake_page){
				va + k * PAGE_SIZE, phys + k * PAGE_SIZE, prot };
		as->n += np;
	}
	return 0;
}

static int fake_as_unmap(struct engine_as *as, uaddr_t va, u64 len)
{
	int rc;

	as->calls++;
	if (!range_args_ok(as, "as_unmap", va, len))
		return 0;
	if (injected_failure(as, &rc))
		return rc;
	remove_range(as, va, len);
	return 0;
}

static int fake_as_protect(struct engine_as *as, uaddr_t va, u64 len,
			   int prot)
{
	int rc;

	as->calls++;
	if (!range_args_ok(as, "as_protect", va, len))
		return 0;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) {
		violation("as_protect", "unknown prot bits", va, len);
		return 0;
	}
	if (injected_failure(as, &rc))
		return rc;
	for (u64 i = lower_bound(as, va);
	     i < as->n && as->pages[i].va - va < len; i++)
		as->pages[i].prot = prot;
	return 0;
}

static int fake_as_flush(struct engine_as *as)
{
	(void)as;
	return 0;
}

static int fake_ctx_create(struct engine_as *as, void *cookie,
			   struct engine_ctx **out)
{
	(void)as, (void)cookie, (void)out;
	return -ENOSYS;
}

static void fake_ctx_set_cookie(struct engine_ctx *ctx, void *cookie)
{
	(void)ctx, (void)cookie;
	panic("fake engine: ctx_set_cookie without contexts");
}

static void fake_ctx_destroy(struct engine_ctx *ctx)
{
	(void)ctx;
	panic("fake engine: ctx_destroy without contexts");
}

static int fake_ctx_set_as(struct engine_ctx *ctx, struct engine_as *as)
{
	(void)ctx, (void)as;
	return -ENOSYS;
}

static int fake_resume(struct engine_ctx *ctx, const struct uregs *regs)
{
	(void)ctx, (void)regs;
	return -ENOSYS;
}

static int fake_wait(struct engine *e, bool block, void **cookie,
		     struct uregs *regs, struct trap *trap)
{
	(void)e, (void)block, (void)cookie, (void)regs, (void)trap;
	return 0;
}

static void fake_wake(struct engine *e)
{
	(void)e;
}

static void fake_kick(struct engine_ctx *ctx)
{
	(void)ctx;
}

static int fake_get_fpu(struct engine_ctx *ctx, void *buf)
{
	(void)ctx, (void)buf;
	return -ENOSYS;
}

static int fake_set_fpu(struct engine_ctx *ctx, const void *buf)
{
	(void)ctx, (void)buf;
	return -ENOSYS;
}

static s64 fake_cpu_time(struct engine_ctx *ctx)
{
	(void)ctx;
	return 0;
}

const struct engine_ops fake_engine_ops = {
	.name = "fake",
	.init = fake_init,
	.shutdown = fake_shutdown,
	.as_create = fake_as_create,
	.as_destroy = fake_as_destroy,
	.as_map = fake_as_map,
	.as_unmap = fake_as_unmap,
	.as_protect = fake_as_protect,
	.as_flush = fake_as_flush,
	.ctx_create = fake_ctx_create,
	.ctx_set_cookie = fake_ctx_set_cookie,
	.ctx_destroy = fake_ctx_destroy,
	.ctx_set_as = fake_ctx_set_as,
	.resume = fake_resume,
	.wait = fake_wait,
	.wake = fake_wake,
	.kick = fake_kick,
	.get_fpu = fake_get_fpu,
	.set_fpu = fake_set_fpu,
	.cpu_time = fake_cpu_time,
};

void fake_engine_install(uaddr_t user_top, u64 phys_size)
{
	struct engine_config cfg = { .phys_fd = -1, .phys_size = phys_size };

	fake_engine.ops = &fake_engine_ops;
	fake_engine.ops->init(&fake_engine, &cfg);
	fake_engine.user_top = user_top;
	engine = &fake_engine;
	task_size = user_top;
}

bool fake_lookup(struct engine_as *as, uaddr_t va, phys_t *phys, int *prot)
{
	u64 i = lower_bound(as, va);

	if (i >= as->n || as->pages[i].va != va)
		return false;
	if (phys)
		*phys = as->pages[i].phys;
	if (prot)
		*prot = as->pages[i].prot;
	return true;
}

u64 fake_pages(struct engine_as *as)
{
	return as->n;
}

u64 fake_calls(struct engine_as *as)
{
	return as->calls;
}

void fake_fail_next(struct engine_as *as, int n, int rc)
{
	as->fail_n = n;
	as->fail_rc = rc;
}

/* ---- comparing with the page table ---- */

struct collect {
	struct fake_page *p;
	u64 n, cap;
};

static void collect_one(pte_t *pte, uaddr_t va, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		c->cap = MAX(64, c->cap * 2);
		c->p = krealloc(c->p, c->cap * sizeof(c->p[0]));
	}
	c->p[c->n++] = (struct fake_page){ va, pte_phys(*pte), pte_prot(*pte) };
}

static void show(const char *what, const struct fake_page *p)
{
	unit_printf("      %s va=%#llx phys=%#llx prot=%d\n", what,
		    (unsigned long long)p->va, (unsigned long long)p->phys,
		    p->prot);
}

bool fake_matches_mm(struct mm *mm)
{
	struct engine_as *as = mm->as;
	struct collect c = { 0 };
	u64 i = 0, j = 0;
	int bad = 0;

	if (!as || as->dead) {
		unit_printf("    fake engine: mm has no live engine space\n");
		return false;
	}
	pt_for_each(&mm->pt, 0, fake_engine.user_top, collect_one, &c);
	while (i < c.n || j < as->n) {
		const struct fake_page *pt = i < c.n ? &c.p[i] : NULL;
		const struct fake_page *en = j < as->n ? &as->pages[j] : NULL;

		if (pt && en && pt->va == en->va) {
			if (pt->phys != en->phys || pt->prot != en->prot) {
				if (bad++ < 8) {
					unit_printf("    page differs:\n");
					show("page table:", pt);
					show("engine:    ", en);
				}
			}
			i++, j++;
		} else if (pt && (!en || pt->va < en->va)) {
			if (bad++ < 8)
				show("present PTE the engine does not map:", pt);
			i++;
		} else {
			if (bad++ < 8)
				show("engine maps a page with no present PTE:", en);
			j++;
		}
	}
	if (bad > 8)
		unit_printf("      ... %d differences in all\n", bad);
	if (mm->rss_pages != c.n) {
		unit_printf("    mm->rss_pages is %llu, present PTEs %llu\n",
			    (unsigned long long)mm->rss_pages,
			    (unsigned long long)c.n);
		bad++;
	}
	kfree(c.p);
	return !bad;
}
