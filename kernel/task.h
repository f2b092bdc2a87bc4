/*
 * Tasks and processes.
 *
 * A task is a guest thread: a kernel stack, user registers and an
 * engine context.  A process is a thread group: what its threads
 * share (memory, files, cwd, signal handlers, credentials, limits).
 * Objects that clone() may share between processes (mm, files, fs,
 * sighand) are reference counted on their own.
 *
 * Life of a task: task_main() loops "return to user mode, handle the
 * trap that brought it back".  Returning to user mode resumes the
 * engine context and calls schedule(); the scheduler switches back to
 * the task when the engine reports its stop.  Everything runs on the
 * one kernel thread, so kernel state needs no locks.
 */
#ifndef UMK_TASK_H
#define UMK_TASK_H

#include "kernel/abi/sched.h"
#include "kernel/abi/signal.h"
#include "kernel/engine.h"
#include "kernel/list.h"
#include "kernel/time.h"
#include "kernel/wait.h"

struct mm;
struct files;
struct fs_struct;
struct file;

enum task_state {
	TASK_RUNNING,   /* on the run queue or running kernel code */
	TASK_USER,      /* its context runs (or waits to run) in user mode */
	TASK_SLEEPING,  /* on wait queues */
	TASK_STOPPED,   /* job-control stop */
	TASK_DEAD,      /* exited; freed when reaped */
};

struct creds {
	uid_t uid, euid, suid, fsuid;
	gid_t gid, egid, sgid, fsgid;
	int ngroups;
	gid_t groups[32];
};

struct sighand {
	int refcount;
	struct linux_sigaction action[NSIG];
};

struct sigpending {
	sigset_t set;
	struct list queue; /* struct sigqueue.link, in arrival order */
};

struct sigqueue {
	struct linux_siginfo info;
	struct list link;
};

/* A thread group: what clone(CLONE_THREAD) shares. */
struct process {
	pid_t pid;              /* = tgid */
	pid_t pgid, sid;
	struct process *parent;
	struct list children;   /* struct process.sibling */
	struct list sibling;
	struct list threads;    /* struct task.thread_link */
	int nr_threads;
	struct task *leader;
	struct creds cred;
	struct linux_rlimit rlim[RLIM_NLIMITS];
	struct sigpending shared_pending;
	struct sighand *sighand;
	char comm[16];
	char *exe_path;         /* for /proc/PID/exe and AT_EXECFN */
	bool exiting;           /* exit_group in progress */
	int nice;               /* -20..19 (setpriority) */
	unsigned personality;
	u64 caps_dropped;       /* capset: permitted ones given up */
	u64 caps_off;           /* capset: permitted, not effective */
	u64 caps_inheritable;
	unsigned membarrier_registered;
	u64 capbset_dropped;    /* PR_CAPBSET_DROP */
	int keepcaps;
	bool thp_disable;
	bool no_new_privs;
	bool child_subreaper;   /* PR_SET_CHILD_SUBREAPER */
	struct task *exec_task; /* a thread in execve, ending the others */
	struct waitq exec_wait; /* it waits here for them to go */
	bool zombie;            /* all threads gone; waits to be reaped */
	int exit_code;          /* wait status once a zombie */
	struct waitq child_wait; /* woken on a child's state change */
	int stop_state;         /* job control: 0, or the stop signal */
	bool stop_reported;     /* the stop was reported to wait */
	int exit_signal;        /* sent to the parent at exit (SIGCHLD) */
	bool did_exec;          /* for setpgid's EACCES */
	bool continued;         /* SIGCONT not yet reported to wait */
	struct proc_timers *timers; /* itimer.c; NULL until first used */
	s64 start_ns;
	s64 utime_ns, stime_ns, cutime_ns, cstime_ns;
	struct list all_link;   /* processes list */
};

struct task {
	pid_t tid;
	enum task_state state;
	struct process *proc;
	struct list thread_link;
	struct mm *mm;
	struct files *files;
	struct fs_struct *fs;

	/* kernel stack and scheduling */
	void *kstack;
	void *ksp;               /* saved stack pointer while switched out */
	struct list run_link;    /* run queue or CPU wait list */
	struct waiter waiters[8]; /* for sleep_on_many */
	int nwaiters;
	struct ktimer sleep_timer;
	bool timed_out;
	bool sleep_interruptible;
	void (*kentry)(struct task *t); /* first kernel work of a new task */
	s64 slice_start;         /* when it last entered user mode */
	bool on_cpu;             /* its context runs in user mode now */
	u64 user_stops;          /* how often it came back from user mode */
	u64 barrier_mark;        /* user_stops when a membarrier kicked it */

