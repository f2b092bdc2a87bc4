/*
 * vCPUs: the CPU model presented to the guest, vCPU set-up, entering
 * user mode through the ring-0 entry (entry.S), running, and turning
 * what stopped a vCPU into the kernel's registers and trap.
 *
 * Registers travel through KVM's synced registers (kvm_run->s.regs):
 * KVM fills the general registers and the segment registers at every
 * exit and loads the general registers we mark dirty at the next
 * KVM_RUN, so a round trip is one ioctl.
 *
 * A vCPU's runner is the only thread that calls KVM_RUN on it: the
 * kernel thread for vCPU 0, a helper thread for the others.  A helper
 * sleeps on its `go` futex, runs until the guest leaves (or a kick),
 * raises `stopped` and notifies the kernel thread.  Everything else
 * (set-up, XSAVE, decoding) happens on the kernel thread while the
 * vCPU is idle.
 *
 * Kicks: a signal (ke->sig) sent to the runner thread; its handler
 * sets immediate_exit on the thread's vCPU, so a signal that lands
 * just before KVM_RUN still makes it return at once.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "kvm-engine/kvm.h"

#define CR0_PE 0x1ULL
#define CR0_MP 0x2ULL
#define CR0_ET 0x10ULL
#define CR0_NE 0x20ULL
#define CR0_WP 0x10000ULL
#define CR0_AM 0x40000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_FSGSBASE (1ULL << 16)
#define CR4_OSXSAVE (1ULL << 18)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_SCE 0x1ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL
#define EFER_NXE 0x800ULL
#define RFLAGS_USER 0x250dd5ULL  /* CF PF AF ZF SF TF DF OF AC ID RF */
#define RFLAGS_FIXED 0x202ULL    /* bit 1 and IF */
#define SFMASK 0x47700ULL        /* TF IF DF IOPL NT AC cleared in ring 0 */
#define XFEATURES_OK 0xe7ULL     /* x87 SSE AVX and AVX-512; no MPX/PKRU/AMX */
#define MSR_IA32_TSC 0x10

extern const char kvm_entry_image[], kvm_entry_image_end[];
extern const char kvm_entry_syscall[], kvm_entry_compat[], kvm_entry_exc[];
extern const char kvm_entry_return[], kvm_entry_sysret[], kvm_entry_iret[];
extern const char kvm_entry_slow[];

u64 entry_va(const char *sym)
{
	return KCODE + (u64)(sym - kvm_entry_image);
}

bool canonical(u64 va)
{
	return va < 0x800000000000ULL || va >= 0xffff800000000000ULL;
}

u64 sanitize_flags(u64 flags)
{
	return (flags & RFLAGS_USER) | RFLAGS_FIXED;
}

/* A data selector a user may hold (null, or its own data and code). */
static u64 sanitize_sel(u64 sel)
{
	return sel <= 3 || sel == SEL_UDATA || sel == SEL_UCODE ? sel : 0;
}

static s64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Time in KVM_RUN is counted in TSC cycles: two clock_gettime() calls
 * per system call cost more than the call itself where the host's
 * clock source is not the TSC (HPET under QEMU: a trap each).  The
 * rate is measured once against the monotonic clock.
 */
static double ns_per_cycle;

static void tsc_calibrate(void)
{
	struct timespec d = { 0, 2000000 };
	s64 t0 = now_ns();
	u64 c0 = __rdtsc();

	nanosleep(&d, NULL);
	ns_per_cycle = (double)(now_ns() - t0) / (double)(__rdtsc() - c0 + 1);
}

/* ---- the CPU model --------------------------------------------------- */

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, u32 fn,
					   u32 idx)
{
	for (u32 i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     c->entries[i].index == idx))
			return &c->entries[i];
	return NULL;
}

