/*
 * overlayfs: a writable tree over a read-only one.
 *
 * The guest's root is a read-only host directory (the lower layer)
 * under a writable upper layer: a tmpfs in umk's memory, or a host
 * directory given with --overlay.  The host's copy is never written.
 *
 *  - lookup: the upper entry if there is one, else the lower one; a
 *    whiteout in the upper layer hides a lower entry; a directory found
 *    in both is a merged directory unless the upper one is opaque;
 *  - reading works on whichever layer holds the file;
 *  - any change copies the file up first (and its parent directories),
 *    then changes the upper copy;
 *  - removing a name that exists in the lower layer leaves a whiteout;
 *    a directory created over a whiteout is opaque.
 *
 * Whiteouts are entries named ".wh.NAME" and an opaque directory holds
 * ".wh..wh..opq": unlike Linux's 0/0 device nodes, any unprivileged
 * process can create those on any host file system.  Names beginning
 * with ".wh." are therefore reserved in an overlay: invisible, and not
 * creatable (EPERM).
 *
 * Renaming a directory that has lower contents fails with EXDEV, as
 * Linux's overlayfs does without redirect_dir; mv then copies.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/time.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define OVERLAYFS_MAGIC 0x794c7630
#define COPY_CHUNK (64 * 1024)

struct ovl_inode {
	struct inode *upper;   /* reference, or NULL */
	struct inode *lower;   /* reference, or NULL */
	struct inode *parent;  /* the overlay parent (reference); NULL: root */
	char *name;            /* this inode's name in parent */
	bool opaque;           /* a directory whose lower side is hidden */
};

static const struct inode_ops ovl_iops;
static const struct file_ops ovl_fops, ovl_dir_fops;
static int ovl_dir_empty(struct inode *dir);
static int ovl_clear_whiteouts(struct inode *upper);

static struct ovl_inode *OI(struct inode *inode)
{
	return inode->priv;
}

static struct inode *real_inode(struct inode *inode)
{
	return OI(inode)->upper ? OI(inode)->upper : OI(inode)->lower;
}

static bool reserved(const char *name)
{
	return !strncmp(name, WH_PREFIX, strlen(WH_PREFIX));
}

/* ---- underlying file systems ---- */

static int real_lookup(struct inode *dir, const char *name, struct inode **out)
{
	*out = NULL;
	if (!dir || !dir->iop || !dir->iop->lookup)
		return -ENOENT;
	return dir->iop->lookup(dir, name, out);
}

static bool real_exists(struct inode *dir, const char *name)
{
	struct inode *i;

	if (real_lookup(dir, name, &i) < 0)
		return false;
	inode_put(i);
	return true;
}

static void whiteout_name(char *buf, const char *name)
{
	ksnprintf(buf, NAME_MAX + 1 + 8, WH_PREFIX "%s", name);
}

static bool has_whiteout(struct inode *upper_dir, const char *name)
{
	char wh[NAME_MAX + 16];

	if (!upper_dir)
		return false;
	whiteout_name(wh, name);
	return real_exists(upper_dir, wh);
}

/* Refresh the overlay inode's attributes from the layer that holds it. */
static void copy_attrs(struct inode *inode)
{
	struct inode *r = real_inode(inode);

	if (r->iop && r->iop->getattr)
		r->iop->getattr(r);
	inode->mode = r->mode;
	inode->nlink = r->nlink;
	inode->uid = r->uid;
	inode->gid = r->gid;
	inode->size = r->size;
	inode->rdev = r->rdev;
	inode->blocks = r->blocks;
	inode->atime = r->atime;
	inode->mtime = r->mtime;
	inode->ctime = r->ctime;
}

static struct inode *ovl_new_inode(struct super_block *sb, struct inode *parent,
				   const char *name, struct inode *upper,
				   struct inode *lower, bool opaque)
{
	struct inode *inode = inode_alloc(sb);
	struct ovl_inode *oi = kzalloc(sizeof(*oi));

