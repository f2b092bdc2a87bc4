/*
 * The KVM engine's insides, shared by its files:
 *
 *   kvm.c      the engine operations: VM set-up, spaces, contexts,
 *              resume/wait/kick/wake, FPU state
 *   vcpu.c     vCPUs: creation, CPUID, registers, the run loop, the
 *              helper threads, entering and leaving the guest
 *   pgtable.c  engine memory and the x86-64 page tables in it
 *   entry.S    the ring-0 entry copied into the guest
 *
 * Threads: everything runs on the kernel thread except what is marked
 * (helper) below.  A helper thread owns one vCPU from a resume() until
 * it reports the stop; meanwhile the kernel thread touches only the
 * fields marked atomic.  vCPU 0 has no helper: the kernel thread runs
 * it itself inside wait().
 */
#ifndef UMK_KVM_KVM_H
#define UMK_KVM_KVM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>

#include "kernel/engine.h"
#include "kvm-engine/layout.h"

#define XSAVE_MAX 4096   /* struct kvm_xsave's region */

struct kvm_engine;
struct vcpu;

struct engine_as {
	struct kvm_engine *ke;
	u64 pml4;             /* guest physical address of the top table */
	u64 id;               /* never reused: vCPUs remember what CR3 holds */
	u64 tlb_gen;          /* bumped when a mapping is removed or narrowed */
	int error;            /* sticky */
	int nctx;             /* contexts in it */
};

struct engine_ctx {
	struct engine_as *as;
	void *cookie;
	bool running;          /* between resume() and the wait() reporting it */
	struct vcpu *vcpu;     /* the vCPU running it, while running */
	struct vcpu *fpu_vcpu; /* the vCPU holding its XSAVE state; NULL:
				  the state is in xsave */
	s64 cpu_ns;
	/* A stop made up without running (a return to a non-canonical
	   rip): reported by the next wait(). */
	struct trap synth_trap;
	struct uregs synth_regs;
	struct engine_ctx *synth_next;
	u8 xsave[XSAVE_MAX] __attribute__((aligned(64)));
};

/* Why the runner of a vCPU gave it back. */
enum stop_why {
	STOP_EXIT = 1,   /* KVM_RUN returned an exit */
	STOP_KICK,       /* kicked while in user mode */
	STOP_ERROR,      /* KVM_RUN failed (run_errno) */
};

struct vcpu {
	struct kvm_engine *ke;
	int idx;
	int fd;
	struct kvm_run *run;
	u64 *gdt;              /* host pointers into its area (layout.h) */
	u8 *frame;
	u8 *ist;

	/* The kernel thread's: what it started and what the vCPU holds. */
	struct engine_ctx *ctx;     /* running this context; NULL: idle */
	struct engine_ctx *fpu_ctx; /* whose XSAVE state it holds */
	struct uregs entry;         /* the user state ctx was resumed with */
	bool known;                 /* the fields below are true */
	u64 as_id, as_gen;          /* the page table CR3 holds, TLB state */
	u64 fs_base, gs_base;
	u64 ds, es, fs, gs;
	bool after_syscall;         /* stopped at the syscall entry */
	u64 entered_at;             /* the return path last set (diagnostics) */
	bool broken;                /* needs a reset before it runs again */

	/* The runner's (the helper, or the kernel thread for vCPU 0). */
	enum stop_why why;
	int run_errno;
	s64 run_ns;

	/* Between the threads. */
	pthread_t thread;           /* the helper; unused for vCPU 0 */
	atomic_int go;              /* kernel -> helper: run ctx (futex) */
	atomic_int stopped;         /* helper -> kernel: why is set */
	atomic_int kick;            /* stop at the next chance */
	atomic_uint flush_req;      /* kernel -> helper: flush the TLB */
	unsigned flush_seq;         /* (kernel) the last request made */
	atomic_uint flush_ack;      /* helper -> kernel: done */
	atomic_uint answers;        /* helper -> kernel: bumped at each
				       ack and stop (futex) */
	unsigned flush_done;        /* (helper) the last request applied */
	bool quit;
};

/* The kernel thread's state, for whoever must make it notice an event. */
enum { K_BUSY, K_SLEEP, K_RUN };

