/*
 * hostfs: a host directory as a guest file system.
 *
 * Each inode holds an O_PATH descriptor of its host object, found by
 * host_openat(parent, name, O_NOFOLLOW): one component at a time, from
 * the root directory umk was given, so no guest path can name a host
 * file outside it.  Symlinks are read here but followed by the VFS in
 * the guest's tree.  Host device nodes, fifos and sockets are never
 * opened as host objects: their inodes get the guest's own operations.
 *
 * Inodes are kept in a table keyed by the host's (dev, ino), so hard
 * links share one inode and one page cache.  A read-only instance
 * refuses every change with EROFS.  A "shared" instance (a directory
 * the host may change behind the guest's back) revalidates each cached
 * name on lookup; the root is the guest's own and is trusted.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/time.h"
#include "kernel/abi/files.h"
#include "host/host.h"

#define HASH_SIZE 4096
#define HOSTFS_MAGIC 0x00c0ffee
#define MAX_IOV 64

struct hostfs_sb {
	bool readonly;
	bool shared;
	struct list table[HASH_SIZE];
};

struct hostfs_inode {
	int fd;                  /* O_PATH */
	int rfd;                 /* opened for reading the page cache, or -1 */
	int wfd;                 /* for writing back shared mappings, or -1 */
	u64 host_dev, host_ino;
	s64 cache_mtime_sec, cache_mtime_nsec; /* when the cache was filled */
	s64 cache_size;
	u64 attr_seq;            /* trap_seq when the attributes were read */
	u64 attr_changes;        /* hostfs_changes then */
	int create_fd;           /* read-write, from the create of this very
				    system call (see hostfs_mknod), or -1 */
	u64 create_seq;
};

static const struct inode_ops hostfs_iops;
static const struct file_ops hostfs_file_fops, hostfs_dir_fops;

static struct hostfs_sb *HSB(struct super_block *sb)
{
	return sb->priv;
}

static struct hostfs_inode *HI(struct inode *inode)
{
	return inode->priv;
}

static unsigned hash(u64 dev, u64 ino)
{
	return (unsigned)((ino * 31 + dev) % HASH_SIZE);
}

static void set_attrs(struct inode *inode, const struct host_stat *st)
{
	inode->mode = st->mode;
	inode->nlink = (u32)st->nlink;
	inode->uid = st->uid;
	inode->gid = st->gid;
	inode->size = st->size;
	inode->blocks = st->blocks;
	inode->rdev = st->rdev;
	inode->atime = (struct linux_timespec){ st->atime_sec, st->atime_nsec };
	inode->mtime = (struct linux_timespec){ st->mtime_sec, st->mtime_nsec };
	inode->ctime = (struct linux_timespec){ st->ctime_sec, st->ctime_nsec };
}

static void set_ops(struct inode *inode)
{
	inode->iop = &hostfs_iops;
	if (S_ISREG(inode->mode))
		inode->fop = &hostfs_file_fops;
	else if (S_ISDIR(inode->mode))
		inode->fop = &hostfs_dir_fops;
	else
		inode_init_special(inode, inode->mode, inode->rdev);
}

/* The inode for host fd (taken over), found or made. */
static struct inode *hostfs_iget(struct super_block *sb, int fd,
				 const struct host_stat *st)
{
	struct list *bucket = &HSB(sb)->table[hash(st->dev, st->ino)];
	struct inode *inode;
	struct hostfs_inode *hi;

	list_for_each(inode, bucket, hash_link) {
		hi = HI(inode);
		if (hi->host_dev == st->dev && hi->host_ino == st->ino) {
			host_close(fd);
			inode_get(inode);
			set_attrs(inode, st);
			return inode;
		}
	}
	inode = inode_alloc(sb);
	hi = kzalloc(sizeof(*hi));
	hi->fd = fd;
	hi->rfd = -1;
	hi->wfd = -1;
	hi->create_fd = -1;
	hi->host_dev = st->dev;
	hi->host_ino = st->ino;
	inode->priv = hi;
	inode->ino = st->ino;
	set_attrs(inode, st);
	set_ops(inode);
	list_add(bucket, &inode->hash_link);
	return inode;
}

