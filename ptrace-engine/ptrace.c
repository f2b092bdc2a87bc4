/*
 * The ptrace engine: every guest address space is a stub process,
 * every guest system call a PTRACE_SYSEMU stop.
 *
 * In a nutshell, it works as follows (ptrace-engine/README has more):
 *
 *  - init embeds the stub image in a memory file, builds the stub's
 *    seccomp filter with libseccomp, creates the control memory (one
 *    16 KiB slot per stub) and starts the doorbell, a stub that sleeps
 *    until the interrupt thread signals it.
 *  - as_create starts a stub (clone(CLONE_VM|CLONE_VFORK) + execveat
 *    of the image), attaches with PTRACE_SEIZE and PTRACE_O_EXITKILL and
 *    waits for its "ready" int3.  Destroyed spaces are wiped (one
 *    munmap of the whole guest range) and kept for reuse.
 *  - as_map/as_unmap/as_protect append system calls to the stub's
 *    control pages, merging neighbours.  Before the next resume the
 *    stub runs them all in one go (flush: rip = stub_batch, PTRACE_CONT,
 *    wait for its int3).  The first error sticks.
 *  - resume writes only the registers that changed (nothing, rax alone
 *    with PTRACE_POKEUSER, or PTRACE_SETREGS) and restarts with
 *    PTRACE_SYSEMU, so no guest system call reaches the host.
 *  - wait is one waitpid(-1, __WALL) plus PTRACE_GETREGS: a syscall
 *    stop is TRAP_SYSCALL, a SIGSEGV stop is TRAP_PAGE_FAULT, other
 *    fault signals TRAP_EXCEPTION, a PTRACE_INTERRUPT or stray signal
 *    TRAP_INTERRUPTED, an exit TRAP_GONE.  Signals are never delivered
 *    by the host: the stop suppresses them.
 *  - wake signals the doorbell, whose stop ends a blocked waitpid.
 *  - kick is PTRACE_INTERRUPT.
 *
 * The systrap engine (systrap_engine_ops, at the end) shares all of it
 * but how guest threads run: see "systrap" below.
 *
 * Everything here runs on the kernel thread (the tracer), except
 * pt_wake and st_wake.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/ucontext.h>
#include <sys/user.h>
#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/filter.h>
#undef PAGE_SIZE
#undef PAGE_SHIFT
#undef PAGE_MASK
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/engine.h"
#include "ptrace-engine/stub.h"
#include "ptrace-engine/stub-syms.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define CTL_SLOTS 4096
#define POOL_MAX 4
#define PID_HASH 1024

/* The stub image, linked into umk by stub-image.S. */
extern const char stub_image[], stub_image_end[];

struct engine_as {
	struct pt_engine *pe;
	pid_t pid;              /* the stub process; its main thread */
	int slot;               /* control slot */
	struct stub_ctl *ctl;   /* umk's mapping of the control pages */
	struct stub_op *last;   /* the op new ones may merge with */
	int error;              /* sticky flush error */
	struct engine_ctx *threads; /* every host thread of the stub */
	int nthreads, nparked;
	struct engine_as *pool_next;
	/* systrap */
	struct engine_ctx *main;    /* the batch thread, never a guest's */
	int main_cpu;               /* the CPU main is bound to, or -1 */
	bool wiping;                /* pooled: main runs the wipe, unwaited */
	char *msg;                  /* umk's mapping of the message slots */
	u64 msg_used[STUB_MSG_SLOTS / 64];
};

/*
 * A host thread of a stub.  It carries a guest thread (a context, with
 * cookie) or is parked: stopped, holding no guest thread, ready to run
 * a batch or to be handed the next guest thread of its space.  The main
 * thread is never made to exit, so the stub lives while its space does.
 */
struct engine_ctx {
	struct engine_as *as;
	pid_t tid;
	void *cookie;
	bool parked;
	bool running;           /* the kernel has resumed it, no stop reported */
	bool regs_valid;        /* host_regs is what the thread has */
	bool stashed;           /* a stop taken early (see take_stop) */
	struct uregs host_regs;
	struct trap stash_trap;
	struct uregs stash_regs;
	int sched_fd;           /* /proc/PID/task/TID/schedstat, or -1 */
	struct engine_ctx *hash_next, *as_next, *stash_next;
	/* systrap */
	bool main;              /* the stub's main thread */
	int mslot;              /* message slot, -1 for none */
	struct stub_msg *m;     /* umk's mapping of it */
	u64 uc_off, fp_off;     /* the last trap's frame, in the slot */
	u64 fs_base, gs_base;   /* what the host thread has */
	int run_idx;            /* in pe->run, or -1 */
	u64 kick_ns;            /* when a kick went unanswered since, or 0 */
};

struct pt_engine {
	struct engine *e;
	int phys_fd;
	int image_fd;
	int ctl_fd;
	char *ctl_base;
	int slot_free[CTL_SLOTS];
	int nslot_free;
	int next_slot;
	struct sock_filter *filter;
	unsigned filter_len;
	pid_t doorbell;
	atomic_bool rung;
	struct uregs seg;       /* selectors the host gave a fresh stub */
	struct engine_as *pool;
	int npool;
	struct engine_ctx *hash[PID_HASH];
	struct engine_ctx *stash;   /* stops to report before waiting */
	/* systrap */
	bool systrap;
	int msg_fd;
	char *msg_base;
	struct stub_bell *bell;
	struct engine_ctx **run;    /* running contexts, to scan */
	int nrun, run_cap, scan_pos;
	int ncpus;                  /* host CPUs umk may use */
	u64 spin_ns;                /* umk polls this long before sleeping */
	unsigned thread_spin;       /* TSC ticks a trapped thread polls */
	u64 busy_spin_ns;           /* the same with every CPU running guests */
	unsigned busy_thread_spin;
	u64 yield_ns;               /* then polls, yielding the CPU, this long */
	unsigned thread_yield;      /* TSC ticks a thread does that */
	struct sock_filter strict[64];
	unsigned strict_len;
	u64 kick_check_ns;          /* last look for unanswered kicks */
};

_Static_assert(sizeof(struct uregs) == sizeof(struct user_regs_struct),
	       "struct uregs must match user_regs_struct");
_Static_assert(offsetof(struct stub_ctl, ops) == 8, "stub_ctl layout");

static int err(void)
{
	return -errno;
}

static void as_kill(struct engine_as *as);
static int wipe_wait(struct engine_as *as);
static int batch_start(struct engine_as *as, struct engine_ctx *th);
static void main_unbind(struct engine_as *as);
static struct engine_ctx *st_thread_clone(struct engine_as *as);
static void st_thread_exit(struct engine_ctx *th);

/* ---- the pid -> context map ------------------------------------------ */

static struct engine_ctx **hash_slot(struct pt_engine *pe, pid_t tid)
{
	return &pe->hash[(unsigned)tid % PID_HASH];
}

static void hash_add(struct pt_engine *pe, struct engine_ctx *ctx)
{
	struct engine_ctx **h = hash_slot(pe, ctx->tid);

	ctx->hash_next = *h;
	*h = ctx;
}

static void hash_del(struct pt_engine *pe, struct engine_ctx *ctx)
{
	struct engine_ctx **p;

	for (p = hash_slot(pe, ctx->tid); *p; p = &(*p)->hash_next) {
		if (*p == ctx) {
			*p = ctx->hash_next;
			return;
		}
	}
}

static struct engine_ctx *hash_find(struct pt_engine *pe, pid_t tid)
{
	struct engine_ctx *c;

	for (c = *hash_slot(pe, tid); c; c = c->hash_next)
		if (c->tid == tid)
			return c;
	return NULL;
}

/* ---- control memory ---------------------------------------------------- */

static int slot_alloc(struct pt_engine *pe)
{
	if (pe->nslot_free)
		return pe->slot_free[--pe->nslot_free];
	if (pe->next_slot == CTL_SLOTS)
		return -EAGAIN;
	return pe->next_slot++;
}

static void slot_free(struct pt_engine *pe, int slot)
{
	pe->slot_free[pe->nslot_free++] = slot;
}

static int ctl_create(struct pt_engine *pe)
{
	size_t size = (size_t)CTL_SLOTS * STUB_CTL_SIZE;

	pe->ctl_fd = memfd_create("umk-stub-ctl", MFD_CLOEXEC);
	if (pe->ctl_fd < 0)
		return err();
	if (ftruncate(pe->ctl_fd, size) < 0)
		return err();
	pe->ctl_base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    pe->ctl_fd, 0);
	if (pe->ctl_base == MAP_FAILED)
		return err();
	return 0;
}

/* ---- the stub's seccomp filter ------------------------------------------ */

/*
 * Only the stub's own calls are admitted: mmap of the memory file at a
 * fixed place, munmap, mprotect, the doorbell's pause, and clone of a
 * thread and exit of one.  Guest
 * system calls never get here (PTRACE_SYSEMU stops them first); the
 * filter is what keeps a stub harmless if anything else went wrong.
 */
/*
 * Writable guest mappings are populated as they are made: the host
 * would otherwise take one fault of its own per page at the guest's
 * first write, on top of the fault umk served (a host fault costs as
 * much as a system call in a virtual machine).  The pages are umk's
 * frames, already allocated.  Read-only mappings (program text, data
 * not yet written) are left to the host: a read fault maps 16 pages at
 * once (the host's fault-around), in the guest thread's own time rather
 * than in a batch umk waits for, and the pages of umk's fault-around
 * window the guest never touches cost nothing.
 */
#define STUB_MAP_FLAGS (MAP_SHARED | MAP_FIXED | MAP_POPULATE)
#define STUB_MAP_FLAGS_RO (MAP_SHARED | MAP_FIXED)

