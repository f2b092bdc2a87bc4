/*
 * VFS objects: super blocks, inodes, dentries, mounts, paths and the
 * per-process fs_struct.  See vfs.h for the reference rules.
 */
#include "kernel/kernel.h"
#include "kernel/fs/vfs.h"

struct list mount_list = LIST_INIT(mount_list);
struct path root_path;
/* The FIFO operations, from pipe.c (pipe_init). */
const struct file_ops *fifo_fops;
static int next_mount_id = 20;
static u64 next_anon_dev = 0x30;

u64 sb_new_dev(void)
{
	return makedev_linux(0, (u32)next_anon_dev++);
}

struct super_block *sb_alloc(const char *type, const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	sb->type = type;
	sb->ops = ops;
	sb->dev = sb_new_dev();
	sb->next_ino = 2;
	return sb;
}

/* ---- inodes ---- */

struct inode *inode_alloc(struct super_block *sb)
{
	struct inode *inode = kzalloc(sizeof(*inode));

	inode->sb = sb;
	inode->refcount = 1;
	inode->nlink = 1;
	waitq_init(&inode->wait);
	list_init(&inode->hash_link);
	return inode;
}

void inode_get(struct inode *inode)
{
	inode->refcount++;
}

void inode_put(struct inode *inode)
{
	if (!inode || --inode->refcount)
		return;
	if (inode->iop && inode->iop->evict)
		inode->iop->evict(inode);
	inode_features_evict(inode);
	pagemap_free(&inode->pages);
	kfree(inode);
}

extern const struct file_ops chrdev_fops;

void inode_init_special(struct inode *inode, mode_t mode, u64 rdev)
{
	inode->mode = mode;
	inode->rdev = rdev;
	if (S_ISCHR(mode))
		inode->fop = &chrdev_fops;
	else if (S_ISFIFO(mode))
		inode->fop = fifo_fops;
	else
		inode->fop = NULL; /* block devices and sockets: ENXIO */
}

/* ---- dentries ---- */

/* Findable dentries, by (parent, name): a walk must not scan a big
   directory's children one by one. */
#define DHASH_SIZE 4096
static struct list dhash[DHASH_SIZE];

static struct list *dhash_bucket(struct dentry *parent, const char *name)
{
	struct list *b = &dhash[hash_name(parent, name) % DHASH_SIZE];

	if (!b->next)
		list_init(b);
	return b;
}

static void dhash_add(struct dentry *d)
{
	list_add(dhash_bucket(d->parent, d->name), &d->hash_link);
}

static void dhash_del(struct dentry *d)
{
	list_del(&d->hash_link);
}

static struct dentry *d_alloc(struct dentry *parent, const char *name,
			      struct inode *inode)
{
	struct dentry *d = kzalloc(sizeof(*d));

	d->name = kstrdup(name);
	d->inode = inode;
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->hash_link);
	if (parent) {
		d->parent = parent;
		d->sb = parent->sb;
		dget(parent);
		list_add_tail(&parent->children, &d->sibling);
		dhash_add(d);
	} else {
		d->parent = d;
		list_init(&d->sibling);
	}
	return d;
}

struct dentry *d_alloc_detached(struct dentry *parent, const char *name,
				struct inode *inode)
{
	struct dentry *d = d_alloc(parent, name, inode);

	/* Not findable by name: freed as soon as its last user goes. */
	list_del(&d->sibling);
	list_init(&d->sibling);
	dhash_del(d);
	d->flags |= DCACHE_DEAD;
	return d;
}

struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = d_alloc(NULL, "/", inode);

	d->sb = sb;
	return d;
}

void dget(struct dentry *d)
{
	d->refcount++;
}

static void d_free(struct dentry *d)
{
	struct dentry *parent = d->parent;

	list_del(&d->sibling);
	dhash_del(d);
	inode_put(d->inode);
	kfree(d->name);
	kfree(d);
	if (parent != d)
		dput(parent);
}

void dput(struct dentry *d)
{
	if (!d)
		return;
	BUG_ON(d->refcount <= 0);
	if (--d->refcount)
		return;
	/* Unused dentries stay cached unless they were dropped. */
	if ((d->flags & DCACHE_DEAD) && list_empty(&d->children))
		d_free(d);
}

struct dentry *d_child(struct dentry *dir, const char *name)
{
	struct list *b = dhash_bucket(dir, name);
	struct dentry *d;

	list_for_each(d, b, hash_link)
		if (d->parent == dir && !strcmp(d->name, name))
			return d;
	return NULL;
}

/* Remove d from the cache; it is freed when its last user goes. */
static void d_drop(struct dentry *d)
{
	if (d->flags & DCACHE_DEAD)
		return;
	d->flags |= DCACHE_DEAD;
	list_del(&d->sibling);
	list_init(&d->sibling);
	dhash_del(d);
	if (!d->refcount) {
		d->refcount = 1;
		dput(d);
	}
}

