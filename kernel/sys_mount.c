/*
 * mount and umount2 inside the guest: new tmpfs, devfs and (when
 * registered) proc and sys instances, bind mounts (recursive too),
 * remounts, moves.  Propagation flags are accepted and have no effect:
 * the guest has one mount namespace.  Only the guest's root may mount.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/mount.h"


/* File system types that mount(2) can make, by name. */
struct fs_type {
	const char *name;
	struct super_block *(*create)(const char *data);
};

static struct super_block *make_tmpfs(const char *data)
{
	struct super_block *sb = tmpfs_create();
	const char *m = data ? strstr(data, "mode=") : NULL;

	if (m) {
		u64 mode = 0;

		for (m += 5; *m >= '0' && *m <= '7'; m++)
			mode = mode * 8 + (u64)(*m - '0');
		sb->root->inode->mode = S_IFDIR | (mode & 07777);
	}
	return sb;
}

static struct super_block *make_devfs(const char *data)
{
	(void)data;
	return devfs_create();
}

static struct super_block *make_proc(const char *data)
{
	(void)data;
	return procfs_create();
}

static struct super_block *make_sysfs(const char *data)
{
	(void)data;
	return sysfs_create();
}

#define MAX_FS_TYPES 8
static struct fs_type fs_types[MAX_FS_TYPES] = {
	{ "tmpfs", make_tmpfs },
	{ "devtmpfs", make_devfs },
	{ "proc", make_proc },
	{ "sysfs", make_sysfs },
};
static int nfs_types = 4;

void register_fs_type(const char *name, struct super_block *(*create)(const char *))
{
	BUG_ON(nfs_types == MAX_FS_TYPES);
	fs_types[nfs_types++] = (struct fs_type){ name, create };
}

static unsigned mnt_flags(u64 flags)
{
	return ((flags & MS_RDONLY) ? MNT_RDONLY : 0) |
	       ((flags & MS_NOSUID) ? MNT_NOSUID : 0) |
	       ((flags & MS_NODEV) ? MNT_NODEV : 0) |
	       ((flags & MS_NOEXEC) ? MNT_NOEXEC : 0);
}

static bool is_mount_root(const struct path *p)
{
	return p->dentry == p->mnt->root;
}

/* A copy of mount src whose root is dentry d, on where. */
static int bind_one(struct mount *src, struct dentry *d, const struct path *where,
		    unsigned flags, struct mount **out)
{
	struct mount *m;
	int rc = do_mount_sb(src->sb, where, flags, &m);

	if (rc < 0)
		return rc;
	dput(m->root);
	m->root = d;
	dget(d);
	*out = m;
	return 0;
}