static int supported_cpuid(struct kvm_engine *ke)
{
	for (u32 n = 128; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

		if (!c)
			return -ENOMEM;
		c->nent = n;
		if (ioctl(ke->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			ke->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			return -errno;
	}
	return -E2BIG;
}

static void drop_entry(struct kvm_cpuid2 *c, u32 i)
{
	c->entries[i] = c->entries[--c->nent];
}

/*
 * Present what the host CPU has, as far as KVM can run it: every
 * feature word is KVM's intersected with the host's own CPUID, so the
 * guest sees what a native program would, less virtualisation (VMX,
 * SVM) and KVM's paravirtual leaves, which are for ring-0 guests.
 */
static void filter_cpuid(struct kvm_cpuid2 *c)
{
	for (u32 i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		unsigned a, b, cc, d;

		if ((e->function >= 0x40000000 && e->function < 0x40010000) ||
		    e->function == 0x8000000a) {
			drop_entry(c, i--);
			continue;
		}
		if (e->function != 1 && e->function != 7 &&
		    e->function != 0x80000001)
			continue;
		__cpuid_count(e->function, e->index, a, b, cc, d);
		if (e->function == 1) {
			e->eax = a;
			e->ebx = b & 0x00ffffff;
			e->ecx &= cc & ~(1u << 5);        /* no VMX */
			e->ecx |= cc & (1u << 31);        /* hypervisor, as native */
			e->edx &= d;
		} else if (e->function == 7) {
			e->ebx &= b;
			e->ecx &= cc;
			e->edx &= d;
		} else {
			e->ecx &= cc & ~(1u << 2);        /* no SVM */
			e->edx &= d;
		}
	}
}

static u64 host_xcr0(void)
{
	u32 lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

/* XCR0 and the XSAVE layout size that goes with it. */
static int xsave_model(struct kvm_engine *ke)
{
	struct kvm_cpuid_entry2 *d0 = cpuid_find(ke->cpuid, 0xd, 0);
	struct kvm_cpuid_entry2 *l1 = cpuid_find(ke->cpuid, 1, 0);
	u64 size = 576;

	if (!d0 || !l1 || !(l1->ecx & (1u << 26)))
		return -ENOTSUP; /* no XSAVE */
	ke->xcr0 = (((u64)d0->edx << 32) | d0->eax) & host_xcr0() &
		   XFEATURES_OK;
	if ((ke->xcr0 & 3) != 3)
		return -ENOTSUP;
	for (u32 i = 2; i < 64; i++) {
		struct kvm_cpuid_entry2 *s;

		if (!(ke->xcr0 & (1ULL << i)))
			continue;
		s = cpuid_find(ke->cpuid, 0xd, i);
		if (s && s->ebx + s->eax > size)
			size = s->ebx + s->eax;
	}
	if (size > XSAVE_MAX)
		return -ENOTSUP;
	d0->eax = (u32)ke->xcr0;
	d0->edx = (u32)(ke->xcr0 >> 32);
	d0->ecx = (u32)size;
	ke->e->fpu_size = size;
	return 0;
}

/* CR4 bits: what every guest needs, and hardening where the CPU has it. */
static void cr4_model(struct kvm_engine *ke)
{
	struct kvm_cpuid_entry2 *l7 = cpuid_find(ke->cpuid, 7, 0);

	ke->cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
	if (l7 && (l7->ebx & (1u << 0)))
		ke->cr4 |= CR4_FSGSBASE; /* as Linux: the user may use it */
	if (l7 && (l7->ebx & (1u << 7)))
		ke->cr4 |= CR4_SMEP;
	if (l7 && (l7->ebx & (1u << 20)))
		ke->cr4 |= CR4_SMAP;
}

/* The XSAVE image of a fresh thread: x87 and SSE in their init state. */
static void xsave_init_image(struct kvm_engine *ke)
{
	u8 *x = ke->xsave_init;

	memset(x, 0, XSAVE_MAX);
	*(u16 *)(x + 0) = 0x37f;        /* FCW */
	*(u32 *)(x + 24) = 0x1f80;      /* MXCSR */
	*(u64 *)(x + 512) = 0x3;        /* XSTATE_BV: x87, SSE */
}

int cpu_model_init(struct kvm_engine *ke)
{
	int rc = supported_cpuid(ke);

	if (!ns_per_cycle)
		tsc_calibrate();

	if (rc < 0)
		return rc;
	filter_cpuid(ke->cpuid);
	rc = xsave_model(ke);
	if (rc < 0)
		return rc;
	cr4_model(ke);
	xsave_init_image(ke);
	return 0;
}

/* ---- descriptor tables --------------------------------------------------- */

static void gdt_fill(struct vcpu *v)
{
	u64 *g = v->gdt;
	u64 tss = KVCPU(v->idx) + VA_TSS;
	u8 *t = (u8 *)v->gdt + VA_TSS;

	memset(g, 0, 4096);
	g[SEL_KCODE >> 3] = 0x00af9b000000ffffULL;  /* 64-bit code, DPL 0 */
	g[SEL_KDATA >> 3] = 0x00cf93000000ffffULL;  /* data, DPL 0 */
	g[SEL_UDATA >> 3] = 0x00cff3000000ffffULL;  /* data, DPL 3 */
	g[SEL_UCODE >> 3] = 0x00affb000000ffffULL;  /* 64-bit code, DPL 3 */
	/* 0x20 (Linux's 32-bit user code) stays null: no compat mode. */
	g[SEL_TSS >> 3] = 0x67 | ((tss & 0xffffff) << 16) | (0x8bULL << 40) |
			  (((tss >> 24) & 0xff) << 56);
	g[(SEL_TSS >> 3) + 1] = tss >> 32;
	/* TSS: RSP0 and IST1 at the IST stack top; no I/O bitmap. */
	*(u64 *)(t + 4) = KVCPU(v->idx) + VA_IST_TOP;
	*(u64 *)(t + 36) = KVCPU(v->idx) + VA_IST_TOP;
	*(u16 *)(t + 102) = 104;
}

/* The IDT: vectors 0-31 to their stubs, interrupt gates on IST 1. */
int idt_init(struct kvm_engine *ke)
{
	u64 gpa, *idt;
	int rc = emem_alloc(ke, &gpa);

	if (rc < 0)
		return rc;
	idt = emem_ptr(ke, gpa);
	for (int vec = 0; vec < 32; vec++) {
		u64 off = entry_va(kvm_entry_exc) + 32 * vec;
		/* int3 and into may come from user mode, as on Linux */
		u64 type = (vec == 3 || vec == 4) ? 0xee : 0x8e;

		idt[2 * vec] = (off & 0xffff) | ((u64)SEL_KCODE << 16) |
			       (1ULL << 32) | (type << 40) |
			       (((off >> 16) & 0xffff) << 48);
		idt[2 * vec + 1] = off >> 32;
	}
	return kmap_page(ke, KIDT, gpa, false, false);
}

/* ---- vCPU state ------------------------------------------------------------ */

static void seg_set(struct kvm_segment *s, u16 sel, u8 type, u8 dpl, bool l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->dpl = dpl;
	s->s = 1;
	s->l = l;
	s->db = !l;
	s->g = 1;
}

static void seg_null(struct kvm_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->unusable = 1;
}

static int set_sregs(struct vcpu *v)
{
	struct kvm_engine *ke = v->ke;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	seg_set(&s.cs, SEL_KCODE, 11, 0, true);
	seg_set(&s.ss, SEL_KDATA, 3, 0, false);
	seg_null(&s.ds);
	seg_null(&s.es);
	seg_null(&s.fs);
	seg_null(&s.gs);
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.selector = SEL_TSS;
	s.tr.base = KVCPU(v->idx) + VA_TSS;
	s.tr.limit = 0x67;
	s.tr.type = 11;          /* busy 64-bit TSS */
	s.tr.present = 1;
	seg_null(&s.ldt);
	s.gdt.base = KVCPU(v->idx) + VA_GDT;
	s.gdt.limit = GDT_LIMIT;
	s.idt.base = KIDT;
	s.idt.limit = 32 * 16 - 1;
	s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
	s.cr3 = ke->kpml4;
	s.cr4 = ke->cr4;
	s.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return 0;
}

static int set_msrs(struct vcpu *v, bool first)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e[12];
	} m;
	u32 n = 0;

#define MSR(i, d) m.e[n++] = (struct kvm_msr_entry){ .index = (i), .data = (d) }
	memset(&m, 0, sizeof(m));
	MSR(MSR_STAR, ((u64)SEL_USER32_BASE << 48) | ((u64)SEL_KCODE << 32));
	MSR(MSR_LSTAR, entry_va(kvm_entry_syscall));
	MSR(MSR_CSTAR, entry_va(kvm_entry_compat));
	MSR(MSR_SFMASK, SFMASK);
	MSR(MSR_KERNEL_GS_BASE, 0);
	MSR(MSR_SYSENTER_CS, 0);
	MSR(MSR_SYSENTER_ESP, 0);
	MSR(MSR_SYSENTER_EIP, 0);
	MSR(MSR_TSC_AUX, v->idx);
	if (first)
		MSR(MSR_IA32_TSC, __rdtsc()); /* rdtsc counts as on the host */
#undef MSR
	m.h.nmsrs = n;
	if (ioctl(v->fd, KVM_SET_MSRS, &m) != (int)n)
		return -EIO;
	return 0;
}

static int set_xcr0(struct vcpu *v)
{
	struct kvm_xcrs x;

	memset(&x, 0, sizeof(x));
	x.nr_xcrs = 1;
	x.xcrs[0].xcr = 0;
	x.xcrs[0].value = v->ke->xcr0;
	return ioctl(v->fd, KVM_SET_XCRS, &x) < 0 ? -errno : 0;
}

static int set_cpuid(struct vcpu *v)
{
	struct kvm_cpuid2 *c = v->ke->cpuid;
	size_t size = sizeof(*c) + c->nent * sizeof(c->entries[0]);
	struct kvm_cpuid2 *mine = malloc(size);
	struct kvm_cpuid_entry2 *e;
	int rc = 0;

	if (!mine)
		return -ENOMEM;
	memcpy(mine, c, size);
	if ((e = cpuid_find(mine, 1, 0)))
		e->ebx = (e->ebx & 0x00ffffff) | ((u32)v->idx << 24);
	if ((e = cpuid_find(mine, 0xb, 0)))
		e->edx = v->idx;
	if ((e = cpuid_find(mine, 0xb, 1)))
		e->edx = v->idx;
	if (ioctl(v->fd, KVM_SET_CPUID2, mine) < 0)
		rc = -errno;
	free(mine);
	return rc;
}

/* Ring 0, long mode, the ring-0 entry in place; nothing of a user. */
int vcpu_reset(struct vcpu *v)
{
	int rc;

	/* After a shutdown KVM has reset the vCPU: XCR0 too. */
	if ((rc = set_sregs(v)) < 0 || (rc = set_msrs(v, false)) < 0 ||
	    (rc = set_xcr0(v)) < 0)
		return rc;
	/* The synced copy is the last exit's: make it the state now. */
	if (ioctl(v->fd, KVM_GET_SREGS, &v->run->s.regs.sregs) < 0)
		return -errno;
	v->run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	memset(&v->run->s.regs.regs, 0, sizeof(v->run->s.regs.regs));
	v->run->s.regs.regs.rip = entry_va(kvm_entry_iret);
	v->run->s.regs.regs.rflags = 0x2;
	v->run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	v->known = false;
	v->after_syscall = false;
	v->broken = false;
	return 0;
}

/* Its GDT/TSS, frame and IST pages, mapped in the ring-0 half. */
static int vcpu_area(struct vcpu *v)
{
	struct kvm_engine *ke = v->ke;
	u64 va = KVCPU(v->idx), g, f, s;
	int rc;

	if ((rc = emem_alloc(ke, &g)) < 0 || (rc = emem_alloc(ke, &f)) < 0 ||
	    (rc = emem_alloc(ke, &s)) < 0)
		return rc;
	v->gdt = emem_ptr(ke, g);
	v->frame = emem_ptr(ke, f);
	v->ist = emem_ptr(ke, s);
	gdt_fill(v);
	if ((rc = kmap_page(ke, va + VA_GDT, g, false, false)) < 0 ||
	    (rc = kmap_page(ke, va + VA_FRAME, f, false, false)) < 0 ||
	    (rc = kmap_page(ke, va + VA_IST, s, true, false)) < 0)
		return rc;
	return 0;
}

static int vcpu_setup(struct vcpu *v)
{
	struct kvm_engine *ke = v->ke;
	int rc;

	v->fd = ioctl(ke->vm_fd, KVM_CREATE_VCPU, v->idx);
	if (v->fd < 0)
		return -errno;
	v->run = mmap(NULL, ke->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -errno;
	}
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	if ((rc = vcpu_area(v)) < 0 || (rc = set_cpuid(v)) < 0 ||
	    (rc = set_xcr0(v)) < 0 || (rc = set_msrs(v, true)) < 0 ||
	    (rc = vcpu_reset(v)) < 0)
		return rc;
	if (ioctl(v->fd, KVM_SET_XSAVE, ke->xsave_init) < 0)
		return -errno;
	return 0;
}

int vcpu_create(struct kvm_engine *ke, struct vcpu **out)
{
	struct vcpu *v;
	int rc;

	if (ke->nvcpus == MAX_VCPUS)
		return -EAGAIN;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->ke = ke;
	v->idx = ke->nvcpus;
	v->fd = -1;
	rc = vcpu_setup(v);
	if (rc < 0) {
		kvm_msg(ke, "cannot set up vCPU %d: %s", v->idx, strerror(-rc));
		vcpu_destroy(v);
		return rc;
	}
	ke->vcpus[ke->nvcpus++] = v;
	*out = v;
	return 0;
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->ke->run_size);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

/* ---- kicks and helper threads -------------------------------------------- */

static __thread struct kvm_run *tls_run;

static void kick_handler(int sig)
{
	struct kvm_run *r = tls_run;

	(void)sig;
	if (r)
		r->immediate_exit = 1;
}

int kick_signal_init(struct kvm_engine *ke)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	ke->sig = SIGRTMIN + 6;
	if (sigaction(ke->sig, &sa, NULL) < 0)
		return -errno;
	return 0;
}