static int filter_build(struct pt_engine *pe)
{
	/*
	 * systrap: guest threads add a filter that traps their system
	 * calls; a kill here would win over that trap, so the stub's own
	 * filter traps too (the main thread is traced: a trap there is a
	 * stop umk takes for a broken stub).  Guest threads need futex,
	 * rt_sigreturn, exit, arch_prctl and sched_yield; a new one
	 * sigaltstack and seccomp.  The strict filter decides what guest
	 * threads may do.
	 */
	scmp_filter_ctx f = seccomp_init(pe->systrap ? SCMP_ACT_TRAP :
					 SCMP_ACT_KILL_PROCESS);
	int fd, rc = -ENOMEM;
	off_t len;

	if (!f)
		return -ENOMEM;
	if (pe->systrap &&
	    (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(futex), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sched_yield), 0) ||
	     seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			      SCMP_A0(SCMP_CMP_EQ, STUB_CLONE_FLAGS_ST))))
		goto out_release;
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2,
			     SCMP_A3(SCMP_CMP_EQ, STUB_MAP_FLAGS_RO),
			     SCMP_A4(SCMP_CMP_EQ, STUB_MEMFD)) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2,
			     SCMP_A3(SCMP_CMP_EQ, STUB_MAP_FLAGS),
			     SCMP_A4(SCMP_CMP_EQ, STUB_MEMFD)) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(pause), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(restart_syscall), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			     SCMP_A0(SCMP_CMP_EQ, STUB_CLONE_FLAGS)))
		goto out_release;
	fd = memfd_create("umk-filter", MFD_CLOEXEC);
	if (fd < 0)
		goto out_release;
	if (seccomp_export_bpf(f, fd) < 0)
		goto out_close;
	len = lseek(fd, 0, SEEK_CUR);
	if (len <= 0 || len % sizeof(struct sock_filter) ||
	    len > (off_t)(STUB_STRICT_OFF - 8))
		goto out_close;
	pe->filter = malloc(len);
	if (!pe->filter || pread(fd, pe->filter, len, 0) != len)
		goto out_close;
	pe->filter_len = len / sizeof(struct sock_filter);
	rc = 0;
out_close:
	close(fd);
out_release:
	seccomp_release(f);
	return rc;
}

/* ---- starting stubs ------------------------------------------------------ */

struct spawn_args {
	int image_fd, phys_fd, ctl_fd, sync_fd, msg_fd;
	char *argv[5];
};

static char spawn_stack[16384] __attribute__((aligned(16)));

/*
 * The child of clone(CLONE_VM | CLONE_VFORK): it shares umk's memory
 * until the execveat, so it only makes system calls.
 */
static int spawn_child(void *arg)
{
	struct spawn_args *a = arg;
	char *envp[] = { NULL };
	int img, m, c, s, g = -1;

	setpgid(0, 0);
	/* Move everything above the fixed numbers before using them. */
	img = fcntl(a->image_fd, F_DUPFD_CLOEXEC, 16);
	m = fcntl(a->phys_fd, F_DUPFD, 16);
	c = fcntl(a->ctl_fd, F_DUPFD, 16);
	s = fcntl(a->sync_fd, F_DUPFD, 16);
	if (a->msg_fd >= 0)
		g = fcntl(a->msg_fd, F_DUPFD, 16);
	if (img < 0 || m < 0 || c < 0 || s < 0 || dup2(m, STUB_MEMFD) < 0 ||
	    dup2(c, STUB_CTLFD) < 0 || dup2(s, STUB_SYNCFD) < 0 ||
	    (a->msg_fd >= 0 && (g < 0 || dup2(g, STUB_MSGFD) < 0)))
		_exit(STUB_EXIT_EXEC);
	syscall(SYS_execveat, img, "", a->argv, envp, AT_EMPTY_PATH);
	_exit(STUB_EXIT_EXEC);
}

static const char *stub_exit_reason(int code)
{
	switch (code) {
	case STUB_EXIT_ARGS: return "bad arguments";
	case STUB_EXIT_UNMAP: return "could not unmap the host's mappings";
	case STUB_EXIT_CTL: return "could not map its control pages";
	case STUB_EXIT_SYNC: return "start-up pipe failed";
	case STUB_EXIT_PRIVS: return "could not drop privileges";
	case STUB_EXIT_SECCOMP: return "could not install its seccomp filter";
	case STUB_EXIT_EXEC: return "could not be executed";
	case STUB_EXIT_MSG: return "could not map its message pages";
	case STUB_EXIT_SIGNALS: return "could not set its signal handlers";
	case STUB_EXIT_THREAD: return "could not start a thread";
	default: return "died";
	}
}

/* Wait for pid's next stop or death, ignoring unrelated children. */
static int wait_pid(pid_t pid, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, __WALL);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return err();
	}
}

/* systrap: where control slot slot's message slots are in the memory. */
#define MSG_HEAD 0x200000ULL
static u64 msg_offset(int slot)
{
	return MSG_HEAD + (u64)slot * STUB_MSG_SIZE;
}

/*
 * Start a stub in mode ('s', 't' for systrap, or 'd') using control
 * slot slot; the stub is traced and, for 's' and 't', stopped at its
 * ready trap.  Returns the pid or -errno, with a message for failures
 * the user must fix.
 */
