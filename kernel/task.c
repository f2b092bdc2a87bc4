/*
 * Tasks and processes: pids, creation, kernel stacks, and the loop
 * every task runs in kernel mode (task_main): return to user mode,
 * handle the trap that brought it back, again.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/exec.h"
#include "kernel/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/sched.h"
#include "host/host.h"

#define KSTACK_SIZE (256 * 1024)
#define RESERVED_PIDS 300

struct list all_processes = LIST_INIT(all_processes);
static struct list all_tasks = LIST_INIT(all_tasks);
static struct task *pid_table[PID_MAX];
static bool pid_used[PID_MAX];
static pid_t last_pid;
static u64 pids_allocated;
int nr_processes;

/* ---- pids ---- */

pid_t pid_alloc(void)
{
	for (int i = 0; i < PID_MAX; i++) {
		pid_t pid = last_pid + 1 + i;

		if (pid >= PID_MAX)
			pid = RESERVED_PIDS + (pid - PID_MAX);
		if (pid > 0 && !pid_used[pid]) {
			pid_used[pid] = true;
			last_pid = pid;
			pids_allocated++;
			return pid;
		}
	}
	return -EAGAIN;
}

/* For procfs: the pid handed out last, and how many so far. */
pid_t pid_last(void)
{
	return last_pid;
}

u64 pid_count(void)
{
	return pids_allocated;
}

void pid_free(pid_t pid)
{
	pid_used[pid] = false;
	pid_table[pid] = NULL;
}

struct task *task_find(pid_t tid)
{
	if (tid <= 0 || tid >= PID_MAX)
		return NULL;
	return pid_table[tid];
}

struct process *process_find(pid_t pid)
{
	struct task *t = task_find(pid);

	return t && t->proc->pid == pid ? t->proc : NULL;
}

/* ---- creation ---- */

void task_entry(void);

struct task *task_create(struct process *proc)
{
	struct task *t = kzalloc(sizeof(*t));
	u64 *sp;
	pid_t tid;

	if (proc->nr_threads == 0 && proc->pid) {
		tid = proc->pid; /* the leader */
	} else {
		tid = pid_alloc();
		if (tid < 0) {
			kfree(t);
			return NULL;
		}
	}
	t->kstack = host_stack_alloc(KSTACK_SIZE);
	if (!t->kstack) {
		if (tid != proc->pid)
			pid_free(tid);
		kfree(t);
		return NULL;
	}
	t->tid = tid;
	t->proc = proc;
	t->state = TASK_SLEEPING;
	list_init(&t->pending.queue);
	t->altstack.ss_flags = SS_DISABLE;
	/* First switch: swtch pops six registers and returns to task_entry. */
	sp = (u64 *)((char *)t->kstack + KSTACK_SIZE);
	*--sp = (u64)(uintptr_t)task_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->ksp = sp;
	pid_table[tid] = t;
	list_add_tail(&proc->threads, &t->thread_link);
	proc->nr_threads++;
	if (!proc->leader)
		proc->leader = t;
	list_add_tail(&all_tasks, &t->all_link);
	return t;
}

void task_free(struct task *t)
{
	struct sigqueue *q, *tmp;

	host_stack_free(t->kstack, KSTACK_SIZE);
	t->kstack = NULL;
	list_for_each_safe(q, tmp, &t->pending.queue, link)
		kfree(q);
	list_init(&t->pending.queue);
	if (!t->proc) {
		/* A leader whose process was freed while it still ran. */
		kfree(t);
		return;
	}
	if (t == t->proc->leader)
		return; /* freed with its process */
	list_del(&t->all_link);
	pid_free(t->tid);
	kfree(t);
}

void task_become_leader(struct task *t)
{
	struct process *p = t->proc;
	struct task *old = p->leader;

	if (old == t)
		return;
	/* The old leader is dead (de_thread): its struct goes now. */
	list_del(&old->all_link);
	if (old->kstack)
		old->proc = NULL; /* reap_dead_tasks frees it */
	else
		kfree(old);
	pid_free(t->tid);
	t->tid = p->pid;
	pid_table[p->pid] = t;
	p->leader = t;
}

