/*
 * Moving data between descriptors in the kernel: sendfile, splice, tee,
 * vmsplice and copy_file_range.
 *
 * umk has no page references to hand from one file to another: data
 * goes through a kernel bounce buffer (or straight between a pipe's
 * ring and guest memory for vmsplice), which no program can tell from
 * Linux's page moves.  What the calls accept, in which order they
 * check it, how far one call goes and when it blocks follow Linux:
 *
 *  file -> pipe   one pass, as much as the pipe has room for (waiting
 *                 for room first unless non-blocking)
 *  pipe -> file   waits for data, then writes what is queued (up to
 *                 len); only what was written leaves the pipe
 *  pipe -> pipe   waits for data and room, then moves what fits
 *  file -> file   (sendfile, copy_file_range) chunk by chunk until
 *                 count, end of file, or a short write
 *
 * A file side must be a regular file or a character device to be read
 * (Linux's splice_read), and anything writable but O_APPEND to be
 * written.  IN_ACCESS and IN_MODIFY are sent once per call.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/abi/files.h"
#include "kernel/abi/misc.h"

#define MAX_RW_COUNT 0x7ffff000UL
#define CHUNK (64 * 1024)

/* Linux's rw_verify_area() for a position and count. */
static int verify_area(s64 pos, size_t count)
{
	if ((ssize_t)count < 0 || pos < 0)
		return -EINVAL;
	if ((s64)((u64)pos + count) < 0)
		return -EINVAL;
	return 0;
}

/* Can data be read out of f by splice (Linux: has ->splice_read)? */
static bool splice_readable(struct file *f)
{
	mode_t mode = f->f_inode->mode;

	return f->fop && f->fop->read && !file_is_pipe(f) &&
	       (S_ISREG(mode) || S_ISCHR(mode) || S_ISBLK(mode));
}

static bool splice_writable(struct file *f)
{
	return f->fop && f->fop->write;
}

static ssize_t kread(struct file *f, void *buf, size_t n, u64 *pos)
{
	struct iov_iter it;

	iter_kernel(&it, buf, n);
	return f->fop->read(f, &it, pos);
}

static ssize_t kwrite(struct file *f, const void *buf, size_t n, u64 *pos)
{
	struct iov_iter it;

	iter_kernel(&it, (void *)buf, n);
	return f->fop->write(f, &it, pos);
}

/*
 * Put all n bytes of buf into pipe out.  Only a file read that slept
 * (a terminal) can have let another writer take the room that was
 * there; the rest then waits for room.  Bytes put.
 */
static size_t put_all(struct file *out, char *buf, size_t n)
{
	struct iov_iter it;
	size_t done = 0;

	while (done < n) {
		iter_kernel(&it, buf + done, n - done);
		done += pipe_put(out, &it, n - done);
		if (done < n && pipe_wait_room(out, false) < 0)
			break; /* no reader left, or a signal: the rest is lost */
	}
	return done;
}

/* One pass from file in at *pos into pipe out (splice_file_to_pipe). */
static ssize_t file_to_pipe(struct file *in, u64 *pos, struct file *out,
			    size_t len, bool nonblock)
{
	u64 start = *pos;
	ssize_t got;
	int room;
	char *buf;

	room = pipe_wait_room(out, nonblock);
	if (room < 0)
		return room;
	if (!len)
		return 0;
	if (!splice_readable(in))
		return -EINVAL;
	len = MIN(len, (size_t)room);
	buf = kmalloc_try(len);
	if (!buf)
		return -ENOMEM;
	got = kread(in, buf, len, pos);
	if (got > 0) {
		struct iov_iter it;
		size_t put;

		iter_kernel(&it, buf, got);
		put = pipe_put(out, &it, got);
		if (put < (size_t)got && S_ISREG(in->f_inode->mode))
			*pos = start + put; /* read the rest again later */
		else if (put < (size_t)got)
			put += put_all(out, buf + put, got - put);
		got = put ? (ssize_t)put : -EAGAIN;
	}
	kfree(buf);
	return got;
}

/*
 * What is queued in pipe in, up to len, written to out at *pos.  The
 * data leaves the pipe first (the write may sleep: a terminal), and
 * what was not written goes back in front.
 */
