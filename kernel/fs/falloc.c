/*
 * fallocate(2), with Linux's checks in Linux's order; the work is the
 * file system's file_ops.fallocate.  Growing a file past RLIMIT_FSIZE
 * fails with EFBIG and SIGXFSZ, as Linux's inode_newsize_ok().
 * (truncate and ftruncate are in sys_namei.c.)
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
