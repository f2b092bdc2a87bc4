/*
 * File system calls: argument checks and errno policy, in front of the
 * VFS (kernel/fs/).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/fs/locks.h"
#include "kernel/fs/memfd.h"

#define MAX_RW_COUNT 0x7ffff000UL

/* ---- read and write ---- */

static bool seekable(struct file *f)
{
	return f->fop && f->fop->llseek && (f->f_mode & FMODE_PREAD);
}

static ssize_t do_rw(struct task *t, int fd, const struct linux_iovec *iov,
		     int nr, size_t count, s64 pos, bool write)
{
	struct file *f = fget_io(t, fd);
	struct iov_iter it;
	u64 p;
	ssize_t n;

	if (!f)
		return -EBADF;
	if (pos >= 0 && !seekable(f)) {
		file_put(f);
		return -ESPIPE;
	}
	iter_user(&it, iov, nr, MIN(count, MAX_RW_COUNT));
	p = pos >= 0 ? (u64)pos : f->pos;
	n = write ? vfs_write(f, &it, &p) : vfs_read(f, &it, &p);
	if (pos < 0 && n > 0)
		f->pos = p;
	file_put(f);
	return n;
}

static ssize_t rw_buf(struct task *t, int fd, uaddr_t buf, size_t count,
		      s64 pos, bool write)
{
	struct linux_iovec iov = { buf, count };

	if (!range_ok(buf, count, task_size))
		return -EFAULT;
	return do_rw(t, fd, &iov, 1, count, pos, write);
}

long sys_read(struct task *t, int fd, uaddr_t buf, size_t count)
{
	return rw_buf(t, fd, buf, count, -1, false);
}

long sys_write(struct task *t, int fd, uaddr_t buf, size_t count)
{
	return rw_buf(t, fd, buf, count, -1, true);
}

long sys_pread64(struct task *t, int fd, uaddr_t buf, size_t count, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_buf(t, fd, buf, count, pos, false);
}

long sys_pwrite64(struct task *t, int fd, uaddr_t buf, size_t count, s64 pos)
{
	if (pos < 0)
		return -EINVAL;
	return rw_buf(t, fd, buf, count, pos, true);
}

static long rw_vec(struct task *t, int fd, uaddr_t uiov, int nr, s64 pos,
		   bool write)
{
	struct linux_iovec *iov;
	ssize_t total;
	long rc;

	if (nr < 0 || nr > UIO_MAXIOV)
		return -EINVAL;
	iov = kmalloc(sizeof(*iov) * (nr ? nr : 1));
	total = import_iovec(uiov, nr, iov);
	rc = total < 0 ? total : do_rw(t, fd, iov, nr, total, pos, write);
	kfree(iov);
	return rc;
}

long sys_readv(struct task *t, int fd, uaddr_t iov, int nr)
{
	return rw_vec(t, fd, iov, nr, -1, false);
}

long sys_writev(struct task *t, int fd, uaddr_t iov, int nr)
{
	return rw_vec(t, fd, iov, nr, -1, true);
}

long sys_preadv(struct task *t, int fd, uaddr_t iov, int nr, s64 pos)
{
	return pos < 0 ? -EINVAL : rw_vec(t, fd, iov, nr, pos, false);
}

long sys_pwritev(struct task *t, int fd, uaddr_t iov, int nr, s64 pos)
{
	return pos < 0 ? -EINVAL : rw_vec(t, fd, iov, nr, pos, true);
}

#define RWF_SUPPORTED 0x1f /* HIPRI DSYNC SYNC NOWAIT APPEND */

