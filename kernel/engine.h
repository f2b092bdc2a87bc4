/*
 * The engine interface: how the guest kernel runs guest programs.
 *
 * An engine gives the kernel three things, in the spirit of gVisor's
 * Platform / AddressSpace / Context split:
 *
 *   address spaces  a guest virtual address space whose pages are
 *                   ranges of physical memory (the memory file);
 *   contexts        one per guest thread: registers plus an address
 *                   space, run in user mode until something traps;
 *   events          wait() says which context stopped and why.
 *
 * Running is asynchronous: resume() starts a context in user mode and
 * returns at once, so many contexts run on all host CPUs while the
 * kernel itself stays one thread.  wait() collects the stops.
 *
 * Rules for callers (the kernel):
 *  - All calls come from the kernel thread, except wake(), which any
 *    host thread may call at any time.
 *  - Address-space updates may be queued; an engine applies the queue
 *    before the next resume() of any context that uses the space.  A
 *    failure while applying is sticky: the next resume() of that space
 *    returns it and the space is unusable until destroyed.
 *  - Physical memory belongs to the kernel.  The engine maps what it is
 *    told and never reads or writes guest pages itself.
 *
 * Engine differences are capability flags (ENGINE_CAP_*), never
 * #ifdefs in kernel/.  Engines are chosen at run time by name.
 */
#ifndef UMK_ENGINE_H
#define UMK_ENGINE_H

#include "kernel/types.h"

/*
 * User-mode register state, in the layout of Linux's x86-64
 * struct user_regs_struct.
 */
struct uregs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi, orig_rax;
	u64 rip, cs, eflags, rsp, ss;
	u64 fs_base, gs_base;
	u64 ds, es, fs, gs;
};

enum trap_kind {
	TRAP_SYSCALL = 1,  /* a system call: number in orig_rax, args in
			      rdi, rsi, rdx, r10, r8, r9; rip is past the
			      instruction; the result goes in rax */
	TRAP_PAGE_FAULT,   /* an access to addr that the engine's mapping
			      did not allow */
	TRAP_EXCEPTION,    /* any other CPU exception: signo and code say
			      what the guest would get from Linux */
	TRAP_INTERRUPTED,  /* stopped by kick(), or for no reason the
			      guest can see; just resume */
	TRAP_GONE,         /* the context no longer exists (its host
			      process was killed from outside) */
};

/* Page-fault access bits. */
#define FAULT_READ 0x1
#define FAULT_WRITE 0x2
#define FAULT_EXEC 0x4
/*
 * Not an engine's: the kernel's note that a fault of unknown access was
 * not an instruction fetch (the address is away from rip), so a page
 * that is writable by now was a write racing with another thread's
 * fault, not an exec.
 */
#define FAULT_NOT_FETCH 0x8

struct trap {
	enum trap_kind kind;
	/*
	 * PAGE_FAULT: addr, access (FAULT_* bits; 0 when the engine cannot
	 * tell, see ENGINE_CAP_FAULT_ACCESS) and present (the page was
	 * mapped, but not with this access).
	 * EXCEPTION: signo, code (si_code), addr (si_addr) and trapno.
	 * GONE: status, the host's wait status, for diagnostics.
	 */
	uaddr_t addr;
	unsigned access;
	bool present;
	int signo;
	int code;
	int trapno;
	int status;
};

/* The engine reports the access type of every page fault. */
#define ENGINE_CAP_FAULT_ACCESS 0x1
/* Contexts of one address space can run in user mode at once. */
#define ENGINE_CAP_THREADS 0x2

struct engine;
struct engine_as;
struct engine_ctx;

struct engine_config {
	int phys_fd;        /* the memory file, host fd */
	u64 phys_size;      /* its size in bytes */
	bool quiet;         /* init prints nothing when it fails (an
			       automatic choice tries an engine that may
			       not work here) */
};

struct engine_ops {
	const char *name;

	/*
	 * Set the engine up for physical memory cfg.  Returns 0, or
	 * -errno with a one-line explanation already printed unless
	 * cfg->quiet (for example, -EPERM when the host forbids ptrace).
	 * A failed init leaves nothing behind.
	 */
	int (*init)(struct engine *e, const struct engine_config *cfg);
	/* Tear everything down; every context and space dies. */
	void (*shutdown)(struct engine *e);

