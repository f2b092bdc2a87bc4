/*
 * The KVM engine: guest programs run in ring 3 of KVM vCPUs.
 *
 * In a nutshell, it works as follows (kvm-engine/README has more):
 *
 *  - init opens /dev/kvm and makes one VM whose guest physical memory
 *    is engine memory (page tables, the ring-0 entry) at 0 and umk's
 *    physical-memory file at PHYS_GPA: the frames the kernel sees.  It
 *    builds the CPU model (CPUID, XCR0), the ring-0 half of every
 *    address space (entry.S, IDT), vCPU 0, and runs a probe guest.
 *  - An address space is a real x86-64 page table (pgtable.c);
 *    as_map/as_unmap/as_protect write its entries at once.
 *  - resume picks an idle vCPU (the one holding the context's FPU
 *    state if it can), loads the context's XSAVE state if another's is
 *    there, and sets the registers for a return through the ring-0
 *    entry (sysretq, iretq, or a path that also loads CR3, selectors
 *    and FS/GS bases).  vCPU 0 is run by the kernel thread itself,
 *    inside wait(): a system call on it costs one KVM_RUN and no
 *    thread switch.  Other vCPUs have a helper thread each, woken
 *    through a futex.
 *  - wait reports stops: helpers' (a flag per vCPU), vCPU 0's (it runs
 *    it when nothing else is ready), and contexts stopped without
 *    running.  It sleeps on a futex when vCPU 0 is idle.  Helpers and
 *    wake() bump a sequence number and then wake the kernel thread:
 *    a futex wake if it sleeps, a signal if it is in KVM_RUN.
 *  - kick sets the vCPU's kick flag and signals its runner.
 *  - get_fpu/set_fpu read and write the context's XSAVE image, on the
 *    vCPU that holds it if any.
 *
 * All operations run on the kernel thread but kvm_wake.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvm-engine/kvm.h"

extern const char kvm_entry_image[], kvm_entry_image_end[];

static const char advice[] =
	"load the kvm module and give this user access to /dev/kvm, "
	"or run with --engine ptrace";

void kvm_msg(struct kvm_engine *ke, const char *fmt, ...)
{
	va_list ap;

	if (ke->quiet)
		return;
	fputs("umk: kvm engine: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void futex_wait(atomic_uint *addr, unsigned val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_uint *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* ---- events for the kernel thread ------------------------------------ */

/*
 * Something for the kernel thread: bump kseq, then wake it where it
 * is.  It sets kstate before it checks kseq, and we bump kseq before
 * we read kstate, so one of us sees the other.
 */
void kvm_notify(struct kvm_engine *ke)
{
	int s;

	atomic_fetch_add(&ke->kseq, 1);
	s = atomic_load(&ke->kstate);
	if (s == K_SLEEP)
		futex_wake(&ke->kseq);
	else if (s == K_RUN)
		kick_thread(ke, ke->kthread);
}

static void kvm_wake(struct engine *e)
{
	struct kvm_engine *ke = e->priv;

	atomic_store(&ke->woken, true);
	kvm_notify(ke);
}

/* ---- address spaces ---------------------------------------------------- */

static int kvm_as_create(struct engine *e, struct engine_as **out)
{
	struct kvm_engine *ke = e->priv;
	struct engine_as *as = calloc(1, sizeof(*as));
	int rc;

	if (!as)
		return -ENOMEM;
	as->ke = ke;
	as->id = ++ke->next_as_id;
	rc = pt_create(ke, as);
	if (rc < 0) {
		free(as);
		return rc;
	}
	*out = as;
	return 0;
}

static void kvm_as_destroy(struct engine_as *as)
{
	if (as->nctx)
		abort(); /* a broken kernel invariant: the caller's bug */
	pt_destroy(as);
	free(as);
}

/* A user range the kernel may name: page aligned, below USER_TOP. */
static bool user_range(u64 va, u64 len)
{
	return !(va & 0xfff) && !(len & 0xfff) && va <= USER_TOP &&
	       len <= USER_TOP - va;
}

static int kvm_as_map(struct engine_as *as, uaddr_t va, u64 len, int prot,
		      phys_t phys)
{
	int rc;

	if (as->error)
		return as->error;
	/* Never map anything but the memory file: the tables live outside. */
	if (!user_range(va, len) || (phys & 0xfff) ||
	    phys > as->ke->phys_size || len > as->ke->phys_size - phys) {
		as->error = -EINVAL;
		return as->error;
	}
	rc = pt_map(as, va, len, prot, PHYS_GPA + phys);
	if (rc < 0)
		as->error = rc;
	return rc;
}