/* x86-64 passes the position whole in pos_l; pos_h is ignored. */
long sys_preadv2(struct task *t, int fd, uaddr_t iov, int nr, s64 pos,
		 u64 pos_h, int flags)
{
	(void)pos_h;
	if (flags & ~RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if (pos < -1)
		return -EINVAL;
	return rw_vec(t, fd, iov, nr, pos, false);
}

long sys_pwritev2(struct task *t, int fd, uaddr_t iov, int nr, s64 pos,
		  u64 pos_h, int flags)
{
	(void)pos_h;
	if (flags & ~RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if (pos < -1)
		return -EINVAL;
	return rw_vec(t, fd, iov, nr, pos, true);
}

long sys_lseek(struct task *t, int fd, s64 off, int whence)
{
	struct file *f = fget_io(t, fd);
	s64 r;

	if (!f)
		return -EBADF;
	if (whence < 0 || whence > SEEK_HOLE)
		r = -EINVAL;
	else if (!f->fop || !f->fop->llseek)
		r = -ESPIPE;
	else
		r = f->fop->llseek(f, off, whence);
	file_put(f);
	return r;
}

/* ---- open and close ---- */

static long do_open(struct task *t, int dirfd, uaddr_t upath, int flags,
		    mode_t mode)
{
	struct file *f;
	char *path;
	int rc = 0, fd;

	/* Linux 6.4 and later: a directory cannot be created by open. */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	path = getname(upath, &rc);
	if (!path)
		return rc;
	if (!(flags & (O_CREAT | __O_TMPFILE)))
		mode = 0;
	rc = vfs_open(t, dirfd, path, flags | O_LARGEFILE, mode & 07777, &f);
	kfree(path);
	if (rc < 0)
		return rc;
	fd = fd_install(t, f, flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(struct task *t, uaddr_t path, int flags, mode_t mode)
{
	return do_open(t, AT_FDCWD, path, flags, mode);
}

long sys_openat(struct task *t, int dirfd, uaddr_t path, int flags,
		mode_t mode)
{
	return do_open(t, dirfd, path, flags, mode);
}

long sys_creat(struct task *t, uaddr_t path, mode_t mode)
{
	return do_open(t, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(struct task *t, int fd)
{
	return fd_close(t, fd);
}

/* ---- stat ---- */

static void to_stat(const struct kstat *k, struct linux_stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_dev = k->dev;
	s->st_ino = k->ino;
	s->st_nlink = k->nlink;
	s->st_mode = k->mode;
	s->st_uid = k->uid;
	s->st_gid = k->gid;
	s->st_rdev = k->rdev;
	s->st_size = k->size;
	s->st_blksize = k->blksize;
	s->st_blocks = k->blocks;
	s->st_atim = k->atime;
	s->st_mtim = k->mtime;
	s->st_ctim = k->ctime;
}

/* Walk to what dirfd + path names for the stat family. */
static int stat_walk(struct task *t, int dirfd, uaddr_t upath, int flags,
		     struct nameidata *nd)
{
	unsigned lookup = 0;

	if (!(flags & AT_SYMLINK_NOFOLLOW))
		lookup |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	return user_path_walk(t, dirfd, upath, lookup, nd);
}

static long stat_path(struct task *t, int dirfd, uaddr_t upath, uaddr_t ubuf,
		      int flags)
{
	struct nameidata nd;
	struct linux_stat s;
	struct kstat k;
	int rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	rc = stat_walk(t, dirfd, upath, flags, &nd);
	if (rc < 0)
		return rc;
	rc = vfs_getattr(nd.path.dentry->inode, &k);
	path_put(&nd.path);
	if (rc < 0)
		return rc;
	to_stat(&k, &s);
	return copy_to_user(ubuf, &s, sizeof(s));
}

long sys_stat(struct task *t, uaddr_t path, uaddr_t buf)
{
	return stat_path(t, AT_FDCWD, path, buf, 0);
}

long sys_lstat(struct task *t, uaddr_t path, uaddr_t buf)
{
	return stat_path(t, AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct task *t, int dirfd, uaddr_t path, uaddr_t buf,
		    int flags)
{
	return stat_path(t, dirfd, path, buf, flags);
}

long sys_fstat(struct task *t, int fd, uaddr_t buf)
{
	struct file *f = fget(t, fd);
	struct linux_stat s;
	struct kstat k;
	int rc;

	if (!f)
		return -EBADF;
	rc = vfs_getattr(f->f_inode, &k);
	file_put(f);
	if (rc < 0)
		return rc;
	to_stat(&k, &s);
	return copy_to_user(buf, &s, sizeof(s));
}

static struct linux_statx_timestamp stx_time(struct linux_timespec ts)
{
	return (struct linux_statx_timestamp){ ts.tv_sec, (u32)ts.tv_nsec, 0 };
}

long sys_statx(struct task *t, int dirfd, uaddr_t upath, int flags,
	       unsigned mask, uaddr_t ubuf)
{
	struct nameidata nd;
	struct linux_statx sx;
	struct kstat k;
	int rc;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	rc = stat_walk(t, dirfd, upath, flags, &nd);
	if (rc < 0)
		return rc;
	rc = vfs_getattr(nd.path.dentry->inode, &k);
	if (rc < 0) {
		path_put(&nd.path);
		return rc;
	}
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS | STATX_MNT_ID;
	sx.stx_blksize = (u32)k.blksize;
	sx.stx_nlink = (u32)k.nlink;
	sx.stx_uid = k.uid;
	sx.stx_gid = k.gid;
	sx.stx_mode = (u16)k.mode;
	sx.stx_ino = k.ino;
	sx.stx_size = k.size;
	sx.stx_blocks = k.blocks;
	sx.stx_atime = stx_time(k.atime);
	sx.stx_ctime = stx_time(k.ctime);
	sx.stx_mtime = stx_time(k.mtime);
	sx.stx_rdev_major = dev_major(k.rdev);
	sx.stx_rdev_minor = dev_minor(k.rdev);
	sx.stx_dev_major = dev_major(k.dev);
	sx.stx_dev_minor = dev_minor(k.dev);
	sx.stx_mnt_id = nd.path.mnt->id;
	path_put(&nd.path);
	return copy_to_user(ubuf, &sx, sizeof(sx));
}

/* ---- access ---- */

static long do_access(struct task *t, int dirfd, uaddr_t upath, int mode,
		      int flags)
{
	struct creds *c = &t->proc->cred, saved = *c;
	struct nameidata nd;
	struct inode *inode;
	int rc;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		/* access() checks with the real ids. */
		c->fsuid = c->uid;
		c->fsgid = c->gid;
	}
	rc = stat_walk(t, dirfd, upath, flags & ~AT_EACCESS, &nd);
	if (rc == 0) {
		inode = nd.path.dentry->inode;
		if (mode) {
			int mask = ((mode & R_OK) ? MAY_READ : 0) |
				   ((mode & W_OK) ? MAY_WRITE : 0) |
				   ((mode & X_OK) ? MAY_EXEC : 0);

			rc = inode_permission(t, inode, mask);
			if (rc == 0 && (mode & W_OK) && path_readonly(&nd.path) &&
			    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) ||
			     S_ISLNK(inode->mode)))
				rc = -EROFS;
		}
		path_put(&nd.path);
	}
	c->fsuid = saved.fsuid;
	c->fsgid = saved.fsgid;
	return rc;
}

long sys_access(struct task *t, uaddr_t path, int mode)
{
	return do_access(t, AT_FDCWD, path, mode, 0);
}

long sys_faccessat(struct task *t, int dirfd, uaddr_t path, int mode)
{
	return do_access(t, dirfd, path, mode, 0);
}

long sys_faccessat2(struct task *t, int dirfd, uaddr_t path, int mode,
		    int flags)
{
	return do_access(t, dirfd, path, mode, flags);
}

/* ---- directories ---- */

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	struct linux_dirent64 *prev;
	uaddr_t ubuf;
	int error;
};

static bool filldir64(struct dir_context *ctx, const char *name, int len,
		      u64 ino, unsigned type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) +
				 (size_t)len + 1, 8);
	struct linux_dirent64 *d;

	if (g->prev)
		g->prev->d_off = ctx->pos;
	if (g->used + reclen > g->size) {
		if (!g->used)
			g->error = -EINVAL;
		return false;
	}
	/*
	 * Linux copies each entry out as it goes: one that would land on
	 * memory the guest cannot write ends the call there, with what
	 * came before it returned (EFAULT only if nothing did), and the
	 * position left at the entry that did not fit.
	 */
	if (!user_writable(g->ubuf + g->used, reclen)) {
		g->error = -EFAULT;
		return false;
	}
	d = (struct linux_dirent64 *)(g->buf + g->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_reclen = (u16)reclen;
	d->d_type = (u8)type;
	memcpy(d->d_name, name, len);
	g->prev = d;
	g->used += reclen;
	return true;
}

long sys_getdents64(struct task *t, int fd, uaddr_t ubuf, unsigned count)
{
	struct file *f = fget_io(t, fd);
	struct getdents_ctx g = { { filldir64, 0 }, NULL, 0, 0, NULL, ubuf, 0 };
	int rc;

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->f_inode->mode) || !f->fop || !f->fop->iterate) {
		file_put(f);
		return -ENOTDIR;
	}
	if (!range_ok(ubuf, count, task_size)) {
		file_put(f);
		return -EFAULT;
	}
	g.size = MIN(count, 65536U);
	g.buf = kmalloc(g.size ? g.size : 1);
	g.ctx.pos = (s64)f->pos;
	rc = f->fop->iterate(f, &g.ctx);
	fsnotify_access(f);
	if (g.prev)
		g.prev->d_off = g.ctx.pos;
	f->pos = (u64)g.ctx.pos;
	if (g.used)
		rc = 0;
	else if (rc == 0)
		rc = g.error;
	if (rc == 0 && g.used && copy_to_user(ubuf, g.buf, g.used))
		rc = -EFAULT;
	kfree(g.buf);
	file_put(f);
	return rc < 0 ? rc : (long)g.used;
}

