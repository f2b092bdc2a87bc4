/*
 * Interval timers (alarm, setitimer) and POSIX timers (timer_create).
 *
 * Wall-clock timers are kernel timers.  CPU-time timers (ITIMER_VIRTUAL,
 * ITIMER_PROF and timers on CPU clocks) compare the process's CPU time,
 * as the engine measures it, every CPU_TICK while one is armed.  A
 * POSIX timer whose signal is still queued when it fires again counts
 * an overrun instead of queueing another, as Linux does.
 *
 * Timers are per process: fork gives the child none, execve keeps the
 * interval timers and drops the POSIX ones, exit cancels them all.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/abi/time.h"

#define MAX_TIMERS 1024
#define CPU_TICK (10 * 1000 * 1000LL)

struct ptimer {
	int id;
	int clock;             /* CLOCK_*, or -1 for the process CPU clock */
	bool cpu;              /* expires on CPU time */
	int notify, signo;
	pid_t tid;             /* SIGEV_THREAD_ID */
	u64 value;             /* sigev_value */
	s64 expires;           /* mono ns, or CPU ns when cpu; 0 = off */
	s64 interval;
	int overrun, last_overrun;
	struct ktimer timer;
	struct process *proc;
	struct list link;      /* the process's POSIX timers */
	struct list cpu_link;  /* cpu_timers, while a cpu timer is armed */
};

struct proc_timers {
	struct ptimer it[3];   /* ITIMER_REAL, VIRTUAL, PROF */
	struct list posix;
	int next_id;
};


static struct ktimer cpu_ticker;
static struct list cpu_timers = LIST_INIT(cpu_timers); /* ptimer.cpu_link */

static s64 process_cpu_ns(struct process *p)
{
	struct task *t;
	s64 sum = p->utime_ns;

	list_for_each(t, &p->threads, thread_link)
		sum += task_cpu_ns(t);
	return sum;
}

static s64 timer_now(struct ptimer *pt)
{
	return pt->cpu ? process_cpu_ns(pt->proc) : ktime_mono();
}

static struct proc_timers *timers_of(struct process *p)
{
	if (!p->timers) {
		p->timers = kzalloc(sizeof(*p->timers));
		list_init(&p->timers->posix);
		for (int i = 0; i < 3; i++) {
			struct ptimer *pt = &p->timers->it[i];

			pt->id = -1;
			pt->proc = p;
			pt->cpu = i != ITIMER_REAL;
			pt->notify = SIGEV_SIGNAL;
			pt->signo = i == ITIMER_REAL ? SIGALRM
				    : i == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF;
			list_init(&pt->link);
			list_init(&pt->cpu_link);
			timer_init(&pt->timer, NULL);
		}
	}
	return p->timers;
}

/* Is the signal of pt still waiting to be delivered? */
static struct linux_siginfo *queued_info(struct ptimer *pt)
{
	struct sigpending *sp = &pt->proc->shared_pending;
	struct sigqueue *q;

	if (!sp->queue.next)
		return NULL;
	list_for_each(q, &sp->queue, link)
		if (q->info.si_code == SI_TIMER && q->info.timer.tid == pt->id &&
		    q->info.si_signo == pt->signo)
			return &q->info;
	return NULL;
}

static void fire(struct ptimer *pt)
{
	struct linux_siginfo info = { .si_signo = pt->signo };
	struct linux_siginfo *q;
	struct task *t;

	if (pt->notify == SIGEV_NONE || pt->proc->zombie)
		return;
	if (pt->id < 0) {
		info.si_code = SI_KERNEL;
		send_signal_process(pt->proc, pt->signo, &info);
		return;
	}
	q = queued_info(pt);
	if (q) {
		q->timer.overrun = ++pt->overrun;
		return;
	}
	pt->last_overrun = pt->overrun;
	pt->overrun = 0;
	info.si_code = SI_TIMER;
	info.timer.tid = pt->id;
	info.timer.overrun = pt->last_overrun;
	info.timer.value = pt->value;
	if (pt->notify == SIGEV_THREAD_ID && (t = task_find(pt->tid)) &&
	    t->proc == pt->proc)
		send_signal_thread(t, pt->signo, &info);
	else
		send_signal_process(pt->proc, pt->signo, &info);
}

static void cpu_tick(struct ktimer *k);

static void arm_cpu_ticker(void)
{
	if (!list_empty(&cpu_timers) && !cpu_ticker.armed) {
		timer_init(&cpu_ticker, cpu_tick);
		timer_arm(&cpu_ticker, ktime_mono() + CPU_TICK);
	}
}