static pid_t stub_spawn(struct pt_engine *pe, char mode, int slot)
{
	struct spawn_args a;
	char modes[2] = { mode, 0 }, off[24], moff[24];
	struct stub_ctl *ctl;
	int sync[2], status;
	pid_t pid;

	ctl = (struct stub_ctl *)(pe->ctl_base + (size_t)slot * STUB_CTL_SIZE);
	ctl->nops = 0;
	ctl->filter_len = pe->filter_len;
	memcpy(ctl->filter, pe->filter, pe->filter_len * sizeof(*pe->filter));
	snprintf(off, sizeof(off), "%llx",
		 (unsigned long long)slot * STUB_CTL_SIZE);
	snprintf(moff, sizeof(moff), "%llx",
		 (unsigned long long)msg_offset(slot));
	if (mode == 't') {
		u64 *strict = (u64 *)((char *)ctl + STUB_STRICT_OFF);

		strict[0] = pe->strict_len;
		memcpy(strict + 1, pe->strict,
		       pe->strict_len * sizeof(pe->strict[0]));
	}
	if (pipe2(sync, O_CLOEXEC) < 0)
		return err();
	a = (struct spawn_args){ pe->image_fd, pe->phys_fd, pe->ctl_fd,
				 sync[0], mode == 't' ? pe->msg_fd : -1,
				 { "umk-stub", modes, off,
				   mode == 't' ? moff : NULL, NULL } };
	pid = clone(spawn_child, spawn_stack + sizeof(spawn_stack),
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	close(sync[0]);
	if (pid < 0) {
		close(sync[1]);
		return err();
	}
	/* A systrap stub's guest threads are not traced: no TRACECLONE. */
	if (ptrace(PTRACE_SEIZE, pid, 0,
		   PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD |
			   (mode == 't' ? 0 : PTRACE_O_TRACECLONE)) < 0) {
		int e = errno;

		close(sync[1]);
		if (waitpid(pid, &status, __WALL | WNOHANG) == pid &&
		    WIFEXITED(status)) {
			fprintf(stderr, "umk: a stub process %s (exit %d)\n",
				stub_exit_reason(WEXITSTATUS(status)),
				WEXITSTATUS(status));
			return -ECHILD;
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		fprintf(stderr,
			"umk: the host does not let umk trace its stub processes "
			"(PTRACE_SEIZE: %s); allow ptrace (kernel.yama.ptrace_scope, "
			"the container's seccomp profile) or use another engine\n",
			strerror(e));
		return -e;
	}
	if (write(sync[1], "x", 1) != 1) {
		close(sync[1]);
		kill(pid, SIGKILL);
		return -EIO;
	}
	close(sync[1]);
	if (mode == 'd')
		return pid;
	if (wait_pid(pid, &status) < 0)
		return -ECHILD;
	if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP)
		return pid;
	if (WIFEXITED(status))
		fprintf(stderr, "umk: a stub process %s (exit %d)\n",
			stub_exit_reason(WEXITSTATUS(status)),
			WEXITSTATUS(status));
	else
		fprintf(stderr, "umk: a stub process failed to start (status %#x)\n",
			status);
	kill(pid, SIGKILL);
	return -ECHILD;
}

static int image_create(struct pt_engine *pe)
{
	size_t len = stub_image_end - stub_image;
	int fd;

	fd = memfd_create("umk-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("umk-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return err();
	if (write(fd, stub_image, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
				      F_SEAL_SEAL) < 0) {
		close(fd);
		return -EIO;
	}
	pe->image_fd = fd;
	return 0;
}

/* ---- address spaces -------------------------------------------------------- */

static struct stub_ctl *slot_ctl(struct pt_engine *pe, int slot)
{
	return (struct stub_ctl *)(pe->ctl_base + (size_t)slot * STUB_CTL_SIZE);
}

/* ---- host threads ------------------------------------------------------ */

static struct engine_ctx *thread_new(struct engine_as *as, pid_t tid)
{
	struct engine_ctx *th = calloc(1, sizeof(*th));

	if (!th)
		return NULL;
	th->as = as;
	th->tid = tid;
	th->parked = true;
	th->sched_fd = -1;
	th->mslot = -1;
	th->run_idx = -1;
	th->as_next = as->threads;
	as->threads = th;
	as->nthreads++;
	as->nparked++;
	hash_add(as->pe, th);
	return th;
}

static void stash_del(struct pt_engine *pe, struct engine_ctx *th)
{
	struct engine_ctx **p;

	for (p = &pe->stash; *p; p = &(*p)->stash_next) {
		if (*p == th) {
			*p = th->stash_next;
			break;
		}
	}
	th->stashed = false;
}

static void thread_free(struct engine_ctx *th)
{
	struct engine_as *as = th->as;
	struct engine_ctx **p;

	for (p = &as->threads; *p; p = &(*p)->as_next) {
		if (*p == th) {
			*p = th->as_next;
			break;
		}
	}
	as->nthreads--;
	if (th->parked)
		as->nparked--;
	if (th->stashed)
		stash_del(as->pe, th);
	hash_del(as->pe, th);
	if (th->sched_fd >= 0)
		close(th->sched_fd);
	free(th);
}

static struct engine_ctx *find_parked(struct engine_as *as)
{
	struct engine_ctx *th;

	for (th = as->threads; th; th = th->as_next)
		if (th->parked && !th->main)
			return th;
	return NULL;
}

/* ---- address spaces -------------------------------------------------------- */

static int pt_as_create(struct engine *e, struct engine_as **out)
{
	struct pt_engine *pe = e->priv;
	struct engine_as *as;
	int slot;
	pid_t pid;

	while (pe->pool) {
		/* The oldest: its wipe (pt_as_destroy) has had longest. */
		struct engine_as **p = &pe->pool;

		while ((*p)->pool_next)
			p = &(*p)->pool_next;
		as = *p;
		*p = NULL;
		pe->npool--;
		if (wipe_wait(as) == 0) {
			*out = as;
			return 0;
		}
		as_kill(as); /* its stub died in the pool */
	}
	slot = slot_alloc(pe);
	if (slot < 0)
		return slot;
	pid = stub_spawn(pe, pe->systrap ? 't' : 's', slot);
	if (pid < 0) {
		slot_free(pe, slot);
		return pid == -EPERM ? -EPERM : -EAGAIN;
	}
	as = calloc(1, sizeof(*as));
	if (as)
		as->pe = pe;
	if (!as || !thread_new(as, pid)) {
		kill(pid, SIGKILL);
		slot_free(pe, slot);
		free(as);
		return -ENOMEM;
	}
	as->pid = pid;
	as->slot = slot;
	as->ctl = slot_ctl(pe, slot);
	as->ctl->nops = 0;
	if (pe->systrap) {
		/* One guest thread at once: exec moves a task onto it. */
		as->main = as->threads;
		as->main->main = true;
		as->main_cpu = -1;
		as->msg = pe->msg_base + msg_offset(slot);
		/* The first stub (probe_stub's) gives the selectors batches use. */
		if (!pe->seg.cs)
			ptrace(PTRACE_GETREGS, pid, 0, &pe->seg);
		if (!st_thread_clone(as)) {
			as_kill(as);
			return -EAGAIN;
		}
	}
	*out = as;
	return 0;
}

/* Reap tid's exit (a traced thread is not reaped by anyone else). */
static void reap_thread(pid_t tid)
{
	int status;

	while (waitpid(tid, &status, __WALL) == tid && !WIFEXITED(status) &&
	       !WIFSIGNALED(status))
		;
}

static void as_kill(struct engine_as *as)
{
	kill(as->pid, SIGKILL);
	/* The other threads first: the main thread's exit is reported last. */
	while (as->threads) {
		struct engine_ctx *th = as->threads;

		if (th->tid == as->pid && th->as_next) {
			/* move the main thread to the end */
			as->threads = th->as_next;
			th->as_next = NULL;
			struct engine_ctx *l = as->threads;
			while (l->as_next)
				l = l->as_next;
			l->as_next = th;
			continue;
		}
		reap_thread(th->tid);
		thread_free(th);
	}
	if (as->msg)
		fallocate(as->pe->msg_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  msg_offset(as->slot), STUB_MSG_SIZE);
	slot_free(as->pe, as->slot);
	free(as);
}

static int pt_as_unmap(struct engine_as *as, uaddr_t va, u64 len);

static void pt_as_destroy(struct engine_as *as)
{
	struct pt_engine *pe = as->pe;

	if (as->nparked != as->nthreads)
		abort(); /* a broken kernel invariant: the caller's bug */
	if (as->error || as->nthreads > (pe->systrap ? 2 : 1) ||
	    pe->npool >= POOL_MAX) {
		as_kill(as);
		return;
	}
	/*
	 * Wipe it.  ptrace: lazily, the munmap runs with the next user's
	 * first flush.  systrap: the main thread starts on it now, on any
	 * CPU, and umk goes on; the next user waits for it to end (it has
	 * by then, as a rule).  Tearing down the host page tables of a
	 * compiler's space takes milliseconds.
	 */
	as->ctl->nops = 0;
	as->last = NULL;
	pt_as_unmap(as, 0, STUB_BASE);
	if (pe->systrap) {
		main_unbind(as);
		as->wiping = batch_start(as, as->main) == 0;
	}
	as->pool_next = pe->pool;
	pe->pool = as;
	pe->npool++;
}

static int flush(struct engine_as *as);

static struct stub_op *op_append(struct engine_as *as)
{
	if (as->ctl->nops == STUB_MAX_OPS) {
		/* Full: run what is queued now. */
		if (flush(as) < 0)
			return NULL;
	}
	return &as->ctl->ops[as->ctl->nops++];
}

static int queue(struct engine_as *as, u64 nr, u64 a0, u64 a1, u64 a2,
		 u64 a3, u64 a4, u64 a5)
{
	struct stub_op *op;

	if (wipe_wait(as) < 0)
		return as->error;
	op = op_append(as);
	if (!op)
		return as->error ? as->error : -ENOMEM;
	*op = (struct stub_op){ nr, { a0, a1, a2, a3, a4, a5 } };
	as->last = op;
	return 0;
}

static int pt_as_map(struct engine_as *as, uaddr_t va, u64 len, int prot,
		     phys_t phys)
{
	struct stub_op *l = as->last;

	if (!prot)
		return pt_as_unmap(as, va, len);
	/* Extend the previous mmap when this one continues it. */
	if (l && l->nr == SYS_mmap && l->arg[0] + l->arg[1] == va &&
	    l->arg[5] + l->arg[1] == phys && l->arg[2] == (u64)prot) {
		l->arg[1] += len;
		return 0;
	}
	return queue(as, SYS_mmap, va, len, prot,
		     (prot & PROT_WRITE) ? STUB_MAP_FLAGS : STUB_MAP_FLAGS_RO,
		     STUB_MEMFD, phys);
}

static int pt_as_unmap(struct engine_as *as, uaddr_t va, u64 len)
{
	struct stub_op *l = as->last;

	if (l && l->nr == SYS_munmap && l->arg[0] + l->arg[1] == va) {
		l->arg[1] += len;
		return 0;
	}
	return queue(as, SYS_munmap, va, len, 0, 0, 0, 0);
}

static int pt_as_protect(struct engine_as *as, uaddr_t va, u64 len, int prot)
{
	struct stub_op *l = as->last;

	if (l && l->nr == SYS_mprotect && l->arg[0] + l->arg[1] == va &&
	    l->arg[2] == (u64)prot) {
		l->arg[1] += len;
		return 0;
	}
	return queue(as, SYS_mprotect, va, len, prot, 0, 0, 0);
}

/*
 * A fault signal at a guest address: the guest's, raised before a kick
 * stopped the thread and still pending, not one of the batch (which
 * touches no guest memory).  Dropping it is safe: the guest faults
 * again when it runs its instruction again.
 */
static bool stale_guest_fault(pid_t tid)
{
	siginfo_t si;

	return ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 &&
	       (uintptr_t)si.si_addr < STUB_BASE;
}

#define BATCH_AGAIN 2

/*
 * One stop of th while it runs a batch: 0 at the batch's int3 (r holds
 * the registers), 1 when the thread ended (a batch that ends with exit),
 * -EIO when the space is broken, or BATCH_AGAIN for a stop that came
 * first and was let go: a PTRACE_INTERRUPT (kick) that was still
 * pending from before, a guest fault signal that was pending too, a
 * signal sent to the stub from outside, or the clone event of a batch
 * that makes a thread (its tid goes to *newtid).  A fault of the stub
 * itself is fatal to the space.
 */
static int batch_stop(struct engine_ctx *th, int status,
		      struct user_regs_struct *r, pid_t *newtid)
{
	pid_t tid = th->tid;

	if (WIFEXITED(status) || WIFSIGNALED(status))
		return tid == th->as->pid ? -EIO : 1;
	if (!WIFSTOPPED(status))
		return -EIO;
	if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_CLONE << 8))) {
		unsigned long msg;

		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) < 0 || !newtid)
			return -EIO;
		*newtid = (pid_t)msg;
	} else {
		if (ptrace(PTRACE_GETREGS, tid, 0, r) < 0)
			return -EIO;
		if (!(status >> 16) && WSTOPSIG(status) == SIGTRAP &&
		    r->rip == STUB_SYM_stub_batch_trap + 1)
			return 0;
		if (!(status >> 16) && (WSTOPSIG(status) == SIGSEGV ||
					WSTOPSIG(status) == SIGBUS ||
					WSTOPSIG(status) == SIGILL) &&
		    !stale_guest_fault(tid))
			return -EIO; /* the stub itself faulted */
		if (!(status >> 16) && WSTOPSIG(status) == SIGSYS)
			return -EIO; /* a call its filter refused */
	}
	if (ptrace(PTRACE_CONT, tid, 0, 0) < 0)
		return -EIO;
	return BATCH_AGAIN;
}

/* Wait for the batch running on th to reach its int3 (batch_stop). */
static int wait_batch(struct engine_ctx *th, struct user_regs_struct *r,
		      pid_t *newtid)
{
	int status, rc;

	do {
		if (wait_pid(th->tid, &status) < 0)
			return -EIO;
	} while ((rc = batch_stop(th, status, r, newtid)) == BATCH_AGAIN);
	return rc;
}

/* Start the queued calls on th, a stopped thread of the space. */
static int batch_start(struct engine_as *as, struct engine_ctx *th)
{
	struct user_regs_struct r;

	as->last = NULL;
	memcpy(&r, &as->pe->seg, sizeof(r));
	r.rip = STUB_SYM_stub_batch;
	r.orig_rax = -1;
	th->regs_valid = false;
	if (ptrace(PTRACE_SETREGS, th->tid, 0, &r) < 0 ||
	    ptrace(PTRACE_CONT, th->tid, 0, 0) < 0) {
		kill(as->pid, SIGKILL);
		as->ctl->nops = 0;
		as->error = -EIO;
		return as->error;
	}
	return 0;
}

/*
 * The end of a batch, as wait_batch or batch_stop found it (rc, r):
 * 0, 1 when the batch ended its thread (exit), or the sticky error.
 */
static int batch_end(struct engine_as *as, int rc,
		     const struct user_regs_struct *r)
{
	as->ctl->nops = 0;
	if (rc < 0) {
		kill(as->pid, SIGKILL);
		as->error = -EIO;
		return as->error;
	}
	if (rc == 1)
		return 1;
	if ((s64)r->rax < 0) {
		as->error = (int)(s64)r->rax;
		return as->error;
	}
	return 0;
}

/*
 * systrap: wait for the wipe a pooled space's main thread was left to
 * run (pt_as_destroy), before the space's control slot or main thread
 * is used again.  0 or the sticky error.
 */