	oi->upper = upper;
	oi->lower = lower;
	oi->opaque = opaque;
	oi->name = kstrdup(name);
	oi->parent = parent;
	if (parent)
		inode_get(parent);
	inode->priv = oi;
	inode->iop = &ovl_iops;
	/* Stable numbers: the lower file's, or fresh ones above them. */
	inode->ino = lower ? lower->ino : (1ULL << 48) + sb->next_ino++;
	copy_attrs(inode);
	if (S_ISREG(inode->mode))
		inode->fop = &ovl_fops;
	else if (S_ISDIR(inode->mode))
		inode->fop = &ovl_dir_fops;
	else
		inode_init_special(inode, inode->mode, inode->rdev);
	return inode;
}

static void ovl_evict(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode);

	inode_put(oi->upper);
	inode_put(oi->lower);
	inode_put(oi->parent);
	kfree(oi->name);
	kfree(oi);
}

/* ---- lookup ---- */

static int ovl_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct ovl_inode *od = OI(dir);
	struct inode *upper = NULL, *lower = NULL;
	bool opaque = false;
	int rc;

	if (reserved(name))
		return -ENOENT;
	rc = real_lookup(od->upper, name, &upper);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (upper && S_ISDIR(upper->mode))
		opaque = real_exists(upper, WH_OPAQUE);
	if (!od->opaque && !has_whiteout(od->upper, name) &&
	    (!upper || (S_ISDIR(upper->mode) && !opaque))) {
		rc = real_lookup(od->lower, name, &lower);
		if (rc < 0 && rc != -ENOENT) {
			inode_put(upper);
			return rc;
		}
		/* A lower non-directory under an upper directory is hidden. */
		if (lower && upper && !S_ISDIR(lower->mode)) {
			inode_put(lower);
			lower = NULL;
		}
	}
	if (!upper && !lower)
		return -ENOENT;
	*out = ovl_new_inode(dir->sb, dir, name, upper, lower, opaque);
	return 0;
}

/* ---- copy-up ---- */

static int copy_data(struct inode *from, struct inode *to)
{
	struct file *src = file_anon(from, O_RDONLY);
	struct file *dst = file_anon(to, O_WRONLY);
	char *buf = kmalloc(COPY_CHUNK);
	u64 pos = 0;
	int rc = 0;

	if (src->fop && src->fop->open)
		rc = src->fop->open(from, src);
	if (rc == 0 && dst->fop && dst->fop->open)
		rc = dst->fop->open(to, dst);
	while (rc == 0) {
		struct iov_iter it;
		u64 wpos = pos;
		ssize_t n = kernel_read(src, buf, COPY_CHUNK, pos);

		if (n <= 0) {
			rc = (int)n;
			break;
		}
		iter_kernel(&it, buf, n);
		while (it.count && rc == 0) {
			ssize_t w = dst->fop->write(dst, &it, &wpos);

			if (w <= 0)
				rc = w < 0 ? (int)w : -EIO;
		}
		pos += n;
	}
	kfree(buf);
	file_put(src);
	file_put(dst);
	return rc;
}

static void copy_meta(struct inode *from, struct inode *to)
{
	struct iattr a = { .valid = ATTR_MODE | ATTR_ATIME | ATTR_MTIME };

	a.mode = from->mode & 07777;
	a.atime = from->atime;
	a.mtime = from->mtime;
	if (to->iop->setattr) {
		to->iop->setattr(to, &a);
		/* Ownership: kept where the upper layer allows it. */
		a.valid = ATTR_UID | ATTR_GID;
		a.uid = from->uid;
		a.gid = from->gid;
		to->iop->setattr(to, &a);
	}
}

static int copy_up(struct inode *inode);

