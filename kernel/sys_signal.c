/*
 * Signal system calls: actions, masks, the alternate stack, pending
 * sets.  Delivery is in signal.c.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"

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
