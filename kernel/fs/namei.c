/*
 * Path walk.  Names are resolved one component at a time against the
 * calling task's root and cwd, in the dentry cache; a file system's
 * lookup only ever sees one name in one directory.
 *
 *  - "." stays, ".." goes to the cached parent; it stops at the task's
 *    root and climbs out of a mount to its mount point;
 *  - a symlink is read by the VFS and walked from the directory that
 *    holds it (from the root if absolute), at most MAX_SYMLINKS times
 *    per walk, then ELOOP;
 *  - every directory passed needs search (exec) permission.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"

char *getname(uaddr_t uname, int *err)
{
	char *buf = kmalloc(PATH_MAX);
	long n = strncpy_from_user(buf, uname, PATH_MAX);

	if (n < 0) {
		kfree(buf);
		*err = (int)n;
		return NULL;
	}
	return buf;
}

bool path_readonly(const struct path *p)
{
	return (p->mnt->flags & MNT_RDONLY) || (p->mnt->sb->flags & SB_RDONLY);
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

int inode_permission(struct task *t, struct inode *inode, int mask)
{
	const struct creds *c = &t->proc->cred;
	mode_t mode = inode->mode;
	int bits;

	if (c->fsuid == 0) {
		/* root may do anything but execute a file no one may. */
		if ((mask & MAY_EXEC) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (c->fsuid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (in_group(c, inode->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & mask) == mask ? 0 : -EACCES;
}

/* "/" for this walk: the task's root, or the base under RESOLVE_IN_ROOT. */
static const struct path *walk_root(struct task *t, struct nameidata *nd)
{
	return (nd->resolve & RESOLVE_IN_ROOT) ? &nd->base : &t->fs->root;
}

static int follow_mounts_nd(struct nameidata *nd, struct path *p)
{
	while (p->dentry->flags & DCACHE_MOUNTED) {
		struct mount *m = mount_lookup(p->mnt, p->dentry);
		struct path next;

		if (!m)
			return 0;
		if (nd && (nd->resolve & RESOLVE_NO_XDEV))
			return -EXDEV;
		next.mnt = m;
		next.dentry = m->root;
		path_get(&next);
		path_put(p);
		*p = next;
	}
	return 0;
}

static void follow_mounts(struct path *p)
{
	while (p->dentry->flags & DCACHE_MOUNTED) {
		struct mount *m = mount_lookup(p->mnt, p->dentry);
		struct path next;

		if (!m)
			return;
		next.mnt = m;
		next.dentry = m->root;
		path_get(&next);
		path_put(p);
		*p = next;
	}
}

/* "..": up one directory, out of mounts, never above the task's root. */
static int step_up(struct task *t, struct nameidata *nd)
{
	const struct path *root = walk_root(t, nd);
	struct dentry *parent;

	for (;;) {
		struct mount *m = nd->path.mnt;
		struct path up;

		if ((nd->resolve & RESOLVE_BENEATH) &&
		    path_equal(&nd->path, &nd->base))
			return -EXDEV;
		if (path_equal(&nd->path, root))
			return 0;
		if (nd->path.dentry != m->root)
			break;
		if (m->parent == m)
			return 0; /* the namespace's root */
		if (nd->resolve & RESOLVE_NO_XDEV)
			return -EXDEV;
		up.mnt = m->parent;
		up.dentry = m->mountpoint;
		path_get(&up);
		path_put(&nd->path);
		nd->path = up;
	}
	parent = nd->path.dentry->parent;
	dget(parent);
	dput(nd->path.dentry);
	nd->path.dentry = parent;
	return 0;
}

int lookup_one(const struct path *dir, const char *name, struct path *out)
{
	struct dentry *d;
	int rc = d_lookup(dir->dentry, name, &d);

	if (rc < 0)
		return rc;
	out->mnt = dir->mnt;
	out->dentry = d;
	out->mnt->refcount++;
	if (d->inode)
		follow_mounts(out);
	return 0;
}

static int walk(struct task *t, struct nameidata *nd, const char *p,
		unsigned flags);

/* Replace nd->path (the link's directory) by what the link names. */
static int follow_link(struct task *t, struct nameidata *nd,
		       struct inode *link)
{
	char *target;
	ssize_t n;
	int rc;

	if (++nd->depth > MAX_SYMLINKS)
		return -ELOOP;
	if (nd->resolve & RESOLVE_NO_SYMLINKS)
		return -ELOOP;
	if (link->iop->follow_link) {
		struct path to;
		int rc;

		if (nd->resolve & RESOLVE_NO_MAGICLINKS)
			return -ELOOP;
		if (nd->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))
			return -EXDEV;
		rc = link->iop->follow_link(link, t, &to);

		if (rc < 0)
			return rc;
		path_put(&nd->path);
		nd->path = to;
		return 0;
	}
	if (!link->iop->readlink)
		return -EINVAL;
	target = kmalloc(PATH_MAX);
	n = link->iop->readlink(link, target, PATH_MAX - 1);
	if (n < 0) {
		kfree(target);
		return (int)n;
	}
	target[n] = 0;
	rc = n ? walk(t, nd, target, LOOKUP_FOLLOW) : -ENOENT;
	kfree(target);
	return rc;
}

static int walk(struct task *t, struct nameidata *nd, const char *p,
		unsigned flags)
{
	char comp[NAME_MAX + 1];
	bool must_dir = false;

	if (*p == '/') {
		if (nd->resolve & RESOLVE_BENEATH)
			return -EXDEV;
		/* A jump to the root is a mount crossing if the root is elsewhere. */
		if ((nd->resolve & RESOLVE_NO_XDEV) &&
		    walk_root(t, nd)->mnt != nd->path.mnt)
			return -EXDEV;
		path_put(&nd->path);
		nd->path = *walk_root(t, nd);
		path_get(&nd->path);
		while (*p == '/')
			p++;
		if (!*p) {
			nd->last_type = LAST_ROOT;
			nd->last[0] = 0;
			return 0;
		}
	}
	while (*p) {
		struct inode *dir = nd->path.dentry->inode;
		const char *rest;
		size_t len = 0;
		bool last, slash;
		struct path next;
		int rc;

		if (!S_ISDIR(dir->mode))
			return -ENOTDIR;
		while (p[len] && p[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		rest = p + len;
		slash = *rest == '/';
		while (*rest == '/')
			rest++;
		last = !*rest;
		memcpy(comp, p, len);
		comp[len] = 0;
		p = rest;
		rc = inode_permission(t, dir, MAY_EXEC);
		if (rc < 0)
			return rc;
		if (last && (flags & LOOKUP_PARENT)) {
			memcpy(nd->last, comp, len + 1);
			nd->last_type = !strcmp(comp, ".")	? LAST_DOT
					: !strcmp(comp, "..") ? LAST_DOTDOT
							      : LAST_NORM;
			nd->trailing_slash = slash;
			return 0;
		}
		if (last)
			must_dir = slash;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			rc = step_up(t, nd);
			if (rc < 0)
				return rc;
			continue;
		}
		rc = d_lookup(nd->path.dentry, comp, &next.dentry);
		if (rc < 0)
			return rc;
		next.mnt = nd->path.mnt;
		next.mnt->refcount++;
		if (!next.dentry->inode) {
			path_put(&next);
			return -ENOENT;
		}
		rc = follow_mounts_nd(nd, &next);
		if (rc < 0) {
			path_put(&next);
			return rc;
		}
		if (S_ISLNK(next.dentry->inode->mode) &&
		    (!last || (flags & LOOKUP_FOLLOW) || slash)) {
			struct inode *link = next.dentry->inode;

			inode_get(link);
			path_put(&next);
			rc = follow_link(t, nd, link);
			inode_put(link);
			if (rc < 0)
				return rc;
			continue;
		}
		path_put(&nd->path);
		nd->path = next;
	}
	if ((must_dir || (flags & LOOKUP_DIRECTORY)) &&
	    !S_ISDIR(nd->path.dentry->inode->mode))
		return -ENOTDIR;
	return 0;
}

static int path_walk_rest(struct task *t, struct nameidata *nd,
			  const char *name, unsigned flags);

static int start_path(struct task *t, int dirfd, const char *name,
		      struct path *out)
{
	struct file *f;

	if (name[0] == '/' || dirfd == AT_FDCWD) {
		*out = name[0] == '/' ? t->fs->root : t->fs->cwd;
		path_get(out);
		return 0;
	}
	f = fget(t, dirfd);
	if (!f)
		return -EBADF;
	if (name[0] && !S_ISDIR(f->f_inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*out = f->path;
	path_get(out);
	file_put(f);
	return 0;
}

int path_walk_resolve(struct task *t, int dirfd, const char *name,
		      unsigned flags, unsigned resolve, struct nameidata *nd)
{
	int rc;

	memset(nd, 0, sizeof(*nd));
	nd->resolve = resolve;
	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
		/* The base is dirfd even for an absolute name. */
		rc = start_path(t, dirfd, "", &nd->base);
		if (rc < 0)
			return rc;
		if (name[0] == '/' && (resolve & RESOLVE_BENEATH)) {
			path_put(&nd->base);
			return -EXDEV;
		}
		nd->path = nd->base;
		path_get(&nd->path);
		if (name[0] == '/') {
			while (*name == '/')
				name++;
			if (!*name)
				name = ".";
		}
	} else {
		rc = start_path(t, dirfd, name, &nd->path);
		if (rc < 0)
			return rc;
	}
	rc = path_walk_rest(t, nd, name, flags);
	if (nd->base.dentry)
		path_put(&nd->base);
	nd->base.dentry = NULL;
	return rc;
}

int path_walk(struct task *t, int dirfd, const char *name, unsigned flags,
	      struct nameidata *nd)
{
	return path_walk_resolve(t, dirfd, name, flags, 0, nd);
}

static int path_walk_rest(struct task *t, struct nameidata *nd,
			  const char *name, unsigned flags)
{
	int rc;

	if (!*name) {
		if (!nd->path.dentry->inode) {
			path_put(&nd->path);
			return -ENOENT;
		}
		return 0;
	}
	rc = walk(t, nd, name, flags);
	if (rc < 0)
		path_put(&nd->path);
	return rc;
}

int user_path_walk(struct task *t, int dirfd, uaddr_t uname, unsigned flags,
		   struct nameidata *nd)
{
	int rc = 0;
	char *name = getname(uname, &rc);

	if (!name)
		return rc;
	rc = path_walk(t, dirfd, name, flags, nd);
	kfree(name);
	return rc;
}

int d_path(const struct path *p, const struct path *root, char *buf,
	   size_t size)
{
	struct mount *m = p->mnt;
	struct dentry *d = p->dentry;
	size_t pos = size;

	if (size < 2)
		return -ERANGE;
	buf[--pos] = 0;
	for (;;) {
		size_t len;

		if (m == root->mnt && d == root->dentry)
			break;
		if (d == m->root) {
			if (m->parent == m)
				break;
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		len = strlen(d->name);
		if (pos < len + 1)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, d->name, len);
		buf[--pos] = '/';
		d = d->parent;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (int)(size - pos - 1);
}