struct kvm_engine {
	struct engine *e;
	int kvm_fd, vm_fd;
	size_t run_size;
	bool quiet;
	bool trace;            /* UMK_KVM_TRACE: every entry and stop on stderr */

	/* memory */
	u8 *emem;              /* engine memory, guest physical 0 */
	u64 emem_next;         /* bump allocator ... */
	u64 *emem_free;        /* ... and the pages given back */
	size_t nfree, cap_free;
	u64 *pml4_free;        /* PML4s of destroyed spaces (pt_create) */
	size_t npml4_free, cap_pml4_free;
	u8 *phys;              /* the memory file, guest physical PHYS_GPA */
	u64 phys_size;
	u64 kpml4;             /* template PML4: slot 511 is the ring-0 half */
	u64 next_as_id;

	/* the CPU presented to the guest */
	struct kvm_cpuid2 *cpuid;
	u64 xcr0;
	u32 mxcsr_mask;
	u64 cr4;
	u8 xsave_init[XSAVE_MAX] __attribute__((aligned(64)));

	/* vCPUs */
	struct vcpu *vcpus[MAX_VCPUS];
	int nvcpus;
	int sig;               /* the signal that kicks a thread out of KVM_RUN */

	/* events for the kernel thread */
	pthread_t kthread;
	atomic_uint kseq;      /* bumped by every event (futex) */
	atomic_int kstate;     /* K_* */
	atomic_bool woken;     /* wake() was called */
	struct engine_ctx *synth, **synth_tail;
};

/* ---- kvm.c ---- */
void kvm_notify(struct kvm_engine *ke);
void kvm_msg(struct kvm_engine *ke, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- pgtable.c ---- */
int emem_init(struct kvm_engine *ke);
void emem_fini(struct kvm_engine *ke);
int emem_alloc(struct kvm_engine *ke, u64 *gpa);
void emem_free(struct kvm_engine *ke, u64 gpa);
void *emem_ptr(struct kvm_engine *ke, u64 gpa);
/* Build the ring-0 half (code, IDT, tables); 0 or -ENOMEM. */
int kmap_init(struct kvm_engine *ke);
/* Map one engine page at a ring-0 address. */
int kmap_page(struct kvm_engine *ke, u64 va, u64 gpa, bool writable, bool exec);
int pt_create(struct kvm_engine *ke, struct engine_as *as);
void pt_destroy(struct engine_as *as);
int pt_map(struct engine_as *as, u64 va, u64 len, int prot, u64 gpa);
int pt_unmap(struct engine_as *as, u64 va, u64 len);
int pt_protect(struct engine_as *as, u64 va, u64 len, int prot);

/* ---- vcpu.c ---- */
int cpu_model_init(struct kvm_engine *ke);
int idt_init(struct kvm_engine *ke);
int vcpu_create(struct kvm_engine *ke, struct vcpu **out);
void vcpu_destroy(struct vcpu *v);
int vcpu_reset(struct vcpu *v);
int vcpu_start_helper(struct vcpu *v);
void vcpu_stop_helper(struct vcpu *v);
int kick_signal_init(struct kvm_engine *ke);
void kick_thread(struct kvm_engine *ke, pthread_t t);
void vcpu_tls_set(struct vcpu *v);
/* Prepare v to enter ctx's user mode with regs (sanitized). */
void vcpu_enter(struct vcpu *v, struct engine_ctx *ctx,
		const struct uregs *regs);
/* One KVM_RUN; 0 on an exit, else -errno (-EINTR: a signal). */
int vcpu_run_once(struct vcpu *v);
/* Whether a kicked v may be stopped now (not between a leave and its out). */
bool vcpu_kickable(struct vcpu *v);
/* Make v's next entry flush its TLB, if it is in or returning to user mode. */
void vcpu_flush(struct vcpu *v);
/* Turn v's stop into registers and a trap. */
void vcpu_decode(struct vcpu *v, struct uregs *regs, struct trap *trap);
u64 sanitize_flags(u64 flags);
bool canonical(u64 va);

/* Addresses inside the ring-0 image, as the guest sees them. */
u64 entry_va(const char *sym);

#endif
