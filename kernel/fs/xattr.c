/*
 * Extended attributes: the twelve system calls and the in-memory store
 * that tmpfs uses.
 *
 * The checks are Linux's, in Linux's order: flags, name (1 to 255
 * bytes, else ERANGE), value size (E2BIG over 64 KiB), the path or fd,
 * EROFS, then permission by namespace:
 *
 *   user.*      regular files and directories only (else EPERM to
 *               write, ENODATA to read); read or write permission on
 *               the inode; a sticky directory's only for its owner
 *   trusted.*   root only (else EPERM to write, ENODATA to read);
 *               hidden from listxattr for others
 *   security.*  anyone may read; writing needs root (capabilities'
 *               hook, as on Linux without an LSM); security.capability
 *               must hold a valid capability header (EINVAL)
 *   system.*    left to the file system (POSIX ACLs)
 *
 * then the file system: a name outside these namespaces, or one the
 * file system does not keep, is EOPNOTSUPP; a prefix alone is EINVAL.
 * A file system without xattr operations (hostfs for now) answers
 * EOPNOTSUPP, and an empty list to listxattr, as Linux does.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/fs/xattr.h"
#include "kernel/abi/files.h"

#define XATTR_USER "user."
#define XATTR_TRUSTED "trusted."
#define XATTR_SECURITY "security."
#define XATTR_SYSTEM "system."
#define XATTR_CAPS "security.capability"

static bool has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

static bool capable(struct task *t)
{
	return t->proc->cred.euid == 0;
}

/* ---- the in-memory store ---- */

struct simple_xattrs {
	struct list list;        /* struct simple_xattr.link, oldest first */
};

struct simple_xattr {
	struct list link;
	char *name;
	size_t size;
	char value[];
};

static struct simple_xattr *xattr_find(struct inode *inode, const char *name)
{
	struct simple_xattr *x;

	if (!inode->xattrs)
		return NULL;
	list_for_each(x, &inode->xattrs->list, link)
		if (!strcmp(x->name, name))
			return x;
	return NULL;
}

static void xattr_free(struct simple_xattr *x)
{
	list_del(&x->link);
	kfree(x->name);
	kfree(x);
}

int simple_xattr_set(struct inode *inode, const char *name, const void *value,
		     size_t size, int flags)
{
	struct simple_xattr *old = xattr_find(inode, name), *x;

	if (old && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!old && (flags & XATTR_REPLACE))
		return -ENODATA;
	x = kmalloc_try(sizeof(*x) + size);
	if (!x)
		return -ENOMEM;
	x->name = kstrdup(name);
	x->size = size;
	memcpy(x->value, value, size);
	if (!inode->xattrs) {
		inode->xattrs = kzalloc(sizeof(*inode->xattrs));
		list_init(&inode->xattrs->list);
	}
	if (old) {
		list_add_after(&old->link, &x->link);
		xattr_free(old);
	} else {
		list_add_tail(&inode->xattrs->list, &x->link);
	}
	return 0;
}

ssize_t simple_xattr_get(struct inode *inode, const char *name, void *buf,
			 size_t size)
{
	struct simple_xattr *x = xattr_find(inode, name);

	if (!x)
		return -ENODATA;
	if (size) {
		if (x->size > size)
			return -ERANGE;
		memcpy(buf, x->value, x->size);
	}
	return (ssize_t)x->size;
}

ssize_t simple_xattr_list(struct inode *inode, char *buf, size_t size,
			  bool trusted)
{
	struct simple_xattr *x;
	size_t used = 0;

	if (!inode->xattrs)
		return 0;
	list_for_each(x, &inode->xattrs->list, link) {
		size_t len = strlen(x->name) + 1;

		if (!trusted && has_prefix(x->name, XATTR_TRUSTED))
			continue;
		if (size) {
			if (used + len > size)
				return -ERANGE;
			memcpy(buf + used, x->name, len);
		}
		used += len;
	}
	return (ssize_t)used;
}

int simple_xattr_remove(struct inode *inode, const char *name)
{
	struct simple_xattr *x = xattr_find(inode, name);

	if (!x)
		return -ENODATA;
	xattr_free(x);
	return 0;
}

void xattr_evict(struct inode *inode)
{
	struct simple_xattr *x, *tmp;

	if (!inode->xattrs)
		return;
	list_for_each_safe(x, tmp, &inode->xattrs->list, link)
		xattr_free(x);
	kfree(inode->xattrs);
	inode->xattrs = NULL;
}

/* ---- checks ---- */

/* Linux's xattr_permission(): mask is MAY_READ or MAY_WRITE. */
static int xattr_permission(struct task *t, struct inode *inode,
			    const char *name, int mask)
{
	const struct creds *c = &t->proc->cred;

	if (has_prefix(name, XATTR_SECURITY) || has_prefix(name, XATTR_SYSTEM))
		return 0;
	if (has_prefix(name, XATTR_TRUSTED)) {
		if (!capable(t))
			return mask & MAY_WRITE ? -EPERM : -ENODATA;
		return 0;
	}
	if (has_prefix(name, XATTR_USER)) {
		if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
			return mask & MAY_WRITE ? -EPERM : -ENODATA;
		if (S_ISDIR(inode->mode) && (inode->mode & S_ISVTX) &&
		    (mask & MAY_WRITE) && c->fsuid != inode->uid && !capable(t))
			return -EPERM;
	}
	return inode_permission(t, inode, mask);
}