static int kvm_as_unmap(struct engine_as *as, uaddr_t va, u64 len)
{
	if (as->error)
		return as->error;
	if (!user_range(va, len)) {
		as->error = -EINVAL;
		return as->error;
	}
	return pt_unmap(as, va, len);
}

static int kvm_as_protect(struct engine_as *as, uaddr_t va, u64 len, int prot)
{
	if (as->error)
		return as->error;
	if (!user_range(va, len)) {
		as->error = -EINVAL;
		return as->error;
	}
	return pt_protect(as, va, len, prot);
}

/* Make helper vCPU v stop using stale entries; back when it has. */
static void shootdown(struct vcpu *v)
{
	unsigned req = ++v->flush_seq;

	atomic_store(&v->flush_req, req);
	kick_thread(v->ke, v->thread);
	for (;;) {
		unsigned n = atomic_load(&v->answers);

		if (atomic_load(&v->flush_ack) == req ||
		    atomic_load(&v->stopped))
			return;
		futex_wait(&v->answers, n);
	}
}

/*
 * Entries are written at once; what may be stale is the TLB of a vCPU
 * running a context of this space.  vCPU 0 is ours now: its next entry
 * reloads CR3.  A helper is kicked and reloads CR3 before it goes on.
 */
static int kvm_as_flush(struct engine_as *as)
{
	struct kvm_engine *ke = as->ke;

	for (int i = 0; i < ke->nvcpus; i++) {
		struct vcpu *v = ke->vcpus[i];

		if (!v->ctx || v->ctx->as != as ||
		    (v->known && v->as_id == as->id && v->as_gen == as->tlb_gen))
			continue;
		if (i == 0)
			vcpu_flush(v);
		else
			shootdown(v);
	}
	return as->error;
}

/* ---- contexts -------------------------------------------------------------- */

