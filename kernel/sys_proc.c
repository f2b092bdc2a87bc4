/*
 * Process system calls: identity, limits, exit, thread registration
 * and machine information.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/strace.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"
#include "host/host.h"

/* The machine's name: umk's --hostname, "umk" by default. */
char utsname_nodename[65] = "umk";
char utsname_domainname[65] = "(none)";
const char *utsname_release = "6.1.0-umk";

long sys_getpid(struct task *t)
{
	return t->proc->pid;
}

long sys_gettid(struct task *t)
{
	return t->tid;
}

long sys_getppid(struct task *t)
{
	return t->proc->parent ? t->proc->parent->pid : 0;
}

long sys_getuid(struct task *t)
{
	return t->proc->cred.uid;
}

long sys_geteuid(struct task *t)
{
	return t->proc->cred.euid;
}

long sys_getgid(struct task *t)
{
	return t->proc->cred.gid;
}

long sys_getegid(struct task *t)
{
	return t->proc->cred.egid;
}

long sys_exit(struct task *t, int code)
{
	if (strace_enabled)
		strace_noreturn(t, NR_exit);
	do_exit(t, (code & 0xff) << 8);
}

long sys_exit_group(struct task *t, int code)
{
	if (strace_enabled)
		strace_noreturn(t, NR_exit_group);
	do_exit_group(t, (code & 0xff) << 8);
}

long sys_set_tid_address(struct task *t, uaddr_t tidptr)
{
	t->clear_child_tid = tidptr;
	return t->tid;
}

long sys_set_robust_list(struct task *t, uaddr_t head, size_t len)
{
	if (len != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	t->robust_list = head;
	t->robust_len = len;
	return 0;
}

long sys_get_robust_list(struct task *t, int pid, uaddr_t headp, uaddr_t lenp)
{
	struct task *target = pid ? task_find(pid) : t;

	if (!target)
		return -ESRCH;
	if (put_user((u64)target->robust_list, headp) ||
	    put_user((u64)24, lenp))
		return -EFAULT;
	return 0;
}

#define RSEQ_FLAG_UNREGISTER 1

long sys_rseq(struct task *t, uaddr_t rseq, u32 len, int flags, u32 sig)
{
	(void)sig;
	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (t->rseq != rseq || t->rseq_len != len)
			return -EINVAL;
		t->rseq = 0;
		return 0;
	}
	if (flags)
		return -EINVAL;
	if (t->rseq)
		return t->rseq == rseq && t->rseq_len == len ? -EBUSY : -EINVAL;
	if (len < 32 || (rseq & 31) || !range_ok(rseq, len, task_size))
		return -EINVAL;
	/* cpu_id_start and cpu_id: the task runs on CPU 0 as far as it knows. */
	if (put_user((u32)0, rseq) || put_user((u32)0, rseq + 4))
		return -EFAULT;
	t->rseq = rseq;
	t->rseq_len = len;
	return 0;
}

long sys_arch_prctl(struct task *t, int code, u64 addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= task_size)
			return -EPERM;
		t->regs.fs_base = addr;
		return 0;
	case ARCH_SET_GS:
		if (addr >= task_size)
			return -EPERM;
		t->regs.gs_base = addr;
		return 0;
	case ARCH_GET_FS:
		return put_user(t->regs.fs_base, addr);
	case ARCH_GET_GS:
		return put_user(t->regs.gs_base, addr);
	case ARCH_GET_CPUID:
		return 1;
	case ARCH_SET_CPUID:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_GET_TIMING 13
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_MCE_KILL 33
#define PR_MCE_KILL_GET 34
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_GET_TID_ADDRESS 40
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#define PR_GET_SECCOMP 21
#define PR_SET_PTRACER 0x59616d61
#define PR_SET_VMA 0x53564d41
#define PR_CAP_AMBIENT 47
#define PR_GET_SPECULATION_CTRL 52

/*
 * prctl: what a Linux userland asks at start-up.  Settings umk does
 * not act on (timer slack, THP, MCE policy, Yama's ptracer) are kept or
 * accepted with Linux's argument checks.
 */