void kick_thread(struct kvm_engine *ke, pthread_t t)
{
	pthread_kill(t, ke->sig);
}

void vcpu_tls_set(struct vcpu *v)
{
	tls_run = v ? v->run : NULL;
}

static void futex_wait(atomic_uint *addr, unsigned val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_uint *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

int vcpu_run_once(struct vcpu *v)
{
	u64 c0 = __rdtsc();
	int rc = ioctl(v->fd, KVM_RUN, 0);
	int e = errno;

	v->run_ns += (s64)((double)(__rdtsc() - c0) * ns_per_cycle);
	if (rc == 0)
		return 0;
	if (e == EINTR)
		v->run->immediate_exit = 0;
	return -e;
}

/* Tell a shootdown() waiting on v that flush_ack or stopped changed. */
static void answer(struct vcpu *v)
{
	atomic_fetch_add(&v->answers, 1);
	futex_wake(&v->answers);
}

static void ack_flush(struct vcpu *v, unsigned req)
{
	v->flush_done = req;
	atomic_store(&v->flush_ack, req);
	answer(v);
}

/* The helper's run: until an exit, a kick or an error. */
static void helper_run(struct vcpu *v)
{
	for (;;) {
		unsigned req = atomic_load(&v->flush_req);
		int rc;

		if (req != v->flush_done) {
			vcpu_flush(v);
			ack_flush(v, req);
		}
		if (atomic_load(&v->kick) && vcpu_kickable(v)) {
			v->why = STOP_KICK;
			return;
		}
		rc = vcpu_run_once(v);
		if (rc == 0) {
			v->why = STOP_EXIT;
			return;
		}
		if (rc != -EINTR) {
			v->why = STOP_ERROR;
			v->run_errno = -rc;
			return;
		}
	}
}

static void *helper_main(void *arg)
{
	struct vcpu *v = arg;
	sigset_t set;

	sigfillset(&set);
	sigdelset(&set, v->ke->sig);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	vcpu_tls_set(v);
	for (;;) {
		while (!atomic_exchange(&v->go, 0))
			futex_wait((atomic_uint *)&v->go, 0);
		if (v->quit)
			return NULL;
		helper_run(v);
		/*
		 * Stopped: no stale TLB entry can be used until a resume,
		 * and a resume compares TLB generations, so the requests
		 * made so far are answered.  Only those read before stopped
		 * is raised: once it is, the kernel may reap v, resume it
		 * and ask for a flush that the next helper_run must make.
		 * A shootdown() waits until flush_ack names its request or
		 * stopped is up; answer() wakes it for either.
		 */
		v->flush_done = atomic_load(&v->flush_req);
		atomic_store(&v->flush_ack, v->flush_done);
		atomic_store(&v->stopped, 1);
		answer(v);
		kvm_notify(v->ke);
	}
}

int vcpu_start_helper(struct vcpu *v)
{
	sigset_t all, old;
	int rc;

	/* The helper starts with every signal blocked, then opens its own. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&v->thread, NULL, helper_main, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -rc;
}

void vcpu_stop_helper(struct vcpu *v)
{
	v->quit = true;
	atomic_store(&v->go, 1);
	futex_wake((atomic_uint *)&v->go);
	pthread_join(v->thread, NULL);
}

/* ---- entering user mode ---------------------------------------------------- */

static bool in_ring3(struct vcpu *v)
{
	return (v->run->s.regs.sregs.cs.selector & 3) == 3;
}

static bool rip_in(struct vcpu *v, const char *from, const char *to)
{
	u64 rip = v->run->s.regs.regs.rip;

	return rip >= entry_va(from) && rip < entry_va(to);
}

bool vcpu_kickable(struct vcpu *v)
{
	/* Between a leave and its out, the out comes next: wait for it. */
	return in_ring3(v) ||
	       !rip_in(v, kvm_entry_image, kvm_entry_return);
}

static void set_gprs(struct kvm_regs *k, const struct uregs *u)
{
	k->rax = u->rax; k->rbx = u->rbx; k->rcx = u->rcx; k->rdx = u->rdx;
	k->rsi = u->rsi; k->rdi = u->rdi; k->rbp = u->rbp; k->rsp = u->rsp;
	k->r8 = u->r8; k->r9 = u->r9; k->r10 = u->r10; k->r11 = u->r11;
	k->r12 = u->r12; k->r13 = u->r13; k->r14 = u->r14; k->r15 = u->r15;
	k->rflags = 0x2;
}

static bool needs_slow(struct vcpu *v, struct engine_as *as,
		       const struct uregs *u)
{
	return !v->known || v->as_id != as->id || v->as_gen != as->tlb_gen ||
	       v->fs_base != u->fs_base || v->gs_base != u->gs_base ||
	       v->ds != u->ds || v->es != u->es || v->fs != u->fs ||
	       v->gs != u->gs;
}

/* Through entry_slow: page table, selectors and bases, then iretq. */
static void enter_slow(struct vcpu *v, struct engine_as *as,
		       const struct uregs *u)
{
	struct ret_frame *f = (struct ret_frame *)v->frame;
	struct kvm_regs *k = &v->run->s.regs.regs;

	*f = (struct ret_frame){
		.cr3 = as->pml4, .ds = u->ds, .es = u->es, .fs = u->fs,
		.gs = u->gs, .fs_base = u->fs_base, .gs_base = u->gs_base,
		.rax = u->rax, .rcx = u->rcx, .rdx = u->rdx,
		.rip = u->rip, .cs = SEL_UCODE, .rflags = u->eflags,
		.rsp = u->rsp, .ss = SEL_UDATA,
	};
	k->rsp = KVCPU(v->idx) + VA_FRAME;
	k->rip = entry_va(kvm_entry_slow);
	v->known = true;
	v->as_id = as->id;
	v->as_gen = as->tlb_gen;
	v->fs_base = u->fs_base;
	v->gs_base = u->gs_base;
	v->ds = u->ds;
	v->es = u->es;
	v->fs = u->fs;
	v->gs = u->gs;
}

static void enter_iret(struct vcpu *v, const struct uregs *u)
{
	struct ret_frame *f = (struct ret_frame *)v->frame;
	struct kvm_regs *k = &v->run->s.regs.regs;

	f->rip = u->rip;
	f->cs = SEL_UCODE;
	f->rflags = u->eflags;
	f->rsp = u->rsp;
	f->ss = SEL_UDATA;
	k->rsp = KVCPU(v->idx) + VA_FRAME + offsetof(struct ret_frame, rip);
	k->rip = entry_va(kvm_entry_iret);
}

/*
 * A vCPU kicked out of KVM_RUN in user mode is still in ring 3, where
 * the return paths cannot run: make it ring 0 again (CS and SS, which
 * set the CPL) through the synced segment registers.  Rare: kicks only.
 */
static void back_to_ring0(struct vcpu *v)
{
	struct kvm_sregs *s = &v->run->s.regs.sregs;
	struct kvm_vcpu_events ev;

	/*
	 * A kick may have caught the vCPU delivering an exception (an
	 * NPT fault on the way, say): KVM would inject it after the
	 * switch, in ring 0.  Drop it: the user instruction runs again
	 * and raises it anew.
	 */
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) == 0 &&
	    (ev.exception.injected || ev.exception.pending ||
	     ev.interrupt.injected || ev.nmi.injected)) {
		ev.exception.injected = 0;
		ev.exception.pending = 0;
		ev.interrupt.injected = 0;
		ev.nmi.injected = 0;
		ev.flags = 0;
		ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev);
	}

	seg_set(&s->cs, SEL_KCODE, 11, 0, true);
	seg_set(&s->ss, SEL_KDATA, 3, 0, false);
	v->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	v->known = false; /* entry_slow: selectors and bases again */
}

