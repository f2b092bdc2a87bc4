/*
 * Scheduling and machine settings a guest may ask about or change:
 * CPU affinity, scheduling policy and priority, nice values, I/O
 * priority, personality, capabilities, host and domain names,
 * membarrier, the kernel log.
 *
 * umk's scheduler gives every task the same time slice, so policies and
 * priorities are recorded and reported, with Linux's checks, but do not
 * change who runs first; affinity limits which guest CPU getcpu()
 * reports.  Privilege is the guest's euid 0, as everywhere in umk.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"
#include "host/host.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_EXT 7
#define SCHED_RESET_ON_FORK 0x40000000
#define RR_TIMESLICE_NS (100 * 1000 * 1000LL)

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

static bool privileged(struct task *t)
{
	return t->proc->cred.euid == 0;
}

/* The task pid names for the sched_* calls: 0 is the caller. */
static struct task *sched_target(struct task *t, pid_t pid)
{
	struct task *o;

	if (!pid)
		return t;
	o = task_find(pid);
	return o && o->state != TASK_DEAD ? o : NULL;
}

/* Linux's check_same_owner(): may t change o's scheduling? */
static bool may_change(struct task *t, struct task *o)
{
	const struct creds *a = &t->proc->cred, *b = &o->proc->cred;

	return privileged(t) || a->euid == b->euid || a->euid == b->uid;
}

/* ---- affinity ---- */

static int cpumask_bytes(void)
{
	return (int)ALIGN_UP((size_t)(sched_ncpus() + 7) / 8, sizeof(u64));
}

long sys_sched_setaffinity(struct task *t, pid_t pid, size_t len,
			   uaddr_t umask)
{
	u64 mask[16] = { 0 };
	struct task *o;
	bool any = false;
	int n = sched_ncpus();

	if (copy_from_user(mask, umask, MIN(len, sizeof(mask))))
		return -EFAULT;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	if (!may_change(t, o))
		return -EPERM;
	for (int i = n; i < 1024; i++)
		mask[i / 64] &= ~(1ULL << (i % 64));
	for (int i = 0; i < 16; i++)
		any |= mask[i] != 0;
	if (!any)
		return -EINVAL;
	memcpy(o->affinity, mask, sizeof(mask));
	return 0;
}

long sys_sched_getaffinity(struct task *t, pid_t pid, size_t len,
			   uaddr_t umask)
{
	int need = cpumask_bytes();
	struct task *o;

	if ((len * 8) < (size_t)sched_ncpus() || (len & (sizeof(u64) - 1)))
		return -EINVAL;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	if (copy_to_user(umask, o->affinity, need))
		return -EFAULT;
	return need;
}

long sys_getcpu(struct task *t, uaddr_t ucpu, uaddr_t unode, uaddr_t cache)
{
	u32 cpu = 0;

	(void)cache;
	/* The lowest CPU it may run on: umk does not pin tasks to CPUs. */
	for (int i = 0; i < sched_ncpus(); i++) {
		if (t->affinity[i / 64] & (1ULL << (i % 64))) {
			cpu = (u32)i;
			break;
		}
	}
	if (ucpu && put_user(cpu, ucpu))
		return -EFAULT;
	if (unode && put_user((u32)0, unode))
		return -EFAULT;
	return 0;
}

/* ---- policy and priority ---- */

struct sched_param {
	int sched_priority;
};

static bool valid_policy(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO ||
	       policy == SCHED_RR || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE;
}

static bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static long set_scheduler(struct task *t, struct task *o, int policy,
			  int prio)
{
	int p = policy & ~SCHED_RESET_ON_FORK;
	u64 rtprio = t->proc->rlim[RLIMIT_RTPRIO].rlim_cur;

	if (policy < 0)
		p = o->policy; /* sched_setparam: keep the policy */
	else if (!valid_policy(p))
		return -EINVAL;
	if (rt_policy(p) ? (prio < 1 || prio > 99) : prio != 0)
		return -EINVAL;
	if (!privileged(t)) {
		if (rt_policy(p) && (u64)prio > rtprio &&
		    (!rt_policy(o->policy) || prio > o->rt_priority))
			return -EPERM;
		if (!may_change(t, o))
			return -EPERM;
		if (o->policy == SCHED_IDLE && p != SCHED_IDLE)
			return -EPERM;
	}
	o->policy = p;
	o->rt_priority = prio;
	return 0;
}