static u64 hostfs_changes;

/* inode's attributes were just read from the host. */
static void attrs_fresh(struct inode *inode)
{
	HI(inode)->attr_seq = trap_seq;
	HI(inode)->attr_changes = hostfs_changes;
}

static int hostfs_lookup(struct inode *dir, const char *name,
			 struct inode **out)
{
	struct host_stat st;
	int fd, rc;

	fd = host_openat(HI(dir)->fd, name, O_PATH, 0);
	if (fd < 0)
		return fd == -ELOOP ? -ENOENT : fd;
	rc = host_fstatat(fd, "", &st);
	if (rc < 0) {
		host_close(fd);
		return rc;
	}
	*out = hostfs_iget(dir->sb, fd, &st);
	attrs_fresh(*out);
	return 0;
}

static bool hostfs_revalidate(struct inode *dir, const char *name,
			      struct inode *inode)
{
	struct host_stat st;
	int rc;

	if (!HSB(dir->sb)->shared)
		return true;
	rc = host_fstatat(HI(dir)->fd, name, &st);
	if (!inode)
		return rc < 0;
	if (rc < 0 || st.ino != HI(inode)->host_ino ||
	    st.dev != HI(inode)->host_dev)
		return false;
	/* The same object: what the walk just read is its attributes. */
	set_attrs(inode, &st);
	attrs_fresh(inode);
	return true;
}

/*
 * The host's attributes of inode, read at most once per system call: a
 * walk that revalidated the name, or the lookup that found it, already
 * read them (a write of ours forgets that, see hostfs_write).
 */
static int hostfs_getattr(struct inode *inode)
{
	struct hostfs_inode *hi = HI(inode);
	struct host_stat st;
	int rc;

	if (hi->attr_seq == trap_seq && hi->attr_changes == hostfs_changes)
		return 0;
	rc = host_fstatat(hi->fd, "", &st);
	if (rc == 0) {
		set_attrs(inode, &st);
		attrs_fresh(inode);
	}
	return rc;
}

static ssize_t hostfs_readlink(struct inode *inode, char *buf, size_t size)
{
	return host_readlink_fd(HI(inode)->fd, buf, size);
}

static void hostfs_evict(struct inode *inode)
{
	struct hostfs_inode *hi = HI(inode);

	list_del(&inode->hash_link);
	host_close(hi->fd);
	if (hi->create_fd >= 0)
		host_close(hi->create_fd);
	if (hi->rfd >= 0)
		host_close(hi->rfd);
	if (hi->wfd >= 0)
		host_close(hi->wfd);
	kfree(inode->dirty);
	kfree(hi);
}

/*
 * Shared mappings write to the page cache; this puts those pages in
 * the host file, up to its size (a mapping never extends a file).
 */
static int hostfs_writepages(struct inode *inode, u64 index, u64 n,
			     const phys_t *frames)
{
	struct hostfs_inode *hi = HI(inode);
	struct host_iovec iov[MAX_IOV];
	u64 start = index << PAGE_SHIFT, len;
	ssize_t put;
	int nr = 0;

	if (HSB(inode->sb)->readonly)
		return -EROFS;
	if (hi->wfd < 0) {
		hi->wfd = host_reopen(hi->fd, O_WRONLY);
		if (hi->wfd < 0) {
			int rc = hi->wfd;

			hi->wfd = -1;
			return rc;
		}
	}
	if (start >= inode->size)
		return 0;
	len = MIN(n << PAGE_SHIFT, inode->size - start);
	for (u64 i = 0; i < n && (i << PAGE_SHIFT) < len; i++) {
		char *p = phys_to_kva(frames[i]);
		size_t l = MIN(PAGE_SIZE, len - (i << PAGE_SHIFT));

		if (nr && (char *)iov[nr - 1].base + iov[nr - 1].len == p)
			iov[nr - 1].len += l;
		else
			iov[nr++] = (struct host_iovec){ p, l };
	}
	hostfs_changes++;
	put = host_pwritev(hi->wfd, iov, nr, start);
	/* Our own write: the cache is still right. */
	hostfs_getattr(inode);
	hi->cache_mtime_sec = inode->mtime.tv_sec;
	hi->cache_mtime_nsec = inode->mtime.tv_nsec;
	hi->cache_size = inode->size;
	return put < 0 ? (int)put : 0;
}