static int wipe_wait(struct engine_as *as)
{
	struct user_regs_struct r;

	if (!as->wiping)
		return as->error;
	as->wiping = false;
	return batch_end(as, wait_batch(as->main, &r, NULL), &r);
}

static bool is_mapping(const struct stub_op *op)
{
	return op->nr == SYS_mmap || op->nr == SYS_munmap ||
	       op->nr == SYS_mprotect;
}

/*
 * The host refused a mapping call of a batch for want of room (r: the
 * int3 stop, r12 at the failed call): a process may hold at most
 * vm.max_map_count mappings (65530), and the guest's make one per run
 * of frames, one more for each hole a munmap or MADV_DONTNEED punches
 * in a run.  Native Linux would not have refused.  Guest pages the host
 * does not map fault into umk, which maps them again (handle_mm_fault
 * finds them present), so the host mappings are only a cache: drop all
 * of them and let the guest fault back what it uses.  The calls after
 * the failed one that are not mappings (a thread's clone or exit) still
 * run, after that munmap.  Returns wait_batch's result for the new
 * batch, r its stop.
 */
static int maps_reset(struct engine_as *as, struct engine_ctx *th,
		      struct user_regs_struct *r, unsigned nops, pid_t *newtid)
{
	struct stub_op *ops = as->ctl->ops;
	u64 failed = (r->r12 - STUB_CTL - offsetof(struct stub_ctl, ops)) /
		     sizeof(struct stub_op);
	unsigned n = 1;

	if (failed >= nops || !is_mapping(&ops[failed]))
		return 0; /* r says what failed */
	for (u64 i = failed + 1; i < nops; i++)
		if (!is_mapping(&ops[i]))
			ops[n++] = ops[i];
	ops[0] = (struct stub_op){ SYS_munmap, { 0, STUB_BASE } };
	as->ctl->nops = n;
	if (batch_start(as, th) < 0)
		return -EIO;
	return wait_batch(th, r, newtid);
}

/*
 * Run the queued calls on th, a stopped thread of the space.  Its
 * registers are clobbered: the next resume writes them all.  Returns
 * 0, 1 when the batch ended th (exit), or the sticky error.
 */
static int flush_on(struct engine_as *as, struct engine_ctx *th,
		    pid_t *newtid)
{
	struct user_regs_struct r;
	unsigned nops = as->ctl->nops;
	int rc;

	if (wipe_wait(as) < 0)
		return as->error;
	if (!nops)
		return 0;
	if ((rc = batch_start(as, th)) < 0)
		return rc;
	rc = wait_batch(th, &r, newtid);
	if (rc == 0 && (s64)r.rax == -ENOMEM)
		rc = maps_reset(as, th, &r, nops, newtid);
	return batch_end(as, rc, &r);
}

static bool decode_stop(struct engine_ctx *ctx, int status, struct trap *trap);

/* Keep th's stop (stash_trap, stash_regs) for the next wait(). */
static void stash_push(struct pt_engine *pe, struct engine_ctx *th)
{
	th->stashed = true;
	th->stash_next = pe->stash;
	pe->stash = th;
}

/* Report a kept stop, if there is one: 1, else 0. */
static int stash_pop(struct pt_engine *pe, void **cookie, struct uregs *regs,
		     struct trap *trap)
{
	struct engine_ctx *ctx = pe->stash;

	if (!ctx)
		return 0;
	pe->stash = ctx->stash_next;
	ctx->stashed = false;
	ctx->running = false;
	*trap = ctx->stash_trap;
	*regs = ctx->stash_regs;
	if (trap->kind == TRAP_GONE)
		ctx->as->error = -ESRCH;
	*cookie = ctx->cookie;
	return 1;
}

/*
 * Take the stop of a running thread now, for a batch that must run
 * while every thread of the space is in user mode.  The stop is kept
 * (the stash) and reported by the next wait().
 */
static int take_stop(struct engine_ctx *th)
{
	struct pt_engine *pe = th->as->pe;
	int status;

	ptrace(PTRACE_INTERRUPT, th->tid, 0, 0);
	if (wait_pid(th->tid, &status) < 0)
		return -EIO;
	memset(&th->stash_trap, 0, sizeof(th->stash_trap));
	if (!WIFSTOPPED(status)) {
		th->stash_trap.kind = TRAP_GONE;
		th->stash_trap.status = status;
	} else {
		decode_stop(th, status, &th->stash_trap);
		if (ptrace(PTRACE_GETREGS, th->tid, 0, &th->stash_regs) < 0)
			th->stash_trap.kind = TRAP_GONE;
	}
	stash_push(pe, th);
	return th->stash_trap.kind == TRAP_GONE ? -ESRCH : 0;
}

/* A thread of as that can run a batch now: stopped, or made to stop. */
static struct engine_ctx *stopped_thread(struct engine_as *as)
{
	struct engine_ctx *th;

	for (th = as->threads; th; th = th->as_next)
		if (th->parked || !th->running || th->stashed)
			return th;
	for (th = as->threads; th; th = th->as_next)
		if (take_stop(th) == 0)
			return th;
	return NULL;
}

static int flush(struct engine_as *as)
{
	struct engine_ctx *th;

	if (wipe_wait(as) < 0)
		return as->error;
	if (!as->ctl->nops)
		return 0;
	th = as->main ? as->main : stopped_thread(as);
	if (!th) {
		as->error = -EIO;
		return as->error;
	}
	return flush_on(as, th, NULL) < 0 ? as->error : 0;
}

static int pt_as_flush(struct engine_as *as)
{
	return flush(as);
}

/* ---- contexts ------------------------------------------------------------ */

/* A new host thread in as, made by a batch that clones a stopped one. */
static struct engine_ctx *thread_clone(struct engine_as *as)
{
	struct engine_ctx *from = stopped_thread(as), *th;
	pid_t tid = 0;
	int status;

	if (!from || queue(as, SYS_clone, STUB_CLONE_FLAGS, 0, 0, 0, 0, 0) < 0)
		return NULL;
	if (flush_on(as, from, &tid) != 0 || tid <= 0)
		return NULL;
	/* It starts in a PTRACE_EVENT_STOP before running anything. */
	if (wait_pid(tid, &status) < 0 || !WIFSTOPPED(status)) {
		kill(as->pid, SIGKILL);
		as->error = -EIO;
		return NULL;
	}
	th = thread_new(as, tid);
	if (!th) {
		kill(as->pid, SIGKILL);
		as->error = -ENOMEM;
	}
	return th;
}

static int pt_ctx_create(struct engine_as *as, void *cookie,
			 struct engine_ctx **out)
{
	struct engine_ctx *th = find_parked(as);

	if (!th) {
		th = as->main ? st_thread_clone(as) : thread_clone(as);
		if (!th)
			return as->error == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	th->parked = false;
	as->nparked--;
	th->cookie = cookie;
	th->running = false;
	th->regs_valid = false;
	*out = th;
	return 0;
}

static void pt_ctx_set_cookie(struct engine_ctx *ctx, void *cookie)
{
	ctx->cookie = cookie;
}

/* Keep at most this many parked threads besides the main thread. */
#define MAX_PARKED 2

static void pt_ctx_destroy(struct engine_ctx *ctx)
{
	struct engine_as *as = ctx->as;

	if (ctx->running || ctx->parked)
		abort();
	ctx->cookie = NULL;
	ctx->parked = true;
	as->nparked++;
	if (ctx->tid == as->pid || as->nparked <= MAX_PARKED || as->error)
		return;
	if (as->main) {
		st_thread_exit(ctx);
		return;
	}
	/* One host thread fewer: it runs exit as its last batch. */
	if (queue(as, SYS_exit, 0, 0, 0, 0, 0, 0) == 0 &&
	    flush_on(as, ctx, NULL) == 1)
		thread_free(ctx);
}

/*
 * Move a stopped ctx to as (execve): the guest thread goes to a parked
 * thread of as, and its old host thread stays behind, parked.  The two
 * objects trade their host threads, so the kernel's handle stays put.
 */
static int pt_ctx_set_as(struct engine_ctx *ctx, struct engine_as *as)
{
	struct pt_engine *pe = as->pe;
	struct engine_ctx *p = find_parked(as), tmp;
	struct engine_as *old = ctx->as;

	if (!p && as->main)
		p = st_thread_clone(as);
	if (!p)
		return as->main ? -EAGAIN : -EBUSY;
	if (ctx->running || ctx->stashed || p->stashed)
		abort();
	hash_del(pe, ctx);
	hash_del(pe, p);
	/* Trade places in the two spaces' lists: swap everything but the
	   guest-thread fields and the links, then relink. */
	tmp = *ctx;
#define TRADE(f) (ctx->f = p->f, p->f = tmp.f)
	TRADE(as);
	TRADE(tid);
	TRADE(sched_fd);
	TRADE(mslot);
	TRADE(m);
	TRADE(uc_off);
	TRADE(fp_off);
	TRADE(fs_base);
	TRADE(gs_base);
#undef TRADE
	ctx->regs_valid = false;
	p->regs_valid = false;
	{
		struct engine_ctx **l;

		for (l = &as->threads; *l; l = &(*l)->as_next)
			if (*l == p) {
				*l = ctx;
				break;
			}
		for (l = &old->threads; *l; l = &(*l)->as_next)
			if (*l == ctx) {
				*l = p;
				break;
			}
		tmp.as_next = ctx->as_next;
		ctx->as_next = p->as_next;
		p->as_next = tmp.as_next;
	}
	as->nparked--;
	old->nparked++;
	hash_add(pe, ctx);
	hash_add(pe, p);
	return 0;
}

/* ---- running -------------------------------------------------------------- */

static bool only_rax_differs(const struct uregs *a, const struct uregs *b)
{
	return !memcmp(a, b, offsetof(struct uregs, rax)) &&
	       !memcmp(&a->rcx, &b->rcx,
		       sizeof(*a) - offsetof(struct uregs, rcx));
}

static int pt_resume(struct engine_ctx *ctx, const struct uregs *regs)
{
	struct engine_as *as = ctx->as;
	struct uregs r = *regs;
	int rc;

	if (as->ctl->nops || as->error) {
		rc = flush_on(as, ctx, NULL);
		if (rc < 0)
			return rc;
	}
	/* The selectors are the host's business. */
	r.cs = as->pe->seg.cs;
	r.ss = as->pe->seg.ss;
	r.ds = as->pe->seg.ds;
	r.es = as->pe->seg.es;
	r.fs = as->pe->seg.fs;
	r.gs = as->pe->seg.gs;
	if (!ctx->regs_valid || !only_rax_differs(&r, &ctx->host_regs)) {
		if (ptrace(PTRACE_SETREGS, ctx->tid, 0, &r) < 0)
			return err();
	} else if (r.rax != ctx->host_regs.rax) {
		if (ptrace(PTRACE_POKEUSER, ctx->tid,
			   offsetof(struct user_regs_struct, rax), r.rax) < 0)
			return err();
	}
	if (ptrace(PTRACE_SYSEMU, ctx->tid, 0, 0) < 0)
		return err();
	ctx->running = true;
	ctx->regs_valid = false;
	return 0;
}

static void fault_trap(const siginfo_t *si, struct trap *trap)
{
	int sig = si->si_signo;

	trap->addr = (uaddr_t)si->si_addr;
	trap->code = si->si_code;
	trap->signo = sig;
	if (sig == SIGSEGV && (si->si_code == SEGV_MAPERR ||
			       si->si_code == SEGV_ACCERR)) {
		trap->kind = TRAP_PAGE_FAULT;
		trap->present = si->si_code == SEGV_ACCERR;
		trap->access = 0;
		return;
	}
	trap->kind = TRAP_EXCEPTION;
	if (sig == SIGSEGV) /* #GP and friends: no address */
		trap->addr = 0;
	switch (sig) {
	case SIGILL: trap->trapno = 6; break;
	case SIGFPE: trap->trapno = 0; break;
	case SIGTRAP: trap->trapno = 3; break;
	case SIGBUS: trap->trapno = 17; break;
	default: trap->trapno = 13; break;
	}
}

/* Turn the stop of ctx (status) into a trap; false to ignore it. */
static bool decode_stop(struct engine_ctx *ctx, int status, struct trap *trap)
{
	int sig = WSTOPSIG(status);
	siginfo_t si;

	memset(trap, 0, sizeof(*trap));
	if (sig == (SIGTRAP | 0x80)) {
		trap->kind = TRAP_SYSCALL;
		return true;
	}
	if (status >> 16) { /* PTRACE_EVENT_STOP: interrupt or group stop */
		trap->kind = TRAP_INTERRUPTED;
		return true;
	}
	if (ptrace(PTRACE_GETSIGINFO, ctx->tid, 0, &si) < 0) {
		trap->kind = TRAP_INTERRUPTED;
		return true;
	}
	/* A fault the CPU raised has si_code > 0 or SI_KERNEL. */
	if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	     sig == SIGFPE || sig == SIGTRAP) &&
	    (si.si_code > 0 || si.si_code == SI_KERNEL)) {
		fault_trap(&si, trap);
		return true;
	}
	/* A signal from outside (a user's kill of a stub): drop it. */
	trap->kind = TRAP_INTERRUPTED;
	return true;
}