static int kvm_ctx_create(struct engine_as *as, void *cookie,
			  struct engine_ctx **out)
{
	struct engine_ctx *ctx = aligned_alloc(64, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	memset(ctx, 0, sizeof(*ctx));
	ctx->as = as;
	ctx->cookie = cookie;
	memcpy(ctx->xsave, as->ke->xsave_init, XSAVE_MAX);
	as->nctx++;
	*out = ctx;
	return 0;
}

static void kvm_ctx_set_cookie(struct engine_ctx *ctx, void *cookie)
{
	ctx->cookie = cookie;
}

/* Forget the XSAVE state a vCPU holds for ctx. */
static void fpu_drop(struct engine_ctx *ctx)
{
	if (ctx->fpu_vcpu)
		ctx->fpu_vcpu->fpu_ctx = NULL;
	ctx->fpu_vcpu = NULL;
}

static void kvm_ctx_destroy(struct engine_ctx *ctx)
{
	if (ctx->running)
		abort();
	fpu_drop(ctx);
	ctx->as->nctx--;
	free(ctx);
}

/* execve: a new space, and the FPU state of a new program, as Linux. */
static int kvm_ctx_set_as(struct engine_ctx *ctx, struct engine_as *as)
{
	ctx->as->nctx--;
	ctx->as = as;
	as->nctx++;
	fpu_drop(ctx);
	memcpy(ctx->xsave, as->ke->xsave_init, XSAVE_MAX);
	return 0;
}

/* ---- FPU state ----------------------------------------------------------------- */

/* Bring ctx's XSAVE state onto v, saving what v held. */
static int fpu_switch(struct vcpu *v, struct engine_ctx *ctx)
{
	struct vcpu *w = ctx->fpu_vcpu;

	if (v->fpu_ctx == ctx)
		return 0;
	if (v->fpu_ctx) {
		if (ioctl(v->fd, KVM_GET_XSAVE, v->fpu_ctx->xsave) < 0)
			return -errno;
		fpu_drop(v->fpu_ctx);
	}
	if (w) { /* idle: it holds ctx's state, and ctx is stopped */
		if (ioctl(w->fd, KVM_GET_XSAVE, ctx->xsave) < 0)
			return -errno;
		fpu_drop(ctx);
	}
	if (ioctl(v->fd, KVM_SET_XSAVE, ctx->xsave) < 0)
		return -errno;
	v->fpu_ctx = ctx;
	ctx->fpu_vcpu = v;
	return 0;
}

static int kvm_get_fpu(struct engine_ctx *ctx, void *buf)
{
	struct kvm_engine *ke = ctx->as->ke;
	u8 *x = buf;
	size_t size = ke->e->fpu_size;

	if (ctx->fpu_vcpu &&
	    ioctl(ctx->fpu_vcpu->fd, KVM_GET_XSAVE, ctx->xsave) < 0)
		return -errno;
	memcpy(x, ctx->xsave, size);
	/* fx_sw_bytes, as Linux writes them into a signal frame */
	memset(x + 464, 0, 48);
	*(u32 *)(x + 464) = 0x46505853;        /* FP_XSTATE_MAGIC1 */
	*(u32 *)(x + 468) = (u32)size + 4;     /* extended_size */
	*(u64 *)(x + 472) = ke->xcr0;          /* xfeatures */
	*(u32 *)(x + 480) = (u32)size;         /* xstate_size */
	return 0;
}

/* The checks Linux makes of an XSAVE image from user space. */
static bool xsave_valid(struct kvm_engine *ke, const u8 *x)
{
	u64 bv = *(const u64 *)(x + 512);

	if ((bv & ~ke->xcr0) || *(const u64 *)(x + 520))
		return false;
	for (int i = 528; i < 576; i++)
		if (x[i])
			return false;
	if ((bv & 0x6) && (*(const u32 *)(x + 24) & ~ke->mxcsr_mask))
		return false;
	return true;
}

static int kvm_set_fpu(struct engine_ctx *ctx, const void *buf)
{
	struct kvm_engine *ke = ctx->as->ke;
	size_t size = ke->e->fpu_size;

	if (!xsave_valid(ke, buf))
		return -EINVAL;
	memcpy(ctx->xsave, buf, size);
	memset(ctx->xsave + size, 0, XSAVE_MAX - size);
	if (ctx->fpu_vcpu &&
	    ioctl(ctx->fpu_vcpu->fd, KVM_SET_XSAVE, ctx->xsave) < 0) {
		int e = errno;

		fpu_drop(ctx); /* the vCPU's state is unknown now */
		return -e;
	}
	return 0;
}

static s64 kvm_cpu_time(struct engine_ctx *ctx)
{
	return ctx->cpu_ns;
}

/* ---- running ----------------------------------------------------------------------- */

static struct vcpu *new_helper(struct kvm_engine *ke)
{
	struct vcpu *v;

	if (vcpu_create(ke, &v) < 0)
		return NULL;
	if (vcpu_start_helper(v) < 0) {
		kvm_msg(ke, "cannot start a vCPU thread");
		ke->vcpus[--ke->nvcpus] = NULL;
		vcpu_destroy(v);
		return NULL;
	}
	return v;
}

/*
 * An idle vCPU for ctx: vCPU 0 when it is free (the kernel thread runs
 * it, so a stop costs no thread switch: worth moving the XSAVE state
 * for), else the one with ctx's FPU state, else the first.
 */
static struct vcpu *pick_vcpu(struct kvm_engine *ke, struct engine_ctx *ctx)
{
	if (!ke->vcpus[0]->ctx)
		return ke->vcpus[0];
	if (ctx->fpu_vcpu && !ctx->fpu_vcpu->ctx)
		return ctx->fpu_vcpu;
	for (int i = 0; i < ke->nvcpus; i++)
		if (!ke->vcpus[i]->ctx)
			return ke->vcpus[i];
	return new_helper(ke);
}

/* Stop ctx at once with a trap: the next wait() reports it. */
static void synth_stop(struct kvm_engine *ke, struct engine_ctx *ctx,
		       const struct uregs *regs, int signo, int code,
		       int trapno)
{
	memset(&ctx->synth_trap, 0, sizeof(ctx->synth_trap));
	ctx->synth_trap.kind = TRAP_EXCEPTION;
	ctx->synth_trap.signo = signo;
	ctx->synth_trap.code = code;
	ctx->synth_trap.trapno = trapno;
	ctx->synth_regs = *regs;
	ctx->synth_next = NULL;
	*ke->synth_tail = ctx;
	ke->synth_tail = &ctx->synth_next;
	ctx->running = true;
}

static int kvm_resume(struct engine_ctx *ctx, const struct uregs *regs)
{
	struct kvm_engine *ke = ctx->as->ke;
	struct vcpu *v;
	int rc;

	if (ctx->as->error)
		return ctx->as->error;
	if (!canonical(regs->fs_base) || !canonical(regs->gs_base))
		return -EINVAL;
	if (!canonical(regs->rip)) {
		/* iretq would fault in ring 0; Linux sends SIGSEGV */
		synth_stop(ke, ctx, regs, SIGSEGV, SI_KERNEL, 13);
		return 0;
	}
	v = pick_vcpu(ke, ctx);
	if (!v)
		return -EAGAIN;
	if (v->broken) {
		if (v->fpu_ctx)
			fpu_drop(v->fpu_ctx); /* reset: the state is gone */
		if ((rc = vcpu_reset(v)) < 0)
			return rc;
	}
	rc = fpu_switch(v, ctx);
	if (rc < 0)
		return rc;
	vcpu_enter(v, ctx, regs);
	atomic_store(&v->kick, 0);
	v->run_ns = 0;
	v->ctx = ctx;
	ctx->vcpu = v;
	ctx->running = true;
	if (v->idx) {
		atomic_store(&v->go, 1);
		futex_wake((atomic_uint *)&v->go);
	}
	return 0;
}

/* Report v's stop. */
static void reap(struct vcpu *v, void **cookie, struct uregs *regs,
		 struct trap *trap)
{
	struct engine_ctx *ctx = v->ctx;

