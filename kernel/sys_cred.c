/*
 * Credentials, process groups and sessions, resource usage.  The
 * guest's ids are its own: umk starts the guest as root (uid 0) and
 * the guest may become anyone; the host never sees these ids.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/abi/time.h"
#include "kernel/mm/mm.h"

#define NGROUPS_MAX 65536
#define KEEP ((u32)-1)

static bool capable(struct task *t)
{
	return t->proc->cred.euid == 0;
}

/* ---- uids ---- */

long sys_setuid(struct task *t, uid_t uid)
{
	struct creds *c = &t->proc->cred;

	if (uid == KEEP)
		return -EINVAL;
	if (capable(t)) {
		c->uid = c->euid = c->suid = c->fsuid = uid;
		return 0;
	}
	if (uid != c->uid && uid != c->suid)
		return -EPERM;
	c->euid = c->fsuid = uid;
	return 0;
}

long sys_setgid(struct task *t, gid_t gid)
{
	struct creds *c = &t->proc->cred;

	if (gid == KEEP)
		return -EINVAL;
	if (capable(t)) {
		c->gid = c->egid = c->sgid = c->fsgid = gid;
		return 0;
	}
	if (gid != c->gid && gid != c->sgid)
		return -EPERM;
	c->egid = c->fsgid = gid;
	return 0;
}

long sys_setresuid(struct task *t, uid_t r, uid_t e, uid_t s)
{
	struct creds *c = &t->proc->cred;

	if (!capable(t)) {
		u32 ok[3] = { c->uid, c->euid, c->suid };
		u32 want[3] = { r, e, s };

		for (int i = 0; i < 3; i++)
			if (want[i] != KEEP && want[i] != ok[0] &&
			    want[i] != ok[1] && want[i] != ok[2])
				return -EPERM;
	}
	if (r != KEEP)
		c->uid = r;
	if (e != KEEP)
		c->euid = e;
	if (s != KEEP)
		c->suid = s;
	c->fsuid = c->euid;
	return 0;
}

long sys_setresgid(struct task *t, gid_t r, gid_t e, gid_t s)
{
	struct creds *c = &t->proc->cred;

	if (!capable(t)) {
		u32 ok[3] = { c->gid, c->egid, c->sgid };
		u32 want[3] = { r, e, s };

		for (int i = 0; i < 3; i++)
			if (want[i] != KEEP && want[i] != ok[0] &&
			    want[i] != ok[1] && want[i] != ok[2])
				return -EPERM;
	}
	if (r != KEEP)
		c->gid = r;
	if (e != KEEP)
		c->egid = e;
	if (s != KEEP)
		c->sgid = s;
	c->fsgid = c->egid;
	return 0;
}

long sys_setreuid(struct task *t, uid_t r, uid_t e)
{
	struct creds *c = &t->proc->cred, old = *c;
	long rc;

	if (!capable(t)) {
		if (r != KEEP && r != c->uid && r != c->euid)
			return -EPERM;
		if (e != KEEP && e != c->uid && e != c->euid && e != c->suid)
			return -EPERM;
	}
	rc = sys_setresuid(t, r, e, KEEP);
	if (rc < 0)
		return rc;
	/* The saved id follows the new effective one when it changed. */
	if (r != KEEP || (e != KEEP && e != old.uid))
		c->suid = c->euid;
	return 0;
}

long sys_setregid(struct task *t, gid_t r, gid_t e)
{
	struct creds *c = &t->proc->cred, old = *c;
	long rc;

	if (!capable(t)) {
		if (r != KEEP && r != c->gid && r != c->egid)
			return -EPERM;
		if (e != KEEP && e != c->gid && e != c->egid && e != c->sgid)
			return -EPERM;
	}
	rc = sys_setresgid(t, r, e, KEEP);
	if (rc < 0)
		return rc;
	if (r != KEEP || (e != KEEP && e != old.gid))
		c->sgid = c->egid;
	return 0;
}

static long put_three(u32 a, u32 b, u32 c, uaddr_t ua, uaddr_t ub, uaddr_t uc)
{
	if (put_user(a, ua) || put_user(b, ub) || put_user(c, uc))
		return -EFAULT;
	return 0;
}

long sys_getresuid(struct task *t, uaddr_t r, uaddr_t e, uaddr_t s)
{
	struct creds *c = &t->proc->cred;

	return put_three(c->uid, c->euid, c->suid, r, e, s);
}

long sys_getresgid(struct task *t, uaddr_t r, uaddr_t e, uaddr_t s)
{
	struct creds *c = &t->proc->cred;

	return put_three(c->gid, c->egid, c->sgid, r, e, s);
}

long sys_setfsuid(struct task *t, uid_t uid)
{
	struct creds *c = &t->proc->cred;
	uid_t old = c->fsuid;

	if (uid != KEEP && (capable(t) || uid == c->uid || uid == c->euid ||
			    uid == c->suid || uid == c->fsuid))
		c->fsuid = uid;
	return old;
}