static void default_rlimits(struct process *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		p->rlim[i].rlim_cur = RLIM_INFINITY;
		p->rlim[i].rlim_max = RLIM_INFINITY;
		host_get_rlimit(i, &p->rlim[i].rlim_cur, &p->rlim[i].rlim_max);
	}
}

struct process *process_create(struct process *parent)
{
	struct process *p = kzalloc(sizeof(*p));
	pid_t pid = pid_alloc();

	if (pid < 0) {
		kfree(p);
		return NULL;
	}
	p->pid = pid;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	list_init(&p->shared_pending.queue);
	waitq_init(&p->child_wait);
	waitq_init(&p->exec_wait);
	p->start_ns = ktime_mono();
	p->exit_signal = SIGCHLD;
	if (parent) {
		p->parent = parent;
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->cred = parent->cred;
		memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
		memcpy(p->comm, parent->comm, sizeof(p->comm));
		p->nice = parent->nice;
		p->personality = parent->personality;
		p->caps_dropped = parent->caps_dropped;
		p->caps_off = parent->caps_off;
		p->caps_inheritable = parent->caps_inheritable;
		p->capbset_dropped = parent->capbset_dropped;
		p->keepcaps = parent->keepcaps;
		p->thp_disable = parent->thp_disable;
		p->no_new_privs = parent->no_new_privs;
		if (parent->exe_path)
			p->exe_path = kstrdup(parent->exe_path);
		list_add_tail(&parent->children, &p->sibling);
	} else {
		p->pgid = p->sid = pid;
		default_rlimits(p);
	}
	list_add_tail(&all_processes, &p->all_link);
	nr_processes++;
	return p;
}

void process_free(struct process *p)
{
	struct task *leader = p->leader;
	struct sigqueue *q, *tmp;

	list_del(&p->all_link);
	list_del(&p->sibling);
	list_for_each_safe(q, tmp, &p->shared_pending.queue, link)
		kfree(q);
	if (p->sighand)
		sighand_put(p->sighand);
	kfree(p->exe_path);
	if (leader) {
		list_del(&leader->all_link);
		if (leader->kstack) {
			/* Not switched away from yet: reap_dead_tasks frees it. */
			leader->proc = NULL;
		} else {
			kfree(leader);
		}
	}
	pid_free(p->pid);
	kfree(p);
	nr_processes--;
}

/* ---- running ---- */

static void handle_user_fault(struct task *t)
{
	struct trap *tr = &t->trap;
	unsigned access = tr->access;
	int rc;

	if (!access && tr->addr - t->regs.rip >= 16)
		access = FAULT_NOT_FETCH;
	rc = handle_mm_fault(t->mm, tr->addr, access, tr->present);
	int err = 4 | (tr->present ? 1 : 0) |
		  ((tr->access & FAULT_WRITE) ? 2 : 0);

	if (rc == 0) {
		/* A fault the kernel keeps "fixing" is a kernel bug: stop. */
		if (tr->addr == t->last_fault && ++t->same_fault > 64) {
			printk("umk: task %d: fault at %#llx cannot be resolved\n",
			       t->tid, (unsigned long long)tr->addr);
			force_sig_fault(t, SIGSEGV, SEGV_ACCERR, tr->addr, 14, err);
		}
		if (tr->addr != t->last_fault) {
			t->last_fault = tr->addr;
			t->same_fault = 0;
		}
		return;
	}
	switch (rc) {
	case -EFAULT:
		force_sig_fault(t, SIGSEGV, SEGV_MAPERR, tr->addr, 14, err);
		break;
	case -EACCES:
		force_sig_fault(t, SIGSEGV, SEGV_ACCERR, tr->addr, 14, err);
		break;
	case -ENOMEM:
		printk("umk: out of guest memory: killing process %d\n",
		       t->proc->pid);
		do_exit_group(t, SIGKILL);
	default:
		force_sig_fault(t, SIGBUS, BUS_ADRERR, tr->addr, 14, err);
		break;
	}
}