static int hostfs_readpages(struct inode *inode, u64 index, u64 n,
			    phys_t *frames)
{
	struct hostfs_inode *hi = HI(inode);
	struct host_iovec iov[MAX_IOV];
	int nr = 0;
	ssize_t got;

	if (hi->rfd < 0) {
		hi->rfd = host_reopen(hi->fd, O_RDONLY);
		if (hi->rfd < 0) {
			int rc = hi->rfd;

			hi->rfd = -1;
			return rc;
		}
	}
	for (u64 i = 0; i < n; i++) {
		char *p = phys_to_kva(frames[i]);

		if (nr && (char *)iov[nr - 1].base + iov[nr - 1].len == p)
			iov[nr - 1].len += PAGE_SIZE;
		else
			iov[nr++] = (struct host_iovec){ p, PAGE_SIZE };
	}
	got = host_preadv(hi->rfd, iov, nr, index << PAGE_SHIFT);
	if (got < 0)
		return (int)got;
	/* Past the end of the file the pages read as zero. */
	for (u64 i = 0; i < n; i++) {
		u64 start = i << PAGE_SHIFT;

		if ((u64)got < start + PAGE_SIZE) {
			u64 from = (u64)got > start ? (u64)got - start : 0;

			memset((char *)phys_to_kva(frames[i]) + from, 0,
			       PAGE_SIZE - from);
		}
	}
	return 0;
}

/* ---- changes ---- */

/*
 * Every change umk makes on the host goes through here (or bumps
 * hostfs_changes itself): attributes read before it are not this
 * system call's any more.
 */
static int writable(struct inode *dir)
{
	hostfs_changes++;
	return HSB(dir->sb)->readonly ? -EROFS : 0;
}

static int hostfs_mknod(struct inode *dir, const char *name, mode_t mode,
			u64 dev, struct inode **out)
{
	int rc = writable(dir), fd;

	if (rc < 0)
		return rc;
	if (S_ISREG(mode)) {
		/*
		 * Opened read-write (the creator may, whatever the mode), so
		 * that the open of this same system call (open with O_CREAT)
		 * can take it instead of opening the file again.
		 */
		fd = host_openat(HI(dir)->fd, name,
				 O_CREAT | O_EXCL | O_RDWR, mode & 07777);
		if (fd < 0)
			return fd;
		rc = hostfs_lookup(dir, name, out);
		if (rc < 0 || HI(*out)->create_fd >= 0) {
			host_close(fd);
			return rc;
		}
		HI(*out)->create_fd = fd;
		HI(*out)->create_seq = trap_seq;
		return 0;
	} else if (S_ISFIFO(mode) || S_ISSOCK(mode)) {
		rc = host_mknodat(HI(dir)->fd, name, mode, 0);
		if (rc < 0)
			return rc;
	} else {
		/* Device nodes cannot be made unprivileged on the host. */
		(void)dev;
		return -EPERM;
	}
	return hostfs_lookup(dir, name, out);
}

static int hostfs_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
	struct host_stat st;
	int rc = writable(dir), fd;

	if (rc < 0)
		return rc;
	fd = host_open_tmpfile(HI(dir)->fd, mode & 07777);
	if (fd < 0)
		return fd;
	rc = host_fstatat(fd, "", &st);
	if (rc < 0) {
		host_close(fd);
		return rc;
	}
	*out = hostfs_iget(dir->sb, fd, &st);
	return 0;
}

static int hostfs_mkdir(struct inode *dir, const char *name, mode_t mode)
{
	int rc = writable(dir);

	return rc < 0 ? rc : host_mkdirat(HI(dir)->fd, name, mode & 07777);
}

static int hostfs_symlink(struct inode *dir, const char *name,
			  const char *target)
{
	int rc = writable(dir);

	return rc < 0 ? rc : host_symlinkat(target, HI(dir)->fd, name);
}

