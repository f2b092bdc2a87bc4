/*
 * Changing directories: create, remove, rename and link names, with the
 * checks Linux makes before it asks a file system (permissions, sticky
 * directories, mount points, read-only mounts, renaming a directory
 * into itself) and the dentry cache kept right afterwards: a renamed
 * dentry moves in place, so a cwd inside it follows.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"

static int may_create(struct task *t, const struct path *dir)
{
	struct inode *d = dir->dentry->inode;
	int rc;

	if (d->nlink == 0 && S_ISDIR(d->mode) && (dir->dentry->flags & DCACHE_DEAD))
		return -ENOENT; /* a removed directory takes no new names */
	rc = inode_permission(t, d, MAY_WRITE | MAY_EXEC);
	if (rc == 0 && path_readonly(dir))
		rc = -EROFS;
	return rc;
}

/* May t remove (or rename away) victim from dir?  Linux's may_delete. */
static int may_delete(struct task *t, const struct path *dir,
		      struct dentry *victim, bool isdir)
{
	struct inode *d = dir->dentry->inode, *v = victim->inode;
	const struct creds *c = &t->proc->cred;
	int rc;

	if (!v)
		return -ENOENT;
	rc = may_create(t, dir);
	if (rc < 0)
		return rc;
	/* The sticky bit: only the file's or the directory's owner. */
	if ((d->mode & S_ISVTX) && c->fsuid != 0 && c->fsuid != v->uid &&
	    c->fsuid != d->uid)
		return -EPERM;
	if (isdir) {
		if (!S_ISDIR(v->mode))
			return -ENOTDIR;
		if (victim == dir->mnt->root)
			return -EBUSY;
	} else if (S_ISDIR(v->mode)) {
		return -EISDIR;
	}
	if (victim->flags & DCACHE_MOUNTED)
		return -EBUSY;
	return 0;
}

int vfs_mkdir(struct task *t, const struct path *dir, const char *name,
	      mode_t mode)
{
	struct inode *d = dir->dentry->inode;
	int rc = may_create(t, dir);

	if (rc < 0)
		return rc;
	if (!d->iop->mkdir)
		return -EPERM;
	rc = d->iop->mkdir(d, name, mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX));
	d_drop_child(dir->dentry, name);
	if (rc == 0)
		fsnotify_mkdir(d, name);
	return rc;
}

int vfs_mknod(struct task *t, const struct path *dir, const char *name,
	      mode_t mode, u64 dev)
{
	struct inode *d = dir->dentry->inode, *inode;
	int rc = may_create(t, dir);

	if (rc < 0)
		return rc;
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && t->proc->cred.euid != 0)
		return -EPERM;
	if (!d->iop->mknod)
		return -EPERM;
	rc = d->iop->mknod(d, name, mode, dev, &inode);
	d_drop_child(dir->dentry, name);
	if (rc == 0) {
		fsnotify_create(d, name, inode);
		inode_put(inode);
	}
	return rc;
}

int vfs_symlink(struct task *t, const struct path *dir, const char *name,
		const char *target)
{
	struct inode *d = dir->dentry->inode;
	int rc = may_create(t, dir);

	if (rc < 0)
		return rc;
	if (!d->iop->symlink)
		return -EPERM;
	rc = d->iop->symlink(d, name, target);
	d_drop_child(dir->dentry, name);
	if (rc == 0)
		fsnotify_create(d, name, NULL);
	return rc;
}

/* Linux's protected_hardlinks: a stranger may link only what it may use. */
static int may_link(struct task *t, struct inode *inode)
{
	const struct creds *c = &t->proc->cred;

	if (c->fsuid == 0 || c->fsuid == inode->uid)
		return 0;
	if (!S_ISREG(inode->mode) || (inode->mode & S_ISUID) ||
	    ((inode->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)))
		return -EPERM;
	if (inode_permission(t, inode, MAY_READ | MAY_WRITE) < 0)
		return -EPERM;
	return 0;
}

