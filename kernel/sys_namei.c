/*
 * System calls that change the file tree or file attributes: mkdir,
 * rmdir, unlink, rename, link, symlink, mknod, chmod, chown, truncate,
 * utimensat, chroot; and statfs and the sync family.  Argument checks
 * and errno policy here; the VFS does the work (kernel/fs/dirops.c).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/abi/time.h"

/* The parent of upath and the dentry of its last name (maybe negative). */
struct entry {
	struct nameidata nd;    /* nd.path: the parent directory */
	struct path child;      /* the last component, with a reference */
};

static int entry_get(struct task *t, int dirfd, uaddr_t upath,
		     struct entry *e)
{
	int rc = user_path_walk(t, dirfd, upath, LOOKUP_PARENT, &e->nd);

	e->child.dentry = NULL;
	if (rc < 0)
		return rc;
	if (e->nd.last_type != LAST_NORM)
		return 0; /* the caller decides: ".", "..", "/" */
	rc = lookup_one(&e->nd.path, e->nd.last, &e->child);
	if (rc < 0) {
		path_put(&e->nd.path);
		return rc;
	}
	return 0;
}

static void entry_put(struct entry *e)
{
	if (e->child.dentry)
		path_put(&e->child);
	path_put(&e->nd.path);
}

static bool exists(const struct entry *e)
{
	return e->child.dentry && e->child.dentry->inode;
}

/* ---- creating ---- */

long sys_mkdirat(struct task *t, int dirfd, uaddr_t upath, mode_t mode)
{
	struct entry e;
	int rc = entry_get(t, dirfd, upath, &e);

	if (rc < 0)
		return rc;
	if (e.nd.last_type != LAST_NORM || exists(&e))
		rc = -EEXIST;
	else
		rc = vfs_mkdir(t, &e.nd.path, e.nd.last, mode & ~t->fs->umask);
	entry_put(&e);
	return rc;
}

long sys_mkdir(struct task *t, uaddr_t upath, mode_t mode)
{
	return sys_mkdirat(t, AT_FDCWD, upath, mode);
}

long sys_mknodat(struct task *t, int dirfd, uaddr_t upath, mode_t mode,
		 unsigned dev)
{
	struct entry e;
	int rc;

	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	rc = entry_get(t, dirfd, upath, &e);
	if (rc < 0)
		return rc;
	if (e.nd.last_type != LAST_NORM || exists(&e))
		rc = -EEXIST;
	else if (e.nd.trailing_slash)
		rc = -ENOENT;
	else
		rc = vfs_mknod(t, &e.nd.path, e.nd.last,
			       (mode & S_IFMT) | (mode & 07777 & ~t->fs->umask),
			       makedev_linux((dev >> 8) & 0xfff, (dev & 0xff) |
						      ((dev >> 12) & 0xfff00)));
	entry_put(&e);
	return rc;
}

long sys_mknod(struct task *t, uaddr_t upath, mode_t mode, unsigned dev)
{
	return sys_mknodat(t, AT_FDCWD, upath, mode, dev);
}

long sys_symlinkat(struct task *t, uaddr_t utarget, int dirfd, uaddr_t upath)
{
	struct entry e;
	char *target;
	int rc = 0;

	target = getname(utarget, &rc);
	if (!target)
		return rc;
	if (!target[0]) {
		kfree(target);
		return -ENOENT;
	}
	rc = entry_get(t, dirfd, upath, &e);
	if (rc == 0) {
		if (e.nd.last_type != LAST_NORM || exists(&e))
			rc = -EEXIST;
		else if (e.nd.trailing_slash)
			rc = -ENOENT;
		else
			rc = vfs_symlink(t, &e.nd.path, e.nd.last, target);
		entry_put(&e);
	}
	kfree(target);
	return rc;
}

long sys_symlink(struct task *t, uaddr_t target, uaddr_t upath)
{
	return sys_symlinkat(t, target, AT_FDCWD, upath);
}