static int doorbell_stop(struct pt_engine *pe, int status)
{
	if (WIFSTOPPED(status)) {
		atomic_store(&pe->rung, false);
		ptrace(PTRACE_CONT, pe->doorbell, 0, 0);
		return 0;
	}
	fprintf(stderr, "umk: the doorbell stub died (status %#x)\n", status);
	return -EIO;
}

static int pt_wait(struct engine *e, bool block, void **cookie,
		   struct uregs *regs, struct trap *trap)
{
	struct pt_engine *pe = e->priv;
	struct engine_ctx *ctx;
	int status;
	pid_t pid;

	if (stash_pop(pe, cookie, regs, trap))
		return 1;
	for (;;) {
		pid = waitpid(-1, &status, __WALL | (block ? 0 : WNOHANG));
		if (pid == 0)
			return 0;
		if (pid < 0)
			return errno == EINTR ? 0 : err();
		if (pid == pe->doorbell)
			return doorbell_stop(pe, status);
		ctx = hash_find(pe, pid);
		if (!ctx || ctx->parked || !ctx->running)
			continue; /* a stub we already let go of */
		ctx->running = false;
		if (!WIFSTOPPED(status)) {
			memset(trap, 0, sizeof(*trap));
			trap->kind = TRAP_GONE;
			trap->status = status;
			ctx->as->error = -ESRCH;
			*cookie = ctx->cookie;
			return 1;
		}
		if (!decode_stop(ctx, status, trap))
			continue;
		if (ptrace(PTRACE_GETREGS, ctx->tid, 0, &ctx->host_regs) < 0) {
			memset(trap, 0, sizeof(*trap));
			trap->kind = TRAP_GONE;
			ctx->as->error = -ESRCH;
		} else {
			ctx->regs_valid = true;
			*regs = ctx->host_regs;
		}
		*cookie = ctx->cookie;
		return 1;
	}
}

static void pt_wake(struct engine *e)
{
	struct pt_engine *pe = e->priv;

	if (!atomic_exchange(&pe->rung, true))
		kill(pe->doorbell, SIGUSR1);
}

static void pt_kick(struct engine_ctx *ctx)
{
	if (ctx->running && !ctx->stashed)
		ptrace(PTRACE_INTERRUPT, ctx->tid, 0, 0);
}

static int pt_get_fpu(struct engine_ctx *ctx, void *buf)
{
	struct pt_engine *pe = ctx->as->pe;
	struct iovec iov = { buf, pe->e->fpu_size };

	if (ptrace(PTRACE_GETREGSET, ctx->tid, NT_X86_XSTATE, &iov) < 0)
		return err();
	return 0;
}

static int pt_set_fpu(struct engine_ctx *ctx, const void *buf)
{
	struct pt_engine *pe = ctx->as->pe;
	struct iovec iov = { (void *)buf, pe->e->fpu_size };

	if (ptrace(PTRACE_SETREGSET, ctx->tid, NT_X86_XSTATE, &iov) < 0)
		return err();
	return 0;
}