	/* user mode */
	struct engine_ctx *ctx;
	/*
	 * vfork: the parent sleeps until its child releases the memory
	 * (exec or exit); the child runs on the parent's engine context
	 * meanwhile (ctx_borrowed) and gives it back then.
	 */
	struct task *vfork_parent;
	bool ctx_borrowed;
	bool vfork_waiting;
	struct waitq vfork_wait;
	struct uregs regs;
	struct trap trap;
	bool in_syscall;         /* regs.rax not yet the result */

	/* signals */
	sigset_t blocked;
	sigset_t saved_blocked;  /* for sigsuspend and friends */
	sigset_t real_blocked;   /* the mask during rt_sigtimedwait */
	bool restore_blocked;
	struct sigpending pending;
	struct linux_stack altstack;

	/* the fault being reported, for the signal frame */
	int fault_trapno, fault_err;
	uaddr_t fault_addr;
	uaddr_t last_fault;      /* to catch a fault the kernel cannot fix */
	int same_fault;

	/* restart_syscall after ERESTART_RESTARTBLOCK */
	long (*restart_fn)(struct task *t);
	u64 restart_data[4];

	/* thread bookkeeping */
	char comm[16];           /* a thread's own name (the leader's: proc) */
	int policy, rt_priority; /* sched_setscheduler */
	int ioprio;
	u64 affinity[16];        /* sched_setaffinity: allowed guest CPUs */
	int pdeath_signal;       /* PR_SET_PDEATHSIG */
	u64 timer_slack;         /* PR_SET_TIMERSLACK, ns; 0: the default */
	uaddr_t clear_child_tid;
	uaddr_t robust_list;
	u64 robust_len;
	uaddr_t rseq;
	u32 rseq_len;

	struct list all_link;    /* all tasks */
};

extern struct task *current;

/* kernel/task.c */
#define PID_MAX 32768            /* pids are below this */
void task_init(void);
struct task *task_find(pid_t tid);
struct process *process_find(pid_t pid);
/* Allocate a pid; -EAGAIN when none is left. */
pid_t pid_alloc(void);
/* The pid handed out last; how many were handed out since boot. */
pid_t pid_last(void);
u64 pid_count(void);
void pid_free(pid_t pid);
/* A new task with a kernel stack that starts in task_main(). */
struct task *task_create(struct process *proc);
void task_free(struct task *t);
/* A thread's name: the process's for its leader. */
static inline char *task_comm(struct task *t)
{
	return t == t->proc->leader ? t->proc->comm : t->comm;
}
/* execve by a thread other than the leader: t takes the leader's pid. */
void task_become_leader(struct task *t);
struct process *process_create(struct process *parent);
void process_free(struct process *p);
__attribute__((noreturn)) void task_start(void);
/* The first process: runs path with argv and envp. */
int spawn_init(const char *path, char *const argv[], char *const envp[]);
extern int nr_processes;
extern struct list all_processes;

/* kernel/sched.c */
void sched_init(int ncpus);
/* Run the kernel until the last process is gone; returns its status. */
int sched_run(void);
void schedule(void);
void wake_task(struct task *t);
/* Return t to user mode; comes back with t->trap filled. */
void run_user(struct task *t);
void sched_yield_cpu(struct task *t);
/* CPU time t has used (engine's measure). */
s64 task_cpu_ns(struct task *t);
int sched_ncpus(void);
/* A memory barrier in every thread (of p, or all) running in user mode. */
void sched_membarrier(struct task *t, struct process *p);
extern struct engine *engine;
/*
 * Bumped at every trap the kernel handles: a value cached with the
 * current trap_seq was found during this system call.
 */
extern u64 trap_seq;
/* Counts for umk run --stats: traps by kind, system calls by number. */
extern u64 stat_traps[TRAP_GONE + 1], stat_syscalls[512];

/* kernel/itimer.c: cancel p's timers (keep the interval ones at exec) */
void timers_release(struct process *p, bool keep_itimers);

/* kernel/fork.c */
long do_clone(struct task *t, u64 flags, uaddr_t newsp, uaddr_t parent_tid,
	      uaddr_t child_tid, uaddr_t tls, int exit_signal);
/* The vfork child t no longer uses its parent's memory: wake it. */
void vfork_release(struct task *t);

/* kernel/exit.c: code is a wait status (exit << 8, or a signal) */
__attribute__((noreturn)) void do_exit(struct task *t, int code);
__attribute__((noreturn)) void do_exit_group(struct task *t, int code);
void do_group_stop(struct task *t, int sig);
void wake_task_stopped(struct task *t);
/* Free what is left of dead tasks (their kernel stacks). */
void reap_dead_tasks(void);
/* Undo task_create() of a task that never ran, and its process. */
void task_abort(struct task *t);
/* The guest's exit status once init is gone; -1 before. */
extern int guest_exit_status;

/* User-mode entry: which stack the kernel starts a new process on. */
void task_main(struct task *t);

#endif
