/*
 * Open files: creating descriptions from paths (vfs_open, with the
 * checks and errno of Linux's open), reading and writing through the
 * file operations, and the character-device table.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/fs/locks.h"

static struct mount *anon_mnt;

/* ---- descriptions ---- */

static unsigned fmode_of(unsigned flags)
{
	if (flags & O_PATH)
		return FMODE_PATH;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return FMODE_READ;
	case O_WRONLY: return FMODE_WRITE;
	case O_RDWR: return FMODE_READ | FMODE_WRITE;
	default: return 0; /* 3: ioctl only */
	}
}

struct file *file_alloc(const struct path *path, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	f->refcount = 1;
	f->path = *path;
	path_get(path);
	f->f_inode = path->dentry->inode;
	inode_get(f->f_inode);
	f->f_inode->nfiles++;
	f->f_flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->f_mode = fmode_of(flags) | ((flags & O_TRUNC) ? FMODE_TRUNC : 0);
	if (!(flags & O_PATH) && (S_ISREG(f->f_inode->mode) ||
				  S_ISDIR(f->f_inode->mode) ||
				  S_ISCHR(f->f_inode->mode)))
		f->f_mode |= FMODE_LSEEK | FMODE_PREAD;
	if (!(flags & O_PATH))
		f->fop = f->f_inode->fop;
	return f;
}

void file_get(struct file *f)
{
	f->refcount++;
}

void file_put(struct file *f)
{
	if (!f || --f->refcount)
		return;
	f->f_inode->nfiles--;
	fsnotify_close(f);
	locks_remove_file(f);
	if (f->f_ep)
		eventpoll_release(f);
	if (f->fop && f->fop->release)
		f->fop->release(f);
	path_put(&f->path);
	inode_put(f->f_inode);
	if (f->dir_snap_free)
		f->dir_snap_free(f->dir_snap);
	else
		kfree(f->dir_snap);
	kfree(f);
}

struct file *file_real(struct file *f)
{
	while (f->fop && f->fop->real)
		f = f->fop->real(f);
	return f;
}

static const struct inode_ops anon_iops;

/* Files with no name in the tree live under an invisible mount. */
struct file *file_anon(struct inode *inode, unsigned flags)
{
	return file_anon_named(inode, "anon", flags);
}

struct file *file_anon_named(struct inode *inode, const char *name,
			     unsigned flags)
{
	struct dentry *d;
	struct path p;
	struct file *f;

	if (!anon_mnt) {
		struct super_block *sb = sb_alloc("anon_inodefs", NULL);
		struct inode *root = inode_alloc(sb);

		root->mode = S_IFDIR | 0700;
		root->iop = &anon_iops;
		sb->root = dentry_alloc_root(sb, root);
		anon_mnt = kzalloc(sizeof(*anon_mnt));
		anon_mnt->sb = sb;
		anon_mnt->root = sb->root;
		anon_mnt->mountpoint = sb->root;
		anon_mnt->parent = anon_mnt;
		anon_mnt->refcount = 1;
	}
	inode_get(inode);
	d = d_alloc_detached(anon_mnt->root, name, inode);
	p.mnt = anon_mnt;
	p.dentry = d;
	f = file_alloc(&p, flags);
	dput(d);
	return f;
}

/* ---- attributes ---- */

int vfs_getattr(struct inode *inode, struct kstat *st)
{
	int rc;

	if (inode->iop && inode->iop->getattr) {
		rc = inode->iop->getattr(inode);
		if (rc < 0)
			return rc;
	}
	st->dev = inode->sb->dev;
	st->ino = inode->ino;
	st->nlink = inode->nlink;
	st->rdev = inode->rdev;
	st->mode = inode->mode;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->size = inode->size;
	st->blksize = 4096;
	st->blocks = inode->blocks ? inode->blocks
				   : (inode->size + 511) / 512;
	st->atime = inode->atime;
	st->mtime = inode->mtime;
	st->ctime = inode->ctime;
	return 0;
}

int vfs_setattr(struct task *t, const struct path *p, struct iattr *attr)
{
	struct inode *inode = p->dentry->inode;
	int rc;

	if (path_readonly(p))
		return -EROFS;
	if (!inode->iop || !inode->iop->setattr)
		return -EPERM;
	(void)t;
	rc = inode->iop->setattr(inode, attr);
	if (rc == 0)
		fsnotify_change(p->dentry, attr->valid);
	return rc;
}

/* ---- open ---- */