/* Counts for umk run --stats. */
u64 stat_traps[TRAP_GONE + 1];
u64 stat_syscalls[512];

/* Counts every trap: what one system call did is what has this number. */
u64 trap_seq;

static void handle_trap(struct task *t)
{
	trap_seq++;
	stat_traps[t->trap.kind <= TRAP_GONE ? t->trap.kind : 0]++;
	switch (t->trap.kind) {
	case TRAP_SYSCALL:
		stat_syscalls[t->regs.orig_rax < 512 ? t->regs.orig_rax : 511]++;
		t->last_fault = 0;
		syscall_dispatch(t);
		break;
	case TRAP_PAGE_FAULT:
		handle_user_fault(t);
		break;
	case TRAP_EXCEPTION:
		force_sig_fault(t, t->trap.signo, t->trap.code, t->trap.addr,
				t->trap.trapno, 0);
		break;
	case TRAP_INTERRUPTED:
		break;
	case TRAP_GONE:
		do_exit_group(t, SIGKILL);
	}
}

static void return_to_user(struct task *t)
{
	do_signal(t);
	if (t->mm->as_error) {
		printk("umk: process %d: the engine failed to map its memory "
		       "(%d)\n", t->proc->pid, t->mm->as_error);
		do_exit_group(t, SIGKILL);
	}
	run_user(t);
}

void task_main(struct task *t)
{
	for (;;) {
		return_to_user(t);
		handle_trap(t);
	}
}

void task_start(void)
{
	struct task *t = current;

	if (t->kentry)
		t->kentry(t);
	task_main(t);
	panic("task_main returned");
}

/* ---- the first process ---- */

struct init_args {
	const char *path;
	char *const *argv;
	char *const *envp;
};
static struct init_args init_args;

/*
 * A first program named without a '/' is looked up in the guest's
 * PATH (from its environment, else the usual one), as a shell would.
 */
static int exec_init(struct task *t)
{
	const char *path = NULL, *name = init_args.path;
	char *buf;
	int rc = -ENOENT, err = -ENOENT;

	if (strchr(name, '/') || !*name)
		return kernel_execve(t, name, init_args.argv, init_args.envp);
	for (char *const *e = init_args.envp; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	buf = kmalloc(PATH_MAX);
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		if (len + strlen(name) + 2 <= PATH_MAX) {
			ksnprintf(buf, PATH_MAX, "%.*s/%s", (int)len, path, name);
			if (!len)
				ksnprintf(buf, PATH_MAX, "%s", name);
			rc = kernel_execve(t, buf, init_args.argv, init_args.envp);
			if (rc == 0)
				break;
			if (rc != -ENOENT && rc != -ENOTDIR)
				err = rc; /* found, but not runnable */
		}
		path += len + (end ? 1 : 0);
	}
	kfree(buf);
	return rc == 0 ? 0 : err;
}

static void init_entry(struct task *t)
{
	int rc = exec_init(t);

	if (rc < 0) {
		printk("umk: cannot run %s: %s\n", init_args.path, strerror_k(rc));
		do_exit_group(t, (rc == -ENOENT ? 127 : 126) << 8);
	}
}

struct file *console_file(int n);

int spawn_init(const char *path, char *const argv[], char *const envp[])
{
	struct process *p = process_create(NULL);
	struct task *t;

	if (!p)
		return -EAGAIN;
	p->sighand = sighand_create();
	strcpy(p->comm, "init");
	t = task_create(p);
	if (!t)
		return -ENOMEM;
	for (int i = 0; i < sched_ncpus() && i < 1024; i++)
		t->affinity[i / 64] |= 1ULL << (i % 64);
	t->files = files_create();
	for (int fd = 0; fd < 3; fd++)
		fd_install_at(t, console_file(fd), fd, false);
	t->fs = fs_create(&root_path);
	t->kentry = init_entry;
	init_args = (struct init_args){ path, argv, envp };
	wake_task(t);
	return 0;
}
