/*
 * Signal system calls: actions, masks, the alternate stack, pending
 * sets.  Delivery is in signal.c.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/abi/stat.h"

long sys_rt_sigaction(struct task *t, int sig, uaddr_t uact, uaddr_t uoact,
		      size_t size)
{
	struct linux_sigaction *a, new;

	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (!valid_signal(sig))
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&new, uact, sizeof(new)))
		return -EFAULT;
	a = &t->proc->sighand->action[sig - 1];
	if (uoact && copy_to_user(uoact, a, sizeof(*a)))
		return -EFAULT;
	if (uact) {
		new.mask &= ~SIG_KERNEL_ONLY;
		*a = new;
		/* Ignoring a signal discards what is pending of it. */
		if (new.handler == SIG_IGN ||
		    (new.handler == SIG_DFL &&
		     (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH))) {
			struct linux_siginfo info;
			struct task *o;

			list_for_each(o, &t->proc->threads, thread_link)
				while (dequeue_signal(o, SIGMASK(sig), &info))
					;
		}
	}
	return 0;
}

long sys_rt_sigprocmask(struct task *t, int how, uaddr_t uset, uaddr_t uoset,
			size_t size)
{
	sigset_t set, old = t->blocked;

	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: t->blocked |= set; break;
		case SIG_UNBLOCK: t->blocked &= ~set; break;
		case SIG_SETMASK: t->blocked = set; break;
		default: return -EINVAL;
		}
		t->blocked &= ~SIG_KERNEL_ONLY;
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(struct task *t, uaddr_t uset, size_t size)
{
	sigset_t set = (t->pending.set | t->proc->shared_pending.set) &
		       t->blocked;

	if (size > sizeof(sigset_t))
		return -EINVAL;
	return copy_to_user(uset, &set, size);
}

long sys_sigaltstack(struct task *t, uaddr_t uss, uaddr_t uoss)
{
	struct linux_stack ss, old = t->altstack;
	bool on = t->altstack.ss_size && t->regs.rsp > t->altstack.ss_sp &&
		  t->regs.rsp - t->altstack.ss_sp <= t->altstack.ss_size;

	if (!old.ss_size || (old.ss_flags & SS_DISABLE)) {
		old = (struct linux_stack){ .ss_flags = SS_DISABLE };
	} else if (on) {
		old.ss_flags |= SS_ONSTACK;
	}
	if (uss) {
		int mode;

		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		mode = ss.ss_flags & ~SS_AUTODISARM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack.ss_sp = ss.ss_sp;
			t->altstack.ss_size = ss.ss_size;
			t->altstack.ss_flags = ss.ss_flags & SS_AUTODISARM;
		}
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- sending ---- */

/* May t send sig to process p?  (Linux's kill_ok_by_cred.) */
static bool may_signal(struct task *t, struct process *p, int sig)
{
	const struct creds *s = &t->proc->cred, *d = &p->cred;

	if (s->euid == 0)
		return true;
	if (s->euid == d->suid || s->euid == d->uid || s->uid == d->suid ||
	    s->uid == d->uid)
		return true;
	return sig == SIGCONT && t->proc->sid == p->sid;
}

/*
 * init only gets the signals it has a handler for, from its own
 * processes (as Linux's pid 1).  A signal the receiving thread blocks
 * is queued all the same (its handler may change, or sigwait take it);
 * delivery drops it if it still has the default action then.
 */
static bool init_protected(struct process *p, struct task *to, int sig)
{
	struct linux_sigaction *a;

	if (p->pid != 1 || !sig)
		return false;
	if (sig != SIGKILL && sig != SIGSTOP && to &&
	    (to->blocked & SIGMASK(sig)))
		return false;
	a = &p->sighand->action[sig - 1];
	return sig == SIGKILL || sig == SIGSTOP || a->handler == SIG_DFL ||
	       a->handler == SIG_IGN;
}

static void user_info(struct task *t, int sig, int code,
		      struct linux_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = t->proc->pid;
	info->kill.uid = t->proc->cred.uid;
}

static int signal_one(struct task *t, struct process *p, int sig,
		      const struct linux_siginfo *info)
{
	if (!may_signal(t, p, sig))
		return -EPERM;
	if (init_protected(p, p->leader, sig))
		return 0;
	return send_signal_process(p, sig, info);
}

static long kill_group(struct task *t, pid_t pgid, int sig,
		       const struct linux_siginfo *info)
{
	struct process *p, *tmp;
	int rc = -ESRCH, found = 0, ok = 0;

	list_for_each_safe(p, tmp, &all_processes, all_link) {
		if (p->pgid != pgid || p->zombie)
			continue;
		found++;
		if (signal_one(t, p, sig, info) == 0)
			ok++;
	}
	if (found)
		rc = ok ? 0 : -EPERM;
	return rc;
}

static long do_kill(struct task *t, pid_t pid, int sig,
		    const struct linux_siginfo *info)
{
	struct process *p, *tmp;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		p = process_find(pid);
		if (!p)
			return -ESRCH;
		return p->zombie ? 0 : signal_one(t, p, sig, info);
	}
	if (pid == 0)
		return kill_group(t, t->proc->pgid, sig, info);
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid < -1)
		return kill_group(t, -pid, sig, info);
	/* -1: everyone we may signal but init and ourselves. */
	{
		int found = 0, ok = 0;

		list_for_each_safe(p, tmp, &all_processes, all_link) {
			if (p->pid == 1 || p == t->proc || p->zombie)
				continue;
			found++;
			if (signal_one(t, p, sig, info) == 0)
				ok++;
		}
		return !found ? -ESRCH : ok ? 0 : -EPERM;
	}
}

