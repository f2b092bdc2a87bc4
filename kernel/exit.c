/*
 * Exit, job-control stops and waiting for children.
 *
 * A thread that exits releases its memory, files and engine context
 * and switches away for good; the scheduler frees its kernel stack.
 * The last thread of a process makes it a zombie: its children go to
 * init, its parent gets SIGCHLD and finds the status with wait4/waitid.
 * When init itself exits the guest is over: every other process is
 * killed and umk exits with init's status.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/futex.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"

int guest_exit_status = -1;
static struct list dead_tasks = LIST_INIT(dead_tasks);

static struct process *init_process(void)
{
	return process_find(1);
}

static bool parent_ignores_chld(struct process *parent)
{
	struct linux_sigaction *a = &parent->sighand->action[SIGCHLD - 1];

	return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* SIGCHLD to the parent with why (CLD_*) and status. */
static void notify_parent(struct process *p, int why, int status)
{
	struct process *parent = p->parent;
	struct linux_siginfo info = { .si_signo = SIGCHLD, .si_code = why };
	struct linux_sigaction *a;

	if (!parent || parent->zombie)
		return;
	info.chld.pid = p->pid;
	info.chld.uid = p->cred.uid;
	info.chld.status = status;
	info.chld.utime = p->utime_ns / 10000000;
	info.chld.stime = p->stime_ns / 10000000;
	a = &parent->sighand->action[SIGCHLD - 1];
	if (why == CLD_STOPPED || why == CLD_CONTINUED) {
		if (!(a->flags & SA_NOCLDSTOP))
			send_signal_process(parent, SIGCHLD, &info);
	} else if (p->exit_signal) {
		info.si_signo = p->exit_signal;
		send_signal_process(parent, p->exit_signal, &info);
	}
	wake_up(&parent->child_wait);
}

/* Orphans go to the nearest live subreaper above p, else to init. */
static struct process *new_parent_for(struct process *p)
{
	for (struct process *a = p->parent; a; a = a->parent)
		if (a->child_subreaper && !a->exiting && !a->zombie)
			return a;
	return init_process();
}

static void reparent_children(struct process *p)
{
	struct process *init = new_parent_for(p), *c, *tmp;

	list_for_each_safe(c, tmp, &p->children, sibling) {
		struct task *ct;

		/* PR_SET_PDEATHSIG: the parent is gone. */
		list_for_each(ct, &c->threads, thread_link) {
			if (ct->pdeath_signal && !c->zombie) {
				struct linux_siginfo info = {
					.si_signo = ct->pdeath_signal,
					.si_code = SI_USER,
				};

				info.kill.pid = p->pid;
				info.kill.uid = p->cred.uid;
				send_signal_thread(ct, ct->pdeath_signal, &info);
			}
		}
		list_del(&c->sibling);
		if (init && init != p && !init->exiting) {
			c->parent = init;
			list_add_tail(&init->children, &c->sibling);
			if (c->zombie)
				notify_parent(c, CLD_EXITED, c->exit_code);
		} else {
			c->parent = NULL;
			if (c->zombie)
				process_free(c);
		}
	}
}

static void kill_everyone(void)
{
	struct process *p;

	list_for_each(p, &all_processes, all_link)
		if (p->pid != 1 && !p->zombie)
			send_sig(p->leader, SIGKILL);
}

/* The last thread of p is gone. */
static void process_exit(struct process *p)
{
	int status = p->exit_code;

	p->zombie = true;
	p->exiting = true;
	timers_release(p, false);
	reparent_children(p);
	if (p->pid == 1) {
		guest_exit_status = status;
		kill_everyone();
	}
	if (!p->parent) {
		process_free(p);
		return;
	}
	if (parent_ignores_chld(p->parent)) {
		wake_up(&p->parent->child_wait);
		process_free(p);
		return;
	}
	notify_parent(p, (status & 0x7f) ? ((status & 0x80) ? CLD_DUMPED
							     : CLD_KILLED)
					 : CLD_EXITED,
		      (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff);
}

/*
 * Robust futexes (set_robust_list): each lock the dying thread holds
 * gets FUTEX_OWNER_DIED and one waiter is woken, as Linux's
 * exit_robust_list does.  The list is the guest's memory: hostile, so
 * bounded and every read checked.
 */
#define ROBUST_LIST_LIMIT 2048
#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU

static void futex_death(struct task *t, uaddr_t uaddr)
{
	u32 v;

	if ((uaddr & 3) || copy_from_mm(t->mm, &v, uaddr, 4) < 0)
		return;
	if ((v & FUTEX_TID_MASK) != (u32)t->tid)
		return;
	v = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_mm(t->mm, uaddr, &v, 4) < 0)
		return;
	if (v & FUTEX_WAITERS)
		futex_wake_addr(t->mm, uaddr, 1);
}