long sys_sched_setscheduler(struct task *t, pid_t pid, int policy,
			    uaddr_t uparam)
{
	struct sched_param sp;
	struct task *o;

	if (!uparam || pid < 0 || policy < 0)
		return -EINVAL;
	if (copy_from_user(&sp, uparam, sizeof(sp)))
		return -EFAULT;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	return set_scheduler(t, o, policy, sp.sched_priority);
}

long sys_sched_setparam(struct task *t, pid_t pid, uaddr_t uparam)
{
	struct sched_param sp;
	struct task *o;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&sp, uparam, sizeof(sp)))
		return -EFAULT;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	return set_scheduler(t, o, -1, sp.sched_priority);
}

long sys_sched_getscheduler(struct task *t, pid_t pid)
{
	struct task *o;

	if (pid < 0)
		return -EINVAL;
	o = sched_target(t, pid);
	return o ? o->policy : -ESRCH;
}

long sys_sched_getparam(struct task *t, pid_t pid, uaddr_t uparam)
{
	struct task *o;

	if (!uparam || pid < 0)
		return -EINVAL;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	return put_user((int)o->rt_priority, uparam);
}

/* A policy's priority bound: rt for the real-time ones, 0 for the rest. */
static long priority_bound(int policy, long rt)
{
	if (rt_policy(policy))
		return rt;
	return valid_policy(policy) || policy == SCHED_DEADLINE ||
			       policy == SCHED_EXT
		       ? 0
		       : -EINVAL;
}

long sys_sched_get_priority_max(struct task *t, int policy)
{
	(void)t;
	return priority_bound(policy, 99);
}

long sys_sched_get_priority_min(struct task *t, int policy)
{
	(void)t;
	return priority_bound(policy, 1);
}

long sys_sched_rr_get_interval(struct task *t, pid_t pid, uaddr_t uts)
{
	struct linux_timespec ts = { 0, 0 };
	struct task *o;

	if (pid < 0)
		return -EINVAL;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	/* Linux: RR's slice; 0 for FIFO, and for CFS tasks on an idle CPU */
	if (o->policy == SCHED_RR)
		ts.tv_nsec = RR_TIMESLICE_NS;
	return copy_to_user(uts, &ts, sizeof(ts));
}

/* struct sched_attr, SCHED_ATTR_SIZE_VER1 (56 bytes) */
struct sched_attr {
	u32 size;
	u32 sched_policy;
	u64 sched_flags;
	s32 sched_nice;
	u32 sched_priority;
	u64 sched_runtime, sched_deadline, sched_period;
	u32 sched_util_min, sched_util_max;
};

long sys_sched_getattr(struct task *t, pid_t pid, uaddr_t uattr, unsigned size,
		       unsigned flags)
{
	struct sched_attr a;
	struct task *o;

	if (!uattr || pid < 0 || size > PAGE_SIZE || size < 48 || flags)
		return -EINVAL;
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	memset(&a, 0, sizeof(a));
	a.size = MIN(size, (unsigned)sizeof(a));
	a.sched_policy = (u32)o->policy;
	a.sched_nice = o->proc->nice;
	a.sched_priority = (u32)o->rt_priority;
	a.sched_util_max = 1024;
	return copy_to_user(uattr, &a, a.size);
}

static long set_nice(struct task *t, struct process *p, int nice);

long sys_sched_setattr(struct task *t, pid_t pid, uaddr_t uattr,
		       unsigned flags)
{
	struct sched_attr a;
	struct task *o;
	u32 size;
	long rc;

	if (!uattr || pid < 0 || flags)
		return -EINVAL;
	if (get_user(size, uattr))
		return -EFAULT;
	if (!size)
		size = 48;
	if (size < 48 || size > PAGE_SIZE) {
		put_user((u32)sizeof(a), uattr);
		return -E2BIG;
	}
	memset(&a, 0, sizeof(a));
	if (copy_from_user(&a, uattr, MIN(size, (u32)sizeof(a))))
		return -EFAULT;
	/* Unknown tail bytes must be zero. */
	for (u32 off = sizeof(a); off < size; off++) {
		u8 b;

		if (get_user(b, uattr + off))
			return -EFAULT;
		if (b) {
			put_user((u32)sizeof(a), uattr);
			return -E2BIG;
		}
	}
	o = sched_target(t, pid);
	if (!o)
		return -ESRCH;
	if (a.sched_flags & ~0x7fULL)
		return -EINVAL;
	if (a.sched_policy == SCHED_DEADLINE)
		return -EPERM; /* no deadline scheduling in umk */
	rc = set_scheduler(t, o, (int)a.sched_policy, (int)a.sched_priority);
	if (rc == 0 && !rt_policy((int)a.sched_policy))
		rc = set_nice(t, o->proc, a.sched_nice);
	return rc;
}