/* The next expiry of pt after it fired at now. */
static void rearm(struct ptimer *pt, s64 now)
{
	if (!pt->interval) {
		pt->expires = 0;
		return;
	}
	while (pt->expires <= now) {
		pt->expires += pt->interval;
		if (pt->id >= 0 && pt->expires <= now)
			pt->overrun++;
	}
	if (!pt->cpu)
		timer_arm(&pt->timer, pt->expires);
}

static void wall_expired(struct ktimer *k)
{
	struct ptimer *pt = container_of(k, struct ptimer, timer);
	s64 now = ktime_mono();

	fire(pt);
	rearm(pt, now);
}

static void cpu_tick(struct ktimer *k)
{
	struct ptimer *pt, *tmp;

	(void)k;
	list_for_each_safe(pt, tmp, &cpu_timers, cpu_link) {
		s64 now = process_cpu_ns(pt->proc);

		if (now < pt->expires)
			continue;
		fire(pt);
		rearm(pt, now);
		if (!pt->expires)
			list_del(&pt->cpu_link);
	}
	arm_cpu_ticker();
}

static void disarm(struct ptimer *pt)
{
	if (pt->cpu) {
		if (pt->expires)
			list_del(&pt->cpu_link);
	} else {
		timer_cancel(&pt->timer);
	}
	pt->expires = 0;
}

/* Arm pt to fire at absolute time expires (its clock), then every interval. */
static void arm(struct ptimer *pt, s64 expires, s64 interval)
{
	disarm(pt);
	pt->interval = interval;
	if (!expires)
		return;
	pt->expires = expires;
	if (pt->cpu) {
		list_add_tail(&cpu_timers, &pt->cpu_link);
		arm_cpu_ticker();
	} else {
		timer_init(&pt->timer, wall_expired);
		timer_arm(&pt->timer, expires);
	}
}

static s64 remaining(struct ptimer *pt)
{
	return pt->expires ? MAX(pt->expires - timer_now(pt), 1) : 0;
}

/* Called at exec (keep_itimers) and exit. */
void timers_release(struct process *p, bool keep_itimers)
{
	struct proc_timers *pts = p->timers;
	struct ptimer *pt, *tmp;

	if (!pts)
		return;
	list_for_each_safe(pt, tmp, &pts->posix, link) {
		disarm(pt);
		list_del(&pt->link);
		kfree(pt);
	}
	if (keep_itimers)
		return;
	for (int i = 0; i < 3; i++)
		disarm(&pts->it[i]);
	kfree(pts);
	p->timers = NULL;
}

/* ---- alarm, setitimer, getitimer ---- */

static s64 tv_ns(const struct linux_timeval *tv)
{
	return MIN(tv->tv_sec, 1LL << 32) * NSEC_PER_SEC + tv->tv_usec * 1000;
}

static struct linux_timeval ns_tv(s64 ns)
{
	return (struct linux_timeval){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / 1000 };
}

static void get_itimer(struct ptimer *pt, struct linux_timeval v[2])
{
	v[0] = ns_tv(pt->interval);
	v[1] = ns_tv(remaining(pt));
}

long sys_getitimer(struct task *t, int which, uaddr_t uval)
{
	struct linux_timeval v[2];

	if (which < 0 || which > ITIMER_PROF)
		return -EINVAL;
	get_itimer(&timers_of(t->proc)->it[which], v);
	return copy_to_user(uval, v, sizeof(v));
}