/* The first field of /proc/PID/task/TID/schedstat: ns on a CPU. */
static s64 thread_cpu_time(struct engine_ctx *ctx)
{
	char buf[128];
	ssize_t n;
	s64 v = 0;

	if (ctx->sched_fd < 0) {
		snprintf(buf, sizeof(buf), "/proc/%d/task/%d/schedstat",
			 (int)ctx->as->pid, (int)ctx->tid);
		ctx->sched_fd = open(buf, O_RDONLY | O_CLOEXEC);
		if (ctx->sched_fd < 0)
			return -1;
	}
	n = pread(ctx->sched_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static s64 pt_cpu_time(struct engine_ctx *ctx)
{
	/*
	 * A thread CPU clock is readable only inside its own thread group,
	 * so a stub with one thread is measured by its process clock
	 * (MAKE_PROCESS_CPUCLOCK(pid, SCHED), readable by its parent), and
	 * the threads of a stub with several by their schedstat files.
	 */
	clockid_t clk = (clockid_t)((~(unsigned)ctx->as->pid << 3) | 2);
	struct timespec ts;

	if (ctx->as->nthreads > 1) {
		s64 v = thread_cpu_time(ctx);

		if (v >= 0)
			return v;
	}
	if (clock_gettime(clk, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- systrap: guest threads that trap by signal -------------------------
 *
 * The systrap engine is this engine with another way of running guest
 * code (stub.c has the stub's side).  A space is still a stub process
 * whose main thread umk traces and runs batches on; guest threads are
 * other, untraced host threads of the stub under a strict seccomp
 * filter.  Their system calls raise SIGSYS, their faults SIGSEGV and
 * the rest, and a kick is a signal too: the stub's handler writes why
 * into the thread's message slot (shared memory), rings the doorbell
 * and waits.  umk reads and writes the registers in the signal frame
 * through its own mapping and lets the thread go, so a system call
 * costs a signal and two futex hand-offs, no ptrace stop, and on a
 * multi-CPU host a poll instead of the hand-offs when both are awake.
 *
 * Everything in a message slot is writable by the guest process
 * itself, so umk reads each value once, checks it, and lets a lie harm
 * no one but that process.
 */

static int futex(u32 *addr, int op, u32 val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static int msg_slot_alloc(struct engine_as *as)
{
	for (int i = 0; i < STUB_MSG_SLOTS / 64; i++) {
		if (~as->msg_used[i]) {
			int b = __builtin_ctzll(~as->msg_used[i]);

			as->msg_used[i] |= 1ULL << b;
			return i * 64 + b;
		}
	}
	return -1;
}

static void msg_slot_free(struct engine_as *as, int k)
{
	as->msg_used[k / 64] &= ~(1ULL << (k % 64));
}

static char *msg_slot(struct engine_as *as, int k)
{
	return as->msg + (u64)k * STUB_MSG_SLOT;
}

static void run_add(struct pt_engine *pe, struct engine_ctx *th)
{
	if (pe->nrun == pe->run_cap) {
		int cap = pe->run_cap ? pe->run_cap * 2 : 64;
		struct engine_ctx **n = realloc(pe->run, cap * sizeof(*n));

		if (!n)
			abort(); /* a few pointers; nothing sane to do */
		pe->run = n;
		pe->run_cap = cap;
	}
	th->run_idx = pe->nrun;
	pe->run[pe->nrun++] = th;
}

static void run_del(struct pt_engine *pe, struct engine_ctx *th)
{
	int i = th->run_idx;

	if (i < 0)
		return;
	pe->run[i] = pe->run[--pe->nrun];
	pe->run[i]->run_idx = i;
	th->run_idx = -1;
}

/* The kernel's ucontext up to uc_sigmask (glibc's type is longer). */
#define UC_SIZE (offsetof(ucontext_t, uc_sigmask) + 8)

/*
 * Check where the handler says its frame is and remember it: the
 * ucontext and the XSAVE area must lie in the thread's signal stack.
 */
static int frame_locate(struct engine_ctx *th)
{
	struct pt_engine *pe = th->as->pe;
	u64 base = STUB_MSG + (u64)th->mslot * STUB_MSG_SLOT;
	u64 uc = __atomic_load_n(&th->m->uc, __ATOMIC_RELAXED), fp;
	ucontext_t *u;

	if (uc < base + STUB_MSG_STACK || uc > base + STUB_MSG_SLOT - UC_SIZE ||
	    uc % 8)
		return -EFAULT;
	u = (ucontext_t *)(msg_slot(th->as, th->mslot) + (uc - base));
	fp = (u64)__atomic_load_n(&u->uc_mcontext.fpregs, __ATOMIC_RELAXED);
	if (fp < base + STUB_MSG_STACK ||
	    fp > base + STUB_MSG_SLOT - pe->e->fpu_size || fp % 64)
		return -EFAULT;
	th->uc_off = uc - base;
	th->fp_off = fp - base;
	return 0;
}

static ucontext_t *frame_uc(struct engine_ctx *th)
{
	return (ucontext_t *)(msg_slot(th->as, th->mslot) + th->uc_off);
}

/* A thread the guest broke (its slot makes no sense): end the space. */
static void st_broken(struct engine_as *as)
{
	kill(as->pid, SIGKILL);
	as->error = -EIO;
}

/* Read the registers and the reason of the stop th reported. */
static void st_collect(struct engine_ctx *th, struct uregs *r,
		       struct trap *trap)
{
	struct pt_engine *pe = th->as->pe;
	struct stub_msg *m = th->m;
	greg_t *g;
	int signo = m->signo, code = m->code;

	memset(trap, 0, sizeof(*trap));
	if (frame_locate(th) < 0) {
		st_broken(th->as);
		trap->kind = TRAP_GONE;
		*r = th->host_regs;
		return;
	}
	g = frame_uc(th)->uc_mcontext.gregs;
	r->r8 = g[REG_R8]; r->r9 = g[REG_R9]; r->r10 = g[REG_R10];
	r->r11 = g[REG_R11]; r->r12 = g[REG_R12]; r->r13 = g[REG_R13];
	r->r14 = g[REG_R14]; r->r15 = g[REG_R15]; r->rdi = g[REG_RDI];
	r->rsi = g[REG_RSI]; r->rbp = g[REG_RBP]; r->rbx = g[REG_RBX];
	r->rdx = g[REG_RDX]; r->rax = g[REG_RAX]; r->rcx = g[REG_RCX];
	r->rsp = g[REG_RSP]; r->rip = g[REG_RIP]; r->eflags = g[REG_EFL];
	/* The selectors are the host's, as with ptrace. */
	r->cs = pe->seg.cs;
	r->ss = pe->seg.ss;
	r->ds = pe->seg.ds;
	r->es = pe->seg.es;
	r->fs = pe->seg.fs;
	r->gs = pe->seg.gs;
	r->fs_base = th->fs_base;
	r->gs_base = th->gs_base;
	r->orig_rax = (u64)-1;
	if (signo == SIGSYS && code == 1 /* SYS_SECCOMP */) {
		if (m->arch == AUDIT_ARCH_X86_64) {
			trap->kind = TRAP_SYSCALL;
			r->orig_rax = r->rax;
			r->rax = (u64)-ENOSYS;
			return;
		}
		/* int $0x80 and friends: a kernel without 32-bit calls. */
		trap->kind = TRAP_EXCEPTION;
		trap->signo = SIGSEGV;
		trap->code = SI_KERNEL;
		trap->trapno = 13;
		r->rip -= 2;
		return;
	}
	if ((signo == SIGSEGV || signo == SIGBUS || signo == SIGILL ||
	     signo == SIGFPE || signo == SIGTRAP) &&
	    (code > 0 || code == SI_KERNEL)) {
		unsigned long err = g[REG_ERR];

		trap->trapno = (int)g[REG_TRAPNO];
		trap->signo = signo;
		trap->code = code;
		trap->addr = m->addr;
		if (signo == SIGSEGV && trap->trapno == 14) {
			trap->kind = TRAP_PAGE_FAULT;
			trap->present = err & 1;
			trap->access = err & 2 ? FAULT_WRITE :
				       err & 16 ? FAULT_EXEC : FAULT_READ;
			return;
		}
		trap->kind = TRAP_EXCEPTION;
		if (signo == SIGSEGV)
			trap->addr = 0;
		return;
	}
	/* The kick, or anything else: nothing the guest should see. */
	trap->kind = TRAP_INTERRUPTED;
}

/* Let the main thread run on any CPU again (see st_batch_cpu). */
static void main_unbind(struct engine_as *as)
{
	cpu_set_t set;

	if (as->main_cpu >= 0 && sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    sched_setaffinity(as->main->tid, sizeof(set), &set) == 0)
		as->main_cpu = -1;
}

/*
 * A new guest-capable host thread: a batch clones the main thread onto
 * a stack in a free message slot, and the child stops at its first
 * trap (stub_thread_first) once its filter is in.
 */
static struct engine_ctx *st_thread_clone(struct engine_as *as)
{
	struct pt_engine *pe = as->pe;
	u64 base;
	struct stub_msg *m;
	struct engine_ctx *th;
	int k = msg_slot_alloc(as), status;

	if (k < 0)
		return NULL;
	m = (struct stub_msg *)msg_slot(as, k);
	memset(m, 0, sizeof(*m));
	base = STUB_MSG + (u64)k * STUB_MSG_SLOT;
	/* The new thread would inherit a binding to one CPU. */
	main_unbind(as);
	if (queue(as, SYS_clone, STUB_CLONE_FLAGS_ST, base + STUB_MSG_STACK,
		  base + offsetof(struct stub_msg, tid),
		  base + offsetof(struct stub_msg, tid), 0, 0) < 0 ||
	    flush_on(as, as->main, NULL) != 0)
		goto fail;
	/* Its first trap rings the doorbell, as any trap does. */
	for (int waited = 0;; waited++) {
		struct timespec ts = { 0, 10000000 };
		u32 seq = __atomic_load_n(&pe->bell->seq, __ATOMIC_SEQ_CST);

		__atomic_store_n(&pe->bell->sleeping, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&m->state, __ATOMIC_SEQ_CST) == MSG_TRAPPED)
			break;
		if (waited == 500 ||
		    waitpid(as->pid, &status, __WALL | WNOHANG) == as->pid) {
			__atomic_store_n(&pe->bell->sleeping, 0, __ATOMIC_SEQ_CST);
			goto broken;
		}
		futex(&pe->bell->seq, FUTEX_WAIT, seq, &ts);
	}
	__atomic_store_n(&pe->bell->sleeping, 0, __ATOMIC_SEQ_CST);
	th = thread_new(as, (pid_t)__atomic_load_n(&m->tid, __ATOMIC_ACQUIRE));
	if (!th)
		goto broken;
	th->mslot = k;
	th->m = m;
	if (frame_locate(th) < 0 ||
	    (u64)frame_uc(th)->uc_mcontext.gregs[REG_RIP] !=
		    STUB_SYM_stub_thread_first) {
		thread_free(th);
		goto broken;
	}
	return th;
broken:
	st_broken(as);
fail:
	msg_slot_free(as, k);
	return NULL;
}

/* End a parked guest thread: it exits from its handler. */
static void st_thread_exit(struct engine_ctx *th)
{
	struct engine_as *as = th->as;
	struct stub_msg *m = th->m;
	u32 tid;

	__atomic_store_n(&m->state, MSG_EXIT, __ATOMIC_SEQ_CST);
	futex(&m->state, FUTEX_WAKE, 1, NULL);
	/* The slot is free once the kernel has cleared tid (CLEARTID). */
	for (int waited = 0;
	     (tid = __atomic_load_n(&m->tid, __ATOMIC_ACQUIRE)) != 0;
	     waited++) {
		struct timespec ts = { 0, 10000000 };

		if (waited == 500) {
			st_broken(as); /* the slot stays taken */
			thread_free(th);
			return;
		}
		futex(&m->tid, FUTEX_WAIT, tid, &ts);
	}
	msg_slot_free(as, th->mslot);
	thread_free(th);
}

/*
 * Where a batch for as runs.  While the space has one guest thread, on
 * the CPU umk runs on: umk only waits for the batch there, so handing
 * the CPU to the main thread and back is a switch on one CPU, where
 * waking a thread on another, idle, CPU costs tens of microseconds in a
 * virtual machine (an IPI, a halted vCPU to schedule), twice a batch.
 * The trapped thread goes on polling on its own CPU, so that it is
 * running, not waking, when umk answers.  cbuild (make -j2): 2.25-2.6
 * -> 2.0-2.25 s; fork+exec alone is as fast as on the guest thread's
 * CPU, as before, where the batch's munmap and mprotect flushed no
 * other CPU's TLB.  With several guest threads the main thread may run
 * anywhere (main_cpu -1): a clone made from a bound main thread would
 * inherit the binding (main_unbind).
 */
static void st_batch_cpu(struct engine_as *as)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (as->nthreads - as->nparked > 1) {
		main_unbind(as);
		return;
	}
	if (cpu < 0 || cpu >= CPU_SETSIZE || cpu == as->main_cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(as->main->tid, sizeof(set), &set) == 0)
		as->main_cpu = cpu;
}

static int st_resume(struct engine_ctx *ctx, const struct uregs *r)
{
	struct engine_as *as = ctx->as;
	struct pt_engine *pe = as->pe;
	struct stub_msg *m = ctx->m;
	ucontext_t *uc;
	greg_t *g;
	int rc;

	if (as->ctl->nops || as->error) {
		st_batch_cpu(as);
		rc = flush_on(as, as->main, NULL);
		if (rc < 0)
			return rc;
	}
	uc = frame_uc(ctx);
	g = uc->uc_mcontext.gregs;
	g[REG_R8] = r->r8; g[REG_R9] = r->r9; g[REG_R10] = r->r10;
	g[REG_R11] = r->r11; g[REG_R12] = r->r12; g[REG_R13] = r->r13;
	g[REG_R14] = r->r14; g[REG_R15] = r->r15; g[REG_RDI] = r->rdi;
	g[REG_RSI] = r->rsi; g[REG_RBP] = r->rbp; g[REG_RBX] = r->rbx;
	g[REG_RDX] = r->rdx; g[REG_RAX] = r->rax; g[REG_RCX] = r->rcx;
	g[REG_RSP] = r->rsp; g[REG_RIP] = r->rip; g[REG_EFL] = r->eflags;
	/* The selectors are the host's (cs, gs, fs, ss in one word). */
	g[REG_CSGSFS] = (greg_t)(pe->seg.cs | (pe->seg.ss << 48));
	memset(&uc->uc_sigmask, 0, 8);
	if (r->fs_base != ctx->fs_base) {
		m->fs_base = r->fs_base;
		m->set_base |= 1;
		ctx->fs_base = r->fs_base;
	}
	if (r->gs_base != ctx->gs_base) {
		m->gs_base = r->gs_base;
		m->set_base |= 2;
		ctx->gs_base = r->gs_base;
	}
	ctx->running = true;
	ctx->kick_ns = 0;
	run_add(pe, ctx);
	/*
	 * Polling for the answer pays when umk has a CPU of its own to give
	 * it on; with every CPU running guest code it only takes time from
	 * them.
	 */
	m->spin = pe->nrun < pe->ncpus ? pe->thread_spin : pe->busy_thread_spin;
	m->yield = pe->thread_yield;
	__atomic_store_n(&m->state, MSG_RESUME, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->waiting, __ATOMIC_SEQ_CST))
		futex(&m->state, FUTEX_WAKE, 1, NULL);
	return 0;
}

/* A running context whose thread has trapped, round robin; or NULL. */
static struct engine_ctx *st_scan(struct pt_engine *pe)
{
	int n = pe->nrun;

	for (int i = 0; i < n; i++) {
		struct engine_ctx *th;

		if (pe->scan_pos >= n)
			pe->scan_pos = 0;
		th = pe->run[pe->scan_pos++];
		if (__atomic_load_n(&th->m->state, __ATOMIC_ACQUIRE) ==
		    MSG_TRAPPED)
			return th;
	}
	return NULL;
}

/*
 * Report a running context gone (its process died, or its host thread
 * vanished): the space is done for, never pooled.
 */
static void st_gone(struct pt_engine *pe, struct engine_ctx *th, int status)
{
	th->as->error = -ESRCH;
	run_del(pe, th);
	memset(&th->stash_trap, 0, sizeof(th->stash_trap));
	th->stash_trap.kind = TRAP_GONE;
	th->stash_trap.status = status;
	th->stash_regs = th->host_regs;
	stash_push(pe, th);
}

/*
 * Collect the stops and deaths of the traced main threads.  A stub dies
 * under a running guest thread only when something kills it from
 * outside, or umk does (st_broken): checked every CHECK_NS, not on
 * SIGCHLD, which every batch's stop would raise.
 */
static void st_reap(struct pt_engine *pe)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, __WALL | WNOHANG)) > 0) {
		struct engine_ctx *th = hash_find(pe, pid);
		struct engine_as *as;

		if (!th || !th->main)
			continue;
		as = th->as;
		if (as->wiping && WIFSTOPPED(status)) {
			/* The wipe of a pooled space (wipe_wait). */
			struct user_regs_struct r;
			int rc = batch_stop(th, status, &r, NULL);

			if (rc != BATCH_AGAIN) {
				as->wiping = false;
				batch_end(as, rc, &r);
			}
			continue;
		}
		if (WIFSTOPPED(status)) {
			/* A signal from outside: drop it. */
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		as->wiping = false;
		as->error = -ESRCH;
		for (th = as->threads; th; th = th->as_next)
			if (th->running && !th->stashed)
				st_gone(pe, th, status);
	}
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A thread answers a kick within microseconds, unless its process made
 * it deaf (a forged signal frame can block the kick signal or move the
 * signal stack).  Such a process cannot be stopped any other way, so
 * after a second it is killed; st_reap reports its threads gone.
 */
#define KICK_DEADLINE_NS 1000000000ULL
/* How often st_wait looks for dead stubs and deaf threads. */
#define CHECK_NS 100000000ULL

static void st_check(struct pt_engine *pe, u64 now)
{
	pe->kick_check_ns = now;
	st_reap(pe);
	for (int i = 0; i < pe->nrun; i++) {
		struct engine_ctx *th = pe->run[i];

		if (th->as->error)
			continue;
		/* Deaf to kicks, or its host thread ended (tid cleared). */
		if ((th->kick_ns && now - th->kick_ns > KICK_DEADLINE_NS &&
		     __atomic_load_n(&th->m->state, __ATOMIC_ACQUIRE) !=
			     MSG_TRAPPED) ||
		    !__atomic_load_n(&th->m->tid, __ATOMIC_ACQUIRE))
			st_broken(th->as);
	}
}

static int st_wait(struct engine *e, bool block, void **cookie,
		   struct uregs *regs, struct trap *trap)
{
	struct pt_engine *pe = e->priv;
	struct stub_bell *b = pe->bell;
	struct engine_ctx *ctx;
	u64 until = 0, yuntil = 0, now = now_ns(), spin;

	if (now - pe->kick_check_ns > CHECK_NS)
		st_check(pe, now);
	for (;;) {
		if (stash_pop(pe, cookie, regs, trap))
			return 1;
		if ((ctx = st_scan(pe))) {
			run_del(pe, ctx);
			ctx->running = false;
			ctx->kick_ns = 0;
			st_collect(ctx, regs, trap);
			ctx->host_regs = *regs;
			*cookie = ctx->cookie;
			return 1;
		}
		if (atomic_exchange(&pe->rung, false) || !block)
			return 0;
		/* Poll a while: a thread on another CPU may trap soon. */
		spin = pe->nrun < pe->ncpus ? pe->spin_ns : pe->busy_spin_ns;
		if (pe->nrun && spin) {
			u64 t = now_ns();

			if (!until)
				until = t + spin;
			if (t < until) {
				for (int i = 0; i < 64; i++)
					__builtin_ia32_pause();
				continue;
			}
		}
		if (pe->nrun && pe->yield_ns) {
			u64 t = now_ns();

			if (!yuntil)
				yuntil = t + pe->yield_ns;
			if (t < yuntil) {
				sched_yield();
				continue;
			}
		}
		u32 seq = __atomic_load_n(&b->seq, __ATOMIC_SEQ_CST);
		struct timespec ts = { 0, CHECK_NS }; /* for st_check */

		__atomic_store_n(&b->sleeping, 1, __ATOMIC_SEQ_CST);
		if (!st_scan(pe) && !atomic_load(&pe->rung))
			futex(&b->seq, FUTEX_WAIT, seq, &ts);
		__atomic_store_n(&b->sleeping, 0, __ATOMIC_SEQ_CST);
		until = 0;
		yuntil = 0;
		now = now_ns();
		if (now - pe->kick_check_ns > CHECK_NS)
			st_check(pe, now);
	}
}

static void st_wake(struct engine *e)
{
	struct pt_engine *pe = e->priv;

	if (!atomic_exchange(&pe->rung, true)) {
		__atomic_fetch_add(&pe->bell->seq, 1, __ATOMIC_SEQ_CST);
		futex(&pe->bell->seq, FUTEX_WAKE, 1, NULL);
	}
}

static void st_kick(struct engine_ctx *ctx)
{
	if (!ctx->running || ctx->stashed)
		return;
	if (!ctx->kick_ns)
		ctx->kick_ns = now_ns();
	if (syscall(SYS_tgkill, ctx->as->pid, ctx->tid, STUB_KICK_SIG) < 0 &&
	    errno == ESRCH) {
		st_broken(ctx->as); /* the thread is no more */
		st_gone(ctx->as->pe, ctx, 0);
	}
}

static int st_get_fpu(struct engine_ctx *ctx, void *buf)
{
	memcpy(buf, msg_slot(ctx->as, ctx->mslot) + ctx->fp_off,
	       ctx->as->pe->e->fpu_size);
	return 0;
}

/*
 * The state goes into the signal frame, for the host's rt_sigreturn:
 * refuse what the host would (as PTRACE_SETREGSET does) and keep the
 * frame's own software bytes, which say what the frame holds.
 */
static int st_set_fpu(struct engine_ctx *ctx, const void *buf)
{
	char *fp = msg_slot(ctx->as, ctx->mslot) + ctx->fp_off;
	const char *in = buf;
	u64 xfeatures, bv, comp;
	u32 mxcsr, mask;

	memcpy(&xfeatures, fp + 472, 8);
	memcpy(&mask, fp + 28, 4);
	if (!mask)
		mask = 0xffbf;
	memcpy(&mxcsr, in + 24, 4);
	memcpy(&bv, in + 512, 8);
	memcpy(&comp, in + 520, 8);
	if ((mxcsr & ~mask) || (bv & ~xfeatures) || comp)
		return -EINVAL;
	for (int i = 528; i < 576; i++)
		if (in[i])
			return -EINVAL;
	memcpy(fp, in, 464);
	memcpy(fp + 512, in + 512, ctx->as->pe->e->fpu_size - 512);
	return 0;
}

/*
 * The filter guest threads add: every system call traps (SIGSYS),
 * except the four the handler makes, each from its own instruction:
 * futex wait and wake, rt_sigreturn, exit, and arch_prctl setting the
 * FS or GS base.
 */
static void strict_build(struct pt_engine *pe)
{
#define IP_LO(a) ((u32)(a))
#define LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off)
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, t, f)
#define RET(v) BPF_STMT(BPF_RET | BPF_K, v)
	enum { NR = 0, ARCH = 4, IPLO = 8, IPHI = 12, A0 = 16, A1 = 24 };
	struct sock_filter f[] = {
		/* 0 */ LD(ARCH),
		/* 1 */ JEQ(AUDIT_ARCH_X86_64, 0, 24),
		/* 2 */ LD(IPHI),
		/* 3 */ JEQ((u32)(STUB_BASE >> 32), 0, 22),
		/* 4 */ LD(NR),
		/* 5 */ JEQ(SYS_futex, 0, 5),
		/* 6 */ LD(IPLO),
		/* 7 */ JEQ(IP_LO(STUB_SYM_stub_site_futex), 0, 18),
		/* 8 */ LD(A1),
		/* 9 */ JEQ(FUTEX_WAIT, 17, 0),
		/* 10 */ JEQ(FUTEX_WAKE, 16, 15),
		/* 11 */ JEQ(SYS_rt_sigreturn, 0, 2),
		/* 12 */ LD(IPLO),
		/* 13 */ JEQ(IP_LO(STUB_SYM_stub_site_sigreturn), 13, 12),
		/* 14 */ JEQ(SYS_exit, 0, 2),
		/* 15 */ LD(IPLO),
		/* 16 */ JEQ(IP_LO(STUB_SYM_stub_site_exit), 10, 9),
		/* 17 */ JEQ(SYS_arch_prctl, 0, 5),
		/* 18 */ LD(IPLO),
		/* 19 */ JEQ(IP_LO(STUB_SYM_stub_site_arch_prctl), 0, 6),
		/* 20 */ LD(A0),
		/* 21 */ JEQ(ARCH_SET_FS, 5, 0),
		/* 22 */ JEQ(ARCH_SET_GS, 4, 3),
		/* 23 */ JEQ(SYS_sched_yield, 0, 2),
		/* 24 */ LD(IPLO),
		/* 25 */ JEQ(IP_LO(STUB_SYM_stub_site_yield), 1, 0),
		/* 26 */ RET(SECCOMP_RET_TRAP),
		/* 27 */ RET(SECCOMP_RET_ALLOW),
	};
#undef IP_LO
#undef LD
#undef JEQ
#undef RET
	memcpy(pe->strict, f, sizeof(f));
	pe->strict_len = sizeof(f) / sizeof(f[0]);
}

/* ---- set-up --------------------------------------------------------------- */

/*
 * Where the vDSO of a stub is, if it could move it to STUB_VDSO: the
 * [vdso] line of its maps, which must lie inside the stub's area.  The
 * named mappings there and above it ([vvar], [vdso], [vsyscall]) are
 * what every guest's maps shows up there.
 */
static void stub_specials(struct engine *e, pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		char perms[8], name[32];
		struct engine_special *sp;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %31s", &lo, &hi,
			   perms, name) != 4 || name[0] != '[' ||
		    lo < STUB_VDSO || (lo < STUB_END && hi > STUB_END))
			continue;
		if (!strcmp(name, "[vdso]") && hi <= STUB_END)
			e->vdso = lo;
		if (e->nspecials == (int)(sizeof(e->specials) /
					  sizeof(e->specials[0])) ||
		    strlen(perms) >= sizeof(sp->perms) ||
		    strlen(name) >= sizeof(sp->name))
			continue;
		sp = &e->specials[e->nspecials++];
		sp->start = lo;
		sp->end = hi;
		memcpy(sp->perms, perms, strlen(perms) + 1);
		memcpy(sp->name, name, strlen(name) + 1);
	}
	fclose(f);
}