/* Create the upper copy of a lower-only inode in its parent's upper dir. */
static int copy_up_one(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode), *op = OI(oi->parent);
	struct inode *ud = op->upper, *lower = oi->lower, *up = NULL;
	char *target;
	ssize_t n;
	int rc;

	switch (lower->mode & S_IFMT) {
	case S_IFDIR:
		rc = ud->iop->mkdir(ud, oi->name, lower->mode & 07777);
		break;
	case S_IFLNK:
		target = kmalloc(PATH_MAX);
		n = lower->iop->readlink(lower, target, PATH_MAX - 1);
		rc = n < 0 ? (int)n : 0;
		if (rc == 0) {
			target[n] = 0;
			rc = ud->iop->symlink(ud, oi->name, target);
		}
		kfree(target);
		break;
	case S_IFREG:
		rc = ud->iop->mknod(ud, oi->name, S_IFREG | 0600, 0, &up);
		if (rc == 0)
			rc = copy_data(lower, up);
		break;
	default:
		rc = ud->iop->mknod(ud, oi->name, lower->mode, lower->rdev, &up);
	}
	if (rc == 0 && !up)
		rc = real_lookup(ud, oi->name, &up);
	if (rc < 0) {
		inode_put(up);
		return rc;
	}
	if (!S_ISLNK(lower->mode))
		copy_meta(lower, up);
	oi->upper = up;
	return 0;
}

/* Make sure inode has an upper copy (its parents first). */
static int copy_up(struct inode *inode)
{
	struct ovl_inode *oi = OI(inode);
	int rc;

	if (oi->upper)
		return 0;
	if (!oi->parent)
		return -EROFS; /* the root always has an upper directory */
	rc = copy_up(oi->parent);
	if (rc < 0)
		return rc;
	rc = copy_up_one(inode);
	if (rc == 0)
		copy_attrs(inode);
	return rc;
}

/* ---- changing directories ---- */

static int remove_whiteout(struct inode *ud, const char *name)
{
	char wh[NAME_MAX + 16];
	struct inode *w;

	whiteout_name(wh, name);
	if (real_lookup(ud, wh, &w) < 0)
		return 0;
	inode_put(w);
	return ud->iop->unlink(ud, wh, w);
}

static int make_whiteout(struct inode *ud, const char *name)
{
	char wh[NAME_MAX + 16];
	struct inode *w;
	int rc;

	whiteout_name(wh, name);
	rc = ud->iop->mknod(ud, wh, S_IFREG | 0, 0, &w);
	if (rc == 0)
		inode_put(w);
	return rc == -EEXIST ? 0 : rc;
}

/* Prepare dir for a new entry name: copy up, drop a whiteout. */
static int prepare_create(struct inode *dir, const char *name, bool *was_wh)
{
	int rc;

	if (reserved(name))
		return -EPERM;
	rc = copy_up(dir);
	if (rc < 0)
		return rc;
	*was_wh = has_whiteout(OI(dir)->upper, name);
	return remove_whiteout(OI(dir)->upper, name);
}

/* Does the lower layer show name in dir?  Then removal leaves a whiteout. */
static bool lower_visible(struct inode *dir, const char *name)
{
	struct ovl_inode *od = OI(dir);

	return !od->opaque && od->lower && real_exists(od->lower, name);
}

static int ovl_mknod(struct inode *dir, const char *name, mode_t mode, u64 dev,
		     struct inode **out)
{
	struct inode *ud, *up;
	bool wh;
	int rc = prepare_create(dir, name, &wh);

	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	rc = ud->iop->mknod(ud, name, mode, dev, &up);
	if (rc < 0)
		return rc;
	copy_attrs(dir);
	*out = ovl_new_inode(dir->sb, dir, name, up, NULL, false);
	return 0;
}

static int ovl_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
	struct inode *ud, *up;
	int rc = copy_up(dir);

	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	if (!ud->iop->tmpfile)
		return -EOPNOTSUPP;
	rc = ud->iop->tmpfile(ud, mode, &up);
	if (rc < 0)
		return rc;
	*out = ovl_new_inode(dir->sb, dir, "#tmpfile", up, NULL, false);
	return 0;
}