/* A known namespace and something after it: 0, -EOPNOTSUPP, -EINVAL. */
static int xattr_resolve(const char *name)
{
	static const char *const prefixes[] = { XATTR_USER, XATTR_TRUSTED,
						XATTR_SECURITY, XATTR_SYSTEM };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (has_prefix(name, prefixes[i]))
			return name[strlen(prefixes[i])] ? 0 : -EINVAL;
	return -EOPNOTSUPP;
}

/* A vfs_cap_data header of revision 2 or 3 and the size it implies. */
static bool valid_caps(const void *value, size_t size)
{
	u32 magic;

	if (size < sizeof(magic))
		return false;
	memcpy(&magic, value, sizeof(magic));
	switch (magic & 0xff000000) {
	case 0x02000000: return size == 20;
	case 0x03000000: return size == 24;
	default: return false;
	}
}

/* The capabilities module's say on a change to name (no LSM). */
static int security_xattr_change(struct task *t, const char *name,
				 const void *value, size_t size, bool set)
{
	if (!has_prefix(name, XATTR_SECURITY))
		return 0;
	if (set && !strcmp(name, XATTR_CAPS) && !valid_caps(value, size))
		return -EINVAL;
	return capable(t) ? 0 : -EPERM;
}

/* ---- the operations, on an inode ---- */

static int vfs_setxattr(struct task *t, struct dentry *d, const char *name,
			const void *value, size_t size, int flags)
{
	struct inode *inode = d->inode;
	int rc = xattr_permission(t, inode, name, MAY_WRITE);

	if (rc == 0)
		rc = security_xattr_change(t, name, value, size, true);
	if (rc == 0)
		rc = xattr_resolve(name);
	if (rc == 0)
		rc = inode->iop && inode->iop->setxattr
			? inode->iop->setxattr(inode, name, value, size, flags)
			: -EOPNOTSUPP;
	if (rc == 0)
		fsnotify_attrib(d);
	return rc;
}

static ssize_t vfs_getxattr(struct task *t, struct inode *inode,
			    const char *name, void *buf, size_t size)
{
	ssize_t rc = xattr_permission(t, inode, name, MAY_READ);

	if (rc == 0)
		rc = xattr_resolve(name);
	if (rc == 0)
		rc = inode->iop && inode->iop->getxattr
			? inode->iop->getxattr(inode, name, buf, size)
			: -EOPNOTSUPP;
	return rc;
}

static int vfs_removexattr(struct task *t, struct dentry *d, const char *name)
{
	struct inode *inode = d->inode;
	int rc = xattr_permission(t, inode, name, MAY_WRITE);

	if (rc == 0)
		rc = security_xattr_change(t, name, NULL, 0, false);
	if (rc == 0)
		rc = xattr_resolve(name);
	if (rc == 0)
		rc = inode->iop && inode->iop->removexattr
			? inode->iop->removexattr(inode, name)
			: -EOPNOTSUPP;
	if (rc == 0)
		fsnotify_attrib(d);
	return rc;
}

/* ---- system calls ---- */

/* Copy an attribute name: 1 to XATTR_NAME_MAX bytes, else ERANGE. */
static int import_name(uaddr_t uname, char name[XATTR_NAME_MAX + 1])
{
	long n = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);

	if (n == 0 || n == -ENAMETOOLONG)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

/*
 * What an xattr call works on: the path of pathname (following a last
 * symlink or not), or of descriptor fd when upath is 0.
 */
struct xattr_target {
	struct path path;
	struct file *file;       /* the fd form: a reference */
};

static int target_get(struct task *t, uaddr_t upath, bool follow, int fd,
		      struct xattr_target *x)
{
	struct nameidata nd;
	int rc;

	x->file = NULL;
	if (!upath) {
		x->file = fget_io(t, fd);
		if (!x->file)
			return -EBADF;
		x->path = x->file->path;
		return 0;
	}
	rc = user_path_walk(t, AT_FDCWD, upath, follow ? LOOKUP_FOLLOW : 0, &nd);
	if (rc == 0)
		x->path = nd.path;
	return rc;
}

static void target_put(struct xattr_target *x)
{
	if (x->file)
		file_put(x->file);
	else
		path_put(&x->path);
}

