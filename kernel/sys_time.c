/*
 * Time: clocks, sleeps.  Wall and monotonic clocks are the host's;
 * CPU clocks are what the engine measured for the guest's threads.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/abi/time.h"
#include "host/host.h"

static int timespec_ok(const struct linux_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC;
}

static s64 ts_to_ns(const struct linux_timespec *ts)
{
	if (ts->tv_sec >= INT64_MAX / NSEC_PER_SEC)
		return INT64_MAX;
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static struct linux_timespec ns_to_ts(s64 ns)
{
	return (struct linux_timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

/* CPU time of thread t, or of all threads of its process. */
static s64 cpu_time(struct task *t, bool process)
{
	struct task *o;
	s64 sum;

	if (!process)
		return task_cpu_ns(t);
	sum = t->proc->utime_ns + t->proc->stime_ns;
	list_for_each(o, &t->proc->threads, thread_link)
		sum += task_cpu_ns(o);
	return sum;
}

/* The time on clock, or -EINVAL. */
static s64 clock_now(struct task *t, int clock)
{
	if (clock < 0) {
		/* A CPU clock of another process or thread. */
		pid_t pid = ~(clock >> 3);
		struct task *o;

		if ((clock & 7) == 7 || (clock & 3) == 3)
			return -EINVAL;
		o = pid ? task_find(pid) : t;
		if (!o || ((clock & 4) == 0 && o->proc->pid != pid && pid))
			return -EINVAL;
		return cpu_time(o, !(clock & 4));
	}
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
	case CLOCK_REALTIME_ALARM:
		return host_clock_ns(HOST_CLOCK_REALTIME);
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
		return host_clock_ns(HOST_CLOCK_MONOTONIC);
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return host_clock_ns(HOST_CLOCK_BOOTTIME);
	case CLOCK_PROCESS_CPUTIME_ID:
		return cpu_time(t, true);
	case CLOCK_THREAD_CPUTIME_ID:
		return cpu_time(t, false);
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(struct task *t, int clock, uaddr_t tp)
{
	s64 ns = clock_now(t, clock);
	struct linux_timespec ts;

	if (ns < 0)
		return ns;
	ts = ns_to_ts(ns);
	return copy_to_user(tp, &ts, sizeof(ts));
}

long sys_clock_getres(struct task *t, int clock, uaddr_t tp)
{
	struct linux_timespec ts = { 0, 1 };
	s64 ns = clock_now(t, clock);

	if (ns < 0)
		return ns;
	if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = 4000000;
	if (!tp)
		return 0;
	return copy_to_user(tp, &ts, sizeof(ts));
}

long sys_gettimeofday(struct task *t, uaddr_t tv, uaddr_t tz)
{
	s64 ns = host_clock_ns(HOST_CLOCK_REALTIME);
	struct linux_timeval v = { ns / NSEC_PER_SEC,
				   ns % NSEC_PER_SEC / NSEC_PER_USEC };
	struct linux_timezone z = { 0, 0 };

	(void)t;
	if (tv && copy_to_user(tv, &v, sizeof(v)))
		return -EFAULT;
	if (tz && copy_to_user(tz, &z, sizeof(z)))
		return -EFAULT;
	return 0;
}

long sys_time(struct task *t, uaddr_t tloc)
{
	s64 s = host_clock_ns(HOST_CLOCK_REALTIME) / NSEC_PER_SEC;

	(void)t;
	if (tloc && put_user(s, tloc))
		return -EFAULT;
	return s;
}

/* ---- sleeping ---- */

/* Sleep until monotonic deadline; -ERESTART_RESTARTBLOCK on a signal. */
static long sleep_until(struct task *t, s64 deadline, uaddr_t rem);

static long nanosleep_restart(struct task *t)
{
	return sleep_until(t, (s64)t->restart_data[0], t->restart_data[1]);
}

static long sleep_until(struct task *t, s64 deadline, uaddr_t rem)
{
	struct waitq wq;
	int rc;

	waitq_init(&wq);
	do
		rc = sleep_on(&wq, true, deadline);
	while (rc == 0);
	if (rc == -ETIMEDOUT)
		return 0;
	if (rem) {
		struct linux_timespec ts = ns_to_ts(MAX(deadline - ktime_mono(), 0));

		if (copy_to_user(rem, &ts, sizeof(ts)))
			return -EFAULT;
	}
	t->restart_fn = nanosleep_restart;
	t->restart_data[0] = (u64)deadline;
	t->restart_data[1] = rem;
	return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(struct task *t, uaddr_t ureq, uaddr_t urem)
{
	struct linux_timespec req;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_ok(&req))
		return -EINVAL;
	return sleep_until(t, ktime_mono() + MIN(ts_to_ns(&req), INT64_MAX / 2),
			   urem);
}

/*
 * Sleeping on a CPU clock: until the process's CPU time reaches target.
 * The CPU time of a process only moves while it runs, so the clock is
 * looked at every few milliseconds; a single-threaded process sleeping
 * on its own clock sleeps until a signal, as on Linux.
 */
#define CPU_SLEEP_POLL_NS (4 * 1000 * 1000LL)

static long cpu_sleep(struct task *t, int clock, s64 target, bool abs,
		      uaddr_t rem);

static long cpu_sleep_restart(struct task *t)
{
	return cpu_sleep(t, (int)t->restart_data[0], (s64)t->restart_data[1],
			 false, t->restart_data[2]);
}

static long cpu_sleep(struct task *t, int clock, s64 target, bool abs,
		      uaddr_t rem)
{
	struct waitq wq;
	s64 now;
	int rc;

	waitq_init(&wq);
	for (;;) {
		now = clock_now(t, clock);
		if (now < 0)
			return -EINVAL; /* the process went away */
		if (now >= target)
			return 0;
		rc = sleep_on(&wq, true, ktime_mono() + CPU_SLEEP_POLL_NS);
		if (rc == -EINTR)
			break;
	}
	if (abs)
		return -ERESTARTNOHAND;
	if (rem) {
		struct linux_timespec ts = ns_to_ts(target - now);

		if (copy_to_user(rem, &ts, sizeof(ts)))
			return -EFAULT;
	}
	t->restart_fn = cpu_sleep_restart;
	t->restart_data[0] = (u64)(s64)clock;
	t->restart_data[1] = (u64)target;
	t->restart_data[2] = rem;
	return -ERESTART_RESTARTBLOCK;
}

/*
 * What clock_nanosleep makes of a clock, in Linux's order: 1 for a
 * clock it sleeps on with timers, 2 for a CPU clock, -EINVAL for no
 * clock, -EOPNOTSUPP for one that cannot be slept on (the thread CPU
 * clocks, the raw and coarse clocks, posix clock fds and, with no RTC
 * device in a guest, the alarm clocks).
 */
static int nsleep_kind(int clock)
{
	if (clock < 0)
		return (clock & 7) == 3 ? -EOPNOTSUPP : 2;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		return 1;
	case CLOCK_PROCESS_CPUTIME_ID:
		return 2;
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

long sys_clock_nanosleep(struct task *t, int clock, int flags, uaddr_t ureq,
			 uaddr_t urem)
{
	struct linux_timespec req;
	int kind = nsleep_kind(clock);
	bool abs = flags & TIMER_ABSTIME;
	s64 ns, now;

	if (kind < 0)
		return kind;
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_ok(&req))
		return -EINVAL;
	ns = MIN(ts_to_ns(&req), INT64_MAX / 2);
	if (kind == 2) {
		/* Another thread's clock, or a process that is not there. */
		if (clock < 0 && (clock & 4))
			return -EINVAL;
		now = clock_now(t, clock);
		if (now < 0)
			return -EINVAL;
		return cpu_sleep(t, clock, abs ? ns : now + ns, abs, urem);
	}
	if (abs) {
		long rc;

		now = clock_now(t, clock);
		ns = ktime_mono() + MAX(ns - now, 0);
		/* nothing is written for absolute sleeps */
		rc = sleep_until(t, ns, 0);
		return rc == -ERESTART_RESTARTBLOCK ? -ERESTARTNOHAND : rc;
	}
	return sleep_until(t, ktime_mono() + ns, urem);
}

long sys_restart_syscall(struct task *t)
{
	long (*fn)(struct task *) = t->restart_fn;

	t->restart_fn = NULL;
	return fn ? fn(t) : -EINTR;
}
