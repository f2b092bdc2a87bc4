/*
 * The console: the guest's fds 0, 1 and 2 are umk's own stdin, stdout
 * and stderr, and a tty stays a tty (termios and window-size ioctls go
 * to the host terminal).  /dev/tty and /dev/console name the first of
 * them that is a terminal.
 *
 * The kernel thread must never block in a host read, so a read first
 * polls; when nothing is there it arms a one-shot interrupt on the host
 * fd and sleeps until the interrupt thread reports data.  Writes wait
 * for POLLOUT the same way before writing.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/irq.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/signal.h"
#include "kernel/signal.h"
#include "host/host.h"

#define MAX_IOV 64
#define WRITE_CHUNK 65536

struct hchan {
	int fd;
	bool tty;
	struct irq irq;
	struct waitq wait;
	int armed;   /* POLL* events the interrupt is armed for */
};

static struct hchan chans[3];
static struct hchan *tty_chan;   /* NULL when umk has no terminal */
static pid_t fg_pgrp = 1;        /* the terminal's foreground group */
static struct inode *console_inode[3];
static struct super_block *console_sb;

static void chan_irq(struct irq *irq, int revents)
{
	struct hchan *c = container_of(irq, struct hchan, irq);

	(void)revents;
	c->armed = 0;
	wake_up(&c->wait);
}

/* Sleep until c's fd has events; -ERESTARTSYS on a signal. */
static int chan_wait(struct hchan *c, int events)
{
	if ((c->armed & events) != events) {
		c->armed |= events;
		if (irq_watch(&c->irq, c->fd, c->armed) < 0) {
			c->armed = 0;
			return 0; /* not pollable: always ready */
		}
	}
	if (sleep_on(&c->wait, true, 0) == -EINTR)
		return -ERESTARTSYS;
	return 0;
}

static struct hchan *chan_of(struct file *f)
{
	return f->priv;
}

static ssize_t console_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct hchan *c = chan_of(f);
	struct host_iovec iov[MAX_IOV];

	(void)pos;
	for (;;) {
		int r = host_poll_now(c->fd, POLLIN), n, rc;

		if (r < 0)
			return r;
		if (r & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got;

			n = iter_host_iov(it, it->count, true, iov, MAX_IOV);
			if (!n)
				return -EFAULT;
			got = host_readv(c->fd, iov, n);
			if (got > 0)
				iter_advance(it, got);
			return got;
		}
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = chan_wait(c, POLLIN);
		if (rc < 0)
			return rc;
	}
}

static ssize_t console_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct hchan *c = chan_of(f);
	struct host_iovec iov[MAX_IOV];
	size_t done = 0;

	(void)pos;
	while (it->count) {
		int r = host_poll_now(c->fd, POLLOUT), n, rc;
		ssize_t put;

		if (r < 0)
			return done ? (ssize_t)done : r;
		if (!(r & (POLLOUT | POLLERR | POLLHUP))) {
			if (f->f_flags & O_NONBLOCK)
				return done ? (ssize_t)done : -EAGAIN;
			rc = chan_wait(c, POLLOUT);
			if (rc < 0)
				return done ? (ssize_t)done : rc;
			continue;
		}
		n = iter_host_iov(it, MIN(it->count, WRITE_CHUNK), false, iov,
				  MAX_IOV);
		if (!n)
			return done ? (ssize_t)done : -EFAULT;
		put = host_writev(c->fd, iov, n);
		if (put < 0) {
			if (put == -EPIPE)
				send_sig(current, SIGPIPE);
			return done ? (ssize_t)done : put;
		}
		iter_advance(it, put);
		done += put;
	}
	return done;
}

static int console_poll(struct file *f, struct poll_table *pt)
{
	struct hchan *c = chan_of(f);
	int want = 0, r = host_poll_now(c->fd, POLLIN | POLLOUT);

	if (r < 0)
		return POLLERR;
	if (pt) {
		if ((f->f_mode & FMODE_READ) && !(r & POLLIN))
			want |= POLLIN;
		if ((f->f_mode & FMODE_WRITE) && !(r & POLLOUT))
			want |= POLLOUT;
		if (want && (c->armed & want) != want) {
			c->armed |= want;
			if (irq_watch(&c->irq, c->fd, c->armed) < 0)
				c->armed = 0;
		}
		poll_wait(pt, &c->wait);
	}
	return r;
}

static long tty_ioctl(struct hchan *c, unsigned cmd, uaddr_t arg)
{
	union {
		struct linux_termios tio;
		struct linux_winsize ws;
		int i;
	} u;
	size_t len;
	bool in, out;
	int rc;

	switch (cmd) {
	case TCGETS: len = sizeof(u.tio); in = false; out = true; break;
	case TCSETS: case TCSETSW: case TCSETSF:
		len = sizeof(u.tio); in = true; out = false; break;
	case TIOCGWINSZ: len = sizeof(u.ws); in = false; out = true; break;
	case TIOCSWINSZ: len = sizeof(u.ws); in = true; out = false; break;
	case FIONREAD: case TIOCOUTQ: len = sizeof(int); in = false; out = true; break;
	case TCFLSH: case TCXONC: case TCSBRK:
		return host_ioctl(c->fd, cmd, (void *)(uintptr_t)arg);
	default:
		return -ENOTTY;
	}
	if (in && copy_from_user(&u, arg, len))
		return -EFAULT;
	rc = host_ioctl(c->fd, cmd, &u);
	if (rc < 0)
		return rc;
	if (out && copy_to_user(arg, &u, len))
		return -EFAULT;
	return 0;
}