static ssize_t pipe_to_file(struct file *in, struct file *out, u64 *pos,
			    size_t len, bool nonblock)
{
	struct iov_iter it;
	ssize_t put;
	int queued;
	char *buf;

	queued = pipe_wait_data(in, nonblock);
	if (queued <= 0)
		return queued;
	len = MIN(len, (size_t)queued);
	buf = kmalloc_try(len);
	if (!buf)
		return -ENOMEM;
	iter_kernel(&it, buf, len);
	len = pipe_take(in, &it, len, false);
	put = kwrite(out, buf, len, pos);
	if (put < (ssize_t)len) {
		size_t off = put > 0 ? (size_t)put : 0;

		pipe_unget(in, buf + off, len - off);
	}
	kfree(buf);
	return put;
}

/* Move (or copy, for tee) what fits from pipe in to pipe out. */
static ssize_t pipe_to_pipe(struct file *in, struct file *out, size_t len,
			    bool nonblock, bool peek)
{
	struct iov_iter it;
	int queued, room;
	size_t n;
	char *buf;

	queued = pipe_wait_data(in, nonblock);
	if (queued < 0)
		return queued;
	room = pipe_wait_room(out, nonblock);
	if (room < 0)
		return room;
	n = MIN(len, MIN((size_t)queued, (size_t)room));
	if (!n)
		return 0;
	buf = kmalloc(n);
	iter_kernel(&it, buf, n);
	pipe_take(in, &it, n, peek);
	iter_kernel(&it, buf, n);
	pipe_put(out, &it, n);
	kfree(buf);
	return n;
}

/*
 * file -> file: from in at *ipos to out at *opos, chunk by chunk.  The
 * positions advance by what was written.  Bytes moved, or -errno if none.
 */
