/*
 * tmpfs: a file system in umk's memory.  File data lives in the page
 * cache (physical memory), directories are lists of entries, and no
 * operation costs a host system call.
 *
 * A directory entry holds a reference on its inode; nlink counts the
 * names.  An unlinked file lives on while it is open or mapped.
 * Directory positions are per-entry cookies that never change, so
 * getdents survives entries being added and removed under it.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/time.h"
#include "kernel/abi/files.h"
#include "kernel/fs/memfd.h"
#include "kernel/fs/xattr.h"

#define TMPFS_MAGIC 0x01021994

struct tmpfs_dirent {
	char *name;
	struct inode *inode;
	struct inode *dir;
	u64 cookie;
	struct list link;      /* the directory's entries, in cookie order */
	struct list hash_link; /* entries by (dir, name) */
};

#define EHASH_SIZE 4096
static struct list ehash[EHASH_SIZE];

static struct list *ehash_bucket(struct inode *dir, const char *name)
{
	struct list *b = &ehash[hash_name(dir, name) % EHASH_SIZE];

	if (!b->next)
		list_init(b);
	return b;
}

struct tmpfs_dir {
	struct list entries;
	u64 next_cookie;
	struct inode *parent; /* for ".." in getdents */
};

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_file_fops, tmpfs_dir_fops;

static void now(struct linux_timespec *ts)
{
	s64 t = ktime_real();

	ts->tv_sec = t / NSEC_PER_SEC;
	ts->tv_nsec = t % NSEC_PER_SEC;
}

static void touch(struct inode *inode)
{
	now(&inode->mtime);
	inode->ctime = inode->mtime;
}

static struct tmpfs_dir *DIR_OF(struct inode *inode)
{
	return inode->priv;
}

static struct inode *tmpfs_new_inode(struct super_block *sb, mode_t mode,
				     u64 rdev)
{
	struct inode *inode = inode_alloc(sb);
	struct task *t = current;

	inode->ino = sb->next_ino++;
	inode->mode = mode;
	inode->iop = &tmpfs_iops;
	if (t) {
		inode->uid = t->proc->cred.fsuid;
		inode->gid = t->proc->cred.fsgid;
	}
	now(&inode->atime);
	inode->mtime = inode->ctime = inode->atime;
	if (S_ISREG(mode)) {
		inode->fop = &tmpfs_file_fops;
		inode->seals = F_SEAL_SEAL; /* memfd.c: none may be added */
	} else if (S_ISDIR(mode)) {
		struct tmpfs_dir *d = kzalloc(sizeof(*d));

		list_init(&d->entries);
		d->next_cookie = 3; /* 1 and 2 are "." and ".." */
		inode->priv = d;
		inode->fop = &tmpfs_dir_fops;
		inode->nlink = 2;
		inode->size = 4096;
	} else if (!S_ISLNK(mode)) {
		inode_init_special(inode, mode, rdev);
	}
	return inode;
}

static struct tmpfs_dirent *find(struct inode *dir, const char *name)
{
	struct tmpfs_dirent *e;

	list_for_each(e, ehash_bucket(dir, name), hash_link)
		if (e->dir == dir && !strcmp(e->name, name))
			return e;
	return NULL;
}

/* Add name -> inode to dir; takes the caller's inode reference. */
static void add_entry(struct inode *dir, const char *name, struct inode *inode)
{
	struct tmpfs_dirent *e = kzalloc(sizeof(*e));

	e->name = kstrdup(name);
	e->inode = inode;
	e->dir = dir;
	e->cookie = DIR_OF(dir)->next_cookie++;
	list_add_tail(&DIR_OF(dir)->entries, &e->link);
	list_add(ehash_bucket(dir, name), &e->hash_link);
	if (S_ISDIR(inode->mode)) {
		DIR_OF(inode)->parent = dir;
		dir->nlink++;
	}
	touch(dir);
}

static void del_entry(struct inode *dir, struct tmpfs_dirent *e)
{
	list_del(&e->link);
	list_del(&e->hash_link);
	if (S_ISDIR(e->inode->mode))
		dir->nlink--;
	inode_put(e->inode);
	kfree(e->name);
	kfree(e);
	touch(dir);
}