static int may_open(struct task *t, const struct path *p, int flags)
{
	struct inode *inode = p->dentry->inode;
	int acc = flags & O_ACCMODE, mask = 0;

	if (S_ISLNK(inode->mode))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (S_ISSOCK(inode->mode) || S_ISBLK(inode->mode))
		return -ENXIO;
	if ((S_ISCHR(inode->mode) || S_ISBLK(inode->mode)) &&
	    (p->mnt->flags & MNT_NODEV))
		return -EACCES;
	if (acc == O_RDONLY || acc == O_RDWR || acc == 3)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || acc == 3 || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	if ((mask & MAY_WRITE) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode)) &&
	    path_readonly(p))
		return -EROFS;
	return inode_permission(t, inode, mask);
}

/* O_CREAT: find or make the last component of nd's parent. */
static int open_create(struct task *t, struct nameidata *nd, int flags,
		       mode_t mode, struct path *out, bool *created)
{
	struct inode *dir = nd->path.dentry->inode, *inode;
	int rc;

	if (nd->last_type != LAST_NORM || nd->trailing_slash)
		return -EISDIR;
	rc = lookup_one(&nd->path, nd->last, out);
	if (rc < 0)
		return rc;
	if (out->dentry->inode) {
		if (!(flags & O_EXCL))
			return 0;
		path_put(out);
		return -EEXIST;
	}
	rc = inode_permission(t, dir, MAY_WRITE | MAY_EXEC);
	if (rc == 0 && path_readonly(&nd->path))
		rc = -EROFS;
	if (rc == 0 && !dir->iop->mknod)
		rc = -EACCES;
	if (rc == 0)
		rc = dir->iop->mknod(dir, nd->last,
				     S_IFREG | (mode & ~t->fs->umask & 07777), 0,
				     &inode);
	if (rc < 0) {
		path_put(out);
		return rc;
	}
	out->dentry->inode = inode;
	*created = true;
	fsnotify_create(dir, nd->last, inode);
	return 0;
}

/*
 * O_TMPFILE: an unnamed regular file in directory dir, linkable later
 * with linkat(AT_EMPTY_PATH) unless opened O_EXCL.
 */
static int open_tmpfile(struct task *t, const struct path *dir, int flags,
			mode_t mode, struct file **out)
{
	struct inode *d = dir->dentry->inode, *inode;
	struct dentry *dentry;
	struct path p;
	struct file *f;
	int rc;

	if ((flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	rc = inode_permission(t, d, MAY_WRITE | MAY_EXEC);
	if (rc == 0 && path_readonly(dir))
		rc = -EROFS;
	if (rc == 0 && !d->iop->tmpfile)
		rc = -EOPNOTSUPP;
	if (rc == 0)
		rc = d->iop->tmpfile(d, S_IFREG | (mode & ~t->fs->umask & 07777),
				     &inode);
	if (rc < 0)
		return rc;
	dentry = d_alloc_detached(dir->dentry, "#tmpfile", inode);
	if (!(flags & O_EXCL))
		dentry->flags |= DCACHE_TMPFILE;
	p.mnt = dir->mnt;
	p.dentry = dentry;
	f = file_alloc(&p, (flags & ~__O_TMPFILE & ~O_DIRECTORY) | O_LARGEFILE);
	dput(dentry);
	if (f->fop && f->fop->open) {
		rc = f->fop->open(inode, f);
		if (rc < 0) {
			f->fop = NULL;
			file_put(f);
			return rc;
		}
	}
	*out = f;
	return 0;
}

int vfs_open(struct task *t, int dirfd, const char *name, int flags,
	     mode_t mode, struct file **out)
{
	return vfs_open_resolve(t, dirfd, name, flags, mode, 0, out);
}

int vfs_open_resolve(struct task *t, int dirfd, const char *name, int flags,
		     mode_t mode, unsigned resolve, struct file **out)
{
	unsigned lookup = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct nameidata nd;
	bool created = false;
	struct path p;
	struct file *f;
	int rc;

	if ((flags & __O_TMPFILE) == __O_TMPFILE) {
		if (!(flags & O_DIRECTORY) || (flags & O_CREAT))
			return -EINVAL;
		rc = path_walk_resolve(t, dirfd, name,
				       LOOKUP_FOLLOW | LOOKUP_DIRECTORY, resolve,
				       &nd);
		if (rc < 0)
			return rc;
		rc = open_tmpfile(t, &nd.path, flags, mode, out);
		path_put(&nd.path);
		return rc;
	}
	if (flags & O_DIRECTORY)
		lookup |= LOOKUP_DIRECTORY;
	if ((flags & O_CREAT) && !(flags & O_PATH)) {
		rc = path_walk_resolve(t, dirfd, name, LOOKUP_PARENT, resolve,
				       &nd);
		if (rc < 0)
			return rc;
		rc = open_create(t, &nd, flags, mode, &p, &created);
		path_put(&nd.path);
		if (rc < 0)
			return rc;
		if (S_ISLNK(p.dentry->inode->mode) && !(flags & O_NOFOLLOW)) {
			path_put(&p);
			rc = path_walk_resolve(t, dirfd, name, lookup, resolve,
					       &nd);
			if (rc < 0)
				return rc;
			p = nd.path;
		}
		if (S_ISDIR(p.dentry->inode->mode)) {
			path_put(&p);
			return -EISDIR;
		}
	} else {
		rc = path_walk_resolve(t, dirfd, name, lookup, resolve, &nd);
		if (rc < 0)
			return rc;
		p = nd.path;
	}
	if (flags & O_PATH) {
		*out = file_alloc(&p, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW));
		path_put(&p);
		return 0;
	}
	rc = created ? 0 : may_open(t, &p, flags);
	if (rc == 0 && !p.dentry->inode->fop)
		rc = -ENXIO;
	if (rc < 0) {
		path_put(&p);
		return rc;
	}
	f = file_alloc(&p, flags);
	path_put(&p);
	if (f->fop->open) {
		rc = f->fop->open(f->f_inode, f);
		if (rc < 0) {
			f->fop = NULL; /* no release for what never opened */
			file_put(f);
			return rc;
		}
	}
	fsnotify_open(f);
	/* Linux truncates for O_TRUNC whatever the access mode, once
	   may_open() has checked for write permission. */
	if ((flags & O_TRUNC) && !created && S_ISREG(f->f_inode->mode)) {
		struct iattr a = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };

		a.mtime.tv_nsec = UTIME_NOW;
		if (f->fop->truncate) {
			rc = f->fop->truncate(f, 0);
			if (rc == 0)
				fsnotify_modify(f);
		} else {
			rc = vfs_setattr(t, &f->path, &a);
		}
		if (rc < 0) {
			file_put(f);
			return rc;
		}
	}
	*out = f;
	return 0;
}

