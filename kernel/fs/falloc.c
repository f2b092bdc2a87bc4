/*
 * A file's size and space: truncate, ftruncate and fallocate, with
 * Linux's checks in Linux's order.  The work is the file system's:
 * file_ops.truncate (or inode_ops.setattr with ATTR_SIZE) and
 * file_ops.fallocate.  Growing a file past RLIMIT_FSIZE fails with
 * EFBIG and SIGXFSZ, as Linux's inode_newsize_ok().
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/abi/files.h"
#include "kernel/abi/time.h"

/* May inode grow to size?  0, or -EFBIG with SIGXFSZ sent. */
static int newsize_ok(struct task *t, struct inode *inode, u64 size)
{
	u64 limit = t->proc->rlim[RLIMIT_FSIZE].rlim_cur;

	if (size <= inode->size || limit == RLIM_INFINITY || size <= limit)
		return 0;
	send_signal_thread(t, SIGXFSZ, &(struct linux_siginfo){
					       .si_signo = SIGXFSZ,
					       .si_code = SI_USER });
	return -EFBIG;
}

long sys_ftruncate(struct task *t, unsigned fd, s64 length)
{
	struct file *f;
	long rc;

	if (length < 0)
		return -EINVAL;
	f = fget_io(t, (int)fd);
	if (!f)
		return -EBADF;
	rc = -EINVAL;
	if (!S_ISREG(f->f_inode->mode) || !(f->f_mode & FMODE_WRITE))
		goto out;
	rc = newsize_ok(t, f->f_inode, (u64)length);
	if (rc < 0)
		goto out;
	if (f->fop && f->fop->truncate) {
		rc = f->fop->truncate(f, (u64)length);
		if (rc == 0)
			fsnotify_modify(f);
	} else {
		struct iattr a = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME,
				   .size = (u64)length };

		a.mtime.tv_nsec = UTIME_NOW;
		rc = vfs_setattr(t, &f->path, &a);
	}
out:
	file_put(f);
	return rc;
}

long sys_truncate(struct task *t, uaddr_t upath, s64 length)
{
	struct iattr a = { .valid = ATTR_SIZE, .size = (u64)length };
	struct nameidata nd;
	struct inode *inode;
	long rc;

	if (length < 0)
		return -EINVAL;
	rc = user_path_walk(t, AT_FDCWD, upath, LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	inode = nd.path.dentry->inode;
	if (S_ISDIR(inode->mode))
		rc = -EISDIR;
	else if (!S_ISREG(inode->mode))
		rc = -EINVAL;
	else
		rc = inode_permission(t, inode, MAY_WRITE);
	if (rc == 0 && path_readonly(&nd.path))
		rc = -EROFS;
	if (rc == 0)
		rc = newsize_ok(t, inode, (u64)length);
	if (rc == 0)
		rc = vfs_setattr(t, &nd.path, &a);
	path_put(&nd.path);
	return rc;
}

/* Linux's vfs_fallocate() checks on mode, before the file is looked at. */
static int falloc_mode_ok(int mode)
{
	if (mode & ~(FALLOC_FL_MODE_MASK | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	switch (mode & FALLOC_FL_MODE_MASK) {
	case 0:
	case FALLOC_FL_UNSHARE_RANGE:
	case FALLOC_FL_ZERO_RANGE:
		return 0;
	case FALLOC_FL_PUNCH_HOLE:
		return mode & FALLOC_FL_KEEP_SIZE ? 0 : -EOPNOTSUPP;
	case FALLOC_FL_COLLAPSE_RANGE:
	case FALLOC_FL_INSERT_RANGE:
	case FALLOC_FL_WRITE_ZEROES:
		return mode & FALLOC_FL_KEEP_SIZE ? -EOPNOTSUPP : 0;
	default:
		return -EOPNOTSUPP;
	}
}

static long do_fallocate(struct task *t, struct file *f, int mode, s64 off,
			 s64 len)
{
	struct inode *inode = f->f_inode;
	int rc;

	if (off < 0 || len <= 0)
		return -EINVAL;
	rc = falloc_mode_ok(mode);
	if (rc < 0)
		return rc;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (S_ISFIFO(inode->mode))
		return -ESPIPE;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) && !S_ISBLK(inode->mode))
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	if (!f->fop || !f->fop->fallocate)
		return -EOPNOTSUPP;
	if (!(mode & ~FALLOC_FL_KEEP_SIZE)) {
		rc = newsize_ok(t, inode, (u64)(off + len));
		if (rc < 0)
			return rc;
	}
	rc = f->fop->fallocate(f, mode, (u64)off, (u64)len);
	if (rc == 0)
		fsnotify_modify(f);
	return rc;
}

long sys_fallocate(struct task *t, int fd, int mode, s64 off, s64 len)
{
	struct file *f = fget_io(t, fd);
	long rc;

	if (!f)
		return -EBADF;
	rc = do_fallocate(t, f, mode, off, len);
	file_put(f);
	return rc;
}