static void exit_robust_list(struct task *t)
{
	uaddr_t head = t->robust_list, entry, pending;
	struct { u64 next; s64 offset; u64 pending; } h;
	int limit = ROBUST_LIST_LIMIT;

	t->robust_list = 0;
	if (!head || !t->mm || copy_from_mm(t->mm, &h, head, sizeof(h)) < 0)
		return;
	pending = h.pending & ~1ULL;
	entry = h.next & ~1ULL;
	while (entry != head && entry && limit--) {
		u64 next;

		if (copy_from_mm(t->mm, &next, entry, 8) < 0)
			return;
		if (entry != pending)
			futex_death(t, entry + h.offset);
		entry = next & ~1ULL;
	}
	if (pending)
		futex_death(t, pending + h.offset);
}

static void release_resources(struct task *t)
{
	exit_robust_list(t);
	if (t->clear_child_tid && t->mm && t->mm->refcount > 1) {
		/* The tid word lives in memory other threads still use. */
		if (copy_to_mm(t->mm, t->clear_child_tid, &(u32){ 0 }, 4) == 0)
			futex_wake_addr(t->mm, t->clear_child_tid, 1);
	}
	if (t->vfork_parent)
		vfork_release(t);
	if (t->ctx) {
		t->proc->utime_ns += task_cpu_ns(t);
		engine->ops->ctx_destroy(t->ctx);
	}
	t->ctx = NULL;
	if (t->mm)
		mm_put(t->mm);
	t->mm = NULL;
	if (t->files)
		files_put(t->files);
	t->files = NULL;
	if (t->fs)
		fs_put(t->fs);
	t->fs = NULL;
}

void do_exit(struct task *t, int code)
{
	struct process *p = t->proc;

	release_resources(t);
	list_del(&t->thread_link);
	p->nr_threads--;
	t->state = TASK_DEAD;
	/* Without exit_group, the process's status is its leader's. */
	if (!p->exiting && t == p->leader)
		p->exit_code = code;
	if (p->exec_task && p->nr_threads == 1)
		wake_up(&p->exec_wait);
	if (!p->nr_threads)
		process_exit(p);
	list_add_tail(&dead_tasks, &t->run_link);
	schedule();
	panic("dead task %d was scheduled", t->tid);
}

void do_exit_group(struct task *t, int code)
{
	struct process *p = t->proc;
	struct task *o;

	if (!p->exiting) {
		p->exiting = true;
		p->exit_code = code;
		list_for_each(o, &p->threads, thread_link)
			if (o != t)
				signal_wake(o, true);
	}
	do_exit(t, p->exit_code);
}

void task_abort(struct task *t)
{
	struct process *p = t->proc;

	release_resources(t);
	list_del(&t->thread_link);
	p->nr_threads--;
	if (p->leader != t) {
		/* A new thread of a live process: only the thread goes. */
		task_free(t);
		return;
	}
	task_free(t);
	process_free(p);
}

void reap_dead_tasks(void)
{
	while (!list_empty(&dead_tasks)) {
		struct task *t = list_first(&dead_tasks, struct task, run_link);

		list_del(&t->run_link);
		task_free(t);
	}
}

/* ---- job control ---- */

void wake_task_stopped(struct task *t)
{
	if (t->state == TASK_STOPPED) {
		t->state = TASK_SLEEPING;
		wake_task(t);
	}
}

void do_group_stop(struct task *t, int sig)
{
	struct process *p = t->proc;
	struct task *o;

	if (!p->stop_state) {
		p->stop_state = sig;
		p->continued = false;
		p->stop_reported = false;
		list_for_each(o, &p->threads, thread_link)
			if (o != t)
				signal_wake(o, false);
		notify_parent(p, CLD_STOPPED, sig);
	}
	while (p->stop_state && !p->exiting &&
	       !(p->exec_task && p->exec_task != t)) {
		t->state = TASK_STOPPED;
		schedule();
	}
}