	/* Create an empty address space.  0 or -ENOMEM/-EAGAIN. */
	int (*as_create)(struct engine *e, struct engine_as **out);
	/* Destroy as.  Precondition: no context uses it. */
	void (*as_destroy)(struct engine_as *as);
	/*
	 * Map [va, va+len) to physical memory [phys, phys+len) with prot
	 * (PROT_READ|PROT_WRITE|PROT_EXEC; 0 means no access), replacing
	 * whatever was there.  va, len and phys are page aligned and the
	 * range lies below e->user_top.  Queued: 0 or -ENOMEM.
	 */
	int (*as_map)(struct engine_as *as, uaddr_t va, u64 len, int prot,
		      phys_t phys);
	/* Remove every mapping in [va, va+len).  Queued: 0 or -ENOMEM. */
	int (*as_unmap)(struct engine_as *as, uaddr_t va, u64 len);
	/* Change the access of mapped pages in [va, va+len).  Queued. */
	int (*as_protect)(struct engine_as *as, uaddr_t va, u64 len, int prot);
	/*
	 * Apply queued updates now.  Needed only when another context of
	 * the space is running (see ENGINE_CAP_THREADS); 0 or the sticky
	 * error.
	 */
	int (*as_flush)(struct engine_as *as);

	/*
	 * Create a context (a guest thread) in as.  cookie is handed back
	 * by wait().  0, -ENOMEM or -EAGAIN.
	 */
	int (*ctx_create)(struct engine_as *as, void *cookie,
			  struct engine_ctx **out);
	/*
	 * Hand ctx to another guest thread: wait() reports it with cookie
	 * from now on.  (vfork: the child runs on its suspended parent's
	 * context until it execs or exits.)
	 */
	void (*ctx_set_cookie)(struct engine_ctx *ctx, void *cookie);
	/* Destroy ctx; it must not be running. */
	void (*ctx_destroy)(struct engine_ctx *ctx);
	/*
	 * Move a stopped ctx to address space as (execve).  0 or -errno;
	 * on failure ctx stays where it was.
	 */
	int (*ctx_set_as)(struct engine_ctx *ctx, struct engine_as *as);

	/*
	 * Start ctx in user mode with regs and return at once.
	 * Precondition: ctx is stopped.  Returns 0, or -errno when the
	 * space's queued updates could not be applied or the context is
	 * gone; then ctx stays stopped.
	 */
	int (*resume)(struct engine_ctx *ctx, const struct uregs *regs);
	/*
	 * Collect one stopped context.  Returns 1 and fills *cookie, regs
	 * and trap; 0 when nothing stopped (block false) or when wake()
	 * was called (block true); -errno on an engine failure.
	 */
	int (*wait)(struct engine *e, bool block, void **cookie,
		    struct uregs *regs, struct trap *trap);
	/* Make a blocked wait() return 0 soon.  Any thread, any time. */
	void (*wake)(struct engine *e);
	/*
	 * Make a running ctx stop soon; it will be reported with
	 * TRAP_INTERRUPTED (or whatever stopped it first).  Harmless on a
	 * stopped context.
	 */
	void (*kick)(struct engine_ctx *ctx);

	/*
	 * Read or write the FPU/vector state of a stopped ctx, in the
	 * XSAVE layout of e->fpu_size bytes.  0 or -errno.
	 */
	int (*get_fpu)(struct engine_ctx *ctx, void *buf);
	int (*set_fpu)(struct engine_ctx *ctx, const void *buf);

	/* CPU time ctx has used in user mode, in ns (0 if unknown). */
	s64 (*cpu_time)(struct engine_ctx *ctx);
};

struct engine {
	const struct engine_ops *ops;
	unsigned caps;      /* ENGINE_CAP_*, set by init */
	uaddr_t user_top;   /* guest addresses are below this, set by init */
	size_t fpu_size;    /* bytes of get_fpu/set_fpu state */
	/*
	 * A vDSO (an ELF image, see vdso(7)) mapped at this address in
	 * every address space, above user_top, for AT_SYSINFO_EHDR; 0 if
	 * the engine has none.  Set by init.
	 */
	uaddr_t vdso;
	/*
	 * The host's special mappings every address space has above
	 * user_top ([vvar], [vdso], [vsyscall]...), in address order, for
	 * /proc/PID/maps.  Set by init.
	 */
	struct engine_special {
		uaddr_t start, end;
		char perms[5];      /* "r-xp" */
		char name[16];      /* "[vdso]" */
	} specials[6];
	int nspecials;
	void *priv;         /* the engine's own */
};

int engine_reset_fpu(struct engine *e, struct engine_ctx *ctx);
int engine_copy_fpu(struct engine *e, struct engine_ctx *to,
		    struct engine_ctx *from);

/* The engines compiled into umk; NULL if name is unknown. */
const struct engine_ops *engine_lookup(const char *name);

extern const struct engine_ops ptrace_engine_ops;
extern const struct engine_ops kvm_engine_ops;
extern const struct engine_ops systrap_engine_ops;

#endif