long sys_linkat(struct task *t, int olddirfd, uaddr_t uold, int newdirfd,
		uaddr_t unew, int flags)
{
	struct nameidata old;
	struct entry e;
	int rc;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = user_path_walk(t, olddirfd, uold,
			    ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
				    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			    &old);
	if (rc < 0)
		return rc;
	rc = entry_get(t, newdirfd, unew, &e);
	if (rc == 0) {
		if (e.nd.last_type != LAST_NORM || exists(&e))
			rc = -EEXIST;
		else if (e.nd.trailing_slash)
			rc = -ENOENT;
		else if (old.path.dentry->inode->nlink == 0 &&
			 !(old.path.dentry->flags & DCACHE_TMPFILE))
			rc = -ENOENT; /* unlinked meanwhile */
		else
			rc = vfs_link(t, &old.path, &e.nd.path, e.nd.last);
		entry_put(&e);
	}
	path_put(&old.path);
	return rc;
}

long sys_link(struct task *t, uaddr_t uold, uaddr_t unew)
{
	return sys_linkat(t, AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* ---- removing ---- */

static long do_rmdir(struct task *t, int dirfd, uaddr_t upath)
{
	struct entry e;
	int rc = entry_get(t, dirfd, upath, &e);

	if (rc < 0)
		return rc;
	switch (e.nd.last_type) {
	case LAST_DOT: rc = -EINVAL; break;
	case LAST_DOTDOT: rc = -ENOTEMPTY; break;
	case LAST_ROOT: rc = -EBUSY; break;
	default:
		rc = exists(&e) ? vfs_rmdir(t, &e.nd.path, e.child.dentry)
				: -ENOENT;
	}
	entry_put(&e);
	return rc;
}

static long do_unlink(struct task *t, int dirfd, uaddr_t upath)
{
	struct entry e;
	int rc = entry_get(t, dirfd, upath, &e);

	if (rc < 0)
		return rc;
	if (e.nd.last_type != LAST_NORM) {
		rc = -EISDIR;
	} else if (!exists(&e)) {
		rc = -ENOENT;
	} else if (e.nd.trailing_slash &&
		   !S_ISDIR(e.child.dentry->inode->mode)) {
		rc = -ENOTDIR;
	} else {
		rc = vfs_unlink(t, &e.nd.path, e.child.dentry);
	}
	entry_put(&e);
	return rc;
}

long sys_rmdir(struct task *t, uaddr_t upath)
{
	return do_rmdir(t, AT_FDCWD, upath);
}

long sys_unlink(struct task *t, uaddr_t upath)
{
	return do_unlink(t, AT_FDCWD, upath);
}

long sys_unlinkat(struct task *t, int dirfd, uaddr_t upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return flags ? do_rmdir(t, dirfd, upath) : do_unlink(t, dirfd, upath);
}

/* ---- renaming ---- */

long sys_renameat2(struct task *t, int olddirfd, uaddr_t uold, int newdirfd,
		   uaddr_t unew, unsigned flags)
{
	struct entry o, n;
	int rc;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return (flags & RENAME_EXCHANGE) ? -EINVAL : -EPERM;
	rc = entry_get(t, olddirfd, uold, &o);
	if (rc < 0)
		return rc;
	rc = entry_get(t, newdirfd, unew, &n);
	if (rc < 0) {
		entry_put(&o);
		return rc;
	}
	if (o.nd.last_type != LAST_NORM || n.nd.last_type != LAST_NORM)
		rc = (o.nd.last_type == LAST_ROOT || n.nd.last_type == LAST_ROOT ||
		      o.nd.last_type == LAST_DOTDOT || n.nd.last_type == LAST_DOTDOT)
			     ? -EBUSY : -EINVAL;
	else if (!exists(&o))
		rc = -ENOENT;
	else if (o.nd.path.mnt != n.nd.path.mnt)
		rc = -EXDEV;
	else if ((flags & RENAME_NOREPLACE) && exists(&n))
		rc = -EEXIST; /* before any type check, as Linux */
	else if ((o.nd.trailing_slash || n.nd.trailing_slash) &&
		 !S_ISDIR(o.child.dentry->inode->mode))
		rc = -ENOTDIR;
	else if (exists(&n) && !(flags & RENAME_EXCHANGE) &&
		 S_ISDIR(o.child.dentry->inode->mode) !=
			 S_ISDIR(n.child.dentry->inode->mode))
		rc = S_ISDIR(o.child.dentry->inode->mode) ? -ENOTDIR : -EISDIR;
	else
		rc = vfs_rename(t, &o.nd.path, o.child.dentry, &n.nd.path,
				n.child.dentry, flags);
	entry_put(&n);
	entry_put(&o);
	return rc;
}

long sys_renameat(struct task *t, int olddirfd, uaddr_t uold, int newdirfd,
		  uaddr_t unew)
{
	return sys_renameat2(t, olddirfd, uold, newdirfd, unew, 0);
}

long sys_rename(struct task *t, uaddr_t uold, uaddr_t unew)
{
	return sys_renameat2(t, AT_FDCWD, uold, AT_FDCWD, unew, 0);
}

/* ---- attributes ---- */

static bool is_owner(struct task *t, struct inode *inode)
{
	const struct creds *c = &t->proc->cred;

	return c->fsuid == 0 || c->fsuid == inode->uid;
}

static bool in_group(const struct creds *c, gid_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

static int chmod_path(struct task *t, const struct path *p, mode_t mode)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_MODE | ATTR_CTIME };

	if (!is_owner(t, inode))
		return -EPERM;
	a.mode = mode & 07777;
	/* Setting setgid on a file of a group one is not in: dropped. */
	if (t->proc->cred.fsuid != 0 && !S_ISDIR(inode->mode) &&
	    !in_group(&t->proc->cred, inode->gid))
		a.mode &= ~S_ISGID;
	return vfs_setattr(t, p, &a);
}

static long fchmodat_common(struct task *t, int dirfd, uaddr_t upath,
			    mode_t mode, int flags)
{
	struct nameidata nd;
	int rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = user_path_walk(t, dirfd, upath,
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			    &nd);
	if (rc < 0)
		return rc;
	if (S_ISLNK(nd.path.dentry->inode->mode))
		rc = -EOPNOTSUPP;
	else
		rc = chmod_path(t, &nd.path, mode);
	path_put(&nd.path);
	return rc;
}

long sys_fchmodat(struct task *t, int dirfd, uaddr_t upath, mode_t mode)
{
	return fchmodat_common(t, dirfd, upath, mode, 0);
}

long sys_fchmodat2(struct task *t, int dirfd, uaddr_t upath, mode_t mode,
		   int flags)
{
	return fchmodat_common(t, dirfd, upath, mode, flags);
}

long sys_chmod(struct task *t, uaddr_t upath, mode_t mode)
{
	return fchmodat_common(t, AT_FDCWD, upath, mode, 0);
}

long sys_fchmod(struct task *t, int fd, mode_t mode)
{
	struct file *f = fget_io(t, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = chmod_path(t, &f->path, mode);
	file_put(f);
	return rc;
}

/*
 * Linux's chown_ok: root may give anything; the owner may only "change"
 * the owner to itself and the group to one it is in.
 */
static int chown_path(struct task *t, const struct path *p, uid_t uid,
		      gid_t gid)
{
	struct inode *inode = p->dentry->inode;
	const struct creds *c = &t->proc->cred;
	struct iattr a = { .valid = ATTR_CTIME };
	bool root = c->fsuid == 0, owner = c->fsuid == inode->uid;

	if (uid != (uid_t)-1) {
		if (!root && !(owner && uid == inode->uid))
			return -EPERM;
		a.valid |= ATTR_UID;
		a.uid = uid;
	}
	if (gid != (gid_t)-1) {
		if (!root && !(owner && (gid == inode->gid || in_group(c, gid))))
			return -EPERM;
		a.valid |= ATTR_GID;
		a.gid = gid;
	}
	/* A regular file that is chowned loses its set-id bits. */
	if ((a.valid & (ATTR_UID | ATTR_GID)) && S_ISREG(inode->mode) &&
	    (inode->mode & (S_ISUID | S_ISGID))) {
		a.valid |= ATTR_MODE;
		a.mode = inode->mode & 07777 & ~S_ISUID;
		if (inode->mode & S_IXGRP)
			a.mode &= ~S_ISGID;
	}
	return vfs_setattr(t, p, &a);
}

long sys_fchownat(struct task *t, int dirfd, uaddr_t upath, uid_t uid,
		  gid_t gid, int flags)
{
	struct nameidata nd;
	int rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = user_path_walk(t, dirfd, upath,
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			    &nd);
	if (rc < 0)
		return rc;
	rc = chown_path(t, &nd.path, uid, gid);
	path_put(&nd.path);
	return rc;
}

long sys_chown(struct task *t, uaddr_t upath, uid_t uid, gid_t gid)
{
	return sys_fchownat(t, AT_FDCWD, upath, uid, gid, 0);
}

long sys_lchown(struct task *t, uaddr_t upath, uid_t uid, gid_t gid)
{
	return sys_fchownat(t, AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(struct task *t, int fd, uid_t uid, gid_t gid)
{
	struct file *f = fget_io(t, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = chown_path(t, &f->path, uid, gid);
	file_put(f);
	return rc;
}

/* ---- truncate ---- */

/*
 * Linux's do_truncate() after the callers' checks: a file may not grow
 * past RLIMIT_FSIZE (EFBIG and SIGXFSZ, as inode_newsize_ok()), but may
 * always shrink.
 */
static int do_truncate(struct task *t, const struct path *p, struct file *f,
		       s64 len)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };
	u64 limit = t->proc->rlim[RLIMIT_FSIZE].rlim_cur;
	int rc;

	if ((u64)len > inode->size && limit != RLIM_INFINITY &&
	    (u64)len > limit) {
		send_signal_thread(t, SIGXFSZ, &(struct linux_siginfo){
						   .si_signo = SIGXFSZ,
						   .si_code = SI_USER });
		return -EFBIG;
	}
	if (path_readonly(p))
		return -EROFS;
	a.size = (u64)len;
	a.mtime.tv_nsec = UTIME_NOW;
	if (!f || !f->fop || !f->fop->truncate)
		return vfs_setattr(t, p, &a);
	rc = f->fop->truncate(f, (u64)len);
	if (rc == 0)
		fsnotify_modify(f);
	return rc;
}

long sys_truncate(struct task *t, uaddr_t upath, s64 len)
{
	struct nameidata nd;
	struct inode *inode;
	int rc;

	if (len < 0)
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
	if (rc == 0)
		rc = do_truncate(t, &nd.path, NULL, len);
	path_put(&nd.path);
	return rc;
}

long sys_ftruncate(struct task *t, int fd, s64 len)
{
	struct file *f;
	int rc;

	if (len < 0)
		return -EINVAL;
	f = fget_io(t, fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_WRITE) || !S_ISREG(f->f_inode->mode))
		rc = -EINVAL;
	else
		rc = do_truncate(t, &f->path, f, len);
	file_put(f);
	return rc;
}

/* ---- times ---- */

static int set_times(struct task *t, const struct path *p,
		     const struct linux_timespec *ts)
{
	struct inode *inode = p->dentry->inode;
	struct iattr a = { .valid = ATTR_CTIME };
	bool now_only = !ts || ((ts[0].tv_nsec == UTIME_NOW ||
				 ts[0].tv_nsec == UTIME_OMIT) &&
				(ts[1].tv_nsec == UTIME_NOW ||
				 ts[1].tv_nsec == UTIME_OMIT));
	s64 n = ktime_real();
	struct linux_timespec now = { n / NSEC_PER_SEC, n % NSEC_PER_SEC };

	if (ts && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	/* Any time needs ownership; "now" also does with write access. */
	if (!is_owner(t, inode) &&
	    (!now_only || inode_permission(t, inode, MAY_WRITE) < 0))
		return now_only ? -EACCES : -EPERM;
	if (!ts || ts[0].tv_nsec != UTIME_OMIT) {
		a.valid |= ATTR_ATIME;
		a.atime = (!ts || ts[0].tv_nsec == UTIME_NOW) ? now : ts[0];
	}
	if (!ts || ts[1].tv_nsec != UTIME_OMIT) {
		a.valid |= ATTR_MTIME;
		a.mtime = (!ts || ts[1].tv_nsec == UTIME_NOW) ? now : ts[1];
	}
	return vfs_setattr(t, p, &a);
}

static bool ts_valid(const struct linux_timespec *ts)
{
	return ts->tv_nsec == UTIME_NOW || ts->tv_nsec == UTIME_OMIT ||
	       (ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC);
}

static long utimens_common(struct task *t, int dirfd, uaddr_t upath,
			   const struct linux_timespec *ts, int flags)
{
	struct nameidata nd;
	int rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath) {
		/* futimens: the file dirfd itself. */
		struct file *f = fget_io(t, dirfd);

		if (!f)
			return dirfd == AT_FDCWD ? -EFAULT : -EBADF;
		rc = set_times(t, &f->path, ts);
		file_put(f);
		return rc;
	}
	rc = user_path_walk(t, dirfd, upath,
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
			    &nd);
	if (rc < 0)
		return rc;
	rc = set_times(t, &nd.path, ts);
	path_put(&nd.path);
	return rc;
}

long sys_utimensat(struct task *t, int dirfd, uaddr_t upath, uaddr_t utimes,
		   int flags)
{
	struct linux_timespec ts[2];

	if (utimes) {
		if (copy_from_user(ts, utimes, sizeof(ts)))
			return -EFAULT;
		if (!ts_valid(&ts[0]) || !ts_valid(&ts[1]))
			return -EINVAL;
	}
	return utimens_common(t, dirfd, upath, utimes ? ts : NULL, flags);
}

long sys_futimesat(struct task *t, int dirfd, uaddr_t upath, uaddr_t utv)
{
	struct linux_timeval tv[2];
	struct linux_timespec ts[2];

	if (utv) {
		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i].tv_sec = tv[i].tv_sec;
			ts[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	if (!upath)
		return -EFAULT;
	return utimens_common(t, dirfd, upath, utv ? ts : NULL, 0);
}

long sys_utimes(struct task *t, uaddr_t upath, uaddr_t utv)
{
	return sys_futimesat(t, AT_FDCWD, upath, utv);
}

long sys_utime(struct task *t, uaddr_t upath, uaddr_t ubuf)
{
	struct { s64 actime, modtime; } b;
	struct linux_timespec ts[2];

	if (ubuf) {
		if (copy_from_user(&b, ubuf, sizeof(b)))
			return -EFAULT;
		ts[0] = (struct linux_timespec){ b.actime, 0 };
		ts[1] = (struct linux_timespec){ b.modtime, 0 };
	}
	if (!upath)
		return -EFAULT;
	return utimens_common(t, AT_FDCWD, upath, ubuf ? ts : NULL, 0);
}

/* ---- chroot, statfs, sync ---- */

long sys_chroot(struct task *t, uaddr_t upath)
{
	struct nameidata nd;
	int rc = user_path_walk(t, AT_FDCWD, upath,
				LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nd);

	if (rc < 0)
		return rc;
	rc = inode_permission(t, nd.path.dentry->inode, MAY_EXEC);
	if (rc == 0 && t->proc->cred.euid != 0)
		rc = -EPERM;
	if (rc < 0) {
		path_put(&nd.path);
		return rc;
	}
	path_put(&t->fs->root);
	t->fs->root = nd.path;
	return 0;
}

#define ST_RDONLY 1
#define ST_NOSUID 2
#define ST_NODEV 4
#define ST_NOEXEC 8

static int do_statfs(const struct path *p, uaddr_t ubuf)
{
	struct super_block *sb = p->mnt->sb;
	struct linux_statfs st;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.f_type = (s64)sb->magic;
	st.f_bsize = st.f_frsize = PAGE_SIZE;
	st.f_namelen = NAME_MAX;
	if (sb->ops && sb->ops->statfs)
		rc = sb->ops->statfs(sb, &st);
	if (rc < 0)
		return rc;
	st.f_fsid[0] = (s32)sb->dev;
	st.f_fsid[1] = (s32)(sb->dev >> 32);
	st.f_flags = (path_readonly(p) ? ST_RDONLY : 0) |
		     ((p->mnt->flags & MNT_NOSUID) ? ST_NOSUID : 0) |
		     ((p->mnt->flags & MNT_NODEV) ? ST_NODEV : 0) |
		     ((p->mnt->flags & MNT_NOEXEC) ? ST_NOEXEC : 0);
	return copy_to_user(ubuf, &st, sizeof(st));
}

long sys_statfs(struct task *t, uaddr_t upath, uaddr_t ubuf)
{
	struct nameidata nd;
	int rc = user_path_walk(t, AT_FDCWD, upath, LOOKUP_FOLLOW, &nd);

	if (rc < 0)
		return rc;
	rc = do_statfs(&nd.path, ubuf);
	path_put(&nd.path);
	return rc;
}

long sys_fstatfs(struct task *t, int fd, uaddr_t ubuf)
{
	struct file *f = fget(t, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = do_statfs(&f->path, ubuf);
	file_put(f);
	return rc;
}

static long do_fsync(struct task *t, int fd, bool datasync)
{
	struct file *f = fget_io(t, fd);
	int rc = 0;

	if (!f)
		return -EBADF;
	if (!f->fop || (!f->fop->fsync && (S_ISFIFO(f->f_inode->mode) ||
					   S_ISSOCK(f->f_inode->mode))))
		rc = -EINVAL;
	else if (f->fop->fsync)
		rc = f->fop->fsync(f, datasync);
	file_put(f);
	return rc;
}

long sys_fsync(struct task *t, int fd)
{
	return do_fsync(t, fd, false);
}

long sys_fdatasync(struct task *t, int fd)
{
	return do_fsync(t, fd, true);
}

/*
 * Advice about a file's I/O: umk keeps no host cache policy to change,
 * but gives the answers Linux gives: the descriptor's checks, then the
 * argument checks, then nothing to do.
 */
#define POSIX_FADV_NOREUSE 5

long sys_fadvise64(struct task *t, int fd, s64 off, s64 len, int advice)
{
	struct file *f = fget_io(t, fd);
	long rc = 0;

	(void)off;
	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->f_inode->mode))
		rc = -ESPIPE;
	else if (len < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE)
		rc = -EINVAL;
	file_put(f);
	return rc;
}

long sys_readahead(struct task *t, int fd, s64 off, size_t count)
{
	struct file *f = fget_io(t, fd);
	long rc = 0;

	(void)off;
	if (!f || !(f->f_mode & FMODE_READ))
		rc = -EBADF;
	else if ((!S_ISREG(f->f_inode->mode) && !S_ISBLK(f->f_inode->mode)) ||
		 (s64)count < 0)
		rc = -EINVAL;
	if (f)
		file_put(f);
	return rc;
}

#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_ALL 7 /* WAIT_BEFORE | WRITE | WAIT_AFTER */

long sys_sync_file_range(struct task *t, int fd, s64 off, s64 nbytes,
			 unsigned flags)
{
	struct file *f = fget_io(t, fd);
	u64 end = (u64)off + (u64)nbytes;
	u32 mode;
	long rc = 0;

	if (!f)
		return -EBADF;
	mode = f->f_inode->mode;
	if ((flags & ~SYNC_FILE_RANGE_ALL) || off < 0 || (s64)end < 0 ||
	    (s64)end < off)
		rc = -EINVAL;
	else if (!S_ISREG(mode) && !S_ISBLK(mode) && !S_ISDIR(mode) &&
		 !S_ISLNK(mode))
		rc = -ESPIPE;
	else if ((flags & SYNC_FILE_RANGE_WRITE) && f->fop && f->fop->fsync)
		rc = f->fop->fsync(f, true); /* WRITE: start write-back */
	file_put(f);
	return rc;
}

long sys_syncfs(struct task *t, int fd)
{
	struct file *f = fget(t, fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_sync(struct task *t)
{
	(void)t;
	return 0;
}