/* ---- nice ---- */

static long set_nice(struct task *t, struct process *p, int nice)
{
	nice = MAX(-20, MIN(19, nice));
	if (nice < p->nice && !privileged(t) &&
	    (u64)(20 - nice) > t->proc->rlim[RLIMIT_NICE].rlim_cur)
		return -EACCES;
	p->nice = nice;
	return 0;
}

static bool prio_match(struct task *t, struct process *p, int which, int who)
{
	switch (which) {
	case PRIO_PROCESS:
		return p->pid == (who ? who : t->proc->pid);
	case PRIO_PGRP:
		return p->pgid == (who ? who : t->proc->pgid);
	default:
		return p->cred.uid == (uid_t)(who ? who : (int)t->proc->cred.uid);
	}
}

long sys_getpriority(struct task *t, int which, int who)
{
	struct process *p;
	long best = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (which == PRIO_PROCESS && who) {
		struct task *o = task_find(who);

		return o && o->state != TASK_DEAD ? 20 - o->proc->nice : -ESRCH;
	}
	list_for_each(p, &all_processes, all_link) {
		if (p->zombie || !prio_match(t, p, which, who))
			continue;
		if (20 - p->nice > best)
			best = 20 - p->nice;
	}
	return best;
}

long sys_setpriority(struct task *t, int which, int who, int nice)
{
	struct process *p;
	long rc = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (which == PRIO_PROCESS && who) {
		struct task *o = task_find(who);

		if (!o || o->state == TASK_DEAD)
			return -ESRCH;
		if (!may_change(t, o))
			return -EPERM;
		return set_nice(t, o->proc, nice);
	}
	list_for_each(p, &all_processes, all_link) {
		long r;

		if (p->zombie || !prio_match(t, p, which, who))
			continue;
		if (!may_change(t, p->leader))
			r = -EPERM;
		else
			r = set_nice(t, p, nice);
		if (rc == -ESRCH || r < 0)
			rc = r;
	}
	return rc;
}

/* ---- I/O priority ---- */

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3

/*
 * An I/O priority is class (bits 13-15), hints (3-12) and level (0-2),
 * as in Linux 6.x; only the class and a level for no class are checked.
 */
