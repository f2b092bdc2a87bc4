/*
 * initramfs: unpack a cpio archive (newc format, as Linux's initramfs)
 * into a directory tree.  umk's built-in default root is such an
 * archive, embedded in the umk binary and unpacked into a tmpfs at boot.
 *
 * Every field of the archive is untrusted: sizes are checked against
 * the archive's end, names may not contain "..", and unknown entry
 * types are skipped.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"

#define HDR_LEN 110

struct cpio_entry {
	u32 ino, mode, uid, gid, nlink, mtime, size, rmajor, rminor, namesize;
	const char *name;
	const u8 *data;
};

static int hex8(const u8 *p, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v * 16 + (u32)d;
	}
	*out = v;
	return 0;
}

/* Parse the entry at *off; advances *off.  1: an entry, 0: the end. */
static int next_entry(const u8 *a, size_t len, size_t *off,
		      struct cpio_entry *e)
{
	u32 f[13];
	size_t at = *off;

	if (len - at < HDR_LEN || memcmp(a + at, "070701", 6))
		return -EINVAL;
	for (int i = 0; i < 13; i++)
		if (hex8(a + at + 6 + 8 * i, &f[i]) < 0)
			return -EINVAL;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->size = f[6];
	e->rmajor = f[9];
	e->rminor = f[10];
	e->namesize = f[11];
	at += HDR_LEN;
	if (!e->namesize || e->namesize > PATH_MAX || len - at < e->namesize ||
	    a[at + e->namesize - 1])
		return -EINVAL;
	e->name = (const char *)a + at;
	at = ALIGN_UP(at + e->namesize, 4);
	if (at > len || len - at < e->size)
		return -EINVAL;
	e->data = a + at;
	*off = ALIGN_UP(at + e->size, 4);
	if (*off > len)
		*off = len;
	return strcmp(e->name, "TRAILER!!!") ? 1 : 0;
}

static bool name_ok(const char *name)
{
	const char *p = name;

	while (*p == '.' && p[1] == '/')
		p += 2;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') &&
		    (!s[2] || s[2] == '/'))
			return false;
	return *p && *p != '/';
}

static int set_attrs(struct task *t, const struct path *p,
		     const struct cpio_entry *e)
{
	struct iattr a = { .valid = ATTR_UID | ATTR_GID | ATTR_MTIME | ATTR_ATIME };

	if (!S_ISLNK(e->mode)) {
		a.valid |= ATTR_MODE;
		a.mode = e->mode & 07777;
	}
	a.uid = e->uid;
	a.gid = e->gid;
	a.mtime.tv_sec = e->mtime;
	a.atime = a.mtime;
	return vfs_setattr(t, p, &a);
}

static int unpack_one(struct task *t, const struct cpio_entry *e)
{
	struct nameidata nd;
	struct path child;
	char *target;
	int rc;

	rc = path_walk(t, AT_FDCWD, e->name, LOOKUP_PARENT, &nd);
	if (rc < 0)
		return rc;
	if (nd.last_type != LAST_NORM) {
		/* "." : the directory unpacked into takes the entry's attributes */
		rc = S_ISDIR(e->mode) ? set_attrs(t, &nd.path, e) : 0;
		path_put(&nd.path);
		return rc;
	}
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		rc = vfs_mkdir(t, &nd.path, nd.last, e->mode & 07777);
		break;
	case S_IFREG:
		rc = vfs_mknod(t, &nd.path, nd.last, S_IFREG | 0600, 0);
		break;
	case S_IFLNK:
		target = kstrndup((const char *)e->data, e->size);
		rc = vfs_symlink(t, &nd.path, nd.last, target);
		kfree(target);
		break;
	case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		rc = vfs_mknod(t, &nd.path, nd.last, e->mode & (S_IFMT | 07777),
			       makedev_linux(e->rmajor, e->rminor));
		break;
	default:
		rc = 0; /* unknown kinds are skipped */
	}
	if (rc == -EEXIST && S_ISDIR(e->mode))
		rc = 0;
	if (rc == 0)
		rc = lookup_one(&nd.path, nd.last, &child);
	if (rc == 0) {
		struct inode *inode = child.dentry->inode;

		if (!inode)
			rc = -ENOENT;
		else if (S_ISREG(e->mode))
			rc = pagecache_load(inode, e->data, e->size);
		if (rc == 0)
			rc = set_attrs(t, &child, e);
		path_put(&child);
	}
	path_put(&nd.path);
	return rc;
}

int initramfs_unpack(struct task *t, const void *archive, size_t len)
{
	const u8 *a = archive;
	size_t off = 0;
	int n = 0;

	for (;;) {
		struct cpio_entry e;
		int rc = next_entry(a, len, &off, &e);

		if (rc <= 0)
			return rc < 0 ? rc : n;
		if (!name_ok(e.name))
			continue;
		rc = unpack_one(t, &e);
		if (rc < 0) {
			printk("umk: initramfs: %s: %s\n", e.name, strerror_k(rc));
			return rc;
		}
		n++;
	}
}