long sys_kill(struct task *t, pid_t pid, int sig)
{
	struct linux_siginfo info;

	user_info(t, sig, SI_USER, &info);
	return do_kill(t, pid, sig, &info);
}

static long thread_kill(struct task *t, pid_t tgid, pid_t tid, int sig,
			const struct linux_siginfo *info)
{
	struct task *target;

	if (sig < 0 || sig > NSIG || tid <= 0 || tgid == 0 || tgid < -1)
		return -EINVAL;
	target = task_find(tid);
	if (!target || target->state == TASK_DEAD ||
	    (tgid > 0 && target->proc->pid != tgid))
		return -ESRCH;
	if (!may_signal(t, target->proc, sig))
		return -EPERM;
	if (init_protected(target->proc, target, sig))
		return 0;
	return send_signal_thread(target, sig, info);
}

long sys_tkill(struct task *t, pid_t tid, int sig)
{
	struct linux_siginfo info;

	user_info(t, sig, SI_TKILL, &info);
	return thread_kill(t, -1, tid, sig, &info);
}

long sys_tgkill(struct task *t, pid_t tgid, pid_t tid, int sig)
{
	struct linux_siginfo info;

	user_info(t, sig, SI_TKILL, &info);
	return thread_kill(t, tgid, tid, sig, &info);
}

/* A user may not forge kernel or kill() siginfo for others. */
static int copy_user_info(struct task *t, pid_t pid, int sig, uaddr_t uinfo,
			  struct linux_siginfo *info)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) &&
	    pid != t->proc->pid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

long sys_rt_sigqueueinfo(struct task *t, pid_t pid, int sig, uaddr_t uinfo)
{
	struct linux_siginfo info;
	int rc = copy_user_info(t, pid, sig, uinfo, &info);

	if (rc < 0)
		return rc;
	if (pid <= 0)
		return -EINVAL;
	return do_kill(t, pid, sig, &info);
}

long sys_rt_tgsigqueueinfo(struct task *t, pid_t tgid, pid_t tid, int sig,
			   uaddr_t uinfo)
{
	struct linux_siginfo info;
	int rc = copy_user_info(t, tgid, sig, uinfo, &info);

	if (rc < 0)
		return rc;
	return thread_kill(t, tgid, tid, sig, &info);
}

/* ---- waiting for signals ---- */

static void wait_for_signal(struct task *t)
{
	struct waitq wq;

	waitq_init(&wq);
	while (!signal_pending(t))
		sleep_on(&wq, true, 0);
}

long sys_pause(struct task *t)
{
	wait_for_signal(t);
	return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(struct task *t, uaddr_t umask, size_t size)
{
	int rc;

	/* Unlike ppoll's, a NULL mask here is EFAULT, after the size. */
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (!umask)
		return -EFAULT;
	rc = set_user_sigmask(t, umask, size);
	if (rc)
		return rc;
	wait_for_signal(t);
	return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(struct task *t, uaddr_t uset, uaddr_t uinfo,
			 uaddr_t utimeout, size_t size)
{
	struct linux_siginfo info;
	struct linux_timespec ts;
	sigset_t set, saved = t->blocked;
	s64 deadline = 0;
	struct waitq wq;
	int sig, rc = 0;

	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	if (utimeout) {
		if (copy_from_user(&ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = ktime_mono() + MIN(ts.tv_sec, 1LL << 32) * 1000000000LL +
			   ts.tv_nsec;
	}
	sig = dequeue_signal(t, set, &info);
	if (!sig) {
		if (utimeout && !ts.tv_sec && !ts.tv_nsec)
			return -EAGAIN;
		/* Let the awaited signals wake us (but not kill us). */
		t->real_blocked = saved;
		t->blocked &= ~set;
		waitq_init(&wq);
		while (!(sig = dequeue_signal(t, set, &info))) {
			if (signal_pending(t)) {
				rc = -EINTR;
				break;
			}
			if (sleep_on(&wq, true, deadline ? deadline : 0) == -ETIMEDOUT) {
				rc = -EAGAIN;
				break;
			}
		}
		t->blocked = saved;
		t->real_blocked = 0;
	}
	if (!sig)
		return rc;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}
