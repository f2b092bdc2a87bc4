/*
 * fork, vfork and clone: processes and threads.
 *
 * The child gets a copy-on-write copy of the address space (mm_fork:
 * frames shared read-only, its engine space filled in one batch), of
 * the descriptor table and cwd (unless shared by CLONE_FILES and
 * CLONE_FS), and of the signal handlers (unless CLONE_SIGHAND).
 *
 * CLONE_VM shares the address space: the child is a second engine
 * context in the same space (ENGINE_CAP_THREADS).  With CLONE_THREAD
 * it is a thread of the caller's process rather than a new process.
 *
 * CLONE_VM|CLONE_VFORK, as posix_spawn uses it: the child shares the
 * parent's memory and the parent sleeps until the child execs or
 * exits.  The child runs on the parent's engine context meanwhile, so
 * it costs no second context.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"

#define CLONE_UNSUPPORTED                                                 \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |     \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_PIDFD |       \
	 CLONE_PTRACE | CLONE_UNTRACED)

/* RLIMIT_NPROC counts the threads a user has, as Linux does. */
static int count_user_tasks(uid_t uid)
{
	struct process *p;
	int n = 0;

	list_for_each(p, &all_processes, all_link)
		if (p->cred.uid == uid && !p->zombie)
			n += p->nr_threads;
	return n;
}

static int check_flags(struct task *t, u64 flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_FS) && (flags & CLONE_NEWNS))
		return -EINVAL;
	if (flags & CLONE_UNSUPPORTED)
		return -EINVAL; /* namespaces and pidfds: not in umk */
	if ((flags & (CLONE_PARENT | CLONE_THREAD)) && t->proc->pid == 1 &&
	    !(flags & CLONE_THREAD))
		return -EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK) &&
	    !(engine->caps & ENGINE_CAP_THREADS))
		return -ENOSYS; /* this engine runs one context per space */
	return 0;
}

static void ret_from_fork(struct task *t)
{
	(void)t; /* regs.rax is already 0: straight back to user mode */
}

static struct sighand *sighand_copy(struct sighand *old)
{
	struct sighand *sh = sighand_create();

	memcpy(sh->action, old->action, sizeof(sh->action));
	return sh;
}

long do_clone(struct task *t, u64 flags, uaddr_t newsp, uaddr_t parent_tid,
	      uaddr_t child_tid, uaddr_t tls, int exit_signal)
{
	struct process *parent = (flags & CLONE_PARENT) ? t->proc->parent
							: t->proc;
	struct process *p;
	struct task *c;
	int rc;

	rc = check_flags(t, flags);
	if (rc < 0)
		return rc;
	if (t->proc->cred.uid != 0 &&
	    (u64)count_user_tasks(t->proc->cred.uid) >=
		    t->proc->rlim[RLIMIT_NPROC].rlim_cur)
		return -EAGAIN;
	if (flags & CLONE_THREAD) {
		p = t->proc;
		if (p->exiting || p->exec_task)
			return -EAGAIN; /* Linux: the group is going away */
		c = task_create(p);
		if (!c)
			return -EAGAIN;
	} else {
		p = process_create(parent);
		if (!p)
			return -EAGAIN;
		p->exit_signal = exit_signal;
		p->sighand = (flags & CLONE_SIGHAND)
				     ? t->proc->sighand
				     : sighand_copy(t->proc->sighand);
		if (flags & CLONE_SIGHAND)
			p->sighand->refcount++;
		c = task_create(p);
		if (!c) {
			list_del(&p->sibling);
			process_free(p);
			return -EAGAIN;
		}
	}
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		/* A second context in the same space. */
		mm_get(t->mm);
		c->mm = t->mm;
		rc = engine->ops->ctx_create(c->mm->as, c, &c->ctx);
		if (rc < 0 || engine_copy_fpu(engine, c->ctx, t->ctx) < 0)
			goto out_nomem;
	} else if (flags & CLONE_VM) {
		mm_get(t->mm);
		c->mm = t->mm;
	} else {
		c->mm = mm_fork(t->mm);
		if (!c->mm)
			goto out_nomem;
		rc = engine->ops->ctx_create(c->mm->as, c, &c->ctx);
		if (rc < 0 || engine_copy_fpu(engine, c->ctx, t->ctx) < 0)
			goto out_nomem;
	}
	if (flags & CLONE_FILES) {
		c->files = t->files;
		c->files->refcount++;
	} else {
		c->files = files_dup(t->files);
	}
	if (flags & CLONE_FS) {
		c->fs = t->fs;
		c->fs->refcount++;
	} else {
		c->fs = fs_dup(t->fs);
	}
	c->regs = t->regs;
	c->regs.rax = 0;
	if (newsp)
		c->regs.rsp = newsp;
	if (flags & CLONE_SETTLS)
		c->regs.fs_base = tls;
	c->blocked = t->blocked;
	memcpy(c->comm, task_comm(t), sizeof(c->comm));
	memcpy(c->affinity, t->affinity, sizeof(c->affinity));
	c->policy = t->policy;
	c->rt_priority = t->rt_priority;
	c->ioprio = t->ioprio;
	/* A new stack of its own: no sigaltstack (Linux's sas_ss_reset). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM)
		c->altstack = t->altstack;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = child_tid;
	if (flags & CLONE_PARENT_SETTID)
		put_user((s32)c->tid, parent_tid);
	if (flags & CLONE_CHILD_SETTID)
		copy_to_mm(c->mm, child_tid, &(s32){ c->tid }, 4);
	c->kentry = ret_from_fork;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = t;
		t->vfork_waiting = true;
		waitq_init(&t->vfork_wait);
		if ((flags & CLONE_VM) && !c->ctx) {
			/* The child runs on our context until it lets go. */
			c->ctx = t->ctx;
			c->ctx_borrowed = true;
			t->ctx = NULL;
			engine->ops->ctx_set_cookie(c->ctx, c);
		}
	}
	wake_task(c);
	rc = c->tid;
	if (flags & CLONE_VFORK) {
		/* Killable only: vfork waits until the child lets go. */
		while (t->vfork_waiting)
			if (sleep_on(&t->vfork_wait, false, 0) < 0)
				break;
	}
	return rc;
