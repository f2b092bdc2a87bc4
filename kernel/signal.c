/*
 * Signals.
 *
 * A signal is pending on a thread (tgkill, faults) or on its process
 * (kill).  Standard signals do not queue; real-time ones do, with their
 * siginfo.  A task looks at its pending signals in do_signal() on every
 * return to user mode: it runs the default action (ignore, terminate,
 * dump core, stop, continue) or builds an rt_sigframe on the user stack
 * (on the alternate stack for SA_ONSTACK) and enters the handler with
 * the registers the x86-64 ABI prescribes.  rt_sigreturn undoes it,
 * taking back only what a user may set.
 *
 * Interrupted system calls: a call that returns -ERESTART* restarts
 * (rip back over the syscall instruction) or fails with EINTR, as Linux
 * decides from the handler's SA_RESTART.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/syscall.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/event.h"

#define SYNCHRONOUS_MASK                                                  \
	(SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) |           \
	 SIGMASK(SIGTRAP) | SIGMASK(SIGFPE) | SIGMASK(SIGSYS))
#define STOP_MASK                                                         \
	(SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) |         \
	 SIGMASK(SIGTTOU))
#define COREDUMP_MASK                                                     \
	(SIGMASK(SIGQUIT) | SIGMASK(SIGILL) | SIGMASK(SIGTRAP) |          \
	 SIGMASK(SIGABRT) | SIGMASK(SIGBUS) | SIGMASK(SIGFPE) |           \
	 SIGMASK(SIGSEGV) | SIGMASK(SIGXCPU) | SIGMASK(SIGXFSZ) |         \
	 SIGMASK(SIGSYS))
#define IGNORE_MASK                                                       \
	(SIGMASK(SIGCHLD) | SIGMASK(SIGURG) | SIGMASK(SIGWINCH) |         \
	 SIGMASK(SIGCONT))

/* ---- handlers ---- */

struct sighand *sighand_create(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	sh->refcount = 1;
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (--sh->refcount == 0)
		kfree(sh);
}