void vcpu_enter(struct vcpu *v, struct engine_ctx *ctx,
		const struct uregs *regs)
{
	struct kvm_regs *k = &v->run->s.regs.regs;
	struct uregs *u = &v->entry;

	if (in_ring3(v))
		back_to_ring0(v);

	*u = *regs;
	u->eflags = sanitize_flags(u->eflags);
	u->ds = sanitize_sel(u->ds);
	u->es = sanitize_sel(u->es);
	u->fs = sanitize_sel(u->fs);
	u->gs = sanitize_sel(u->gs);
	u->cs = SEL_UCODE;
	u->ss = SEL_UDATA;
	set_gprs(k, u);
	if (needs_slow(v, ctx->as, u)) {
		enter_slow(v, ctx->as, u);
	} else if (v->after_syscall && u->rcx == u->rip &&
		   u->r11 == u->eflags) {
		/* sysretq: rip from rcx, rflags from r11, rsp as it is */
		k->rip = entry_va(kvm_entry_sysret);
	} else {
		enter_iret(v, u);
	}
	v->after_syscall = false;
	v->entered_at = k->rip;
	v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (v->ke->trace)
		fprintf(stderr, "kvm: vCPU %d enter %s rip %#llx rsp %#llx "
			"fs %#llx\n", v->idx,
			k->rip == entry_va(kvm_entry_slow) ? "slow" :
			k->rip == entry_va(kvm_entry_sysret) ? "sysret" : "iret",
			(unsigned long long)u->rip, (unsigned long long)u->rsp,
			(unsigned long long)u->fs_base);
}