int vfs_link(struct task *t, const struct path *old, const struct path *dir,
	     const char *name)
{
	struct inode *d = dir->dentry->inode, *inode = old->dentry->inode;
	int rc;

	if (old->mnt != dir->mnt)
		return -EXDEV;
	if (S_ISDIR(inode->mode))
		return -EPERM;
	rc = may_create(t, dir);
	if (rc == 0)
		rc = may_link(t, inode);
	if (rc < 0)
		return rc;
	if (!d->iop->link)
		return -EPERM;
	rc = d->iop->link(inode, d, name);
	d_drop_child(dir->dentry, name);
	if (rc == 0)
		fsnotify_link(d, name, inode);
	return rc;
}

int vfs_unlink(struct task *t, const struct path *dir, struct dentry *victim)
{
	struct inode *d = dir->dentry->inode;
	int rc = may_delete(t, dir, victim, false);

	if (rc < 0)
		return rc;
	if (!d->iop->unlink)
		return -EPERM;
	rc = d->iop->unlink(d, victim->name, victim->inode);
	if (rc == 0) {
		d_drop_child(dir->dentry, victim->name);
		fsnotify_unlink(d, victim->name, victim->inode);
	}
	return rc;
}

int vfs_rmdir(struct task *t, const struct path *dir, struct dentry *victim)
{
	struct inode *d = dir->dentry->inode;
	int rc = may_delete(t, dir, victim, true);

	if (rc < 0)
		return rc;
	if (!d->iop->rmdir)
		return -EPERM;
	rc = d->iop->rmdir(d, victim->name, victim->inode);
	if (rc == 0) {
		d_drop_child(dir->dentry, victim->name);
		fsnotify_unlink(d, victim->name, victim->inode);
	}
	return rc;
}

static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

/* inotify's view of a rename that happened (before the dentries move). */
static void notify_rename(struct inode *od, struct dentry *old, struct inode *nd,
			  struct dentry *new, unsigned flags)
{
	struct inode *moved = old->inode, *target = new->inode;

	if (flags & RENAME_EXCHANGE) {
		fsnotify_move(od, old->name, nd, new->name, moved, NULL);
		fsnotify_move(nd, new->name, od, old->name, target, NULL);
	} else {
		fsnotify_move(od, old->name, nd, new->name, moved, target);
	}
}

int vfs_rename(struct task *t, const struct path *odir, struct dentry *old,
	       const struct path *ndir, struct dentry *new, unsigned flags)
{
	struct inode *od = odir->dentry->inode, *nd = ndir->dentry->inode;
	bool isdir = old->inode && S_ISDIR(old->inode->mode);
	int rc;

	if (odir->mnt != ndir->mnt)
		return -EXDEV;
	if (!old->inode)
		return -ENOENT;
	if (old->inode == new->inode)
		return 0; /* the same file under two names: nothing to do */
	rc = may_delete(t, odir, old, isdir);
	if (rc < 0)
		return rc;
	if (new->inode) {
		bool new_isdir = S_ISDIR(new->inode->mode);

		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		rc = may_delete(t, ndir, new, (flags & RENAME_EXCHANGE) ? new_isdir
									 : isdir);
		if (rc < 0)
			return rc;
	} else {
		if (flags & RENAME_EXCHANGE)
			return -ENOENT;
		rc = may_create(t, ndir);
		if (rc < 0)
			return rc;
	}
	/* A directory cannot move below itself. */
	if (isdir && is_ancestor(old, ndir->dentry))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && new->inode &&
	    S_ISDIR(new->inode->mode) && is_ancestor(new, odir->dentry))
		return -EINVAL;
	if (isdir && old != odir->dentry && inode_permission(t, old->inode, MAY_WRITE) &&
	    od != nd)
		return -EACCES; /* moving a directory rewrites its ".." */
	if (!od->iop->rename)
		return -EPERM;
	rc = od->iop->rename(od, old->name, nd, new->name, flags);
	if (rc < 0)
		return rc;
	notify_rename(od, old, nd, new, flags);
	if (flags & RENAME_EXCHANGE)
		d_exchange(old, new);
	else
		d_move(old, new);
	return 0;
}