static int hostfs_link(struct inode *old, struct inode *dir, const char *name)
{
	int rc = writable(dir);

	return rc < 0 ? rc : host_linkat(HI(old)->fd, "", HI(dir)->fd, name);
}

static int hostfs_unlink(struct inode *dir, const char *name,
			 struct inode *victim)
{
	int rc = writable(dir);

	(void)victim;
	return rc < 0 ? rc : host_unlinkat(HI(dir)->fd, name, 0);
}

static int hostfs_rmdir(struct inode *dir, const char *name,
			struct inode *victim)
{
	int rc = writable(dir);

	(void)victim;
	return rc < 0 ? rc : host_unlinkat(HI(dir)->fd, name, AT_REMOVEDIR);
}

static int hostfs_rename(struct inode *odir, const char *oname,
			 struct inode *ndir, const char *nname, unsigned flags)
{
	int rc = writable(odir);

	return rc < 0 ? rc : host_renameat(HI(odir)->fd, oname, HI(ndir)->fd,
					    nname, flags);
}

static int hostfs_setattr(struct inode *inode, const struct iattr *a)
{
	int rc = writable(inode), fd = HI(inode)->fd;

	if (rc < 0)
		return rc;
	if ((a->valid & ATTR_MODE) &&
	    (rc = host_fchmod_path(fd, a->mode & 07777)) < 0)
		return rc;
	if ((a->valid & (ATTR_UID | ATTR_GID)) &&
	    (rc = host_fchown_path(fd, (a->valid & ATTR_UID) ? a->uid : (uid_t)-1,
				   (a->valid & ATTR_GID) ? a->gid : (gid_t)-1)) < 0)
		return rc;
	if (a->valid & ATTR_SIZE) {
		int wfd;

		if (inode->has_dirty)
			pagecache_writeback(inode, 0, 0);
		wfd = host_reopen(fd, O_WRONLY);
		if (wfd < 0)
			return wfd;
		rc = host_ftruncate(wfd, a->size);
		host_close(wfd);
		if (rc < 0)
			return rc;
		pagemap_truncate(&inode->pages, 0);
	}
	if (a->valid & (ATTR_ATIME | ATTR_MTIME)) {
		s64 t[4] = { 0, UTIME_OMIT, 0, UTIME_OMIT };

		if (a->valid & ATTR_ATIME) {
			t[0] = a->atime.tv_sec;
			t[1] = a->atime.tv_nsec;
		}
		if (a->valid & ATTR_MTIME) {
			t[2] = a->mtime.tv_sec;
			t[3] = a->mtime.tv_nsec;
		}
		if ((rc = host_utimens_path(fd, t)) < 0)
			return rc;
	}
	return hostfs_getattr(inode);
}

static const struct inode_ops hostfs_iops = {
	.lookup = hostfs_lookup,
	.mknod = hostfs_mknod,
	.tmpfile = hostfs_tmpfile,
	.mkdir = hostfs_mkdir,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	.readpages = hostfs_readpages,
	.writepages = hostfs_writepages,
	.revalidate = hostfs_revalidate,
	.evict = hostfs_evict,
};

/* ---- open files ---- */

static int host_fd_of(struct file *f)
{
	return (int)(intptr_t)f->priv;
}

/* Drop cached pages when the host file changed since they were read. */
static void check_cache(struct inode *inode)
{
	struct hostfs_inode *hi = HI(inode);

	if (inode->has_dirty)
		return; /* mapped and written: the cache is the newer copy */
	if (hi->cache_mtime_sec != inode->mtime.tv_sec ||
	    hi->cache_mtime_nsec != inode->mtime.tv_nsec ||
	    hi->cache_size != (s64)inode->size) {
		pagemap_truncate(&inode->pages, 0);
		hi->cache_mtime_sec = inode->mtime.tv_sec;
		hi->cache_mtime_nsec = inode->mtime.tv_nsec;
		hi->cache_size = inode->size;
	}
}