static int tmpfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct tmpfs_dirent *e = find(dir, name);

	if (!e)
		return -ENOENT;
	inode_get(e->inode);
	*out = e->inode;
	return 0;
}

static int tmpfs_mknod(struct inode *dir, const char *name, mode_t mode,
		       u64 dev, struct inode **out)
{
	struct inode *inode;

	if (find(dir, name))
		return -EEXIST;
	inode = tmpfs_new_inode(dir->sb, mode, dev);
	inode_get(inode);
	add_entry(dir, name, inode);
	*out = inode;
	return 0;
}

static int tmpfs_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, mode, 0);

	inode->nlink = 0;
	*out = inode;
	return 0;
}

static int tmpfs_mkdir(struct inode *dir, const char *name, mode_t mode)
{
	if (find(dir, name))
		return -EEXIST;
	add_entry(dir, name, tmpfs_new_inode(dir->sb, S_IFDIR | mode, 0));
	return 0;
}

static int tmpfs_symlink(struct inode *dir, const char *name,
			 const char *target)
{
	struct inode *inode;

	if (find(dir, name))
		return -EEXIST;
	inode = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, 0);
	inode->priv = kstrdup(target);
	inode->size = strlen(target);
	add_entry(dir, name, inode);
	return 0;
}

static int tmpfs_link(struct inode *old, struct inode *dir, const char *name)
{
	if (find(dir, name))
		return -EEXIST;
	inode_get(old);
	old->nlink++;
	now(&old->ctime);
	add_entry(dir, name, old);
	return 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name,
			struct inode *victim)
{
	struct tmpfs_dirent *e = find(dir, name);

	if (!e)
		return -ENOENT;
	(void)victim;
	e->inode->nlink--;
	now(&e->inode->ctime);
	del_entry(dir, e);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name,
		       struct inode *victim)
{
	struct tmpfs_dirent *e = find(dir, name);

	if (!e)
		return -ENOENT;
	if (!list_empty(&DIR_OF(e->inode)->entries))
		return -ENOTEMPTY;
	(void)victim;
	e->inode->nlink = 0;
	del_entry(dir, e);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname,
			struct inode *ndir, const char *nname, unsigned flags)
{
	struct tmpfs_dirent *src = find(odir, oname), *dst = find(ndir, nname);
	struct inode *moving;

	if (!src)
		return -ENOENT;
	if (src == dst)
		return 0;
	if (flags & RENAME_EXCHANGE) {
		struct inode *tmp;

		if (!dst)
			return -ENOENT;
		tmp = src->inode;
		src->inode = dst->inode;
		dst->inode = tmp;
		if (S_ISDIR(src->inode->mode) != S_ISDIR(dst->inode->mode)) {
			struct inode *d1 = S_ISDIR(src->inode->mode) ? odir : ndir;
			struct inode *d2 = d1 == odir ? ndir : odir;

			d1->nlink++;
			d2->nlink--;
		}
		if (S_ISDIR(src->inode->mode))
			DIR_OF(src->inode)->parent = odir;
		if (S_ISDIR(dst->inode->mode))
			DIR_OF(dst->inode)->parent = ndir;
		touch(odir);
		touch(ndir);
		return 0;
	}
	if (dst) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (S_ISDIR(dst->inode->mode) &&
		    !list_empty(&DIR_OF(dst->inode)->entries))
			return -ENOTEMPTY;
		dst->inode->nlink = S_ISDIR(dst->inode->mode) ? 0
							       : dst->inode->nlink - 1;
		del_entry(ndir, dst);
	}
	moving = src->inode;
	inode_get(moving);
	del_entry(odir, src);
	add_entry(ndir, nname, moving);
	now(&moving->ctime);
	return 0;
}

static ssize_t tmpfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t len = strlen(inode->priv);

	len = MIN(len, size);
	memcpy(buf, inode->priv, len);
	return len;
}