/* The user's registers of a vCPU stopped in user mode. */
static void regs_from_run(struct vcpu *v, struct uregs *u)
{
	const struct kvm_regs *k = &v->run->s.regs.regs;
	const struct kvm_sregs *s = &v->run->s.regs.sregs;

	u->rax = k->rax; u->rbx = k->rbx; u->rcx = k->rcx; u->rdx = k->rdx;
	u->rsi = k->rsi; u->rdi = k->rdi; u->rbp = k->rbp; u->rsp = k->rsp;
	u->r8 = k->r8; u->r9 = k->r9; u->r10 = k->r10; u->r11 = k->r11;
	u->r12 = k->r12; u->r13 = k->r13; u->r14 = k->r14; u->r15 = k->r15;
	u->rip = k->rip;
	u->eflags = k->rflags;
	u->orig_rax = (u64)-1;
	u->cs = SEL_UCODE;
	u->ss = SEL_UDATA;
	u->fs_base = s->fs.base;
	u->gs_base = s->gs.base;
	u->ds = s->ds.selector;
	u->es = s->es.selector;
	u->fs = s->fs.selector;
	u->gs = s->gs.selector;
}

/* What the vCPU holds now that the user had (after any stop). */
static void note_user_segs(struct vcpu *v, const struct uregs *u)
{
	v->fs_base = u->fs_base;
	v->gs_base = u->gs_base;
	v->ds = u->ds;
	v->es = u->es;
	v->fs = u->fs;
	v->gs = u->gs;
}