out_nomem:
	if (c->mm)
		mm_put(c->mm);
	c->mm = NULL;
	task_abort(c);
	return -ENOMEM;
}

void vfork_release(struct task *t)
{
	struct task *parent = t->vfork_parent;

	if (!parent)
		return;
	t->vfork_parent = NULL;
	if (t->ctx_borrowed) {
		t->ctx_borrowed = false;
		if (parent->state == TASK_DEAD) {
			engine->ops->ctx_destroy(t->ctx);
		} else {
			parent->ctx = t->ctx;
			engine->ops->ctx_set_cookie(parent->ctx, parent);
		}
		t->ctx = NULL;
	}
	parent->vfork_waiting = false;
	wake_up(&parent->vfork_wait);
}

long sys_fork(struct task *t)
{
	return do_clone(t, 0, 0, 0, 0, 0, SIGCHLD);
}

long sys_vfork(struct task *t)
{
	return do_clone(t, CLONE_VM | CLONE_VFORK, 0, 0, 0, 0, SIGCHLD);
}

long sys_clone(struct task *t, u64 flags, uaddr_t newsp, uaddr_t parent_tid,
	       uaddr_t child_tid, uaddr_t tls)
{
	int sig = flags & CSIGNAL;

	if (sig && !valid_signal(sig))
		return -EINVAL;
	return do_clone(t, flags & ~(u64)CSIGNAL, newsp, parent_tid, child_tid,
			tls, sig);
}

struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
		tls, set_tid, set_tid_size, cgroup;
};

long sys_clone3(struct task *t, uaddr_t uargs, size_t size)
{
	struct clone_args a;

	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (copy_from_user(&a, uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	if (size > sizeof(a)) {
		/* Unknown trailing fields must be zero. */
		for (size_t off = sizeof(a); off < size; off++) {
			u8 b;

			if (copy_from_user(&b, uargs + off, 1))
				return -EFAULT;
			if (b)
				return -E2BIG;
		}
	}
	if (a.flags & (CSIGNAL | CLONE_DETACHED))
		return -EINVAL;
	if (a.exit_signal & ~(u64)CSIGNAL || (a.exit_signal &&
					      !valid_signal((int)a.exit_signal)))
		return -EINVAL;
	if (a.set_tid || a.set_tid_size || a.cgroup)
		return -EINVAL;
	if ((a.stack == 0) != (a.stack_size == 0))
		return -EINVAL;
	return do_clone(t, a.flags, a.stack ? a.stack + a.stack_size : 0,
			a.parent_tid, a.child_tid, a.tls, (int)a.exit_signal);
}