static long console_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct hchan *c = chan_of(f);
	s32 pgrp;

	if (cmd == FIONREAD && !c->tty) {
		int n = 0;
		int rc = host_ioctl(c->fd, FIONREAD, &n);

		if (rc < 0)
			return rc;
		return put_user(n, arg);
	}
	if (!c->tty)
		return -ENOTTY;
	switch (cmd) {
	case TIOCGPGRP:
		return put_user((s32)fg_pgrp, arg);
	case TIOCSPGRP:
		if (get_user(pgrp, arg))
			return -EFAULT;
		if (pgrp < 0)
			return -EINVAL;
		fg_pgrp = pgrp;
		return 0;
	case TIOCGSID:
		return put_user((s32)current->proc->sid, arg);
	case TIOCSCTTY:
	case TIOCNOTTY:
		return 0;
	default:
		return tty_ioctl(c, cmd, arg);
	}
}

static s64 console_llseek(struct file *f, s64 off, int whence)
{
	struct hchan *c = chan_of(f);

	/* A redirected stdin may be a file: let the host say. */
	(void)f;
	if (c->tty)
		return -ESPIPE;
	return host_lseek(c->fd, off, whence);
}

static int tty_open(struct inode *inode, struct file *f);

static const struct file_ops console_fops = {
	.open = tty_open,
	.read = console_read,
	.write = console_write,
	.poll = console_poll,
	.ioctl = console_ioctl,
	.llseek = console_llseek,
};

/* /dev/tty and /dev/console: the terminal umk runs on. */
static int tty_open(struct inode *inode, struct file *f)
{
	if (f->priv)
		return 0;
	/* A console fd reopened through /proc/self/fd/N (/dev/stdout):
	   the same channel, not the terminal. */
	if (inode->sb == console_sb) {
		f->priv = &chans[inode->ino - 1];
		return 0;
	}
	if (!tty_chan)
		return -ENXIO;
	f->priv = tty_chan;
	return 0;
}

static const struct chrdev tty_devs[] = {
	{ 5, 0, "tty", &console_fops },
	{ 5, 1, "console", &console_fops },
};

/* A guest file on umk's fd n (0, 1 or 2), opened as the host's is. */
struct file *console_file(int n)
{
	int acc = host_fd_accmode(n);
	struct file *f;

	f = file_anon(console_inode[n], acc < 0 ? O_RDWR : acc);
	f->fop = &console_fops;
	f->priv = &chans[n];
	return f;
}

/* What fstat says of a console fd is what the host says of umk's. */
static int console_getattr(struct inode *inode)
{
	struct host_stat st;
	int rc = host_fstatat(chans[inode->ino - 1].fd, "", &st);

	if (rc < 0)
		return rc;
	inode->mode = st.mode;
	inode->rdev = st.rdev;
	inode->size = st.size;
	inode->uid = st.uid;
	inode->gid = st.gid;
	inode->nlink = (u32)st.nlink;
	inode->atime = (struct linux_timespec){ st.atime_sec, st.atime_nsec };
	inode->mtime = (struct linux_timespec){ st.mtime_sec, st.mtime_nsec };
	inode->ctime = (struct linux_timespec){ st.ctime_sec, st.ctime_nsec };
	return 0;
}

/*
 * O_TRUNC of a console reopened as /dev/stdout: the output goes on
 * through umk's own descriptor, so it is not cut; other changes are
 * not the guest's to make.
 */
static int console_setattr(struct inode *inode, const struct iattr *attr)
{
	(void)inode;
	return attr->valid & (ATTR_MODE | ATTR_UID | ATTR_GID) ? -EPERM : 0;
}

static const struct inode_ops console_iops = {
	.getattr = console_getattr,
	.setattr = console_setattr,
};

void console_init(void)
{
	console_sb = sb_alloc("devpts", NULL);
	for (int n = 0; n < 3; n++) {
		struct inode *inode = inode_alloc(console_sb);

		chans[n].fd = n;
		chans[n].tty = host_isatty(n);
		chans[n].irq.handler = chan_irq;
		waitq_init(&chans[n].wait);
		if (chans[n].tty && !tty_chan)
			tty_chan = &chans[n];
		inode->ino = n + 1;
		inode->iop = &console_iops;
		inode->fop = &console_fops;
		console_getattr(inode);
		console_inode[n] = inode;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tty_devs); i++)
		chrdev_register(&tty_devs[i]);
}

pid_t console_fg_pgrp(void)
{
	return fg_pgrp;
}