static int ovl_mkdir(struct inode *dir, const char *name, mode_t mode)
{
	struct inode *ud, *nd, *marker;
	bool wh;
	int rc = prepare_create(dir, name, &wh);

	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	rc = ud->iop->mkdir(ud, name, mode);
	if (rc < 0)
		return rc;
	/* Over a whiteout, or with a lower twin: hide what was below. */
	if (wh || lower_visible(dir, name)) {
		rc = real_lookup(ud, name, &nd);
		if (rc == 0) {
			rc = nd->iop->mknod(nd, WH_OPAQUE, S_IFREG, 0, &marker);
			if (rc == 0)
				inode_put(marker);
			inode_put(nd);
		}
	}
	copy_attrs(dir);
	return rc;
}

static int ovl_symlink(struct inode *dir, const char *name, const char *target)
{
	struct inode *ud;
	bool wh;
	int rc = prepare_create(dir, name, &wh);

	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	rc = ud->iop->symlink(ud, name, target);
	copy_attrs(dir);
	return rc;
}

static int ovl_link(struct inode *old, struct inode *dir, const char *name)
{
	struct inode *ud;
	bool wh;
	int rc = copy_up(old);

	if (rc < 0)
		return rc;
	rc = prepare_create(dir, name, &wh);
	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	rc = ud->iop->link(OI(old)->upper, ud, name);
	copy_attrs(old);
	copy_attrs(dir);
	return rc;
}

static int remove_entry(struct inode *dir, const char *name,
			struct inode *victim, bool isdir)
{
	struct inode *ud;
	int rc = copy_up(dir);

	if (rc < 0)
		return rc;
	ud = OI(dir)->upper;
	if (OI(victim)->upper) {
		if (isdir) {
			/* The merged view was checked empty: clear the markers. */
			struct inode *u = OI(victim)->upper;
			struct inode *m;

			if (real_lookup(u, WH_OPAQUE, &m) == 0) {
				inode_put(m);
				u->iop->unlink(u, WH_OPAQUE, m);
			}
			rc = ovl_clear_whiteouts(u);
			if (rc == 0)
				rc = ud->iop->rmdir(ud, name, u);
		} else {
			rc = ud->iop->unlink(ud, name, OI(victim)->upper);
		}
		if (rc < 0)
			return rc;
	}
	if (lower_visible(dir, name))
		rc = make_whiteout(ud, name);
	copy_attrs(dir);
	victim->nlink = OI(victim)->upper ? OI(victim)->upper->nlink : 0;
	return rc;
}

static int ovl_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	return remove_entry(dir, name, victim, false);
}

static int ovl_rmdir(struct inode *dir, const char *name, struct inode *victim)
{
	int rc = ovl_dir_empty(victim);

	if (rc < 0)
		return rc;
	return remove_entry(dir, name, victim, true);
}

static int ovl_rename(struct inode *odir, const char *oname,
		      struct inode *ndir, const char *nname, unsigned flags)
{
	struct inode *src, *dst = NULL, *ou, *nu;
	bool wh;
	int rc;

	if (reserved(nname))
		return -EPERM;
	rc = ovl_lookup(odir, oname, &src);
	if (rc < 0)
		return rc;
	if (ovl_lookup(ndir, nname, &dst) < 0)
		dst = NULL;
	/* A directory with lower contents cannot move: let mv copy it. */
	rc = -EXDEV;
	if ((S_ISDIR(src->mode) && OI(src)->lower) ||
	    ((flags & RENAME_EXCHANGE) && dst && S_ISDIR(dst->mode) &&
	     OI(dst)->lower))
		goto out;
	if (dst && S_ISDIR(dst->mode) && !(flags & RENAME_EXCHANGE)) {
		rc = ovl_dir_empty(dst);
		if (rc < 0)
			goto out;
	}
	rc = copy_up(src);
	if (rc == 0 && dst && (flags & RENAME_EXCHANGE))
		rc = copy_up(dst);
	if (rc == 0)
		rc = prepare_create(ndir, nname, &wh);
	if (rc < 0)
		goto out;
	if (dst && OI(dst)->upper && S_ISDIR(dst->mode) &&
	    !(flags & RENAME_EXCHANGE))
		rc = ovl_clear_whiteouts(OI(dst)->upper);
	ou = OI(odir)->upper;
	nu = OI(ndir)->upper;
	if (rc == 0)
		rc = ou->iop->rename(ou, oname, nu, nname, flags);
	/* What the lower layer still shows under either name is hidden. */
	if (rc == 0 && !(flags & RENAME_EXCHANGE) && lower_visible(odir, oname))
		rc = make_whiteout(ou, oname);
	copy_attrs(odir);
	copy_attrs(ndir);
out:
	inode_put(src);
	inode_put(dst);
	return rc;
}