void vcpu_flush(struct vcpu *v)
{
	struct engine_ctx *ctx = v->ctx;
	struct uregs u;

	if (!ctx)
		return;
	if (in_ring3(v))
		regs_from_run(v, &u);
	else if (rip_in(v, kvm_entry_return, kvm_entry_image_end))
		u = v->entry;
	else
		return; /* leaving: the next resume sees the new tlb_gen */
	v->known = false; /* so the entry goes through entry_slow */
	vcpu_enter(v, ctx, &u);
}

/* ---- leaving: decoding a stop ------------------------------------------------ */

static void gone(struct vcpu *v, struct uregs *regs, struct trap *trap)
{
	*regs = v->entry;
	memset(trap, 0, sizeof(*trap));
	trap->kind = TRAP_GONE;
	v->broken = true;
	v->known = false;
}

static void decode_syscall(struct vcpu *v, struct uregs *u, struct trap *trap)
{
	regs_from_run(v, u);
	u->orig_rax = u->rax;
	u->rax = (u64)-38; /* -ENOSYS, as Linux shows a call on entry */
	u->rip = u->rcx;
	u->eflags = u->r11;
	trap->kind = TRAP_SYSCALL;
	v->after_syscall = true;
}

/* si_code of an x87 (#MF) or SSE (#XM) exception, as Linux computes it. */
static int fpu_code(struct vcpu *v, int vec)
{
	struct kvm_fpu f;
	unsigned err;

	if (ioctl(v->fd, KVM_GET_FPU, &f) < 0)
		return 0;
	err = vec == 16 ? (f.fsw & ~f.fcw) : (~(f.mxcsr >> 7) & f.mxcsr);
	if (err & 0x001)
		return FPE_FLTINV;
	if (err & 0x004)
		return FPE_FLTDIV;
	if (err & 0x008)
		return FPE_FLTOVF;
	if (err & 0x012)
		return FPE_FLTUND;
	if (err & 0x020)
		return FPE_FLTRES;
	return 0;
}