long sys_getcwd(struct task *t, uaddr_t ubuf, size_t size)
{
	char *buf = kmalloc(PATH_MAX);
	int len = d_path(&t->fs->cwd, &t->fs->root, buf, PATH_MAX);
	long rc;

	if (len < 0)
		rc = len;
	else if (t->fs->cwd.dentry->flags & DCACHE_DEAD)
		rc = -ENOENT;
	else if ((size_t)len + 1 > size)
		rc = -ERANGE;
	else
		rc = copy_to_user(ubuf, buf, len + 1) ? -EFAULT : len + 1;
	kfree(buf);
	return rc;
}

static long set_cwd(struct task *t, struct path *p)
{
	int rc = inode_permission(t, p->dentry->inode, MAY_EXEC);

	if (rc < 0) {
		path_put(p);
		return rc;
	}
	path_put(&t->fs->cwd);
	t->fs->cwd = *p;
	return 0;
}

long sys_chdir(struct task *t, uaddr_t upath)
{
	struct nameidata nd;
	int rc = user_path_walk(t, AT_FDCWD, upath,
				LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd);

	return rc < 0 ? rc : set_cwd(t, &nd.path);
}

long sys_fchdir(struct task *t, int fd)
{
	struct file *f = fget(t, fd);
	struct path p;

	if (!f)
		return -EBADF;
	p = f->path;
	path_get(&p);
	file_put(f);
	if (!S_ISDIR(p.dentry->inode->mode)) {
		path_put(&p);
		return -ENOTDIR;
	}
	return set_cwd(t, &p);
}