/* ---- attributes and links ---- */

static int ovl_getattr(struct inode *inode)
{
	copy_attrs(inode);
	return 0;
}

static int ovl_setattr(struct inode *inode, const struct iattr *a)
{
	struct inode *up;
	int rc = copy_up(inode);

	if (rc < 0)
		return rc;
	up = OI(inode)->upper;
	if (!up->iop->setattr)
		return -EPERM;
	rc = up->iop->setattr(up, a);
	copy_attrs(inode);
	return rc;
}

static ssize_t ovl_readlink(struct inode *inode, char *buf, size_t size)
{
	struct inode *r = real_inode(inode);

	return r->iop->readlink ? r->iop->readlink(r, buf, size) : -EINVAL;
}

static const struct inode_ops ovl_iops = {
	.lookup = ovl_lookup,
	.mknod = ovl_mknod,
	.tmpfile = ovl_tmpfile,
	.mkdir = ovl_mkdir,
	.symlink = ovl_symlink,
	.link = ovl_link,
	.unlink = ovl_unlink,
	.rmdir = ovl_rmdir,
	.rename = ovl_rename,
	.readlink = ovl_readlink,
	.getattr = ovl_getattr,
	.setattr = ovl_setattr,
	.evict = ovl_evict,
	.real = real_inode,
};

/* ---- files: opened on the real inode ---- */

static struct file *real_file(struct file *f)
{
	return f->priv;
}

static int ovl_open(struct inode *inode, struct file *f)
{
	struct inode *r;
	struct file *rf;
	int rc;

	if (f->f_mode & (FMODE_WRITE | FMODE_TRUNC)) {
		rc = copy_up(inode);
		if (rc < 0)
			return rc;
	}
	r = real_inode(inode);
	rf = file_anon(r, f->f_flags);
	rf->f_mode = f->f_mode;
	/*
	 * A backing file, as Linux's: its pages are the real inode's, its
	 * name the overlay path, so that a mapping of it shows in
	 * /proc/PID/maps under the name the guest opened.
	 */
	path_put(&rf->path);
	rf->path = f->path;
	path_get(&rf->path);
	if (rf->fop && rf->fop->open) {
		rc = rf->fop->open(r, rf);
		if (rc < 0) {
			rf->fop = NULL;
			file_put(rf);
			return rc;
		}
	}
	f->priv = rf;
	return 0;
}

static ssize_t ovl_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct file *rf = real_file(f);

	return rf->fop->read ? rf->fop->read(rf, it, pos) : -EINVAL;
}

static ssize_t ovl_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct file *rf = real_file(f);
	ssize_t n;

	rf->f_flags = f->f_flags;
	n = rf->fop->write ? rf->fop->write(rf, it, pos) : -EINVAL;
	copy_attrs(f->f_inode);
	return n;
}

static s64 ovl_llseek(struct file *f, s64 off, int whence)
{
	struct file *rf = real_file(f);
	s64 r;

	copy_attrs(f->f_inode);
	rf->pos = f->pos;
	r = rf->fop->llseek ? rf->fop->llseek(rf, off, whence)
			    : generic_llseek(f, off, whence);
	f->pos = rf->pos;
	return r;
}

static int ovl_fsync(struct file *f, bool datasync)
{
	struct file *rf = real_file(f);

	return rf->fop->fsync ? rf->fop->fsync(rf, datasync) : 0;
}