/*
 * A user-mode exception as Linux reports it: signal, si_code and
 * whether si_addr is the instruction.  False for vectors that mean a
 * broken engine.
 */
static bool user_exception(struct vcpu *v, int vec, u64 err,
			   struct trap *trap)
{
	static const struct { int sig, code; } map[32] = {
		[0] = { SIGFPE, FPE_INTDIV },    /* #DE */
		[3] = { SIGTRAP, SI_KERNEL },    /* #BP */
		[4] = { SIGSEGV, SI_KERNEL },    /* #OF */
		[5] = { SIGSEGV, SI_KERNEL },    /* #BR */
		[6] = { SIGILL, ILL_ILLOPN },    /* #UD */
		[10] = { SIGSEGV, SI_KERNEL },   /* #TS */
		[11] = { SIGBUS, SI_KERNEL },    /* #NP */
		[12] = { SIGBUS, SI_KERNEL },    /* #SS */
		[13] = { SIGSEGV, SI_KERNEL },   /* #GP */
		[16] = { SIGFPE, 0 },            /* #MF: code from the x87 */
		[17] = { SIGBUS, BUS_ADRALN },   /* #AC */
		[19] = { SIGFPE, 0 },            /* #XM: code from MXCSR */
	};

	trap->kind = TRAP_EXCEPTION;
	trap->trapno = vec;
	if (vec == 1) { /* #DB: err is DR6 */
		trap->signo = SIGTRAP;
		trap->code = (err & 0x4000) ? TRAP_TRACE :
			     (err & 0xf) ? TRAP_HWBKPT : TRAP_BRKPT;
		return true;
	}
	if (!map[vec].sig)
		return false;
	trap->signo = map[vec].sig;
	trap->code = map[vec].code;
	if (vec == 16 || vec == 19)
		trap->code = fpu_code(v, vec);
	return true;
}

static void decode_exception(struct vcpu *v, int vec, struct uregs *u,
			     struct trap *trap)
{
	const u64 *f = (const u64 *)(v->ist + 4096 - 48);
	u64 err = f[0], rip = f[1], cs = f[2];