/* Learn the selectors, the XSAVE size and the vDSO from a fresh stub. */
static int probe_stub(struct pt_engine *pe)
{
	static char xbuf[65536] __attribute__((aligned(64)));
	struct iovec iov = { xbuf, sizeof(xbuf) };
	struct engine_as *as;
	int rc;

	rc = pt_as_create(pe->e, &as);
	if (rc < 0)
		return rc;
	if (ptrace(PTRACE_GETREGS, as->pid, 0, &pe->seg) < 0 ||
	    ptrace(PTRACE_GETREGSET, as->pid, NT_X86_XSTATE, &iov) < 0) {
		rc = err();
		as_kill(as);
		return rc;
	}
	pe->e->fpu_size = iov.iov_len;
	stub_specials(pe->e, as->pid);
	pt_as_destroy(as);
	return 0;
}

/* TSC ticks per microsecond, measured over 200 us. */
static u64 tsc_per_us(void)
{
	u64 t0 = now_ns(), c0 = __builtin_ia32_rdtsc(), t;

	while ((t = now_ns()) - t0 < 200000)
		;
	return (__builtin_ia32_rdtsc() - c0) * 1000 / (t - t0);
}

/* us microseconds in TSC ticks, for the stub's 32-bit fields. */
static unsigned tsc_ticks(unsigned us, u64 tsc_per_us)
{
	u64 t = (u64)us * tsc_per_us;

	return t > UINT32_MAX ? UINT32_MAX : (unsigned)t;
}