static long ioprio_check(struct task *t, int ioprio)
{
	int class = (ioprio >> 13) & 7, level = ioprio & 7;

	switch (class) {
	case IOPRIO_CLASS_RT:
		if (!privileged(t))
			return -EPERM;
		return 0;
	case IOPRIO_CLASS_BE:
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return level ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

long sys_ioprio_set(struct task *t, int which, int who, int ioprio)
{
	struct task *o;
	long rc = ioprio_check(t, ioprio);
	struct process *p;
	bool found = false;

	if (rc < 0)
		return rc;
	switch (which) {
	case IOPRIO_WHO_PROCESS:
		o = sched_target(t, who);
		if (!o)
			return -ESRCH;
		if (!may_change(t, o))
			return -EPERM;
		o->ioprio = ioprio;
		return 0;
	case IOPRIO_WHO_PGRP:
	case IOPRIO_WHO_USER:
		list_for_each(p, &all_processes, all_link) {
			struct task *th;

			if (p->zombie)
				continue;
			if (which == IOPRIO_WHO_PGRP
				    ? p->pgid != (who ? who : t->proc->pgid)
				    : p->cred.uid != (uid_t)(who ? who
								 : (int)t->proc->cred.uid))
				continue;
			found = true;
			list_for_each(th, &p->threads, thread_link)
				th->ioprio = ioprio;
		}
		return found ? 0 : -ESRCH;
	default:
		return -EINVAL;
	}
}

long sys_ioprio_get(struct task *t, int which, int who)
{
	struct task *o;

	if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
		return -EINVAL;
	if (which != IOPRIO_WHO_PROCESS) {
		/* the best of the group's (unset counts as BE level 4) */
		struct process *p;
		int best = -1;

		list_for_each(p, &all_processes, all_link) {
			struct task *th;

			if (p->zombie ||
			    (which == IOPRIO_WHO_PGRP
				     ? p->pgid != (who ? who : t->proc->pgid)
				     : p->cred.uid != (uid_t)(who ? who
								  : (int)t->proc->cred.uid)))
				continue;
			list_for_each(th, &p->threads, thread_link) {
				int v = th->ioprio ? th->ioprio
						   : (IOPRIO_CLASS_BE << 13) | 4;

				if (best < 0 || (v >> 13) < (best >> 13) ||
				    ((v >> 13) == (best >> 13) &&
				     (v & 0x1fff) < (best & 0x1fff)))
					best = v;
			}
		}
		return best < 0 ? -ESRCH : best;
	}
	o = sched_target(t, who);
	if (!o)
		return -ESRCH;
	return o->ioprio; /* 0 (IOPRIO_CLASS_NONE) until set */
}

/* ---- personality ---- */

long sys_personality(struct task *t, unsigned persona)
{
	unsigned old = t->proc->personality;

	if (persona != 0xffffffffU)
		t->proc->personality = persona;
	return old;
}

/* ---- capabilities ---- */

#define CAP_V1 0x19980330
#define CAP_V2 0x20071026
#define CAP_V3 0x20080522
#define CAP_LAST 40
#define CAP_ALL ((1ULL << (CAP_LAST + 1)) - 1)

struct cap_header {
	u32 version;
	s32 pid;
};

struct cap_data {
	u32 effective, permitted, inheritable;
};

/*
 * A process's capabilities follow its credentials, as for a root that
 * has not dropped any: all of them for euid 0 (effective) and uid or
 * euid 0 (permitted), none otherwise, less what capset dropped.
 */
static void caps_of(struct process *p, u64 *eff, u64 *perm, u64 *inh)
{
	*perm = (p->cred.uid == 0 || p->cred.euid == 0) ? CAP_ALL : 0;
	*perm &= ~p->caps_dropped;
	*eff = p->cred.euid == 0 ? *perm : 0;
	*eff &= ~p->caps_off;
	*inh = p->caps_inheritable;
}

static long cap_header_check(uaddr_t uhdr, struct cap_header *h, int *words)
{
	if (copy_from_user(h, uhdr, sizeof(*h)))
		return -EFAULT;
	switch (h->version) {
	case CAP_V1:
		*words = 1;
		return 0;
	case CAP_V2:
	case CAP_V3:
		*words = 2;
		return 0;
	default:
		h->version = CAP_V3;
		if (put_user(h->version, uhdr))
			return -EFAULT;
		return -EINVAL;
	}
}

long sys_capget(struct task *t, uaddr_t uhdr, uaddr_t udata)
{
	struct cap_header h;
	struct cap_data d[2];
	struct process *p = t->proc;
	u64 eff, perm, inh;
	int words;
	long rc = cap_header_check(uhdr, &h, &words);

	if (rc == -EINVAL && !udata)
		return 0; /* a version probe */
	if (rc < 0)
		return rc;
	if (h.pid < 0)
		return -EINVAL;
	if (h.pid && h.pid != p->pid) {
		struct task *o = task_find(h.pid);

		if (!o || o->state == TASK_DEAD)
			return -ESRCH;
		p = o->proc;
	}
	caps_of(p, &eff, &perm, &inh);
	for (int i = 0; i < 2; i++) {
		d[i].effective = (u32)(eff >> (32 * i));
		d[i].permitted = (u32)(perm >> (32 * i));
		d[i].inheritable = (u32)(inh >> (32 * i));
	}
	return copy_to_user(udata, d, words * sizeof(d[0]));
}

long sys_capset(struct task *t, uaddr_t uhdr, uaddr_t udata)
{
	struct cap_header h;
	struct cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	struct process *p = t->proc;
	u64 eff, perm, inh, ne, np, ni;
	int words;
	long rc = cap_header_check(uhdr, &h, &words);

	if (rc < 0)
		return rc;
	if (h.pid && h.pid != (s32)p->pid)
		return -EPERM;
	if (copy_from_user(d, udata, words * sizeof(d[0])))
		return -EFAULT;
	/* bits past the last capability are dropped, as Linux does */
	ne = (d[0].effective | ((u64)d[1].effective << 32)) & CAP_ALL;
	np = (d[0].permitted | ((u64)d[1].permitted << 32)) & CAP_ALL;
	ni = (d[0].inheritable | ((u64)d[1].inheritable << 32)) & CAP_ALL;
	caps_of(p, &eff, &perm, &inh);
	/* No new permitted ones, effective within permitted. */
	if ((np & ~perm) || (ne & ~np) || (ni & ~(inh | perm)))
		return -EPERM;
	p->caps_dropped |= perm & ~np;
	p->caps_off = (perm & np) & ~ne;
	p->caps_inheritable = ni;
	return 0;
}

/* ---- names ---- */

extern char utsname_nodename[65];
extern char utsname_domainname[65];

static long set_name(struct task *t, char *dst, uaddr_t uname, int len)
{
	char buf[65];

	if (!privileged(t))
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(buf, uname, len))
		return -EFAULT;
	buf[len] = 0;
	memcpy(dst, buf, len + 1);
	return 0;
}

long sys_sethostname(struct task *t, uaddr_t name, int len)
{
	return set_name(t, utsname_nodename, name, len);
}

long sys_setdomainname(struct task *t, uaddr_t name, int len)
{
	return set_name(t, utsname_domainname, name, len);
}

/* ---- membarrier ---- */

#define MB_QUERY 0
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_PRIVATE_EXPEDITED_RSEQ 128
#define MB_REGISTER_PRIVATE_EXPEDITED_RSEQ 256
#define MB_GET_REGISTRATIONS 512

/*
 * A barrier on every CPU that runs one of the threads concerned: each
 * one in user mode is kicked and waited for, and stopping (entering the
 * host kernel) orders its memory accesses, as Linux's IPIs do.
 */
long sys_membarrier(struct task *t, int cmd, unsigned flags, int cpu)
{
	struct process *p = t->proc;

	(void)cpu;
	if (flags & ~1U) /* MEMBARRIER_CMD_FLAG_CPU */
		return -EINVAL;
	if ((flags & 1) && cmd != MB_PRIVATE_EXPEDITED_RSEQ)
		return -EINVAL;
	switch (cmd) {
	case MB_QUERY:
		return flags ? -EINVAL
			     : MB_GLOBAL | MB_GLOBAL_EXPEDITED |
				       MB_REGISTER_GLOBAL_EXPEDITED |
				       MB_PRIVATE_EXPEDITED |
				       MB_REGISTER_PRIVATE_EXPEDITED |
				       MB_PRIVATE_EXPEDITED_SYNC_CORE |
				       MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |
				       MB_PRIVATE_EXPEDITED_RSEQ |
				       MB_REGISTER_PRIVATE_EXPEDITED_RSEQ |
				       MB_GET_REGISTRATIONS;
	case MB_REGISTER_GLOBAL_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED:
	case MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
	case MB_REGISTER_PRIVATE_EXPEDITED_RSEQ:
		p->membarrier_registered |= (unsigned)cmd;
		return 0;
	case MB_GET_REGISTRATIONS:
		return p->membarrier_registered;
	case MB_GLOBAL_EXPEDITED:
	case MB_GLOBAL:
		sched_membarrier(t, NULL);
		return 0;
	case MB_PRIVATE_EXPEDITED:
	case MB_PRIVATE_EXPEDITED_SYNC_CORE:
	case MB_PRIVATE_EXPEDITED_RSEQ:
		/* needs the matching registration (its bit is the cmd's * 2) */
		if (!(p->membarrier_registered & ((unsigned)cmd << 1)))
			return -EPERM;
		sched_membarrier(t, p);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- the kernel log ---- */

/*
 * syslog(2): umk keeps no kernel log the guest could read, so the log
 * is empty.  Reading it takes privilege, as with dmesg_restrict.
 */
long sys_syslog(struct task *t, int type, uaddr_t buf, int len)
{
	(void)buf;
	switch (type) {
	case 0: /* close */
	case 1: /* open */
		return 0;
	case 2: /* read */
	case 3: /* read all */
	case 4: /* read and clear */
		if (!privileged(t))
			return -EPERM;
		if (!buf || len < 0)
			return -EINVAL;
		return 0;
	case 5: case 6: case 7: case 8: /* clear, console off/on/level */
		if (!privileged(t))
			return -EPERM;
		if (type == 8 && (len < 1 || len > 8))
			return -EINVAL;
		return 0;
	case 9:  /* unread bytes */
	case 10: /* buffer size */
		if (!privileged(t))
			return -EPERM;
		return type == 10 ? 1 << 17 : 0;
	default:
		return -EINVAL;
	}
}