void flush_signal_handlers(struct task *t)
{
	struct sighand *sh = t->proc->sighand;

	for (int i = 0; i < NSIG; i++) {
		struct linux_sigaction *a = &sh->action[i];

		if (a->handler != SIG_IGN)
			a->handler = SIG_DFL;
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
}

static struct linux_sigaction *action_of(struct task *t, int sig)
{
	return &t->proc->sighand->action[sig - 1];
}

static bool sig_ignored(struct task *t, int sig)
{
	struct linux_sigaction *a = action_of(t, sig);

	if ((t->blocked | t->real_blocked) & SIGMASK(sig))
		return false;
	return a->handler == SIG_IGN ||
	       (a->handler == SIG_DFL && (IGNORE_MASK & SIGMASK(sig)));
}

/* ---- pending sets ---- */

static void pending_init(struct sigpending *p)
{
	if (!p->queue.next)
		list_init(&p->queue);
}

static void pending_add(struct sigpending *p, int sig,
			const struct linux_siginfo *info)
{
	struct sigqueue *q;

	pending_init(p);
	if (sig < SIGRTMIN && (p->set & SIGMASK(sig)))
		return; /* standard signals do not queue */
	q = kzalloc(sizeof(*q));
	q->info = *info;
	q->info.si_signo = sig;
	list_add_tail(&p->queue, &q->link);
	p->set |= SIGMASK(sig);
	signalfd_notify();
}

static void pending_flush_mask(struct sigpending *p, sigset_t mask)
{
	struct sigqueue *q, *tmp;

	pending_init(p);
	list_for_each_safe(q, tmp, &p->queue, link) {
		if (mask & SIGMASK(q->info.si_signo)) {
			list_del(&q->link);
			kfree(q);
		}
	}
	p->set &= ~mask;
}

static int pending_take(struct sigpending *p, int sig,
			struct linux_siginfo *info)
{
	struct sigqueue *q, *found = NULL;
	bool more = false;

	pending_init(p);
	list_for_each(q, &p->queue, link) {
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (!found)
		return 0;
	*info = found->info;
	list_del(&found->link);
	kfree(found);
	if (!more)
		p->set &= ~SIGMASK(sig);
	return sig;
}

static int first_sig(sigset_t set)
{
	if (set & SYNCHRONOUS_MASK)
		set &= SYNCHRONOUS_MASK;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

int dequeue_signal(struct task *t, sigset_t mask, struct linux_siginfo *info)
{
	int sig = first_sig(t->pending.set & mask);

	if (sig)
		return pending_take(&t->pending, sig, info);
	sig = first_sig(t->proc->shared_pending.set & mask);
	if (sig)
		return pending_take(&t->proc->shared_pending, sig, info);
	return 0;
}

bool signal_pending(struct task *t)
{
	if (t->proc->exiting)
		return true;
	if (t->proc->exec_task && t->proc->exec_task != t)
		return true;
	return ((t->pending.set | t->proc->shared_pending.set) & ~t->blocked) != 0;
}

/*
 * The wait status of a process killed by sig.  Linux flags a core dump
 * only when one was written, which needs RLIMIT_CORE above zero; umk
 * writes no core files but reports the flag where Linux would dump.
 */
static int death_status(struct process *p, int sig)
{
	if ((COREDUMP_MASK & SIGMASK(sig)) && p->rlim[RLIMIT_CORE].rlim_cur)
		return sig | 0x80;
	return sig;
}

/* ---- sending ---- */

void signal_wake(struct task *t, bool fatal)
{
	if (t->state == TASK_SLEEPING && (t->sleep_interruptible || fatal))
		wake_task(t);
	else if (t->state == TASK_STOPPED && fatal)
		wake_task_stopped(t);
	else if (t->state == TASK_USER)
		engine->ops->kick(t->ctx);
}

/* A fatal signal: the whole process goes at once. */
static void start_group_exit(struct process *p, int status)
{
	struct task *t;

	if (p->exiting)
		return;
	p->exiting = true;
	p->exit_code = status;
	list_for_each(t, &p->threads, thread_link)
		signal_wake(t, true);
}

static bool fatal_by_default(struct task *t, int sig)
{
	struct linux_sigaction *a = action_of(t, sig);

	if (sig == SIGKILL)
		return true;
	/* a signal sigtimedwait waits for is blocked all the same */
	if (a->handler != SIG_DFL ||
	    ((t->blocked | t->real_blocked) & SIGMASK(sig)))
		return false;
	return !(IGNORE_MASK & SIGMASK(sig)) && !(STOP_MASK & SIGMASK(sig));
}

static void prepare_signal(struct process *p, int sig)
{
	struct task *t;

	if (sig == SIGCONT) {
		pending_flush_mask(&p->shared_pending, STOP_MASK);
		list_for_each(t, &p->threads, thread_link)
			pending_flush_mask(&t->pending, STOP_MASK);
		process_continue(p);
	} else if (STOP_MASK & SIGMASK(sig)) {
		pending_flush_mask(&p->shared_pending, SIGMASK(SIGCONT));
		list_for_each(t, &p->threads, thread_link)
			pending_flush_mask(&t->pending, SIGMASK(SIGCONT));
	}
}

/* Queue sig on pending set pend, and wake a thread that can take it. */
static void complete_signal(struct process *p, struct task *target, int sig)
{
	struct task *t;

	if (target->state != TASK_DEAD && fatal_by_default(target, sig)) {
		start_group_exit(p, death_status(p, sig));
		return;
	}
	if (!(target->blocked & SIGMASK(sig))) {
		signal_wake(target, false);
		return;
	}
	list_for_each(t, &p->threads, thread_link) {
		if (!(t->blocked & SIGMASK(sig))) {
			signal_wake(t, false);
			return;
		}
	}
}

int send_signal_process(struct process *p, int sig,
			const struct linux_siginfo *info)
{
	struct task *t = p->leader;

	if (!sig || p->zombie)
		return 0;
	if (p->exiting && sig != SIGKILL)
		return 0;
	prepare_signal(p, sig);
	if (sig != SIGKILL && sig_ignored(t, sig))
		return 0;
	if (t->state == TASK_DEAD && !list_empty(&p->threads))
		t = list_first(&p->threads, struct task, thread_link);
	pending_add(&p->shared_pending, sig, info);
	complete_signal(p, t, sig);
	return 0;
}

int send_signal_thread(struct task *t, int sig,
		       const struct linux_siginfo *info)
{
	struct process *p = t->proc;

	if (!sig || t->state == TASK_DEAD)
		return 0;
	if (p->exiting && sig != SIGKILL)
		return 0;
	prepare_signal(p, sig);
	if (sig != SIGKILL && sig_ignored(t, sig))
		return 0;
	pending_add(&t->pending, sig, info);
	complete_signal(p, t, sig);
	return 0;
}

void send_sig(struct task *t, int sig)
{
	struct linux_siginfo info = { .si_signo = sig, .si_code = SI_KERNEL };

	send_signal_process(t->proc, sig, &info);
}

void force_sig_fault(struct task *t, int sig, int code, uaddr_t addr,
		     int trapno, int err)
{
	struct linux_siginfo info = { .si_signo = sig, .si_code = code };
	struct linux_sigaction *a = action_of(t, sig);

	info.fault.addr = addr;
	t->fault_trapno = trapno;
	t->fault_err = err;
	t->fault_addr = addr;
	/* A blocked or ignored fault cannot be survived: default action. */
	if ((t->blocked & SIGMASK(sig)) || a->handler == SIG_IGN) {
		a->handler = SIG_DFL;
		t->blocked &= ~SIGMASK(sig);
	}
	pending_add(&t->pending, sig, &info);
	if (fatal_by_default(t, sig))
		start_group_exit(t->proc, death_status(t->proc, sig));
}

int set_user_sigmask(struct task *t, uaddr_t umask, size_t size)
{
	sigset_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	t->blocked = mask & ~SIG_KERNEL_ONLY;
	return 0;
}

void restore_saved_sigmask_unless(struct task *t, bool interrupted)
{
	if (!interrupted && t->restore_blocked) {
		t->blocked = t->saved_blocked;
		t->restore_blocked = false;
	}
}

/* ---- frames ---- */

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FIX_EFLAGS 0x50dd5ULL

struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	u64 eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};

struct ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct linux_stack uc_stack;
	struct sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe {
	u64 pretcode;
	struct ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct sigcontext) == 256, "sigcontext");
_Static_assert(sizeof(struct ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo");

static bool on_altstack(struct task *t, uaddr_t sp)
{
	return t->altstack.ss_size && sp > t->altstack.ss_sp &&
	       sp - t->altstack.ss_sp <= t->altstack.ss_size;
}

static void fill_sigcontext(struct task *t, struct sigcontext *sc,
			    sigset_t oldmask)
{
	const struct uregs *r = &t->regs;

	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14; sc->r15 = r->r15;
	sc->rdi = r->rdi; sc->rsi = r->rsi; sc->rbp = r->rbp; sc->rbx = r->rbx;
	sc->rdx = r->rdx; sc->rax = r->rax; sc->rcx = r->rcx; sc->rsp = r->rsp;
	sc->rip = r->rip;
	sc->eflags = r->eflags;
	sc->cs = 0x33;
	sc->ss = 0x2b;
	sc->err = t->fault_err;
	sc->trapno = t->fault_trapno;
	sc->cr2 = t->fault_addr;
	sc->oldmask = oldmask;
}

/* Save the FPU state at fp (64-byte aligned) in the sigframe format. */
static int save_fpstate(struct task *t, uaddr_t fp)
{
	size_t size = engine->fpu_size;
	char *buf = kmalloc(size + 4);
	u32 magic2 = FP_XSTATE_MAGIC2;
	int rc;

	rc = engine->ops->get_fpu(t->ctx, buf);
	if (rc == 0) {
		u32 *sw = (u32 *)(buf + 464); /* fpx_sw_bytes */

		sw[0] = FP_XSTATE_MAGIC1;
		sw[1] = (u32)(size + 4);           /* extended_size */
		memcpy(buf + size, &magic2, 4);
		rc = copy_to_user(fp, buf, size + 4);
	}
	kfree(buf);
	return rc;
}

/* Build the frame for sig and point the registers at the handler. */
static int setup_frame(struct task *t, int sig, struct linux_siginfo *info,
		       const struct linux_sigaction *a, sigset_t oldmask)
{
	struct rt_sigframe frame;
	uaddr_t sp = t->regs.rsp, fp, fsp;
	size_t fpsize = engine->fpu_size + 4;

	if ((a->flags & SA_ONSTACK) && t->altstack.ss_size &&
	    !(t->altstack.ss_flags & SS_DISABLE) && !on_altstack(t, sp)) {
		sp = t->altstack.ss_sp + t->altstack.ss_size;
		if (t->altstack.ss_flags & SS_AUTODISARM)
			t->altstack.ss_size = 0;
	} else {
		sp -= 128; /* the red zone */
	}
	fp = ALIGN_DOWN(sp - fpsize, 64);
	fsp = ALIGN_DOWN(fp - sizeof(frame), 16) - 8;
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = a->restorer;
	frame.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack.ss_sp = t->altstack.ss_sp;
	frame.uc.uc_stack.ss_size = t->altstack.ss_size;
	frame.uc.uc_stack.ss_flags = t->altstack.ss_size
		? (on_altstack(t, t->regs.rsp) ? SS_ONSTACK : 0) : SS_DISABLE;
	fill_sigcontext(t, &frame.uc.uc_mcontext, oldmask);
	frame.uc.uc_mcontext.fpstate = fp;
	frame.uc.uc_sigmask = oldmask;
	frame.info = *info;
	if (save_fpstate(t, fp) < 0 || copy_to_user(fsp, &frame, sizeof(frame)))
		return -EFAULT;
	t->regs.rsp = fsp;
	t->regs.rip = a->handler;
	t->regs.rdi = sig;
	t->regs.rsi = fsp + offsetof(struct rt_sigframe, info);
	t->regs.rdx = fsp + offsetof(struct rt_sigframe, uc);
	t->regs.rax = 0;
	t->regs.eflags &= ~(0x100ULL | 0x400ULL); /* TF, DF */
	return 0;
}

long sys_rt_sigreturn(struct task *t)
{
	uaddr_t fsp = t->regs.rsp - 8;
	struct rt_sigframe frame;
	struct sigcontext *sc = &frame.uc.uc_mcontext;
	struct uregs *r = &t->regs;

	if (copy_from_user(&frame, fsp, sizeof(frame)))
		goto bad;
	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rax = sc->rax; r->rcx = sc->rcx; r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->eflags = (r->eflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	r->orig_rax = (u64)-1;
	t->blocked = frame.uc.uc_sigmask & ~SIG_KERNEL_ONLY;
	if (sc->fpstate) {
		char *buf = kmalloc(engine->fpu_size);
		int rc = copy_from_user(buf, sc->fpstate, engine->fpu_size);

		if (!rc)
			rc = engine->ops->set_fpu(t->ctx, buf);
		kfree(buf);
		if (rc)
			goto bad;
	}
	/* sigaltstack as the frame has it, if it is sane; else keep ours. */
	if (!(frame.uc.uc_stack.ss_flags & ~(SS_DISABLE | SS_ONSTACK |
					     SS_AUTODISARM)) &&
	    (frame.uc.uc_stack.ss_flags & SS_DISABLE ||
	     frame.uc.uc_stack.ss_size >= MINSIGSTKSZ)) {
		if (!(frame.uc.uc_stack.ss_flags & SS_ONSTACK)) {
			t->altstack.ss_sp = frame.uc.uc_stack.ss_sp;
			t->altstack.ss_size = frame.uc.uc_stack.ss_size;
			t->altstack.ss_flags = frame.uc.uc_stack.ss_flags & ~SS_ONSTACK;
		}
	}
	t->in_syscall = false;
	return (long)r->rax;
bad:
	force_sig_fault(t, SIGSEGV, SI_KERNEL, 0, 13, 0);
	t->in_syscall = false;
	return (long)r->rax;
}

/* ---- delivery ---- */

static void restart_syscall(struct task *t, bool have_handler,
			    const struct linux_sigaction *a)
{
	long ret = (long)t->regs.rax;

	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	switch (ret) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (have_handler) {
			t->regs.rax = (u64)-EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (have_handler && !(a->flags & SA_RESTART)) {
			t->regs.rax = (u64)-EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	t->regs.rax = ret == -ERESTART_RESTARTBLOCK ? NR_restart_syscall
						    : t->regs.orig_rax;
	t->regs.rip -= 2;
}

static bool deliver(struct task *t, int sig, struct linux_siginfo *info)
{
	struct linux_sigaction *a = action_of(t, sig);
	sigset_t oldmask = t->restore_blocked ? t->saved_blocked : t->blocked;

	restart_syscall(t, true, a);
	if (setup_frame(t, sig, info, a, oldmask) < 0) {
		/*
		 * No room for a frame.  As Linux's force_sigsegv(): if
		 * it was the SIGSEGV handler that could not run, the
		 * next SIGSEGV takes the default action, or delivery
		 * would fail forever.
		 */
		if (sig == SIGSEGV)
			a->handler = SIG_DFL;
		force_sig_fault(t, SIGSEGV, SI_KERNEL, 0, 13, 0);
		return false;
	}
	t->restore_blocked = false;
	t->blocked |= a->mask;
	if (!(a->flags & SA_NODEFER))
		t->blocked |= SIGMASK(sig);
	t->blocked &= ~SIG_KERNEL_ONLY;
	if (a->flags & SA_RESETHAND) {
		a->handler = SIG_DFL;
		a->flags &= ~SA_SIGINFO;
	}
	return true;
}

void do_signal(struct task *t)
{
	struct linux_siginfo info;
	int sig;

	for (;;) {
		struct linux_sigaction *a;

		if (t->proc->exiting)
			do_exit_group(t, t->proc->exit_code);
		if (t->proc->exec_task && t->proc->exec_task != t)
			do_exit(t, 0); /* another thread execs */
		sig = dequeue_signal(t, ~t->blocked, &info);
		if (!sig)
			break;
		a = action_of(t, sig);
		if (a->handler == SIG_IGN)
			continue;
		if (a->handler != SIG_DFL) {
			if (deliver(t, sig, &info))
				return;
			continue; /* the forced SIGSEGV comes next */
		}
		if (IGNORE_MASK & SIGMASK(sig))
			continue;
		/* init: a signal queued while blocked, now with no handler */
		if (t->proc->pid == 1 && sig != SIGKILL && sig != SIGSTOP)
			continue;
		if (STOP_MASK & SIGMASK(sig)) {
			do_group_stop(t, sig);
			continue;
		}
		do_exit_group(t, death_status(t->proc, sig));
	}
	restart_syscall(t, false, NULL);
	if (t->restore_blocked) {
		t->blocked = t->saved_blocked;
		t->restore_blocked = false;
	}
}