long sys_setfsgid(struct task *t, gid_t gid)
{
	struct creds *c = &t->proc->cred;
	gid_t old = c->fsgid;

	if (gid != KEEP && (capable(t) || gid == c->gid || gid == c->egid ||
			    gid == c->sgid || gid == c->fsgid))
		c->fsgid = gid;
	return old;
}

long sys_getgroups(struct task *t, int size, uaddr_t list)
{
	struct creds *c = &t->proc->cred;

	if (size < 0)
		return -EINVAL;
	if (!size)
		return c->ngroups;
	if (size < c->ngroups)
		return -EINVAL;
	if (c->ngroups && copy_to_user(list, c->groups,
				       c->ngroups * sizeof(gid_t)))
		return -EFAULT;
	return c->ngroups;
}

long sys_setgroups(struct task *t, int size, uaddr_t list)
{
	struct creds *c = &t->proc->cred;
	gid_t groups[ARRAY_SIZE(c->groups)];

	if (!capable(t))
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if ((size_t)size > ARRAY_SIZE(c->groups))
		return -ENOMEM; /* umk keeps up to 32 supplementary groups */
	if (size && copy_from_user(groups, list, size * sizeof(gid_t)))
		return -EFAULT;
	memcpy(c->groups, groups, size * sizeof(gid_t));
	c->ngroups = size;
	return 0;
}

/* ---- process groups and sessions ---- */

static bool pgrp_exists_in(pid_t pgid, pid_t sid)
{
	struct process *p;

	list_for_each(p, &all_processes, all_link)
		if (p->pgid == pgid && p->sid == sid && !p->zombie)
			return true;
	return false;
}

long sys_setpgid(struct task *t, pid_t pid, pid_t pgid)
{
	struct process *self = t->proc, *p;

	if (pgid < 0)
		return -EINVAL;
	p = pid ? process_find(pid) : self;
	if (!p || p->zombie)
		return -ESRCH;
	if (p != self) {
		if (p->parent != self)
			return -ESRCH;
		if (p->sid != self->sid)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	}
	if (!pgid)
		pgid = p->pid;
	if (p->sid == p->pid)
		return -EPERM; /* a session leader stays where it is */
	if (pgid != p->pid && !pgrp_exists_in(pgid, self->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

long sys_getpgid(struct task *t, pid_t pid)
{
	struct process *p = pid ? process_find(pid) : t->proc;

	if (!p)
		return -ESRCH;
	return p->pgid;
}

long sys_getpgrp(struct task *t)
{
	return t->proc->pgid;
}

long sys_setsid(struct task *t)
{
	struct process *p = t->proc, *o;

	/* Not if some group already has our pid as its id. */
	list_for_each(o, &all_processes, all_link)
		if (o->pgid == p->pid && !o->zombie)
			return -EPERM;
	p->sid = p->pgid = p->pid;
	return p->sid;
}

long sys_getsid(struct task *t, pid_t pid)
{
	struct process *p = pid ? process_find(pid) : t->proc;

	if (!p)
		return -ESRCH;
	return p->sid;
}

/* ---- usage ---- */

static struct linux_timeval ns_tv(s64 ns)
{
	return (struct linux_timeval){ ns / NSEC_PER_SEC,
				       ns % NSEC_PER_SEC / 1000 };
}

static s64 process_cpu(struct process *p)
{
	struct task *o;
	s64 sum = p->utime_ns;

	list_for_each(o, &p->threads, thread_link)
		sum += task_cpu_ns(o);
	return sum;
}

long sys_getrusage(struct task *t, int who, uaddr_t uru)
{
	struct linux_rusage ru;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
		ru.ru_utime = ns_tv(process_cpu(t->proc));
		ru.ru_stime = ns_tv(t->proc->stime_ns);
		break;
	case RUSAGE_THREAD:
		ru.ru_utime = ns_tv(task_cpu_ns(t));
		break;
	case RUSAGE_CHILDREN:
		ru.ru_utime = ns_tv(t->proc->cutime_ns);
		ru.ru_stime = ns_tv(t->proc->cstime_ns);
		break;
	default:
		return -EINVAL;
	}
	ru.ru_maxrss = (s64)(t->mm ? t->mm->rss_pages * 4 : 0);
	return copy_to_user(uru, &ru, sizeof(ru));
}

long sys_times(struct task *t, uaddr_t ubuf)
{
	struct linux_tms tms;
	s64 ticks = ktime_mono() / (NSEC_PER_SEC / USER_HZ);

	tms.tms_utime = process_cpu(t->proc) / (NSEC_PER_SEC / USER_HZ);
	tms.tms_stime = t->proc->stime_ns / (NSEC_PER_SEC / USER_HZ);
	tms.tms_cutime = t->proc->cutime_ns / (NSEC_PER_SEC / USER_HZ);
	tms.tms_cstime = t->proc->cstime_ns / (NSEC_PER_SEC / USER_HZ);
	if (ubuf && copy_to_user(ubuf, &tms, sizeof(tms)))
		return -EFAULT;
	return ticks;
}