long sys_setitimer(struct task *t, int which, uaddr_t unew, uaddr_t uold)
{
	struct linux_timeval v[2], old[2];
	struct ptimer *pt;

	if (which < 0 || which > ITIMER_PROF)
		return -EINVAL;
	if (!unew)
		memset(v, 0, sizeof(v));
	else if (copy_from_user(v, unew, sizeof(v)))
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		if (v[i].tv_sec < 0 || v[i].tv_usec < 0 || v[i].tv_usec >= 1000000)
			return -EINVAL;
	pt = &timers_of(t->proc)->it[which];
	get_itimer(pt, old);
	if (tv_ns(&v[1]))
		arm(pt, timer_now(pt) + tv_ns(&v[1]), tv_ns(&v[0]));
	else
		arm(pt, 0, tv_ns(&v[0]));
	if (uold && copy_to_user(uold, old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_alarm(struct task *t, unsigned seconds)
{
	struct ptimer *pt = &timers_of(t->proc)->it[ITIMER_REAL];
	s64 left = remaining(pt);
	long old = (left + NSEC_PER_SEC - 1) / NSEC_PER_SEC;

	if (left && !old)
		old = 1;
	arm(pt, seconds ? ktime_mono() + (s64)seconds * NSEC_PER_SEC : 0, 0);
	return old;
}

/* ---- POSIX timers ---- */

static struct ptimer *ptimer_find(struct process *p, int id)
{
	struct ptimer *pt;

	if (!p->timers)
		return NULL;
	list_for_each(pt, &p->timers->posix, link)
		if (pt->id == id)
			return pt;
	return NULL;
}

static int clock_kind(int clock, bool *cpu)
{
	*cpu = false;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*cpu = true;
		return 0;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

long sys_timer_create(struct task *t, int clock, uaddr_t uevp, uaddr_t uid)
{
	struct proc_timers *pts = timers_of(t->proc);
	struct linux_sigevent ev = { .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	struct ptimer *pt;
	bool cpu;
	int rc = clock_kind(clock, &cpu), n = 0;

	if (rc < 0)
		return rc;
	if (uevp && copy_from_user(&ev, uevp, sizeof(ev)))
		return -EFAULT;
	switch (ev.notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD_ID:
		if (!valid_signal(ev.signo))
			return -EINVAL;
		if (ev.notify == SIGEV_THREAD_ID) {
			struct task *target = task_find(ev.tid);

			if (!target || target->proc != t->proc)
				return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	list_for_each(pt, &pts->posix, link)
		n++;
	if (n >= MAX_TIMERS)
		return -EAGAIN;
	pt = kzalloc(sizeof(*pt));
	while (ptimer_find(t->proc, pts->next_id))
		pts->next_id = (pts->next_id + 1) & 0x7fffffff;
	pt->id = pts->next_id++;
	pt->clock = clock;
	pt->cpu = cpu;
	pt->notify = ev.notify;
	pt->signo = ev.signo;
	pt->tid = ev.tid;
	pt->value = uevp ? ev.value : (u64)pt->id;
	pt->proc = t->proc;
	list_init(&pt->cpu_link);
	timer_init(&pt->timer, NULL);
	if (put_user((s32)pt->id, uid)) {
		kfree(pt);
		return -EFAULT;
	}
	list_add_tail(&pts->posix, &pt->link);
	return 0;
}

static struct linux_itimerspec get_spec(struct ptimer *pt)
{
	s64 left = remaining(pt);

	return (struct linux_itimerspec){
		{ pt->interval / NSEC_PER_SEC, pt->interval % NSEC_PER_SEC },
		{ left / NSEC_PER_SEC, left % NSEC_PER_SEC } };
}

static bool ts_ok(const struct linux_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC;
}

static s64 ts_ns(const struct linux_timespec *ts)
{
	return MIN(ts->tv_sec, 1LL << 32) * NSEC_PER_SEC + ts->tv_nsec;
}

long sys_timer_settime(struct task *t, int id, int flags, uaddr_t unew,
		       uaddr_t uold)
{
	struct ptimer *pt = ptimer_find(t->proc, id);
	struct linux_itimerspec spec, old;
	s64 value, expires;

	if (!pt)
		return -EINVAL;
	if (copy_from_user(&spec, unew, sizeof(spec)))
		return -EFAULT;
	if (!ts_ok(&spec.it_value) || !ts_ok(&spec.it_interval))
		return -EINVAL;
	old = get_spec(pt);
	value = ts_ns(&spec.it_value);
	expires = 0;
	if (value) {
		if (flags & TIMER_ABSTIME) {
			s64 now_clock = pt->cpu ? process_cpu_ns(t->proc)
				: pt->clock == CLOCK_REALTIME ? ktime_real()
							      : ktime_mono();

			expires = timer_now(pt) + MAX(value - now_clock, 0);
		} else {
			expires = timer_now(pt) + value;
		}
		if (expires <= 0)
			expires = 1;
	}
	pt->overrun = 0;
	arm(pt, expires, ts_ns(&spec.it_interval));
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(struct task *t, int id, uaddr_t ucur)
{
	struct ptimer *pt = ptimer_find(t->proc, id);
	struct linux_itimerspec spec;

	if (!pt)
		return -EINVAL;
	spec = get_spec(pt);
	return copy_to_user(ucur, &spec, sizeof(spec));
}

long sys_timer_getoverrun(struct task *t, int id)
{
	struct ptimer *pt = ptimer_find(t->proc, id);

	return pt ? pt->last_overrun : -EINVAL;
}

long sys_timer_delete(struct task *t, int id)
{
	struct ptimer *pt = ptimer_find(t->proc, id);

	if (!pt)
		return -EINVAL;
	disarm(pt);
	list_del(&pt->link);
	kfree(pt);
	return 0;
}