long sys_prctl(struct task *t, int option, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct process *p = t->proc;
	char name[16];

	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(task_comm(t), name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(a2, task_comm(t), 16);
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -EINVAL;
		t->pdeath_signal = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user((int)t->pdeath_signal, a2);
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a2 > 1 ? -EINVAL : 0;
	case PR_GET_KEEPCAPS:
		return p->keepcaps;
	case PR_SET_KEEPCAPS:
		if (a2 > 1)
			return -EINVAL;
		p->keepcaps = (int)a2;
		return 0;
	case PR_CAPBSET_READ:
		return a2 > 40 ? -EINVAL : !(p->capbset_dropped >> a2 & 1);
	case PR_CAPBSET_DROP:
		if (a2 > 40)
			return -EINVAL;
		if (p->cred.euid != 0)
			return -EPERM;
		p->capbset_dropped |= 1ULL << a2;
		return 0;
	case PR_CAP_AMBIENT:
		switch (a2) {
		case 1: /* IS_SET */
			return a3 > 40 ? -EINVAL : 0;
		case 2: case 3: case 4: /* RAISE, LOWER, CLEAR_ALL */
			if (a2 == 2 && p->cred.euid != 0)
				return -EPERM;
			return (a2 != 4 && a3 > 40) ? -EINVAL : 0;
		default:
			return -EINVAL;
		}
	case PR_GET_SECUREBITS:
		return 0;
	case PR_SET_SECUREBITS:
		return p->cred.euid != 0 ? -EPERM : 0;
	case PR_SET_TIMERSLACK:
		t->timer_slack = a2 ? a2 : 50000;
		return 0;
	case PR_GET_TIMERSLACK:
		return t->timer_slack ? (long)t->timer_slack : 50000;
	case PR_SET_THP_DISABLE:
		if (a3 || a4 || a5)
			return -EINVAL;
		p->thp_disable = a2 != 0;
		return 0;
	case PR_GET_THP_DISABLE:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return p->thp_disable;
	case PR_MCE_KILL:
		return a2 > 1 || (a2 == 1 && a3 > 2) ? -EINVAL : 0;
	case PR_MCE_KILL_GET:
		return a2 || a3 || a4 || a5 ? -EINVAL : 2;
	case PR_SET_CHILD_SUBREAPER:
		p->child_subreaper = a2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user((int)p->child_subreaper, a2);
	case PR_GET_TID_ADDRESS:
		return put_user((u64)t->clear_child_tid, a2);
	case PR_GET_SECCOMP:
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return p->no_new_privs;
	case PR_GET_TIMING:
		return 0;
	case PR_SET_PTRACER:
		return 0;
	case PR_SET_VMA:
		return a2 != 0 ? -EINVAL : 0; /* PR_SET_VMA_ANON_NAME: accepted */
	case PR_GET_SPECULATION_CTRL:
		return a3 || a4 || a5 ? -EINVAL : (a2 <= 2 ? 0 : -ENODEV);
	default:
		return -EINVAL;
	}
}

/* ---- limits ---- */

static bool rlimit_ok(const struct linux_rlimit *r)
{
	return r->rlim_cur <= r->rlim_max;
}

static long do_prlimit(struct task *t, struct process *p, unsigned res,
		       uaddr_t unew, uaddr_t uold)
{
	struct linux_rlimit new;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew) {
		if (copy_from_user(&new, unew, sizeof(new)))
			return -EFAULT;
		if (!rlimit_ok(&new))
			return -EINVAL;
		if (new.rlim_max > p->rlim[res].rlim_max &&
		    t->proc->cred.euid != 0)
			return -EPERM;
		if (res == RLIMIT_NOFILE && new.rlim_max > (1 << 20))
			return -EPERM;
	}
	if (uold && copy_to_user(uold, &p->rlim[res], sizeof(p->rlim[res])))
		return -EFAULT;
	if (unew)
		p->rlim[res] = new;
	return 0;
}

long sys_prlimit64(struct task *t, pid_t pid, unsigned res, uaddr_t unew,
		   uaddr_t uold)
{
	struct process *p = pid ? process_find(pid) : t->proc;

	if (!p)
		return -ESRCH;
	return do_prlimit(t, p, res, unew, uold);
}

/* getrlimit and setrlimit take no NULL: it is a bad address there. */
long sys_getrlimit(struct task *t, unsigned res, uaddr_t uold)
{
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (!uold)
		return -EFAULT;
	return do_prlimit(t, t->proc, res, 0, uold);
}

long sys_setrlimit(struct task *t, unsigned res, uaddr_t unew)
{
	struct linux_rlimit new;

	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	return do_prlimit(t, t->proc, res, unew, 0);
}

/* ---- machine ---- */

long sys_uname(struct task *t, uaddr_t buf)
{
	struct linux_utsname u;

	(void)t;
	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	kstrlcpy(u.nodename, utsname_nodename, sizeof(u.nodename));
	kstrlcpy(u.release, utsname_release, sizeof(u.release));
	strcpy(u.version, "#1 SMP umk");
	strcpy(u.machine, "x86_64");
	kstrlcpy(u.domainname, utsname_domainname, sizeof(u.domainname));
	return copy_to_user(buf, &u, sizeof(u));
}

long sys_sysinfo(struct task *t, uaddr_t buf)
{
	struct linux_sysinfo si;

	(void)t;
	memset(&si, 0, sizeof(si));
	/* Like the guest's CLOCK_BOOTTIME, the host's; rounded up as Linux. */
	{
		s64 b = host_clock_ns(HOST_CLOCK_BOOTTIME);

		si.uptime = b / NSEC_PER_SEC + (b % NSEC_PER_SEC ? 1 : 0);
	}
	si.totalram = frames_total() * PAGE_SIZE;
	si.freeram = frames_free() * PAGE_SIZE;
	si.procs = (u16)nr_processes;
	si.mem_unit = 1;
	return copy_to_user(buf, &si, sizeof(si));
}

long sys_sched_yield(struct task *t)
{
	sched_yield_cpu(t);
	return 0;
}

long sys_getrandom(struct task *t, uaddr_t buf, size_t len, unsigned flags)
{
	char tmp[256];
	size_t done = 0;

	(void)t;
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	len = MIN(len, 0x1ffffffUL);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(tmp));

		size_t c;

		get_random_bytes(tmp, n);
		c = copy_to_user_partial(buf + done, tmp, n);
		done += c;
		if (c < n)
			return done ? (long)done : -EFAULT;
	}
	return done;
}