static long do_readlink(struct task *t, int dirfd, uaddr_t upath,
			uaddr_t ubuf, int size)
{
	struct nameidata nd;
	struct inode *inode;
	char *buf;
	ssize_t n;
	int rc;

	if (size <= 0)
		return -EINVAL;
	rc = user_path_walk(t, dirfd, upath, LOOKUP_EMPTY, &nd);
	if (rc < 0)
		return rc;
	inode = nd.path.dentry->inode;
	if (!S_ISLNK(inode->mode) || !inode->iop->readlink) {
		char c = 0;

		/* An empty name (the fd's own file) that is no link: ENOENT. */
		path_put(&nd.path);
		if (copy_from_user(&c, upath, 1) == 0 && !c)
			return -ENOENT;
		return -EINVAL;
	}
	buf = kmalloc(PATH_MAX);
	n = inode->iop->readlink(inode, buf, MIN((size_t)size, PATH_MAX));
	path_put(&nd.path);
	if (n > 0 && copy_to_user(ubuf, buf, n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_readlink(struct task *t, uaddr_t path, uaddr_t buf, int size)
{
	return do_readlink(t, AT_FDCWD, path, buf, size);
}

long sys_readlinkat(struct task *t, int dirfd, uaddr_t path, uaddr_t buf,
		    int size)
{
	return do_readlink(t, dirfd, path, buf, size);
}

long sys_umask(struct task *t, mode_t mask)
{
	mode_t old = t->fs->umask;

	t->fs->umask = mask & 0777;
	return old;
}

/* ---- descriptors ---- */

long sys_dup(struct task *t, int fd)
{
	struct file *f = fget(t, fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_install(t, f, false, 0);
	if (nfd < 0)
		file_put(f);
	return nfd;
}

long sys_dup3(struct task *t, int oldfd, int newfd, int flags)
{
	struct file *f;
	int rc;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	f = fget(t, oldfd);
	if (!f)
		return -EBADF;
	rc = fd_install_at(t, f, newfd, flags & O_CLOEXEC);
	if (rc < 0)
		file_put(f);
	return rc;
}

long sys_dup2(struct task *t, int oldfd, int newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget(t, oldfd);

		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return sys_dup3(t, oldfd, newfd, 0);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(struct task *t, int fd, int cmd, u64 arg)
{
	struct file *f = fget(t, fd);
	long rc = 0;

	if (!f)
		return -EBADF;
	if ((f->f_mode & FMODE_PATH) && cmd != F_DUPFD &&
	    cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD && cmd != F_SETFD &&
	    cmd != F_GETFL) {
		file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((s64)(int)arg < 0 || (u64)(int)arg >=
		    t->proc->rlim[RLIMIT_NOFILE].rlim_cur) {
			rc = -EINVAL;
			break;
		}
		file_get(f);
		rc = fd_install(t, f, cmd == F_DUPFD_CLOEXEC, (int)arg);
		if (rc < 0)
			file_put(f);
		break;
	case F_GETFD:
		rc = fd_cloexec(t, fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		rc = f->f_flags;
		break;
	case F_SETFL:
		f->f_flags = (f->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		break;
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		rc = fcntl_lock(t, f, cmd, arg);
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		rc = memfd_fcntl(f, cmd, arg);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		rc = pipe_fcntl_size(f, cmd, arg);
		break;
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
		rc = 0;
		break;
	default:
		rc = -EINVAL;
	}
	file_put(f);
	return rc;
}

long sys_ioctl(struct task *t, int fd, unsigned cmd, uaddr_t arg)
{
	struct file *f = fget_io(t, fd);
	long rc;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
		fd_set_cloexec(t, fd, true);
		rc = 0;
		break;
	case FIONCLEX:
		fd_set_cloexec(t, fd, false);
		rc = 0;
		break;
	case FIONREAD:
		/* Regular files: what is left from the position (as int). */
		if (S_ISREG(f->f_inode->mode)) {
			rc = put_user((s32)(f->f_inode->size - f->pos), arg);
			break;
		}
		rc = f->fop && f->fop->ioctl ? f->fop->ioctl(f, cmd, arg)
					     : -ENOTTY;
		break;
	case FIONBIO:
		rc = get_user(on, arg);
		if (rc == 0) {
			if (on)
				f->f_flags |= O_NONBLOCK;
			else
				f->f_flags &= ~O_NONBLOCK;
		}
		break;
	default:
		rc = f->fop && f->fop->ioctl ? f->fop->ioctl(f, cmd, arg)
					     : -ENOTTY;
	}
	file_put(f);
	return rc;
}

long sys_close_range(struct task *t, unsigned first, unsigned last,
		     unsigned flags)
{
	if (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && t->files->refcount > 1) {
		struct files *f = files_dup(t->files);

		files_put(t->files);
		t->files = f;
	}
	for (u64 fd = first; fd <= last && fd < (u64)t->files->max; fd++) {
		if (!t->files->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec(t, (int)fd, true);
		else
			fd_close(t, (int)fd);
	}
	return 0;
}

struct open_how {
	u64 flags;
	u64 mode;
	u64 resolve;
};

long sys_openat2(struct task *t, int dirfd, uaddr_t upath, uaddr_t uhow,
		 size_t size)
{
	struct open_how how = { 0 };
	struct file *f;
	char *path;
	int rc = 0, fd;

	if (size < sizeof(how) || size > PAGE_SIZE)
		return size < sizeof(how) ? -EINVAL : -E2BIG;
	if (copy_from_user(&how, uhow, sizeof(how)))
		return -EFAULT;
	for (size_t off = sizeof(how); off < size; off++) {
		u8 b;

		if (get_user(b, uhow + off))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (how.flags & ~(u64)(O_VALID_FLAGS))
		return -EINVAL;
	if (how.resolve & ~(u64)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
				 RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
				 RESOLVE_IN_ROOT | RESOLVE_CACHED))
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.mode & ~(u64)07777)
		return -EINVAL;
	if (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE)))
		return -EINVAL;
	if ((how.flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if ((how.resolve & RESOLVE_CACHED) &&
	    (how.flags & (O_CREAT | O_TRUNC | __O_TMPFILE)))
		return -EAGAIN;
	path = getname(upath, &rc);
	if (!path)
		return rc;
	rc = vfs_open_resolve(t, dirfd, path, (int)how.flags | O_LARGEFILE,
			      (mode_t)how.mode, (unsigned)how.resolve, &f);
	kfree(path);
	if (rc < 0)
		return rc;
	fd = fd_install(t, f, how.flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}
