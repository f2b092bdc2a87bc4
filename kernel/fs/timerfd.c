/*
 * timerfd: a timer whose expirations are read from a file.
 *
 * The timer runs on one of the guest's clocks (realtime, monotonic,
 * boottime and their _ALARM twins) as a kernel timer on the monotonic
 * clock.  As in Linux, expiring counts one tick and wakes readers; a
 * periodic timer is re-armed only when its ticks are read (or the
 * timer is looked at), counting the periods missed meanwhile, so an
 * unread timer costs nothing.  umk's clocks are the host's and cannot
 * be set, so TFD_TIMER_CANCEL_ON_SET is accepted and never fires.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/event.h"
#include "kernel/abi/event.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"
#include "host/host.h"

struct timerfd {
	int clock;
	s64 expires;          /* on the timer's clock; 0 when never armed */
	s64 interval;         /* 0: one-shot */
	u64 ticks;            /* expirations not yet read */
	bool expired;         /* fired and not re-armed yet */
	struct ktimer timer;  /* on the monotonic clock */
	struct waitq wait;
};

static const struct file_ops timerfd_fops;

static s64 clock_now(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		return ktime_real();
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return host_clock_ns(HOST_CLOCK_BOOTTIME);
	default:
		return ktime_mono();
	}
}

static s64 add_sat(s64 a, s64 b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static s64 ts_ns(const struct linux_timespec *ts)
{
	if (ts->tv_sec >= INT64_MAX / NSEC_PER_SEC)
		return INT64_MAX;
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static struct linux_timespec ns_ts(s64 ns)
{
	return (struct linux_timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

/* Arm the kernel timer for tf->expires, converted to the monotonic clock. */
static void arm(struct timerfd *tf)
{
	s64 left = tf->expires - clock_now(tf->clock);

	timer_arm(&tf->timer, add_sat(ktime_mono(), MAX(left, 0)));
}

static void timerfd_fire(struct ktimer *timer)
{
	struct timerfd *tf = container_of(timer, struct timerfd, timer);

	tf->expired = true;
	tf->ticks++;
	wake_up_key(&tf->wait, POLLIN);
}

/*
 * A periodic timer that fired moves past now and runs again; the
 * periods it skipped count as ticks (the one that fired counted).
 */
static void forward(struct timerfd *tf, bool count)
{
	s64 now = clock_now(tf->clock);
	u64 n = 1;

	if (!tf->expired || !tf->interval)
		return;
	tf->expired = false;
	if (now >= tf->expires)
		n = (u64)(now - tf->expires) / (u64)tf->interval + 1;
	tf->expires = add_sat(tf->expires, (s64)MIN(n, (u64)INT64_MAX /
						   (u64)tf->interval) *
					   tf->interval);
	if (count)
		tf->ticks += n - 1;
	arm(tf);
}

static s64 remaining(struct timerfd *tf)
{
	s64 left = tf->expires - clock_now(tf->clock);

	return tf->expires && left > 0 ? left : 0;
}

static ssize_t timerfd_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct timerfd *tf = f->priv;
	u64 ticks;

	(void)pos;
	if (it->count < sizeof(ticks))
		return -EINVAL;
	while (!tf->ticks) {
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&tf->wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	forward(tf, true);
	ticks = tf->ticks;
	tf->ticks = 0;
	tf->expired = false;
	if (copy_to_iter(&ticks, sizeof(ticks), it) != sizeof(ticks))
		return -EFAULT;
	return sizeof(ticks);
}

static int timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tf = f->priv;

	poll_wait(pt, &tf->wait);
	return tf->ticks ? POLLIN : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *tf = f->priv;

	timer_cancel(&tf->timer);
	kfree(tf);
}

static const struct file_ops timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.llseek = anon_llseek,
	.release = timerfd_release,
};

static bool alarm_clock(int clock)
{
	return clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
}

long sys_timerfd_create(struct task *t, int clock, int flags)
{
	struct timerfd *tf;
	struct file *f;
	int fd;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME &&
	    clock != CLOCK_BOOTTIME && !alarm_clock(clock))
		return -EINVAL;
	if (alarm_clock(clock) && t->proc->cred.euid != 0)
		return -EPERM; /* CAP_WAKE_ALARM */
	tf = kzalloc(sizeof(*tf));
	tf->clock = clock;
	timer_init(&tf->timer, timerfd_fire);
	waitq_init(&tf->wait);
	f = anon_inode_file("timerfd", &timerfd_fops, tf, flags);
	fd = fd_install(t, f, flags & TFD_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The timerfd at fd with a reference: 0, -EBADF or -EINVAL. */
static int timerfd_get(struct task *t, int fd, struct file **out)
{
	struct file *f = fget(t, fd);

	if (!f)
		return -EBADF;
	if (f->fop != &timerfd_fops) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

static bool its_valid(const struct linux_itimerspec *its)
{
	const struct linux_timespec *v = &its->it_value, *i = &its->it_interval;

	return v->tv_sec >= 0 && v->tv_nsec >= 0 && v->tv_nsec < NSEC_PER_SEC &&
	       i->tv_sec >= 0 && i->tv_nsec >= 0 && i->tv_nsec < NSEC_PER_SEC;
}

static struct linux_itimerspec current_value(struct timerfd *tf)
{
	return (struct linux_itimerspec){ .it_value = ns_ts(remaining(tf)),
					  .it_interval = ns_ts(tf->interval) };
}

long sys_timerfd_settime(struct task *t, int fd, int flags, uaddr_t unew,
			 uaddr_t uold)
{
	struct linux_itimerspec its, old;
	struct timerfd *tf;
	struct file *f;
	s64 value;
	int rc;

	if (copy_from_user(&its, unew, sizeof(its)))
		return -EFAULT;
	if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
	    !its_valid(&its))
		return -EINVAL;
	rc = timerfd_get(t, fd, &f);
	if (rc < 0)
		return rc;
	tf = f->priv;
	if (alarm_clock(tf->clock) && t->proc->cred.euid != 0) {
		file_put(f);
		return -EPERM;
	}
	timer_cancel(&tf->timer);
	forward(tf, false);
	timer_cancel(&tf->timer);
	old = current_value(tf);
	tf->expired = false;
	tf->ticks = 0;
	tf->interval = ts_ns(&its.it_interval);
	value = ts_ns(&its.it_value);
	tf->expires = 0;
	if (value) {
		tf->expires = (flags & TFD_TIMER_ABSTIME) ? value :
			add_sat(clock_now(tf->clock), value);
		arm(tf);
	}
	file_put(f);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(struct task *t, int fd, uaddr_t ucur)
{
	struct linux_itimerspec cur;
	struct timerfd *tf;
	struct file *f;
	int rc = timerfd_get(t, fd, &f);

	if (rc < 0)
		return rc;
	tf = f->priv;
	forward(tf, true);
	cur = current_value(tf);
	file_put(f);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