static int hostfs_open(struct inode *inode, struct file *f)
{
	int flags = f->f_flags & (O_ACCMODE | O_DIRECTORY);
	int fd;

	if ((f->f_mode & FMODE_WRITE) && HSB(inode->sb)->readonly)
		return -EROFS;
	if ((flags & O_ACCMODE) == 3)
		flags = (flags & ~O_ACCMODE) | O_RDWR;
	fd = HI(inode)->create_fd;
	HI(inode)->create_fd = -1;
	if (fd >= 0 && HI(inode)->create_seq != trap_seq) {
		host_close(fd); /* made by mknod(2), not by this open */
		fd = -1;
	}
	if (fd < 0)
		fd = host_reopen(HI(inode)->fd, flags);
	if (fd < 0)
		return fd;
	f->priv = (void *)(intptr_t)fd;
	f->f_mode |= FMODE_LSEEK | FMODE_PREAD;
	hostfs_getattr(inode);
	if (S_ISREG(inode->mode))
		check_cache(inode);
	return 0;
}

static void hostfs_release(struct file *f)
{
	host_close(host_fd_of(f));
}

static ssize_t hostfs_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct host_iovec iov[MAX_IOV];
	int n = iter_host_iov(it, it->count, true, iov, MAX_IOV);
	ssize_t got;

	if (!n)
		return -EFAULT;
	/* What shared mappings wrote must be there to read. */
	if (f->f_inode->has_dirty)
		pagecache_writeback(f->f_inode, 0, 0);
	got = host_preadv(host_fd_of(f), iov, n, *pos);
	if (got > 0) {
		*pos += got;
		iter_advance(it, got);
	}
	return got;
}

/* After a write, the cached copy of the pages it touched is stale. */
static void refresh_pages(struct file *f, u64 from, u64 len)
{
	struct inode *inode = f->f_inode;

	for (u64 i = from >> PAGE_SHIFT; i <= (from + len - 1) >> PAGE_SHIFT;
	     i++) {
		phys_t p = pagemap_get(&inode->pages, i);

		if (p && host_pread(host_fd_of(f), phys_to_kva(p), PAGE_SIZE,
				    i << PAGE_SHIFT) < 0)
			pagemap_set(&inode->pages, i, 0);
	}
}

static ssize_t hostfs_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct host_iovec iov[MAX_IOV];
	ssize_t put;
	int n;

	if (!it->count)
		return 0;
	if (f->f_inode->has_dirty)
		pagecache_writeback(f->f_inode, 0, 0);
	if (f->f_flags & O_APPEND) {
		hostfs_getattr(f->f_inode);
		*pos = f->f_inode->size;
	}
	n = iter_host_iov(it, it->count, false, iov, MAX_IOV);
	if (!n)
		return -EFAULT;
	hostfs_changes++;
	put = host_pwritev(host_fd_of(f), iov, n, *pos);
	if (put > 0) {
		struct inode *inode = f->f_inode;

		if (inode->pages.npages)
			refresh_pages(f, *pos, put);
		*pos += put;
		iter_advance(it, put);
		if (!inode->pages.npages) {
			/*
			 * No cached page to vouch for: the size must be right
			 * now, the host's times are read when asked.
			 */
			if (*pos > inode->size)
				inode->size = *pos;
			return put;
		}
		hostfs_getattr(inode);
		HI(inode)->cache_mtime_sec = inode->mtime.tv_sec;
		HI(inode)->cache_mtime_nsec = inode->mtime.tv_nsec;
		HI(inode)->cache_size = inode->size;
	}
	return put;
}

/*
 * Holes and the largest offset are the host file system's business:
 * SEEK_DATA and SEEK_HOLE ask the host, and an offset past 2 GiB is
 * checked against the host's limit (s_maxbytes: 16 TiB on ext4, 4 GiB
 * on FAT) so that lseek fails with EINVAL as it would there.
 */
static s64 hostfs_llseek(struct file *f, s64 off, int whence)
{
	s64 pos, old = (s64)f->pos;

	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		pos = host_lseek(host_fd_of(f), off, whence);
		if (pos >= 0)
			f->pos = (u64)pos;
		return pos;
	}
	if (whence == SEEK_END)
		hostfs_getattr(f->f_inode);
	pos = generic_llseek(f, off, whence);
	if (pos > 0x7fffffffLL) {
		s64 r = host_lseek(host_fd_of(f), pos, SEEK_SET);

		if (r < 0) {
			f->pos = (u64)old;
			return r;
		}
	}
	return pos;
}