static int tmpfs_setattr(struct inode *inode, const struct iattr *a)
{
	if ((a->valid & ATTR_SIZE) && S_ISREG(inode->mode)) {
		int rc = seals_check_size(inode, a->size);

		if (rc < 0)
			return rc;
	}
	if (a->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & ATTR_SIZE) {
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		pagecache_truncate(inode, a->size);
	}
	if (a->valid & ATTR_ATIME)
		inode->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		inode->mtime = a->mtime;
	now(&inode->ctime);
	return 0;
}

static void tmpfs_evict(struct inode *inode)
{
	if (S_ISDIR(inode->mode)) {
		struct tmpfs_dirent *e, *tmp;

		list_for_each_safe(e, tmp, &DIR_OF(inode)->entries, link)
			del_entry(inode, e);
		kfree(inode->priv);
	} else if (S_ISLNK(inode->mode)) {
		kfree(inode->priv);
	}
}

/* ---- extended attributes: user, trusted, security; no ACLs ---- */

static bool is_acl_name(const char *name)
{
	return !strcmp(name, "system.posix_acl_access") ||
	       !strcmp(name, "system.posix_acl_default");
}

static int tmpfs_setxattr(struct inode *inode, const char *name,
			  const void *value, size_t size, int flags)
{
	if (!strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return simple_xattr_set(inode, name, value, size, flags);
}

static ssize_t tmpfs_getxattr(struct inode *inode, const char *name, void *buf,
			      size_t size)
{
	if (!strncmp(name, "system.", 7))
		return is_acl_name(name) ? -ENODATA : -EOPNOTSUPP;
	return simple_xattr_get(inode, name, buf, size);
}

static int tmpfs_removexattr(struct inode *inode, const char *name)
{
	if (!strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return simple_xattr_remove(inode, name);
}

/* ---- fallocate: allocation and hole punching only, as shmem ---- */

/* Zero [from, to) of the file's pages; whole pages no one maps go. */
static void punch_hole(struct inode *inode, u64 from, u64 to)
{
	while (from < to) {
		u64 index = from >> PAGE_SHIFT, off = from & ~PAGE_MASK;
		u64 n = MIN(PAGE_SIZE - off, to - from);
		phys_t p = pagemap_get(&inode->pages, index);

		if (p && n == PAGE_SIZE && frame_refs(p) == 1)
			pagemap_set(&inode->pages, index, 0);
		else if (p)
			memset((char *)phys_to_kva(p) + off, 0, n);
		from += n;
	}
}

/* Give [from, to) frames; on failure drop the ones added (ENOSPC). */
static int allocate_range(struct inode *inode, u64 from, u64 to)
{
	u64 first = from >> PAGE_SHIFT, last = (to + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (u64 i = first; i < last; i++) {
		phys_t p;

		if (pagemap_get(&inode->pages, i))
			continue;
		p = frame_alloc(FRAME_ZERO);
		if (PHYS_ERR(p) || pagemap_set(&inode->pages, i, p) < 0) {
			if (!PHYS_ERR(p))
				frame_put(p);
			/* Undo: the frames this call added are still zero. */
			for (u64 j = first; j < i; j++) {
				phys_t q = pagemap_get(&inode->pages, j);

				if (q && frame_refs(q) == 1 &&
				    (j << PAGE_SHIFT) >= inode->size)
					pagemap_set(&inode->pages, j, 0);
			}
			return -ENOSPC;
		}
	}
	return 0;
}

static int tmpfs_fallocate(struct file *f, int mode, u64 off, u64 len)
{
	struct inode *inode = f->f_inode;
	int rc;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		if (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
			return -EPERM;
		/* Only pages the page map has room for can hold data. */
		punch_hole(inode, off, MIN(off + len, (inode->pages.nchunks * 512)
						       << PAGE_SHIFT));
	} else {
		if ((inode->seals & F_SEAL_GROW) && off + len > inode->size)
			return -EPERM;
		rc = allocate_range(inode, off, off + len);
		if (rc < 0)
			return rc;
		if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > inode->size)
			inode->size = off + len;
	}
	inode->blocks = inode->pages.npages * (PAGE_SIZE / 512);
	touch(inode);
	return 0;
}

static const struct inode_ops tmpfs_iops = {
	.lookup = tmpfs_lookup,
	.mknod = tmpfs_mknod,
	.tmpfile = tmpfs_tmpfile,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	.evict = tmpfs_evict,
	.setxattr = tmpfs_setxattr,
	.getxattr = tmpfs_getxattr,
	.listxattr = simple_xattr_list,
	.removexattr = tmpfs_removexattr,
};

static int tmpfs_truncate(struct file *f, u64 size)
{
	int rc = seals_check_size(f->f_inode, size);

	return rc < 0 ? rc : pagecache_truncate(f->f_inode, size);
}

static ssize_t tmpfs_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct inode *inode = f->f_inode;
	u64 count = it->count;
	int rc;

	if (count) {
		rc = seals_check_write(inode, (f->f_flags & O_APPEND)
						      ? inode->size : *pos, &count);
		if (rc < 0)
			return rc;
		it->count = count;
	}
	return pagecache_write(f, it, pos);
}

static const struct file_ops tmpfs_file_fops = {
	.read = pagecache_read,
	.write = tmpfs_write,
	.llseek = generic_llseek,
	.truncate = tmpfs_truncate,
	.fallocate = tmpfs_fallocate,
};

static unsigned dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->f_inode;
	struct tmpfs_dir *d = DIR_OF(dir);
	struct tmpfs_dirent *e;

	if (ctx->pos < 1) {
		if (!ctx->actor(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos < 2) {
		struct inode *p = d->parent ? d->parent : dir;

		if (!ctx->actor(ctx, "..", 2, p->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	list_for_each(e, &d->entries, link) {
		if ((s64)e->cookie <= ctx->pos)
			continue;
		if (!ctx->actor(ctx, e->name, (int)strlen(e->name), e->inode->ino,
				dtype(e->inode->mode)))
			return 0;
		ctx->pos = e->cookie;
	}
	return 0;
}

static const struct file_ops tmpfs_dir_fops = {
	.iterate = tmpfs_iterate,
	.llseek = generic_llseek,
};

static int tmpfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	st->f_type = TMPFS_MAGIC;
	st->f_bsize = PAGE_SIZE;
	st->f_frsize = PAGE_SIZE;
	st->f_blocks = frames_total();
	st->f_bfree = st->f_bavail = frames_free();
	st->f_files = frames_total();
	st->f_ffree = frames_free();
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops tmpfs_sops = {
	.statfs = tmpfs_statfs,
};

struct super_block *tmpfs_create(void)
{
	struct super_block *sb = sb_alloc("tmpfs", &tmpfs_sops);
	struct inode *root = tmpfs_new_inode(sb, S_IFDIR | 01777, 0);

	sb->magic = TMPFS_MAGIC;
	root->uid = 0;
	root->gid = 0;
	sb->root = dentry_alloc_root(sb, root);
	return sb;
}

/*
 * An unnamed tmpfs file of size bytes: the object behind shared
 * anonymous memory (and memfd_create).
 */
struct file *shmem_file(u64 size, unsigned flags)
{
	/* Linux's name for it: /proc shows "/dev/zero (deleted)". */
	return shmem_file_named("dev/zero", size, flags);
}

struct file *shmem_file_named(const char *name, u64 size, unsigned flags)
{
	static struct super_block *sb;
	struct inode *inode;
	struct file *f;

	if (!sb)
		sb = tmpfs_create();
	inode = tmpfs_new_inode(sb, S_IFREG | 0777, 0);
	inode->nlink = 0;
	inode->size = size;
	f = file_anon_named(inode, name, flags);
	inode_put(inode);
	f->fop = &tmpfs_file_fops;
	f->f_mode |= FMODE_LSEEK | FMODE_PREAD;
	return f;
}

bool is_tmpfs_file(struct file *f)
{
	return S_ISREG(f->f_inode->mode) && f->f_inode->fop == &tmpfs_file_fops;
}