static int ovl_truncate(struct file *f, u64 size)
{
	struct file *rf = real_file(f);
	struct iattr a = { .valid = ATTR_SIZE, .size = size };
	int rc;

	rc = rf->fop->truncate ? rf->fop->truncate(rf, size)
			       : ovl_setattr(f->f_inode, &a);
	copy_attrs(f->f_inode);
	return rc;
}

static long ovl_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct file *rf = real_file(f);

	return rf->fop->ioctl ? rf->fop->ioctl(rf, cmd, arg) : -ENOTTY;
}

static void ovl_release(struct file *f)
{
	if (f->priv)
		file_put(real_file(f));
}

static struct file *ovl_real(struct file *f)
{
	return real_file(f);
}

static const struct file_ops ovl_fops = {
	.open = ovl_open,
	.read = ovl_read,
	.write = ovl_write,
	.llseek = ovl_llseek,
	.fsync = ovl_fsync,
	.truncate = ovl_truncate,
	.ioctl = ovl_ioctl,
	.release = ovl_release,
	.real = ovl_real,
};

/* ---- directories: a merged listing ---- */

struct dirent_snap {
	u64 ino;
	u8 type;
	char name[];
};

struct dir_snap {
	int n, cap;
	struct dirent_snap **e;
};

struct collect {
	struct dir_context ctx;
	struct dir_snap *snap;
	struct inode *hide_dir;  /* names present here are skipped */
	struct inode *upper;     /* whiteouts here hide lower names */
	int *whiteouts_only;     /* count entries other than whiteouts */
	bool lower;
};

static bool snap_has(struct dir_snap *s, const char *name, int len)
{
	for (int i = 0; i < s->n; i++)
		if (!strncmp(s->e[i]->name, name, len) && !s->e[i]->name[len])
			return true;
	return false;
}

static bool collect_one(struct dir_context *ctx, const char *name, int len,
			u64 ino, unsigned type)
{
	struct collect *c = container_of(ctx, struct collect, ctx);
	struct dirent_snap *e;
	char tmp[NAME_MAX + 1];

	if (len > NAME_MAX)
		return true;
	memcpy(tmp, name, len);
	tmp[len] = 0;
	if (reserved(tmp))
		return true;
	if (c->lower && (snap_has(c->snap, name, len) ||
			 has_whiteout(c->upper, tmp)))
		return true;
	if (c->snap->n == c->snap->cap) {
		c->snap->cap = c->snap->cap ? c->snap->cap * 2 : 32;
		c->snap->e = krealloc(c->snap->e, c->snap->cap * sizeof(*c->snap->e));
	}
	e = kmalloc(sizeof(*e) + len + 1);
	e->ino = ino;
	e->type = (u8)type;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	c->snap->e[c->snap->n++] = e;
	return true;
}

static int list_real(struct inode *dir, struct collect *c)
{
	struct file *rf = file_anon(dir, O_RDONLY | O_DIRECTORY);
	int rc = 0;

	if (rf->fop && rf->fop->open)
		rc = rf->fop->open(dir, rf);
	c->ctx.actor = collect_one;
	c->ctx.pos = 0;
	if (rc == 0)
		rc = rf->fop && rf->fop->iterate ? rf->fop->iterate(rf, &c->ctx)
						 : -ENOTDIR;
	file_put(rf);
	return rc;
}

static void snap_free(struct dir_snap *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		kfree(s->e[i]);
	kfree(s->e);
	kfree(s);
}

/* The merged listing of dir: upper names, then lower names not hidden. */
static int merged_list(struct inode *dir, struct dir_snap **out)
{
	struct ovl_inode *od = OI(dir);
	struct dir_snap *s = kzalloc(sizeof(*s));
	struct collect c = { .snap = s, .upper = od->upper };
	int rc = 0;

	if (od->upper)
		rc = list_real(od->upper, &c);
	if (rc == 0 && od->lower && !od->opaque) {
		c.lower = true;
		rc = list_real(od->lower, &c);
	}
	if (rc < 0) {
		snap_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int ovl_dir_empty(struct inode *dir)
{
	struct dir_snap *s;
	int rc = merged_list(dir, &s), n = 0;

	if (rc < 0)
		return rc;
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->e[i]->name, ".") && strcmp(s->e[i]->name, ".."))
			n++;
	snap_free(s);
	return n ? -ENOTEMPTY : 0;
}