void process_continue(struct process *p)
{
	struct task *t;

	if (!p->stop_state)
		return;
	p->stop_state = 0;
	p->continued = true;
	list_for_each(t, &p->threads, thread_link)
		wake_task_stopped(t);
	notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/* ---- wait4 / waitid ---- */

struct wait_opts {
	int which;          /* P_ALL, P_PID, P_PGID */
	pid_t id;
	int options;        /* WNOHANG, WEXITED, WSTOPPED, WCONTINUED, WNOWAIT */
	/* results */
	pid_t pid;
	int status;         /* wait4 status word */
	int code;           /* CLD_* for waitid */
	int si_status;
	uid_t uid;
	struct linux_rusage ru;
};

static bool eligible(struct process *c, const struct wait_opts *wo)
{
	switch (wo->which) {
	case P_PID: return c->pid == wo->id;
	case P_PGID: return c->pgid == wo->id;
	default: return true;
	}
}

static void fill_rusage(struct process *c, struct linux_rusage *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = (c->utime_ns + c->cutime_ns) / 1000000000;
	ru->ru_utime.tv_usec = (c->utime_ns + c->cutime_ns) % 1000000000 / 1000;
	ru->ru_stime.tv_sec = (c->stime_ns + c->cstime_ns) / 1000000000;
	ru->ru_stime.tv_usec = (c->stime_ns + c->cstime_ns) % 1000000000 / 1000;
}

/* 1 when c had something to report (filled in wo), 0 if not. */
static int wait_one(struct process *parent, struct process *c,
		    struct wait_opts *wo)
{
	int status = c->exit_code;

	wo->pid = c->pid;
	wo->uid = c->cred.uid;
	if (c->zombie && (wo->options & WEXITED)) {
		wo->status = status;
		if (status & 0x7f) {
			wo->code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
			wo->si_status = status & 0x7f;
		} else {
			wo->code = CLD_EXITED;
			wo->si_status = (status >> 8) & 0xff;
		}
		fill_rusage(c, &wo->ru);
		if (!(wo->options & WNOWAIT)) {
			parent->cutime_ns += c->utime_ns + c->cutime_ns;
			parent->cstime_ns += c->stime_ns + c->cstime_ns;
			list_del(&c->sibling);
			c->parent = NULL;
			process_free(c);
		}
		return 1;
	}
	if (!c->zombie && c->stop_state && !c->stop_reported &&
	    (wo->options & WSTOPPED)) {
		wo->status = (c->stop_state << 8) | 0x7f;
		wo->code = CLD_STOPPED;
		wo->si_status = c->stop_state;
		fill_rusage(c, &wo->ru);
		if (!(wo->options & WNOWAIT))
			c->stop_reported = true;
		return 1;
	}
	if (!c->zombie && c->continued && (wo->options & WCONTINUED)) {
		wo->status = 0xffff;
		wo->code = CLD_CONTINUED;
		wo->si_status = SIGCONT;
		fill_rusage(c, &wo->ru);
		if (!(wo->options & WNOWAIT))
			c->continued = false;
		return 1;
	}
	return 0;
}

/* 1 reported, 0 nothing yet (WNOHANG), -ECHILD, -ERESTARTSYS. */
static int do_wait(struct task *t, struct wait_opts *wo)
{
	struct process *p = t->proc;

	for (;;) {
		struct process *c, *tmp;
		bool any = false;

		list_for_each_safe(c, tmp, &p->children, sibling) {
			if (!eligible(c, wo))
				continue;
			any = true;
			if (wait_one(p, c, wo))
				return 1;
		}
		if (!any)
			return -ECHILD;
		if (wo->options & WNOHANG)
			return 0;
		if (sleep_on(&p->child_wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

long sys_wait4(struct task *t, pid_t pid, uaddr_t ustatus, int options,
	       uaddr_t urusage)
{
	struct wait_opts wo = { 0 };
	int rc;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid < -1) {
		wo.which = P_PGID;
		wo.id = -pid;
	} else if (pid == 0) {
		wo.which = P_PGID;
		wo.id = t->proc->pgid;
	} else if (pid > 0) {
		wo.which = P_PID;
		wo.id = pid;
	}
	wo.options = (options & (WNOHANG | WCONTINUED)) | WEXITED |
		     ((options & WUNTRACED) ? WSTOPPED : 0);
	rc = do_wait(t, &wo);
	if (rc <= 0)
		return rc;
	if (ustatus && put_user((s32)wo.status, ustatus))
		return -EFAULT;
	if (urusage && copy_to_user(urusage, &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	return wo.pid;
}

long sys_waitid(struct task *t, int which, pid_t id, uaddr_t uinfo,
		int options, uaddr_t urusage)
{
	struct wait_opts wo = { .which = which, .id = id, .options = options };
	struct linux_siginfo info;
	int rc;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			__WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL: break;
	case P_PID: if (id <= 0) return -EINVAL; break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		if (id == 0)
			wo.id = t->proc->pgid;
		break;
	default: return -EINVAL;
	}
	rc = do_wait(t, &wo);
	if (rc < 0)
		return rc;
	memset(&info, 0, sizeof(info));
	if (rc == 1) {
		info.si_signo = SIGCHLD;
		info.si_code = wo.code;
		info.chld.pid = wo.pid;
		info.chld.uid = wo.uid;
		info.chld.status = wo.si_status;
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (urusage && copy_to_user(urusage, &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	return 0;
}