static bool below(struct dentry *d, struct dentry *top)
{
	for (;;) {
		if (d == top)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

/* MS_BIND|MS_REC: bind src and every mount inside it. */
static int bind_tree(const struct path *src, const struct path *where,
		     unsigned flags, bool rec)
{
	struct mount *top, *m, *copy;
	int rc = bind_one(src->mnt, src->dentry, where, flags, &top);

	if (rc < 0 || !rec)
		return rc;
	list_for_each(m, &mount_list, link) {
		struct path at;

		if (m == top || m->parent != src->mnt ||
		    !below(m->mountpoint, src->dentry))
			continue;
		at.mnt = top;
		at.dentry = m->mountpoint;
		rc = bind_one(m, m->root, &at, m->flags, &copy);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static long do_remount(const struct path *p, u64 flags)
{
	if (!is_mount_root(p))
		return -EINVAL;
	p->mnt->flags = (p->mnt->flags & ~(MNT_RDONLY | MNT_NOSUID | MNT_NODEV |
					   MNT_NOEXEC)) | mnt_flags(flags);
	return 0;
}

static long do_move(struct task *t, uaddr_t usrc, const struct path *where)
{
	struct nameidata src;
	struct mount *m;
	int rc = user_path_walk(t, AT_FDCWD, usrc, LOOKUP_FOLLOW, &src);

	if (rc < 0)
		return rc;
	m = src.path.mnt;
	if (!is_mount_root(&src.path) || m->parent == m)
		rc = -EINVAL;
	else if (below(where->dentry, m->root) && where->mnt == m)
		rc = -ELOOP;
	if (rc == 0) {
		struct dentry *old = m->mountpoint;
		struct mount *oldp = m->parent;

		m->parent = where->mnt;
		m->mountpoint = where->dentry;
		dget(where->dentry);
		where->mnt->refcount++;
		where->dentry->flags |= DCACHE_MOUNTED;
		if (!mount_lookup(oldp, old))
			old->flags &= ~DCACHE_MOUNTED;
		dput(old);
		oldp->refcount--;
	}
	path_put(&src.path);
	return rc;
}

static char *get_string(uaddr_t u, size_t max, int *err)
{
	char *s;
	long n;

	if (!u)
		return NULL;
	s = kmalloc(max);
	n = strncpy_from_user(s, u, max);
	if (n < 0) {
		*err = n == -ENAMETOOLONG ? -EINVAL : (int)n;
		kfree(s);
		return NULL;
	}
	return s;
}

long sys_mount(struct task *t, uaddr_t usrc, uaddr_t utarget, uaddr_t utype,
	       u64 flags, uaddr_t udata)
{
	struct nameidata where;
	char *type = NULL, *data = NULL;
	int rc = 0;

	if (t->proc->cred.euid != 0)
		return -EPERM;
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	rc = user_path_walk(t, AT_FDCWD, utarget, LOOKUP_FOLLOW, &where);
	if (rc < 0)
		return rc;
	if (flags & MS_REMOUNT) {
		rc = do_remount(&where.path, flags);
		goto out;
	}
	if (flags & MS_BIND) {
		struct nameidata src;

		rc = user_path_walk(t, AT_FDCWD, usrc, LOOKUP_FOLLOW, &src);
		if (rc < 0)
			goto out;
		if (S_ISDIR(src.path.dentry->inode->mode) !=
		    S_ISDIR(where.path.dentry->inode->mode))
			rc = S_ISDIR(src.path.dentry->inode->mode) ? -ENOTDIR
								    : -EISDIR;
		else
			rc = bind_tree(&src.path, &where.path, mnt_flags(flags),
				       flags & MS_REC);
		path_put(&src.path);
		goto out;
	}
	if (flags & MS_MOVE) {
		rc = do_move(t, usrc, &where.path);
		goto out;
	}
	if (flags & MS_PROPAGATION) {
		rc = is_mount_root(&where.path) ? 0 : -EINVAL;
		goto out;
	}
	type = get_string(utype, 64, &rc);
	if (!type) {
		rc = rc ? rc : -EINVAL;
		goto out;
	}
	data = get_string(udata, PAGE_SIZE, &rc);
	if (rc < 0)
		goto out;
	if (!S_ISDIR(where.path.dentry->inode->mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	rc = -ENODEV;
	for (int i = 0; i < nfs_types; i++) {
		if (!strcmp(fs_types[i].name, type)) {
			struct super_block *sb = fs_types[i].create(data);

			rc = sb ? do_mount_sb(sb, &where.path, mnt_flags(flags), NULL)
				: -EINVAL;
			break;
		}
	}
out:
	kfree(type);
	kfree(data);
	path_put(&where.path);
	return rc;
}

long sys_umount2(struct task *t, uaddr_t utarget, int flags)
{
	struct nameidata nd;
	struct mount *m, *c;
	int rc;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (t->proc->cred.euid != 0)
		return -EPERM;
	rc = user_path_walk(t, AT_FDCWD, utarget,
			    (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	m = nd.path.mnt;
	if (!is_mount_root(&nd.path)) {
		path_put(&nd.path);
		return -EINVAL;
	}
	if (m->parent == m) {
		path_put(&nd.path);
		return -EBUSY;
	}
	list_for_each(c, &mount_list, link)
		if (c->parent == m && c != m && !(flags & MNT_DETACH)) {
			path_put(&nd.path);
			return -EBUSY;
		}
	/* Busy: anything but the mount itself and our walk holds it. */
	if (m->refcount > 2 && !(flags & MNT_DETACH)) {
		path_put(&nd.path);
		return -EBUSY;
	}
	path_put(&nd.path);
	umount_tree(m);
	return 0;
}