/* systrap: the message memory, the strict filter, spinning. */
static int st_setup(struct pt_engine *pe)
{
	size_t size = MSG_HEAD + (size_t)CTL_SLOTS * STUB_MSG_SIZE;
	const char *env = getenv("UMK_SYSTRAP_SPIN");
	cpu_set_t cpus;

	pe->msg_fd = memfd_create("umk-stub-msg", MFD_CLOEXEC);
	if (pe->msg_fd < 0)
		return err();
	if (ftruncate(pe->msg_fd, size) < 0)
		return err();
	pe->msg_base = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, pe->msg_fd, 0);
	if (pe->msg_base == MAP_FAILED)
		return err();
	pe->bell = (struct stub_bell *)pe->msg_base;
	strict_build(pe);
	/*
	 * A trapped thread spins a while for its answer when umk and it
	 * are on different CPUs (st_resume checks that there is one to
	 * spare).  After that, and from the start for umk, both sides poll
	 * with sched_yield between looks for up to 1 ms: the CPU goes to
	 * whatever else can run on it, but it does not go idle, and waking
	 * a thread on an idle CPU is what costs most (an IPI, and on a
	 * virtual machine a halted vCPU to schedule: tens of microseconds
	 * per system call).  umk spinning without sched_yield kept the CPU
	 * from the guest threads queued behind it: getpid 3.7 -> 2.7 us, a
	 * condition-variable test 2.2 -> 1.0 s without it.
	 * UMK_SYSTRAP_SPIN=UMK_US,THREAD_US[,BUSY_UMK_US,BUSY_THREAD_US
	 * [,YIELD_UMK_US,YIELD_THREAD_US]] overrides, for measurements.
	 */
	pe->ncpus = 1;
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		pe->ncpus = CPU_COUNT(&cpus);
	unsigned umk_us = 0, thread_us = 20, busy_umk = 0, busy_thread = 0;
	unsigned yield_umk = 1000, yield_thread = 1000;

	if (env && sscanf(env, "%u,%u,%u,%u,%u,%u", &umk_us, &thread_us,
			  &busy_umk, &busy_thread, &yield_umk,
			  &yield_thread) < 2) {
		fprintf(stderr, "umk: UMK_SYSTRAP_SPIN is UMK_US,THREAD_US"
			"[,BUSY_UMK_US,BUSY_THREAD_US[,YIELD_UMK_US,"
			"YIELD_THREAD_US]] (microseconds), not '%s'\n", env);
		return -EINVAL;
	}
	if (pe->ncpus > 1) {
		u64 tsc = tsc_per_us();

		pe->spin_ns = umk_us * 1000ULL;
		pe->thread_spin = tsc_ticks(thread_us, tsc);
		pe->busy_spin_ns = busy_umk * 1000ULL;
		pe->busy_thread_spin = tsc_ticks(busy_thread, tsc);
		pe->yield_ns = yield_umk * 1000ULL;
		pe->thread_yield = tsc_ticks(yield_thread, tsc);
	}
	return 0;
}

static int engine_setup(struct engine *e, const struct engine_config *cfg,
			bool systrap)
{
	struct pt_engine *pe = calloc(1, sizeof(*pe));
	int rc;

	if (!pe)
		return -ENOMEM;
	pe->e = e;
	pe->phys_fd = cfg->phys_fd;
	pe->msg_fd = -1;
	pe->systrap = systrap;
	e->priv = pe;
	e->caps = ENGINE_CAP_THREADS | (systrap ? ENGINE_CAP_FAULT_ACCESS : 0);
	e->user_top = STUB_BASE;
	if ((rc = image_create(pe)) < 0 || (rc = ctl_create(pe)) < 0 ||
	    (rc = filter_build(pe)) < 0 || (systrap && (rc = st_setup(pe)) < 0)) {
		fprintf(stderr, "umk: %s engine set-up failed: %s\n",
			systrap ? "systrap" : "ptrace", strerror(-rc));
		return rc;
	}
	rc = probe_stub(pe);
	if (rc < 0 || systrap)
		return rc;
	rc = slot_alloc(pe);
	if (rc < 0)
		return rc;
	pe->doorbell = stub_spawn(pe, 'd', rc);
	if (pe->doorbell < 0)
		return pe->doorbell;
	return 0;
}

static int pt_init(struct engine *e, const struct engine_config *cfg)
{
	return engine_setup(e, cfg, false);
}

static int st_init(struct engine *e, const struct engine_config *cfg)
{
	return engine_setup(e, cfg, true);
}

static void pt_shutdown(struct engine *e)
{
	struct pt_engine *pe = e->priv;
	struct engine_as *as;

	while ((as = pe->pool)) {
		pe->pool = as->pool_next;
		as_kill(as);
	}
	if (pe->doorbell > 0)
		kill(pe->doorbell, SIGKILL);
}

const struct engine_ops ptrace_engine_ops = {
	.name = "ptrace",
	.init = pt_init,
	.shutdown = pt_shutdown,
	.as_create = pt_as_create,
	.as_destroy = pt_as_destroy,
	.as_map = pt_as_map,
	.as_unmap = pt_as_unmap,
	.as_protect = pt_as_protect,
	.as_flush = pt_as_flush,
	.ctx_create = pt_ctx_create,
	.ctx_set_cookie = pt_ctx_set_cookie,
	.ctx_destroy = pt_ctx_destroy,
	.ctx_set_as = pt_ctx_set_as,
	.resume = pt_resume,
	.wait = pt_wait,
	.wake = pt_wake,
	.kick = pt_kick,
	.get_fpu = pt_get_fpu,
	.set_fpu = pt_set_fpu,
	.cpu_time = pt_cpu_time,
};

const struct engine_ops systrap_engine_ops = {
	.name = "systrap",
	.init = st_init,
	.shutdown = pt_shutdown,
	.as_create = pt_as_create,
	.as_destroy = pt_as_destroy,
	.as_map = pt_as_map,
	.as_unmap = pt_as_unmap,
	.as_protect = pt_as_protect,
	.as_flush = pt_as_flush,
	.ctx_create = pt_ctx_create,
	.ctx_set_cookie = pt_ctx_set_cookie,
	.ctx_destroy = pt_ctx_destroy,
	.ctx_set_as = pt_ctx_set_as,
	.resume = st_resume,
	.wait = st_wait,
	.wake = st_wake,
	.kick = st_kick,
	.get_fpu = st_get_fpu,
	.set_fpu = st_set_fpu,
	.cpu_time = pt_cpu_time,
};