	if (!(cs & 3)) {
		if (vec == 1 && rip == entry_va(kvm_entry_syscall)) {
			/* a syscall single-stepped: the call itself (SS is
			   null now, so no sysretq on the way back) */
			decode_syscall(v, u, trap);
			v->after_syscall = false;
			return;
		}
		kvm_msg(v->ke, "vCPU %d: exception %d in ring 0 at %#llx "
			"(error %#llx)", v->idx, vec, (unsigned long long)rip,
			(unsigned long long)err);
		gone(v, u, trap);
		return;
	}
	regs_from_run(v, u);
	u->rip = rip;
	u->eflags = f[3];
	u->rsp = f[4];
	if (vec == 14 && !(err & 0x8)) {
		trap->kind = TRAP_PAGE_FAULT;
		trap->addr = v->run->s.regs.sregs.cr2;
		trap->present = err & 1;
		trap->access = (err & 2) ? FAULT_WRITE :
			       (err & 0x10) ? FAULT_EXEC : FAULT_READ;
		return;
	}
	if (!user_exception(v, vec, err, trap)) {
		kvm_msg(v->ke, "vCPU %d: unexpected exception %d at %#llx "
			"(error %#llx)", v->idx, vec, (unsigned long long)rip,
			(unsigned long long)err);
		gone(v, u, trap);
		return;
	}
	if (trap->kind == TRAP_EXCEPTION && (vec == 0 || vec == 1 ||
					     vec == 6 || vec == 16 || vec == 19))
		trap->addr = rip;
}

static const char *exit_name(u32 r)
{
	switch (r) {
	case KVM_EXIT_SHUTDOWN: return "shutdown (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "entry failed";
	case KVM_EXIT_INTERNAL_ERROR: return "internal error";
	case KVM_EXIT_MMIO: return "access outside guest memory";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_IO: return "unexpected I/O";
	default: return "unexpected exit";
	}
}

static void decode_exit(struct vcpu *v, struct uregs *u, struct trap *trap)
{
	struct kvm_run *run = v->run;

	if (run->exit_reason == KVM_EXIT_IO && !in_ring3(v) &&
	    run->io.direction == KVM_EXIT_IO_OUT) {
		if (run->io.port == PORT_SYSCALL) {
			decode_syscall(v, u, trap);
			return;
		}
		if (run->io.port >= PORT_EXC && run->io.port < PORT_EXC + 32) {
			decode_exception(v, run->io.port - PORT_EXC, u, trap);
			return;
		}
	}
	kvm_msg(v->ke, "vCPU %d: %s (exit %u, port %#x) at %#llx",
		v->idx, exit_name(run->exit_reason), run->exit_reason,
		run->exit_reason == KVM_EXIT_IO ? run->io.port : 0,
		(unsigned long long)run->s.regs.regs.rip);
	if (run->exit_reason == KVM_EXIT_SHUTDOWN) {
		/* What the last exception pushed, and where we sent it. */
		const u64 *f = (const u64 *)(v->ist + 4096 - 48);

		kvm_msg(v->ke, "vCPU %d: IST frame err %#llx rip %#llx cs %#llx "
			"rflags %#llx rsp %#llx ss %#llx; cr2 %#llx cr3 %#llx; "
			"entered at %#llx (user rip %#llx)", v->idx,
			(unsigned long long)f[0], (unsigned long long)f[1],
			(unsigned long long)f[2], (unsigned long long)f[3],
			(unsigned long long)f[4], (unsigned long long)f[5],
			(unsigned long long)run->s.regs.sregs.cr2,
			(unsigned long long)run->s.regs.sregs.cr3,
			(unsigned long long)v->entered_at,
			(unsigned long long)v->entry.rip);
	}
	gone(v, u, trap);
}

void vcpu_decode(struct vcpu *v, struct uregs *u, struct trap *trap)
{
	memset(trap, 0, sizeof(*trap));
	switch (v->why) {
	case STOP_KICK:
		trap->kind = TRAP_INTERRUPTED;
		if (in_ring3(v)) {
			regs_from_run(v, u);
		} else {
			*u = v->entry;   /* still on its way back to user mode */
			v->known = false;
		}
		v->after_syscall = false;
		break;
	case STOP_ERROR:
		kvm_msg(v->ke, "vCPU %d: KVM_RUN failed: %s", v->idx,
			strerror(v->run_errno));
		gone(v, u, trap);
		return;
	case STOP_EXIT:
		decode_exit(v, u, trap);
		break;
	}
	if (trap->kind != TRAP_GONE && v->known)
		note_user_segs(v, u);
	if (v->ke->trace)
		fprintf(stderr, "kvm: vCPU %d stop %d/%u port %#x: trap %d "
			"nr %lld rip %#llx addr %#llx signo %d\n", v->idx, v->why,
			v->run->exit_reason, v->run->io.port, trap->kind,
			(long long)u->orig_rax, (unsigned long long)u->rip,
			(unsigned long long)trap->addr, trap->signo);
}
