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

long sys_prctl(struct task *t, int option, u64 a2, u64 a3, u64 a4, u64 a5)
{
	char name[16];

	(void)a3, (void)a4, (void)a5;
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(t->proc->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(a2, t->proc->comm, 16);
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a2 > 1 ? -EINVAL : 0;
	case PR_SET_NO_NEW_PRIVS:
		return a2 == 1 ? 0 : -EINVAL;
	case PR_GET_NO_NEW_PRIVS:
		return 0;
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
	strcpy(u.domainname, "(none)");
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

long sys_sched_getaffinity(struct task *t, pid_t pid, size_t len,
			   uaddr_t mask)
{
	int n = sched_ncpus();
	u8 bits[128];
	size_t need = ALIGN_UP((size_t)(n + 7) / 8, sizeof(u64));

	if (pid && !task_find(pid))
		return -ESRCH;
	(void)t;
	if (len < need || (len & (sizeof(u64) - 1)))
		return -EINVAL;
	len = MIN(len, sizeof(bits));
	memset(bits, 0, sizeof(bits));
	for (int i = 0; i < n && i < (int)(8 * sizeof(bits)); i++)
		bits[i / 8] |= 1 << (i % 8);
	if (copy_to_user(mask, bits, need))
		return -EFAULT;
	return need;
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