/* Re-parent d under new_parent as name (d keeps its inode). */
static void d_reparent(struct dentry *d, struct dentry *new_parent,
		       const char *name)
{
	struct dentry *old_parent = d->parent;
	char *copy = kstrdup(name);

	list_del(&d->sibling);
	dhash_del(d);
	kfree(d->name);
	d->name = copy;
	if (new_parent != old_parent) {
		dget(new_parent);
		d->parent = new_parent;
	}
	list_add_tail(&new_parent->children, &d->sibling);
	dhash_add(d);
	if (new_parent != old_parent)
		dput(old_parent);
}

void d_move(struct dentry *d, struct dentry *target)
{
	struct dentry *parent = target->parent;
	char *name = kstrdup(target->name);

	d_drop(target);
	d_reparent(d, parent, name);
	kfree(name);
}

void d_exchange(struct dentry *a, struct dentry *b)
{
	struct dentry *pa = a->parent, *pb = b->parent;
	char *na = kstrdup(a->name), *nb = kstrdup(b->name);

	dget(pa);
	dget(pb);
	d_reparent(a, pb, nb);
	d_reparent(b, pa, na);
	dput(pa);
	dput(pb);
	kfree(na);
	kfree(nb);
}

void d_drop_child(struct dentry *parent, const char *name)
{
	struct dentry *d = d_child(parent, name);

	if (d)
		d_drop(d);
}

/*
 * The child name of dir, from the cache or the file system; negative
 * dentries are returned too.  0 with a reference, or -errno.
 */
int d_lookup(struct dentry *dir, const char *name, struct dentry **out)
{
	struct inode *idir = dir->inode, *inode = NULL;
	struct dentry *d = d_child(dir, name);
	int rc;

	if (d && idir->iop->revalidate &&
	    !idir->iop->revalidate(idir, name, d->inode)) {
		d_drop(d);
		d = NULL;
	}
	if (d) {
		dget(d);
		*out = d;
		return 0;
	}
	if (!idir->iop->lookup)
		return -ENOENT;
	rc = idir->iop->lookup(idir, name, &inode);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	*out = d_alloc(dir, name, rc < 0 ? NULL : inode);
	return 0;
}

/* ---- mounts ---- */

void path_get(const struct path *p)
{
	dget(p->dentry);
	p->mnt->refcount++;
}

static void mount_free(struct mount *m)
{
	dput(m->root);
	m->sb->refcount--;
	kfree(m);
}

void path_put(const struct path *p)
{
	dput(p->dentry);
	/* Only a detached mount (umount2 MNT_DETACH) can reach zero. */
	if (--p->mnt->refcount == 0)
		mount_free(p->mnt);
}

bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

static struct mount *mount_alloc(struct super_block *sb, unsigned flags)
{
	struct mount *m = kzalloc(sizeof(*m));

	m->sb = sb;
	m->root = sb->root;
	dget(m->root);
	m->flags = flags;
	m->id = next_mount_id++;
	m->refcount = 1;
	sb->refcount++;
	return m;
}

struct mount *mount_root(struct super_block *sb, unsigned flags)
{
	struct mount *m = mount_alloc(sb, flags);

	m->parent = m;
	m->mountpoint = m->root;
	dget(m->mountpoint);
	list_add_tail(&mount_list, &m->link);
	root_path.mnt = m;
	root_path.dentry = m->root;
	path_get(&root_path);
	return m;
}

int do_mount_sb(struct super_block *sb, const struct path *where,
		unsigned flags, struct mount **out)
{
	struct mount *m;

	if (!where->dentry->inode || !S_ISDIR(where->dentry->inode->mode))
		return -ENOTDIR;
	m = mount_alloc(sb, flags);
	m->parent = where->mnt;
	m->mountpoint = where->dentry;
	dget(m->mountpoint);
	where->mnt->refcount++;
	where->dentry->flags |= DCACHE_MOUNTED;
	list_add_tail(&mount_list, &m->link);
	if (out)
		*out = m;
	return 0;
}

void umount_tree(struct mount *m)
{
	struct mount *c;
	bool again = true;

	while (again) {
		again = false;
		list_for_each(c, &mount_list, link) {
			if (c->parent == m && c != m) {
				umount_tree(c);
				again = true;
				break;
			}
		}
	}
	list_del(&m->link);
	if (!mount_lookup(m->parent, m->mountpoint))
		m->mountpoint->flags &= ~DCACHE_MOUNTED;
	dput(m->mountpoint);
	m->parent->refcount--;
	m->parent = m;
	m->mountpoint = m->root;
	dget(m->root);
	if (--m->refcount == 0)
		mount_free(m);
}

struct mount *mount_lookup(struct mount *parent, struct dentry *d)
{
	struct mount *m, *found = NULL;

	/* The latest mount on a point hides the earlier ones. */
	list_for_each(m, &mount_list, link)
		if (m->parent == parent && m->mountpoint == d && m != parent)
			found = m;
	return found;
}

/* ---- fs_struct ---- */

struct fs_struct *fs_create(const struct path *root)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	fs->refcount = 1;
	fs->root = *root;
	fs->cwd = *root;
	path_get(root);
	path_get(root);
	fs->umask = 022;
	return fs;
}

struct fs_struct *fs_dup(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	*fs = *old;
	fs->refcount = 1;
	path_get(&fs->root);
	path_get(&fs->cwd);
	return fs;
}

void fs_put(struct fs_struct *fs)
{
	if (--fs->refcount)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}