static int hostfs_fsync(struct file *f, bool datasync)
{
	if (f->f_inode->has_dirty)
		pagecache_writeback(f->f_inode, 0, 0);
	return host_fsync(host_fd_of(f), datasync);
}

static int hostfs_truncate(struct file *f, u64 size)
{
	struct iattr a = { .valid = ATTR_SIZE, .size = size };

	return hostfs_setattr(f->f_inode, &a);
}

static int hostfs_fallocate(struct file *f, int mode, u64 off, u64 len)
{
	struct inode *inode = f->f_inode;
	int rc;

	hostfs_changes++;
	rc = host_fallocate(host_fd_of(f), mode, off, len);

	if (rc < 0)
		return rc;
	/* Anything but allocation changes the data: drop the cached copy. */
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		pagemap_truncate(&inode->pages, 0);
	return hostfs_getattr(inode);
}

static const struct file_ops hostfs_file_fops = {
	.open = hostfs_open,
	.read = hostfs_read,
	.write = hostfs_write,
	.llseek = hostfs_llseek,
	.fsync = hostfs_fsync,
	.truncate = hostfs_truncate,
	.fallocate = hostfs_fallocate,
	.release = hostfs_release,
};

/*
 * Directories: entries come straight from the host's getdents, and the
 * position is the host's d_off cookie.
 */
static int hostfs_iterate(struct file *f, struct dir_context *ctx)
{
	char buf[8192];
	int fd = host_fd_of(f);

	if (host_lseek(fd, ctx->pos, SEEK_SET) < 0)
		return -EINVAL;
	for (;;) {
		ssize_t n = host_getdents(fd, buf, sizeof(buf));

		if (n <= 0)
			return (int)n;
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			if (!ctx->actor(ctx, d->d_name, (int)strlen(d->d_name),
					d->d_ino, d->d_type))
				return 0;
			ctx->pos = d->d_off;
			off += d->d_reclen;
		}
	}
}

static const struct file_ops hostfs_dir_fops = {
	.open = hostfs_open,
	.iterate = hostfs_iterate,
	.llseek = generic_llseek,
	.fsync = hostfs_fsync,
	.release = hostfs_release,
};

static int hostfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct host_statfs hs;
	int rc = host_fstatfs(HI(sb->root->inode)->fd, &hs);

	if (rc < 0)
		return rc;
	st->f_type = hs.type;
	st->f_bsize = hs.bsize;
	st->f_blocks = hs.blocks;
	st->f_bfree = hs.bfree;
	st->f_bavail = hs.bavail;
	st->f_files = hs.files;
	st->f_ffree = hs.ffree;
	st->f_namelen = hs.namelen;
	st->f_frsize = hs.frsize;
	st->f_flags = HSB(sb)->readonly ? 1 : 0; /* ST_RDONLY */
	return 0;
}

static const struct super_ops hostfs_sops = {
	.statfs = hostfs_statfs,
};

int hostfs_create(const char *hostdir, bool readonly, struct super_block **out)
{
	struct super_block *sb;
	struct hostfs_sb *hsb;
	struct host_stat st;
	struct inode *root;
	int fd, rc;

	rc = host_open_dir(hostdir, &fd);
	if (rc < 0)
		return rc;
	rc = host_fstatat(fd, "", &st);
	if (rc < 0) {
		host_close(fd);
		return rc;
	}
	sb = sb_alloc("hostfs", &hostfs_sops);
	sb->magic = HOSTFS_MAGIC;
	hsb = kzalloc(sizeof(*hsb));
	hsb->readonly = readonly;
	for (int i = 0; i < HASH_SIZE; i++)
		list_init(&hsb->table[i]);
	sb->priv = hsb;
	if (readonly)
		sb->flags |= SB_RDONLY;
	root = hostfs_iget(sb, fd, &st);
	sb->root = dentry_alloc_root(sb, root);
	*out = sb;
	return 0;
}

void hostfs_set_shared(struct super_block *sb, bool shared)
{
	HSB(sb)->shared = shared;
}