	vcpu_decode(v, regs, trap);
	ctx->cpu_ns += v->run_ns;
	v->run_ns = 0;
	ctx->running = false;
	ctx->vcpu = NULL;
	v->ctx = NULL;
	atomic_store(&v->kick, 0);
	*cookie = ctx->cookie;
}

static bool reap_synthetic(struct kvm_engine *ke, void **cookie,
			   struct uregs *regs, struct trap *trap)
{
	struct engine_ctx *ctx = ke->synth;

	if (!ctx)
		return false;
	ke->synth = ctx->synth_next;
	if (!ke->synth)
		ke->synth_tail = &ke->synth;
	ctx->running = false;
	*regs = ctx->synth_regs;
	*trap = ctx->synth_trap;
	*cookie = ctx->cookie;
	return true;
}

static struct vcpu *stopped_helper(struct kvm_engine *ke)
{
	for (int i = 1; i < ke->nvcpus; i++)
		if (atomic_exchange(&ke->vcpus[i]->stopped, 0))
			return ke->vcpus[i];
	return NULL;
}

/*
 * Run vCPU 0 on this thread until it stops (1) or an event may have
 * come (0).  seq is kseq as the caller last saw it.
 */
static int run_vcpu0(struct kvm_engine *ke, struct vcpu *v, unsigned seq)
{
	int rc;

	if (atomic_load(&v->kick) && vcpu_kickable(v)) {
		v->why = STOP_KICK;
		return 1;
	}
	atomic_store(&ke->kstate, K_RUN);
	if (atomic_load(&ke->kseq) != seq) {
		atomic_store(&ke->kstate, K_BUSY);
		return 0;
	}
	rc = vcpu_run_once(v);
	atomic_store(&ke->kstate, K_BUSY);
	if (rc == 0) {
		v->why = STOP_EXIT;
		return 1;
	}
	if (rc == -EINTR)
		return 0;
	v->why = STOP_ERROR;
	v->run_errno = -rc;
	return 1;
}

static void sleep_until_event(struct kvm_engine *ke, unsigned seq)
{
	atomic_store(&ke->kstate, K_SLEEP);
	if (atomic_load(&ke->kseq) == seq)
		futex_wait(&ke->kseq, seq);
	atomic_store(&ke->kstate, K_BUSY);
}

static int kvm_wait(struct engine *e, bool block, void **cookie,
		    struct uregs *regs, struct trap *trap)
{
	struct kvm_engine *ke = e->priv;