static ssize_t file_to_file(struct file *in, u64 *ipos, struct file *out,
			    u64 *opos, size_t count)
{
	size_t done = 0;
	ssize_t rc = 0;
	char *buf;

	if (!splice_readable(in) || !splice_writable(out))
		return -EINVAL;
	buf = kmalloc(MIN(count, (size_t)CHUNK) + 1);
	while (done < count) {
		u64 rpos = *ipos;
		ssize_t got = kread(in, buf, MIN(count - done, (size_t)CHUNK),
				    &rpos);

		if (got <= 0) {
			rc = got;
			break;
		}
		rc = kwrite(out, buf, got, opos);
		if (rc <= 0)
			break;
		*ipos += rc;
		done += rc;
		if (rc < got)
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : rc;
}

/* ---- sendfile ---- */

static long do_sendfile(struct task *t, int out_fd, int in_fd, s64 *ppos,
			size_t count)
{
	struct file *in, *out = NULL;
	u64 pos, opos;
	long rc;

	in = fget_io(t, in_fd);
	if (!in)
		return -EBADF;
	rc = -EBADF;
	if (!(in->f_mode & FMODE_READ))
		goto out;
	rc = -ESPIPE;
	if (ppos && !(in->f_mode & FMODE_PREAD))
		goto out;
	pos = ppos ? (u64)*ppos : in->pos;
	rc = verify_area((s64)pos, count);
	if (rc < 0)
		goto out;
	count = MIN(count, MAX_RW_COUNT);
	out = fget_io(t, out_fd);
	rc = -EBADF;
	if (!out || !(out->f_mode & FMODE_WRITE))
		goto out;
	opos = out->pos;
	if (file_is_pipe(out)) {
		/* Linux leaves the input's O_NONBLOCK out (#if 0). */
		rc = file_to_pipe(in, &pos, out, count,
				  out->f_flags & O_NONBLOCK);
	} else {
		rc = -EINVAL;
		if (out->f_flags & O_APPEND)
			goto out;
		rc = verify_area((s64)opos, count);
		if (rc < 0)
			goto out;
		rc = count ? file_to_file(in, &pos, out, &opos, count) : 0;
	}
	if (rc > 0) {
		fsnotify_access(in);
		fsnotify_modify(out);
		if (!file_is_pipe(out))
			out->pos = opos;
		if (ppos)
			*ppos = (s64)pos;
		else
			in->pos = pos;
	}
out:
	file_put(in);
	if (out)
		file_put(out);
	return rc;
}

long sys_sendfile(struct task *t, int out_fd, int in_fd, uaddr_t uoff,
		  size_t count)
{
	s64 pos;
	long rc;

	if (!uoff)
		return do_sendfile(t, out_fd, in_fd, NULL, count);
	if (copy_from_user(&pos, uoff, sizeof(pos)))
		return -EFAULT;
	rc = do_sendfile(t, out_fd, in_fd, &pos, count);
	if (copy_to_user(uoff, &pos, sizeof(pos)))
		return -EFAULT;
	return rc;
}

/* ---- splice and tee ---- */

static long do_splice(struct file *in, s64 *off_in, struct file *out,
		      s64 *off_out, size_t len, unsigned flags)
{
	bool ipipe = file_is_pipe(in), opipe = file_is_pipe(out);
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	long rc;
	u64 pos;

	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		return -EBADF;
	if (ipipe && opipe) {
		if (same_pipe(in, out))
			return -EINVAL;
		rc = pipe_to_pipe(in, out, len, nonblock ||
				  ((in->f_flags | out->f_flags) & O_NONBLOCK),
				  false);
	} else if (ipipe) {
		if (off_out && !(out->f_mode & FMODE_PREAD))
			return -EINVAL;
		pos = off_out ? (u64)*off_out : out->pos;
		if (out->f_flags & O_APPEND)
			return -EINVAL;
		rc = verify_area((s64)pos, len);
		if (rc < 0)
			return rc;
		if (!splice_writable(out))
			return -EINVAL;
		rc = pipe_to_file(in, out, &pos, len,
				  nonblock || (in->f_flags & O_NONBLOCK));
		if (off_out)
			*off_out = (s64)pos;
		else
			out->pos = pos;
	} else if (opipe) {
		if (off_in && !(in->f_mode & FMODE_PREAD))
			return -EINVAL;
		pos = off_in ? (u64)*off_in : in->pos;
		rc = verify_area((s64)pos, len);
		if (rc < 0)
			return rc;
		rc = file_to_pipe(in, &pos, out, len,
				  nonblock || (out->f_flags & O_NONBLOCK));
		if (off_in)
			*off_in = (s64)pos;
		else
			in->pos = pos;
	} else {
		return -EINVAL;
	}
	if (rc > 0) {
		fsnotify_modify(out);
		fsnotify_access(in);
	}
	return rc;
}

long sys_splice(struct task *t, int fd_in, uaddr_t uoff_in, int fd_out,
		uaddr_t uoff_out, size_t len, unsigned flags)
{
	s64 off_in, off_out;
	struct file *in, *out;
	long rc;

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	in = fget_io(t, fd_in);
	if (!in)
		return -EBADF;
	out = fget_io(t, fd_out);
	rc = -EBADF;
	if (!out)
		goto out_in;
	rc = -ESPIPE;
	if ((file_is_pipe(in) && uoff_in) || (file_is_pipe(out) && uoff_out))
		goto out;
	rc = -EFAULT;
	if ((uoff_out && copy_from_user(&off_out, uoff_out, sizeof(off_out))) ||
	    (uoff_in && copy_from_user(&off_in, uoff_in, sizeof(off_in))))
		goto out;
	rc = do_splice(in, uoff_in ? &off_in : NULL, out,
		       uoff_out ? &off_out : NULL, len, flags);
	if (rc >= 0 &&
	    ((uoff_out && copy_to_user(uoff_out, &off_out, sizeof(off_out))) ||
	     (uoff_in && copy_to_user(uoff_in, &off_in, sizeof(off_in)))))
		rc = -EFAULT;
out:
	file_put(out);
out_in:
	file_put(in);
	return rc;
}

long sys_tee(struct task *t, int fd_in, int fd_out, size_t len, unsigned flags)
{
	struct file *in, *out;
	long rc = -EINVAL;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	in = fget_io(t, fd_in);
	if (!in)
		return -EBADF;
	out = fget_io(t, fd_out);
	if (!out) {
		file_put(in);
		return -EBADF;
	}
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
		rc = -EBADF;
	else if (file_is_pipe(in) && file_is_pipe(out) && !same_pipe(in, out))
		rc = pipe_to_pipe(in, out, len, (flags & SPLICE_F_NONBLOCK) ||
				  ((in->f_flags | out->f_flags) & O_NONBLOCK),
				  true);
	file_put(out);
	file_put(in);
	return rc;
}

/* ---- vmsplice: guest memory to a pipe, or a pipe to guest memory ---- */

long sys_vmsplice(struct task *t, int fd, uaddr_t uiov, u64 nr, unsigned flags)
{
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	struct linux_iovec *iov = NULL;
	struct iov_iter it;
	struct file *f;
	ssize_t total;
	long rc;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	f = fget_io(t, fd);
	if (!f)
		return -EBADF;
	rc = -EBADF;
	if (!(f->f_mode & (FMODE_READ | FMODE_WRITE)))
		goto out;
	rc = -EINVAL;
	if (nr > UIO_MAXIOV)
		goto out;
	iov = kmalloc(sizeof(*iov) * (nr ? nr : 1));
	total = import_iovec(uiov, (int)nr, iov);
	rc = total;
	if (total <= 0)
		goto out;
	rc = -EBADF;
	if (!file_is_pipe(f))
		goto out;
	iter_user(&it, iov, (int)nr, total);
	if (f->f_mode & FMODE_WRITE) {
		rc = pipe_wait_room(f, nonblock);
		if (rc > 0)
			rc = pipe_put(f, &it, MIN((size_t)rc, (size_t)total));
	} else {
		rc = pipe_wait_data(f, nonblock);
		if (rc > 0)
			rc = pipe_take(f, &it, MIN((size_t)rc, (size_t)total),
				       false);
	}
	/* Room or data was there: nothing moved means a bad buffer. */
	if (rc == 0 && ((f->f_mode & FMODE_WRITE) || pipe_wait_data(f, true) > 0))
		rc = -EFAULT;
out:
	kfree(iov);
	file_put(f);
	return rc;
}

/* ---- copy_file_range ---- */

/* RLIMIT_FSIZE and the largest offset for a write at pos: Linux's
   generic_write_check_limits(). */
static int write_limits(struct task *t, struct file *out, u64 pos, u64 *count)
{
	u64 limit = t->proc->rlim[RLIMIT_FSIZE].rlim_cur;

	if (limit != RLIM_INFINITY) {
		if ((s64)pos >= 0 && pos >= limit) {
			send_signal_thread(t, SIGXFSZ, &(struct linux_siginfo){
						   .si_signo = SIGXFSZ,
						   .si_code = SI_USER });
			return -EFBIG;
		}
		if ((s64)pos >= 0)
			*count = MIN(*count, limit - pos);
	}
	(void)out;
	return 0;
}

static long copy_range(struct task *t, struct file *in, u64 *ipos,
		       struct file *out, u64 *opos, size_t len)
{
	struct inode *iin = in->f_inode, *iout = out->f_inode;
	u64 count = len;
	long rc;

	if (S_ISDIR(iin->mode) || S_ISDIR(iout->mode))
		return -EISDIR;
	if (!S_ISREG(iin->mode) || !S_ISREG(iout->mode))
		return -EINVAL;
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) ||
	    (out->f_flags & O_APPEND))
		return -EBADF;
	if (iin->sb != iout->sb)
		return -EXDEV;
	if (*ipos + count < *ipos || *opos + count < *opos)
		return -EOVERFLOW;
	count = (s64)*ipos >= 0 && *ipos < iin->size
		? MIN(count, iin->size - *ipos) : 0;
	rc = write_limits(t, out, *opos, &count);
	if (rc < 0)
		return rc;
	if (iin == iout && *opos + count > *ipos && *opos < *ipos + count)
		return -EINVAL;
	rc = verify_area((s64)*ipos, count);
	if (rc == 0)
		rc = verify_area((s64)*opos, count);
	if (rc < 0 || !count)
		return rc;
	rc = file_to_file(in, ipos, out, opos, MIN(count, (u64)MAX_RW_COUNT));
	if (rc > 0) {
		fsnotify_access(in);
		fsnotify_modify(out);
	}
	return rc;
}