static bool collect_raw(struct dir_context *ctx, const char *name, int len,
			u64 ino, unsigned type)
{
	struct collect *c = container_of(ctx, struct collect, ctx);
	struct dirent_snap *e;

	if (c->snap->n == c->snap->cap) {
		c->snap->cap = c->snap->cap ? c->snap->cap * 2 : 32;
		c->snap->e = krealloc(c->snap->e, c->snap->cap * sizeof(*c->snap->e));
	}
	e = kmalloc(sizeof(*e) + len + 1);
	e->ino = ino;
	e->type = (u8)type;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	c->snap->e[c->snap->n++] = e;
	return true;
}

/* Remove the whiteouts left in an (otherwise empty) upper directory. */
static int ovl_clear_whiteouts(struct inode *upper)
{
	struct dir_snap s = { 0 };
	struct collect c = { .snap = &s };
	struct file *rf = file_anon(upper, O_RDONLY | O_DIRECTORY);
	int rc = 0;

	/* List raw names, whiteouts included. */
	if (rf->fop && rf->fop->open)
		rc = rf->fop->open(upper, rf);
	c.ctx.actor = collect_raw;
	if (rc == 0 && rf->fop->iterate)
		rc = rf->fop->iterate(rf, &c.ctx);
	file_put(rf);
	for (int i = 0; rc == 0 && i < s.n; i++) {
		struct inode *w;

		if (!reserved(s.e[i]->name))
			continue;
		if (real_lookup(upper, s.e[i]->name, &w) == 0) {
			inode_put(w);
			rc = upper->iop->unlink(upper, s.e[i]->name, w);
		}
	}
	for (int i = 0; i < s.n; i++)
		kfree(s.e[i]);
	kfree(s.e);
	return rc;
}

static int ovl_iterate(struct file *f, struct dir_context *ctx)
{
	struct dir_snap *s = f->dir_snap;

	if (!s || ctx->pos == 0) {
		int rc;

		snap_free(s);
		f->dir_snap = NULL;
		rc = merged_list(f->f_inode, &s);
		if (rc < 0)
			return rc;
		f->dir_snap = s;
		f->dir_snap_free = (void (*)(void *))snap_free;
	}
	while (ctx->pos < s->n) {
		struct dirent_snap *e = s->e[ctx->pos];

		if (!ctx->actor(ctx, e->name, (int)strlen(e->name), e->ino,
				e->type))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static int ovl_dir_open(struct inode *inode, struct file *f)
{
	(void)inode, (void)f;
	return 0;
}

static const struct file_ops ovl_dir_fops = {
	.open = ovl_dir_open,
	.iterate = ovl_iterate,
	.llseek = generic_llseek,
};

/* ---- the super block ---- */

static int ovl_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct super_block *upper = sb->priv;
	int rc = upper->ops && upper->ops->statfs ? upper->ops->statfs(upper, st)
						   : 0;

	st->f_type = OVERLAYFS_MAGIC;
	return rc;
}

static const struct super_ops ovl_sops = {
	.statfs = ovl_statfs,
};

struct super_block *overlayfs_create(struct super_block *lower,
				     struct super_block *upper)
{
	struct super_block *sb = sb_alloc("overlay", &ovl_sops);
	struct inode *ur = upper->root->inode, *lr = lower->root->inode, *root;

	sb->magic = OVERLAYFS_MAGIC;
	sb->priv = upper;
	inode_get(ur);
	inode_get(lr);
	root = ovl_new_inode(sb, NULL, "/", ur, lr, false);
	sb->root = dentry_alloc_root(sb, root);
	return sb;
}