	for (;;) {
		unsigned seq = atomic_load(&ke->kseq);
		struct vcpu *v;

		if (reap_synthetic(ke, cookie, regs, trap))
			return 1;
		if ((v = stopped_helper(ke))) {
			reap(v, cookie, regs, trap);
			return 1;
		}
		if (atomic_exchange(&ke->woken, false))
			return 0;
		v = ke->vcpus[0];
		if (v->ctx && block) {
			if (run_vcpu0(ke, v, seq)) {
				reap(v, cookie, regs, trap);
				return 1;
			}
			continue;
		}
		if (!block)
			return 0;
		sleep_until_event(ke, seq);
	}
}

static void kvm_kick(struct engine_ctx *ctx)
{
	struct vcpu *v = ctx->vcpu;

	if (!ctx->running || !v)
		return;
	atomic_store(&v->kick, 1);
	if (v->idx)
		kick_thread(v->ke, v->thread);
}

/* ---- set-up --------------------------------------------------------------------------- */

static int check_cap(struct kvm_engine *ke, long cap, const char *what)
{
	int r = ioctl(ke->kvm_fd, KVM_CHECK_EXTENSION, cap);

	if (r <= 0) {
		kvm_msg(ke, "this KVM lacks %s", what);
		return -ENOTSUP;
	}
	return r;
}

static int vm_open(struct kvm_engine *ke)
{
	int r;

	ke->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (ke->kvm_fd < 0) {
		int e = errno;

		kvm_msg(ke, "cannot open /dev/kvm: %s (%s)", strerror(e), advice);
		return -e;
	}
	if (ioctl(ke->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		kvm_msg(ke, "/dev/kvm speaks another KVM API");
		return -ENOTSUP;
	}
	r = check_cap(ke, KVM_CAP_SYNC_REGS, "synced registers");
	if (r < 0)
		return r;
	if ((r & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) !=
	    (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) {
		kvm_msg(ke, "this KVM cannot sync segment registers");
		return -ENOTSUP;
	}
	if ((r = check_cap(ke, KVM_CAP_IMMEDIATE_EXIT, "immediate_exit")) < 0 ||
	    (r = check_cap(ke, KVM_CAP_XSAVE, "XSAVE")) < 0 ||
	    (r = check_cap(ke, KVM_CAP_XCRS, "XCRs")) < 0 ||
	    (r = check_cap(ke, KVM_CAP_EXT_CPUID, "CPUID")) < 0 ||
	    (r = check_cap(ke, KVM_CAP_USER_MEMORY, "user memory")) < 0)
		return r;
	ke->run_size = ioctl(ke->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	ke->vm_fd = ioctl(ke->kvm_fd, KVM_CREATE_VM, 0);
	if (ke->vm_fd < 0) {
		int e = errno;

		kvm_msg(ke, "cannot create a VM: %s (%s)", strerror(e), advice);
		return -e;
	}
	return 0;
}

static int set_slot(struct kvm_engine *ke, u32 slot, u64 gpa, u64 size,
		    void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (u64)(uintptr_t)host,
	};

	return ioctl(ke->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

static int memory_init(struct kvm_engine *ke, const struct engine_config *cfg)
{
	struct kvm_cpuid_entry2 *e = NULL;
	u64 idmap = IDMAP_ADDR;
	int rc;

	for (u32 i = 0; i < ke->cpuid->nent; i++)
		if (ke->cpuid->entries[i].function == 0x80000008)
			e = &ke->cpuid->entries[i];
	if (e && PHYS_GPA + cfg->phys_size > 1ULL << (e->eax & 0xff)) {
		kvm_msg(ke, "%llu bytes of memory do not fit the guest's "
			"physical address space; give less with --memory",
			(unsigned long long)cfg->phys_size);
		return -E2BIG;
	}
	if ((rc = emem_init(ke)) < 0)
		return rc;
	ke->phys_size = cfg->phys_size;
	ke->phys = mmap(NULL, cfg->phys_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, cfg->phys_fd, 0);
	if (ke->phys == MAP_FAILED) {
		ke->phys = NULL;
		return -errno;
	}
	if ((rc = set_slot(ke, 0, 0, EMEM_SIZE, ke->emem)) < 0 ||
	    (rc = set_slot(ke, 1, PHYS_GPA, cfg->phys_size, ke->phys)) < 0) {
		kvm_msg(ke, "cannot give the VM its memory: %s", strerror(-rc));
		return rc;
	}
	/* Intel's KVM wants these before a vCPU runs; AMD ignores them. */
	ioctl(ke->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
	ioctl(ke->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR);
	return 0;
}

/* The ring-0 half: the entry image, the IDT, the shared tables. */
static int ring0_init(struct kvm_engine *ke)
{
	size_t len = kvm_entry_image_end - kvm_entry_image;
	u64 code;
	int rc;

	if (len > 4096)
		return -E2BIG;
	if ((rc = kmap_init(ke)) < 0 || (rc = emem_alloc(ke, &code)) < 0)
		return rc;
	memcpy(emem_ptr(ke, code), kvm_entry_image, len);
	if ((rc = kmap_page(ke, KCODE, code, false, true)) < 0)
		return rc;
	return idt_init(ke);
}

/* MXCSR bits a user may set: what the vCPU's FXSAVE area says. */
static int mxcsr_mask_init(struct kvm_engine *ke, struct vcpu *v)
{
	static u8 x[XSAVE_MAX] __attribute__((aligned(64)));
	u32 m;

	if (ioctl(v->fd, KVM_GET_XSAVE, x) < 0)
		return -errno;
	m = *(u32 *)(x + 28);
	ke->mxcsr_mask = m ? m : 0xffbf;
	return 0;
}

/*
 * If the probe guest never leaves, wake the kernel thread after a
 * while, so that a broken KVM makes umk fall back instead of hang.
 */
struct watchdog {
	struct engine *e;
	atomic_uint done;
	pthread_t thread;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts = { 20, 0 };

	while (!atomic_load(&w->done)) {
		if (syscall(SYS_futex, &w->done, FUTEX_WAIT_PRIVATE, 0, &ts,
			    NULL, 0) < 0 && errno == ETIMEDOUT) {
			kvm_wake(w->e);
			break;
		}
	}
	return NULL;
}

static int watchdog_start(struct watchdog *w, struct engine *e)
{
	sigset_t all, old;
	int rc;

	w->e = e;
	atomic_store(&w->done, 0);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, watchdog_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -rc;
}

static void watchdog_stop(struct watchdog *w)
{
	atomic_store(&w->done, 1);
	futex_wake(&w->done);
	pthread_join(w->thread, NULL);
}

/* One stop of the probe guest: 0 if it is the trap kind wanted. */
static int probe_step(struct engine *e, struct engine_ctx *ctx,
		      struct uregs *r, struct trap *t, enum trap_kind kind)
{
	void *cookie;

	if (kvm_resume(ctx, r) < 0 || kvm_wait(e, true, &cookie, r, t) != 1)
		return -1;
	return t->kind == kind ? 0 : -1;
}

/* Run the probe guest through every path; the failed step or NULL. */
static const char *probe_run(struct engine *e, struct engine_ctx *ctx)
{
	struct uregs r;
	struct trap t;

	memset(&r, 0, sizeof(r));
	r.rip = 0x400000;
	r.eflags = 0x202;
	if (probe_step(e, ctx, &r, &t, TRAP_SYSCALL) < 0 ||
	    r.orig_rax != 0x1234 || r.rip != 0x400007)
		return "a system call";
	if (probe_step(e, ctx, &r, &t, TRAP_SYSCALL) < 0 ||
	    r.orig_rax != 0x5678 || r.rip != 0x40000e)
		return "a system call after sysretq";
	if (probe_step(e, ctx, &r, &t, TRAP_EXCEPTION) < 0 ||
	    t.trapno != 6 || r.rip != 0x40000e)
		return "an invalid opcode";
	r.rip = 0x500000;
	if (probe_step(e, ctx, &r, &t, TRAP_PAGE_FAULT) < 0 ||
	    t.addr != 0x500000 || t.access != FAULT_EXEC)
		return "a page fault";
	return NULL;
}

/*
 * A guest of five instructions through every path: the slow entry,
 * two system calls (the second after sysretq), #UD, then iretq into a
 * #PF on a fetch.
 */
static int probe(struct kvm_engine *ke)
{
	static const u8 code[] = {
		0xb8, 0x34, 0x12, 0, 0, 0x0f, 0x05,   /* mov $0x1234, %eax; syscall */
		0xb8, 0x78, 0x56, 0, 0, 0x0f, 0x05,   /* mov $0x5678, %eax; syscall */
		0x0f, 0x0b,                           /* ud2 */
	};
	struct engine_as *as;
	struct engine_ctx *ctx;
	struct watchdog w;
	const char *bad;
	u64 page;
	int rc;

	if ((rc = emem_alloc(ke, &page)) < 0)
		return rc;
	memcpy(emem_ptr(ke, page), code, sizeof(code));
	if ((rc = kvm_as_create(ke->e, &as)) < 0)
		return rc;
	if ((rc = pt_map(as, 0x400000, 4096, PROT_READ | PROT_EXEC, page)) < 0 ||
	    (rc = kvm_ctx_create(as, NULL, &ctx)) < 0 ||
	    (rc = watchdog_start(&w, ke->e)) < 0)
		return rc; /* teardown frees what is left */
	bad = probe_run(ke->e, ctx);
	watchdog_stop(&w);
	if (bad) {
		kvm_msg(ke, "the probe guest failed at %s; this KVM cannot run "
			"umk's guests", bad);
		return -ENOTSUP; /* ctx may still run: teardown frees it all */
	}
	kvm_ctx_destroy(ctx);
	kvm_as_destroy(as);
	emem_free(ke, page);
	atomic_store(&ke->woken, false);
	return 0;
}

static void teardown(struct kvm_engine *ke)
{
	for (int i = ke->nvcpus - 1; i >= 0; i--) {
		if (i)
			vcpu_stop_helper(ke->vcpus[i]);
		vcpu_destroy(ke->vcpus[i]);
	}
	ke->nvcpus = 0;
	vcpu_tls_set(NULL);
	if (ke->vm_fd >= 0)
		close(ke->vm_fd);
	if (ke->kvm_fd >= 0)
		close(ke->kvm_fd);
	if (ke->phys)
		munmap(ke->phys, ke->phys_size);
	emem_fini(ke);
	free(ke->cpuid);
	free(ke);
}

static int setup(struct kvm_engine *ke, const struct engine_config *cfg)
{
	struct vcpu *v0;
	int rc;

	if ((rc = vm_open(ke)) < 0)
		return rc;
	if ((rc = cpu_model_init(ke)) < 0) {
		kvm_msg(ke, "cannot present a CPU to the guest: %s",
			strerror(-rc));
		return rc;
	}
	if ((rc = memory_init(ke, cfg)) < 0 || (rc = ring0_init(ke)) < 0 ||
	    (rc = kick_signal_init(ke)) < 0) {
		kvm_msg(ke, "set-up failed: %s", strerror(-rc));
		return rc;
	}
	if ((rc = vcpu_create(ke, &v0)) < 0 || (rc = mxcsr_mask_init(ke, v0)) < 0)
		return rc;
	ke->kthread = pthread_self();
	vcpu_tls_set(v0);
	return probe(ke);
}

static int kvm_init(struct engine *e, const struct engine_config *cfg)
{
	struct kvm_engine *ke = aligned_alloc(64, sizeof(*ke));
	int rc;

	if (!ke)
		return -ENOMEM;
	memset(ke, 0, sizeof(*ke));
	ke->e = e;
	ke->kvm_fd = ke->vm_fd = -1;
	ke->quiet = cfg->quiet;
	ke->trace = getenv("UMK_KVM_TRACE") != NULL;
	ke->synth_tail = &ke->synth;
	e->priv = ke;
	e->caps = ENGINE_CAP_FAULT_ACCESS | ENGINE_CAP_THREADS;
	e->user_top = USER_TOP;
	rc = setup(ke, cfg);
	if (rc < 0) {
		teardown(ke);
		e->priv = NULL;
		return rc;
	}
	ke->quiet = false;
	return 0;
}

static void kvm_shutdown(struct engine *e)
{
	if (e->priv)
		teardown(e->priv);
	e->priv = NULL;
}

const struct engine_ops kvm_engine_ops = {
	.name = "kvm",
	.init = kvm_init,
	.shutdown = kvm_shutdown,
	.as_create = kvm_as_create,
	.as_destroy = kvm_as_destroy,
	.as_map = kvm_as_map,
	.as_unmap = kvm_as_unmap,
	.as_protect = kvm_as_protect,
	.as_flush = kvm_as_flush,
	.ctx_create = kvm_ctx_create,
	.ctx_set_cookie = kvm_ctx_set_cookie,
	.ctx_destroy = kvm_ctx_destroy,
	.ctx_set_as = kvm_ctx_set_as,
	.resume = kvm_resume,
	.wait = kvm_wait,
	.wake = kvm_wake,
	.kick = kvm_kick,
	.get_fpu = kvm_get_fpu,
	.set_fpu = kvm_set_fpu,
	.cpu_time = kvm_cpu_time,
};
