/*
 * Polling files: the wait queues a poll registers on, so that a task
 * can sleep on all the files it polls at once.
 */
#include "kernel/kernel.h"
#include "kernel/fs/vfs.h"

void poll_wait(struct poll_table *pt, struct waitq *wq)
{
	if (!pt)
		return;
	for (int i = 0; i < pt->n; i++)
		if (pt->wq[i] == wq)
			return;
	if (pt->n == pt->max) {
		pt->max = pt->max ? pt->max * 2 : 8;
		pt->wq = krealloc(pt->wq, pt->max * sizeof(*pt->wq));
	}
	pt->wq[pt->n++] = wq;
}

void poll_table_free(struct poll_table *pt)
{
	kfree(pt->wq);
	pt->wq = NULL;
	pt->n = pt->max = 0;
}

/* ---- poll, ppoll, select, pselect6 ---- */

#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static int poll_file(struct task *t, int fd, int events, struct poll_table *pt)
{
	struct file *f;
	int mask;

	if (fd < 0)
		return 0;
	f = fget(t, fd);
	if (!f)
		return POLLNVAL;
	mask = f->fop && f->fop->poll ? f->fop->poll(f, pt) : DEFAULT_POLLMASK;
	file_put(f);
	return mask & (events | POLLERR | POLLHUP);
}

/*
 * Poll n entries until one is ready, deadline passes (0: never; -1:
 * do not sleep) or a signal comes.  Returns the ready count, 0 on
 * timeout, or -EINTR.
 */
static int do_poll(struct task *t, struct linux_pollfd *fds, unsigned n,
		   s64 deadline)
{
	for (;;) {
		struct poll_table pt = { 0 };
		int count = 0, rc;

		for (unsigned i = 0; i < n; i++) {
			fds[i].revents = (s16)poll_file(t, fds[i].fd,
							fds[i].events, &pt);
			if (fds[i].revents)
				count++;
		}
		if (count || deadline < 0) {
			poll_table_free(&pt);
			return count;
		}
		rc = sleep_on_many(pt.wq, pt.n, true, deadline);
		poll_table_free(&pt);
		if (rc == -ETIMEDOUT)
			return 0;
		if (rc == -EINTR)
			return -EINTR;
	}
}

static s64 ts_deadline(const struct linux_timespec *ts)
{
	if (!ts->tv_sec && !ts->tv_nsec)
		return -1;
	return ktime_mono() + MIN(ts->tv_sec, 1LL << 32) * NSEC_PER_SEC +
	       ts->tv_nsec;
}

static int poll_user(struct task *t, uaddr_t ufds, unsigned n, s64 deadline)
{
	struct linux_pollfd *fds;
	int rc;

	if (n > t->proc->rlim[RLIMIT_NOFILE].rlim_cur || n > (1U << 20))
		return -EINVAL;
	fds = kmalloc_try((n ? n : 1) * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	if (n && copy_from_user(fds, ufds, n * sizeof(*fds))) {
		kfree(fds);
		return -EFAULT;
	}
	rc = do_poll(t, fds, n, deadline);
	if (rc >= 0) {
		for (unsigned i = 0; i < n; i++)
			if (put_user(fds[i].revents,
				     ufds + i * sizeof(*fds) +
					     offsetof(struct linux_pollfd, revents)))
				rc = -EFAULT;
	}
	kfree(fds);
	return rc;
}

static long poll_restart(struct task *t)
{
	int rc = poll_user(t, t->restart_data[0], (unsigned)t->restart_data[1],
			   (s64)t->restart_data[2]);

	if (rc == -EINTR) {
		t->restart_fn = poll_restart;
		return -ERESTART_RESTARTBLOCK;
	}
	return rc;
}

long sys_poll(struct task *t, uaddr_t ufds, unsigned n, int timeout)
{
	s64 deadline = timeout < 0 ? 0 : timeout == 0 ? -1 :
		ktime_mono() + (s64)timeout * 1000000;
	int rc = poll_user(t, ufds, n, deadline);

	if (rc == -EINTR) {
		t->restart_fn = poll_restart;
		t->restart_data[0] = ufds;
		t->restart_data[1] = n;
		t->restart_data[2] = (u64)deadline;
		return -ERESTART_RESTARTBLOCK;
	}
	return rc;
}

/* After the call: the mask stays for the handler only if one runs. */
static long end_temp_mask(struct task *t, long rc)
{
	restore_saved_sigmask_unless(t, rc == -EINTR);
	return rc == -EINTR ? -ERESTARTNOHAND : rc;
}

static void put_remaining(uaddr_t uts, s64 deadline, bool timeval)
{
	s64 left = deadline > 0 ? MAX(deadline - ktime_mono(), 0) : 0;

	if (!uts || deadline == 0)
		return;
	if (timeval) {
		struct linux_timeval tv = { left / NSEC_PER_SEC,
					    left % NSEC_PER_SEC / 1000 };

		copy_to_user(uts, &tv, sizeof(tv));
	} else {
		struct linux_timespec ts = { left / NSEC_PER_SEC,
					     left % NSEC_PER_SEC };

		copy_to_user(uts, &ts, sizeof(ts));
	}
}

long sys_ppoll(struct task *t, uaddr_t ufds, unsigned n, uaddr_t uts,
	       uaddr_t umask, size_t size)
{
	struct linux_timespec ts;
	s64 deadline = 0;
	long rc;

	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = ts_deadline(&ts);
	}
	rc = set_user_sigmask(t, umask, size);
	if (rc < 0)
		return rc;
	rc = poll_user(t, ufds, n, deadline);
	put_remaining(uts, deadline, false);
	return end_temp_mask(t, rc);
}

