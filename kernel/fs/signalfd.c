/*
 * signalfd: signals read from a file instead of delivered.
 *
 * A signalfd holds only a mask.  Reading it takes the pending signals
 * in the mask of the task that reads (its own, then its process's,
 * through the signal code's dequeue_signal) as struct signalfd_siginfo;
 * polling it asks whether the polling task has one pending.  So a
 * signalfd passed to a child by fork reads the child's signals, as in
 * Linux.
 *
 * Wake-ups: signal.c calls signalfd_notify() whenever a signal becomes
 * pending anywhere, and every reader and poller of any signalfd looks
 * again.  One queue for all keeps its lifetime trivial (Linux has one
 * per sighand and must tell its pollers when it goes away).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/event.h"
#include "kernel/abi/event.h"
#include "kernel/abi/misc.h"

struct signalfd {
	sigset_t mask;
};

static struct waitq signalfd_wait = WAITQ_INIT(signalfd_wait);
static const struct file_ops signalfd_fops;

void signalfd_notify(void)
{
	wake_up_key(&signalfd_wait, POLLIN);
}

/* ---- siginfo as signalfd_siginfo ---- */

enum layout { L_KILL, L_TIMER, L_POLL, L_FAULT, L_MCEERR, L_CHLD, L_RT, L_SYS };

#define SIGPOLL SIGIO
#define BUS_MCEERR_AR 4
#define BUS_MCEERR_AO 5

/* Which union member of siginfo sig with code uses (Linux's rules). */
static enum layout siginfo_layout(int sig, int code)
{
	static const struct { int sig, limit; enum layout layout; } codes[] = {
		{ SIGILL, 11, L_FAULT }, { SIGFPE, 15, L_FAULT },
		{ SIGSEGV, 10, L_FAULT }, { SIGBUS, 5, L_FAULT },
		{ SIGTRAP, 6, L_FAULT }, { SIGCHLD, 6, L_CHLD },
		{ SIGPOLL, 6, L_POLL }, { SIGSYS, 2, L_SYS },
	};

	if (code > SI_USER && code < SI_KERNEL) {
		for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
			if (codes[i].sig != sig || code > codes[i].limit)
				continue;
			if (sig == SIGBUS && code >= BUS_MCEERR_AR)
				return L_MCEERR;
			return codes[i].layout;
		}
		return code <= 6 ? L_POLL : L_KILL;
	}
	if (code == SI_TIMER)
		return L_TIMER;
	if (code == SI_SIGIO)
		return L_POLL;
	return code < 0 ? L_RT : L_KILL;
}

/* The union's bytes at off, of size n (little endian, sign kept). */
static s64 field(const struct linux_siginfo *info, int off, int n)
{
	s64 v = 0;

	if (n == 2) {
		s16 x;
		memcpy(&x, info->__bytes + off, 2);
		v = x;
	} else if (n == 4) {
		s32 x;
		memcpy(&x, info->__bytes + off, 4);
		v = x;
	} else {
		memcpy(&v, info->__bytes + off, 8);
	}
	return v;
}

static void to_ssi(const struct linux_siginfo *info,
		   struct linux_signalfd_siginfo *s)
{
	memset(s, 0, sizeof(*s));
	s->ssi_signo = info->si_signo;
	s->ssi_errno = info->si_errno;
	s->ssi_code = info->si_code;
	switch (siginfo_layout(info->si_signo, info->si_code)) {
	case L_KILL:
		s->ssi_pid = field(info, 0, 4);
		s->ssi_uid = field(info, 4, 4);
		break;
	case L_TIMER:
		s->ssi_tid = field(info, 0, 4);
		s->ssi_overrun = field(info, 4, 4);
		s->ssi_ptr = field(info, 8, 8);
		s->ssi_int = field(info, 8, 4);
		break;
	case L_POLL:
		s->ssi_band = field(info, 0, 8);
		s->ssi_fd = field(info, 8, 4);
		break;
	case L_FAULT:
		s->ssi_addr = field(info, 0, 8);
		break;
	case L_MCEERR:
		s->ssi_addr = field(info, 0, 8);
		s->ssi_addr_lsb = field(info, 8, 2);
		break;
	case L_CHLD:
		s->ssi_pid = field(info, 0, 4);
		s->ssi_uid = field(info, 4, 4);
		s->ssi_status = field(info, 8, 4);
		s->ssi_utime = field(info, 16, 8);
		s->ssi_stime = field(info, 24, 8);
		break;
	case L_RT:
		s->ssi_pid = field(info, 0, 4);
		s->ssi_uid = field(info, 4, 4);
		s->ssi_ptr = field(info, 8, 8);
		s->ssi_int = field(info, 8, 4);
		break;
	case L_SYS:
		s->ssi_call_addr = field(info, 0, 8);
		s->ssi_syscall = field(info, 8, 4);
		s->ssi_arch = field(info, 12, 4);
		break;
	}
}

/* ---- the file ---- */

/* Take one signal of mask for the reading task, waiting unless nonblock. */
static int take_signal(struct signalfd *sfd, bool nonblock,
		       struct linux_siginfo *info)
{
	struct task *t = current;
	int sig;

	while (!(sig = dequeue_signal(t, sfd->mask, info))) {
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(&signalfd_wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	return sig;
}

static ssize_t signalfd_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct linux_signalfd_siginfo ssi;
	struct linux_siginfo info;
	size_t n = it->count / sizeof(ssi);
	bool nonblock = f->f_flags & O_NONBLOCK;
	ssize_t total = 0;
	int rc = 0;

	(void)pos;
	if (!n)
		return -EINVAL;
	while (n--) {
		rc = take_signal(f->priv, nonblock, &info);
		if (rc <= 0)
			break;
		to_ssi(&info, &ssi);
		if (copy_to_iter(&ssi, sizeof(ssi), it) != sizeof(ssi)) {
			rc = -EFAULT; /* the signal is lost, as in Linux */
			break;
		}
		total += sizeof(ssi);
		nonblock = true;
	}
	return total ? total : rc;
}

static int signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *sfd = f->priv;
	struct task *t = current;

	poll_wait(pt, &signalfd_wait);
	if ((t->pending.set | t->proc->shared_pending.set) & sfd->mask)
		return POLLIN;
	return 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.llseek = anon_llseek,
	.release = signalfd_release,
};

long sys_signalfd4(struct task *t, int fd, uaddr_t umask, size_t size,
		   int flags)
{
	struct signalfd *sfd;
	struct file *f;
	sigset_t mask;

	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	mask &= ~SIG_KERNEL_ONLY;
	if (fd != -1) {
		f = fget(t, fd);
		if (!f)
			return -EBADF;
		if (f->fop != &signalfd_fops) {
			file_put(f);
			return -EINVAL;
		}
		((struct signalfd *)f->priv)->mask = mask;
		file_put(f);
		wake_up(&signalfd_wait);
		return fd;
	}
	sfd = kzalloc(sizeof(*sfd));
	sfd->mask = mask;
	f = anon_inode_file("signalfd", &signalfd_fops, sfd, flags);
	fd = fd_install(t, f, flags & SFD_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_signalfd(struct task *t, int fd, uaddr_t umask, size_t size)
{
	return sys_signalfd4(t, fd, umask, size, 0);
}