static long do_setxattr(struct task *t, uaddr_t upath, bool follow, int fd,
			uaddr_t uname, uaddr_t uvalue, size_t size, int flags)
{
	char name[XATTR_NAME_MAX + 1];
	struct xattr_target x;
	void *value = NULL;
	long rc;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	rc = import_name(uname, name);
	if (rc < 0)
		return rc;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size) {
		value = kmalloc_try(size);
		if (!value)
			return -ENOMEM;
		if (copy_from_user(value, uvalue, size)) {
			kfree(value);
			return -EFAULT;
		}
	}
	rc = target_get(t, upath, follow, fd, &x);
	if (rc == 0) {
		rc = path_readonly(&x.path) ? -EROFS
			: vfs_setxattr(t, x.path.dentry, name, size ? value : "",
				       size, flags);
		target_put(&x);
	}
	kfree(value);
	return rc;
}

long sys_setxattr(struct task *t, uaddr_t path, uaddr_t name, uaddr_t value,
		  size_t size, int flags)
{
	return do_setxattr(t, path, true, -1, name, value, size, flags);
}

long sys_lsetxattr(struct task *t, uaddr_t path, uaddr_t name, uaddr_t value,
		   size_t size, int flags)
{
	return do_setxattr(t, path, false, -1, name, value, size, flags);
}

long sys_fsetxattr(struct task *t, int fd, uaddr_t name, uaddr_t value,
		   size_t size, int flags)
{
	return do_setxattr(t, 0, false, fd, name, value, size, flags);
}

static long do_getxattr(struct task *t, uaddr_t upath, bool follow, int fd,
			uaddr_t uname, uaddr_t uvalue, size_t size)
{
	char name[XATTR_NAME_MAX + 1];
	struct xattr_target x;
	void *value = NULL;
	long rc = import_name(uname, name);

	if (rc < 0)
		return rc;
	rc = target_get(t, upath, follow, fd, &x);
	if (rc < 0)
		return rc;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	if (size && !(value = kmalloc_try(size)))
		rc = -ENOMEM;
	if (rc == 0)
		rc = vfs_getxattr(t, x.path.dentry->inode, name, value, size);
	if (rc > 0 && size && copy_to_user(uvalue, value, rc))
		rc = -EFAULT;
	else if (rc == -ERANGE && size >= XATTR_SIZE_MAX)
		rc = -E2BIG;
	kfree(value);
	target_put(&x);
	return rc;
}

long sys_getxattr(struct task *t, uaddr_t path, uaddr_t name, uaddr_t value,
		  size_t size)
{
	return do_getxattr(t, path, true, -1, name, value, size);
}

long sys_lgetxattr(struct task *t, uaddr_t path, uaddr_t name, uaddr_t value,
		   size_t size)
{
	return do_getxattr(t, path, false, -1, name, value, size);
}

long sys_fgetxattr(struct task *t, int fd, uaddr_t name, uaddr_t value,
		   size_t size)
{
	return do_getxattr(t, 0, false, fd, name, value, size);
}

static long do_listxattr(struct task *t, uaddr_t upath, bool follow, int fd,
			 uaddr_t ulist, size_t size)
{
	struct xattr_target x;
	struct inode *inode;
	char *list = NULL;
	long rc = target_get(t, upath, follow, fd, &x);

	if (rc < 0)
		return rc;
	inode = x.path.dentry->inode;
	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	if (size && !(list = kmalloc_try(size)))
		rc = -ENOMEM;
	if (rc == 0 && inode->iop && inode->iop->listxattr)
		rc = inode->iop->listxattr(inode, list, size, capable(t));
	if (rc > 0 && size && copy_to_user(ulist, list, rc))
		rc = -EFAULT;
	else if (rc == -ERANGE && size >= XATTR_LIST_MAX)
		rc = -E2BIG;
	kfree(list);
	target_put(&x);
	return rc;
}

long sys_listxattr(struct task *t, uaddr_t path, uaddr_t list, size_t size)
{
	return do_listxattr(t, path, true, -1, list, size);
}

long sys_llistxattr(struct task *t, uaddr_t path, uaddr_t list, size_t size)
{
	return do_listxattr(t, path, false, -1, list, size);
}

long sys_flistxattr(struct task *t, int fd, uaddr_t list, size_t size)
{
	return do_listxattr(t, 0, false, fd, list, size);
}

static long do_removexattr(struct task *t, uaddr_t upath, bool follow, int fd,
			   uaddr_t uname)
{
	char name[XATTR_NAME_MAX + 1];
	struct xattr_target x;
	long rc = import_name(uname, name);

	if (rc < 0)
		return rc;
	rc = target_get(t, upath, follow, fd, &x);
	if (rc < 0)
		return rc;
	rc = path_readonly(&x.path) ? -EROFS
				    : vfs_removexattr(t, x.path.dentry, name);
	target_put(&x);
	return rc;
}

long sys_removexattr(struct task *t, uaddr_t path, uaddr_t name)
{
	return do_removexattr(t, path, true, -1, name);
}

long sys_lremovexattr(struct task *t, uaddr_t path, uaddr_t name)
{
	return do_removexattr(t, path, false, -1, name);
}

long sys_fremovexattr(struct task *t, int fd, uaddr_t name)
{
	return do_removexattr(t, 0, false, fd, name);
}