/* select's fd sets, as poll entries. */
static long do_select(struct task *t, int n, uaddr_t uin, uaddr_t uout,
		      uaddr_t uex, s64 deadline)
{
	size_t words = ((size_t)n + 63) / 64, bytes = words * 8;
	u64 *in = NULL, *out = NULL, *ex = NULL, *rin, *rout, *rex;
	struct linux_pollfd *fds;
	unsigned nfds = 0;
	long rc = -EFAULT;

	if (n < 0)
		return -EINVAL;
	if (n > t->files->max)
		n = t->files->max, words = ((size_t)n + 63) / 64, bytes = words * 8;
	in = kzalloc(bytes * 6 + 8);
	out = in + words;
	ex = out + words;
	rin = ex + words;
	rout = rin + words;
	rex = rout + words;
	if ((uin && copy_from_user(in, uin, bytes)) ||
	    (uout && copy_from_user(out, uout, bytes)) ||
	    (uex && copy_from_user(ex, uex, bytes)))
		goto out_free;
	fds = kmalloc(((size_t)n + 1) * sizeof(*fds));
	for (int fd = 0; fd < n; fd++) {
		u64 bit = 1ULL << (fd % 64);
		short ev = 0;
		struct file *f;

		if (in[fd / 64] & bit)
			ev |= POLLIN | POLLRDNORM | POLLHUP | POLLERR;
		if (out[fd / 64] & bit)
			ev |= POLLOUT | POLLWRNORM | POLLERR;
		if (ex[fd / 64] & bit)
			ev |= POLLPRI;
		if (!ev)
			continue;
		f = fget(t, fd);
		if (!f) {
			kfree(fds);
			rc = -EBADF;
			goto out_free;
		}
		file_put(f);
		fds[nfds++] = (struct linux_pollfd){ fd, ev, 0 };
	}
	rc = do_poll(t, fds, nfds, deadline);
	if (rc >= 0) {
		rc = 0;
		for (unsigned i = 0; i < nfds; i++) {
			int fd = fds[i].fd, r = fds[i].revents;
			u64 bit = 1ULL << (fd % 64);

			if ((in[fd / 64] & bit) &&
			    (r & (POLLIN | POLLRDNORM | POLLHUP | POLLERR))) {
				rin[fd / 64] |= bit;
				rc++;
			}
			if ((out[fd / 64] & bit) &&
			    (r & (POLLOUT | POLLWRNORM | POLLERR))) {
				rout[fd / 64] |= bit;
				rc++;
			}
			if ((ex[fd / 64] & bit) && (r & POLLPRI)) {
				rex[fd / 64] |= bit;
				rc++;
			}
		}
		if ((uin && copy_to_user(uin, rin, bytes)) ||
		    (uout && copy_to_user(uout, rout, bytes)) ||
		    (uex && copy_to_user(uex, rex, bytes)))
			rc = -EFAULT;
	}
	kfree(fds);
out_free:
	kfree(in);
	return rc;
}

long sys_select(struct task *t, int n, uaddr_t uin, uaddr_t uout, uaddr_t uex,
		uaddr_t utv)
{
	struct linux_timeval tv;
	s64 deadline = 0;
	long rc;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		tv.tv_sec += tv.tv_usec / 1000000;
		tv.tv_usec %= 1000000;
		deadline = (!tv.tv_sec && !tv.tv_usec) ? -1 :
			ktime_mono() + MIN(tv.tv_sec, 1LL << 32) * NSEC_PER_SEC +
			tv.tv_usec * 1000;
	}
	rc = do_select(t, n, uin, uout, uex, deadline);
	put_remaining(utv, deadline, true);
	return rc == -EINTR ? -ERESTARTNOHAND : rc;
}

long sys_pselect6(struct task *t, int n, uaddr_t uin, uaddr_t uout,
		  uaddr_t uex, uaddr_t uts, uaddr_t usig)
{
	struct linux_timespec ts;
	struct { u64 ss; u64 len; } sig = { 0, 0 };
	s64 deadline = 0;
	long rc;

	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = ts_deadline(&ts);
	}
	if (usig && copy_from_user(&sig, usig, sizeof(sig)))
		return -EFAULT;
	rc = set_user_sigmask(t, sig.ss, sig.len);
	if (rc < 0)
		return rc;
	rc = do_select(t, n, uin, uout, uex, deadline);
	put_remaining(uts, deadline, false);
	return end_temp_mask(t, rc);
}