long sys_copy_file_range(struct task *t, int fd_in, uaddr_t uoff_in,
			 int fd_out, uaddr_t uoff_out, size_t len,
			 unsigned flags)
{
	struct file *in, *out;
	u64 ipos, opos;
	long rc;

	in = fget_io(t, fd_in);
	if (!in)
		return -EBADF;
	out = fget_io(t, fd_out);
	rc = -EBADF;
	if (!out)
		goto out_in;
	rc = -EFAULT;
	if (uoff_in ? copy_from_user(&ipos, uoff_in, sizeof(ipos))
		    : (ipos = in->pos, 0))
		goto out;
	if (uoff_out ? copy_from_user(&opos, uoff_out, sizeof(opos))
		     : (opos = out->pos, 0))
		goto out;
	rc = flags ? -EINVAL : copy_range(t, in, &ipos, out, &opos, len);
	if (rc > 0) {
		if (!uoff_in)
			in->pos = ipos;
		else if (copy_to_user(uoff_in, &ipos, sizeof(ipos)))
			rc = -EFAULT;
		if (!uoff_out)
			out->pos = opos;
		else if (copy_to_user(uoff_out, &opos, sizeof(opos)))
			rc = -EFAULT;
	}
out:
	file_put(out);
out_in:
	file_put(in);
	return rc;
}