/* ---- I/O ---- */

ssize_t vfs_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	ssize_t n;

	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->f_inode->mode))
		return -EISDIR;
	if (!f->fop || !f->fop->read)
		return -EINVAL;
	if (!it->count && !f->fop->read_zero)
		return 0;
	n = f->fop->read(f, it, pos);
	if (n > 0)
		fsnotify_access(f);
	return n;
}

ssize_t vfs_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	ssize_t n;

	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->fop || !f->fop->write)
		return -EINVAL;
	n = f->fop->write(f, it, pos);
	if (n > 0)
		fsnotify_modify(f);
	return n;
}

ssize_t kernel_read(struct file *f, void *buf, size_t len, u64 pos)
{
	struct iov_iter it;

	if (!f->fop || !f->fop->read)
		return -EINVAL;
	iter_kernel(&it, buf, len);
	return f->fop->read(f, &it, &pos);
}

s64 generic_llseek(struct file *f, s64 off, int whence)
{
	s64 size = (s64)f->f_inode->size, base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (s64)f->pos; break;
	case SEEK_END: base = size; break;
	case SEEK_DATA:
		if (off < 0 || off >= size)
			return -ENXIO;
		return f->pos = off;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		return f->pos = size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	if (whence == SEEK_SET && off == 0 && f->dir_snap) {
		if (f->dir_snap_free)
			f->dir_snap_free(f->dir_snap);
		else
			kfree(f->dir_snap);
		f->dir_snap = NULL;
	}
	return (s64)f->pos;
}

/* ---- character devices ---- */

#define MAX_CHRDEV 32
static const struct chrdev *chrdevs[MAX_CHRDEV];
static int nchrdevs;

void chrdev_register(const struct chrdev *dev)
{
	BUG_ON(nchrdevs == MAX_CHRDEV);
	chrdevs[nchrdevs++] = dev;
}

const struct chrdev *chrdev_find(u64 rdev)
{
	for (int i = 0; i < nchrdevs; i++)
		if (chrdevs[i]->major == dev_major(rdev) &&
		    chrdevs[i]->minor == dev_minor(rdev))
			return chrdevs[i];
	return NULL;
}

/* A device node: swap in the driver's operations at open. */
static int chrdev_open(struct inode *inode, struct file *f)
{
	const struct chrdev *dev = chrdev_find(inode->rdev);

	if (!dev)
		return -ENXIO;
	f->fop = dev->fop;
	if (f->fop->open)
		return f->fop->open(inode, f);
	return 0;
}

const struct file_ops chrdev_fops = {
	.open = chrdev_open,
};
