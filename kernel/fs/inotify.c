/*
 * inotify, and the notification hooks the VFS calls (fsnotify.h).
 *
 * An inotify instance (a group) is an anonymous file with a queue of
 * events and a set of marks (watches).  A mark joins one group to one
 * inode: it holds the inode (so it lives while watched), its watch
 * descriptor (allocated cyclically from 1, as Linux's idr does) and its
 * mask.  inode->fsnotify lists the inode's marks.
 *
 * An event on an inode is queued to every group with a mark on it whose
 * mask asks for it.  The queue merges an event identical to the last
 * one queued (not yet read); once it holds max_events, one IN_Q_OVERFLOW
 * event is queued and the rest dropped until it has been read.
 * IN_ONESHOT marks go after their first event; a mark that goes queues
 * IN_IGNORED (inotify_rm_watch, IN_ONESHOT, the inode's deletion).
 *
 * Deletion: IN_DELETE_SELF is sent when a file has no names left and no
 * open file (struct file) either: at unlink, or else at its last close
 * (inode->nfiles counts the open files), as Linux does when the last
 * dentry reference goes.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/abi/files.h"
#include "kernel/abi/misc.h"

#define MAX_QUEUED_EVENTS 16384
#define MAX_USER_INSTANCES 128
#define MAX_USER_WATCHES 192536

#define ALL_INOTIFY_BITS                                                   \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | \
	 IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE |     \
	 IN_ISDIR | IN_ONESHOT)
/* What a mark keeps of the mask it was given. */
#define MARK_BITS (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)

struct fsnotify_marks {
	struct list marks;       /* struct inotify_mark.inode_link */
};

/* Instances and watches per effective uid (Linux's ucounts). */
struct inotify_user {
	uid_t uid;
	int instances, watches;
	struct list link;
};

struct inotify_group {
	struct list events;      /* struct inotify_kevent.link, oldest first */
	unsigned q_len;
	bool overflow_queued;
	struct waitq wait;       /* readers and pollers */
	struct list marks;       /* struct inotify_mark.group_link */
	s32 last_wd;
	struct inotify_user *user;
};

struct inotify_mark {
	struct inotify_group *group;
	struct inode *inode;     /* a reference */
	s32 wd;
	u32 mask;                /* MARK_BITS */
	struct list inode_link, group_link;
};

struct inotify_kevent {
	struct list link;
	s32 wd;
	u32 mask, cookie;
	u32 name_len;            /* strlen(name) */
	char name[];
};

static struct list users = LIST_INIT(users);
static u32 last_cookie;
static struct inode *anon_inode;
static const struct file_ops inotify_fops;

/* ---- queueing events ---- */

static u32 event_size(const struct inotify_kevent *e)
{
	u32 pad = e->name_len ? ALIGN_UP(e->name_len + 1,
					 (u32)sizeof(struct linux_inotify_event))
			      : 0;

	return sizeof(struct linux_inotify_event) + pad;
}

static struct inotify_kevent *kevent_new(s32 wd, u32 mask, u32 cookie,
					 const char *name)
{
	size_t len = name ? strlen(name) : 0;
	struct inotify_kevent *e = kmalloc(sizeof(*e) + len + 1);

	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->name_len = (u32)len;
	memcpy(e->name, name ? name : "", len + 1);
	return e;
}

/* Is e the same as the last event queued (Linux's inotify_merge)? */
static bool merges(struct inotify_group *g, s32 wd, u32 mask,
		   const char *name)
{
	struct inotify_kevent *last;

	if (list_empty(&g->events))
		return false;
	last = list_entry(g->events.prev, struct inotify_kevent, link);
	if (last->mask & IN_IGNORED)
		return false;
	return last->mask == mask && last->wd == wd &&
	       !strcmp(last->name, name ? name : "");
}

static void queue_event(struct inotify_group *g, s32 wd, u32 mask, u32 cookie,
			const char *name, bool merge)
{
	struct inotify_kevent *e;

	if (g->q_len >= MAX_QUEUED_EVENTS) {
		if (g->overflow_queued)
			return;
		g->overflow_queued = true;
		e = kevent_new(-1, IN_Q_OVERFLOW, 0, NULL);
	} else {
		if (merge && merges(g, wd, mask, name))
			return;
		e = kevent_new(wd, mask, cookie, name);
	}
	list_add_tail(&g->events, &e->link);
	g->q_len++;
	wake_up(&g->wait);
}

/* ---- marks ---- */

static struct inotify_user *user_get(uid_t uid)
{
	struct inotify_user *u;

	list_for_each(u, &users, link)
		if (u->uid == uid)
			return u;
	u = kzalloc(sizeof(*u));
	u->uid = uid;
	list_add(&users, &u->link);
	return u;
}

static void user_put(struct inotify_user *u)
{
	if (!u->instances && !u->watches) {
		list_del(&u->link);
		kfree(u);
	}
}

/* Remove m; queue IN_IGNORED for it unless its group is going away. */
static void mark_destroy(struct inotify_mark *m, bool ignored)
{
	struct inotify_group *g = m->group;

	if (ignored)
		queue_event(g, m->wd, IN_IGNORED, 0, NULL, false);
	list_del(&m->inode_link);
	list_del(&m->group_link);
	g->user->watches--;
	inode_put(m->inode);
	kfree(m);
}

static struct inotify_mark *mark_find(struct inotify_group *g,
				      struct inode *inode)
{
	struct inotify_mark *m;

	if (!inode->fsnotify)
		return NULL;
	list_for_each(m, &inode->fsnotify->marks, inode_link)
		if (m->group == g)
			return m;
	return NULL;
}

static int mark_add(struct inotify_group *g, struct inode *inode, u32 mask)
{
	struct inotify_mark *m;

	if (g->user->watches >= MAX_USER_WATCHES)
		return -ENOSPC;
	if (!inode->fsnotify) {
		inode->fsnotify = kzalloc(sizeof(*inode->fsnotify));
		list_init(&inode->fsnotify->marks);
	}
	m = kzalloc(sizeof(*m));
	m->group = g;
	m->inode = inode;
	inode_get(inode);
	m->mask = mask & MARK_BITS;
	g->last_wd = g->last_wd == INT32_MAX ? 1 : g->last_wd + 1;
	m->wd = g->last_wd;
	list_add_tail(&inode->fsnotify->marks, &m->inode_link);
	list_add_tail(&g->marks, &m->group_link);
	g->user->watches++;
	return m->wd;
}

void fsnotify_evict(struct inode *inode)
{
	if (!inode->fsnotify)
		return;
	/* Marks hold their inode: none is left. */
	BUG_ON(!list_empty(&inode->fsnotify->marks));
	kfree(inode->fsnotify);
	inode->fsnotify = NULL;
}

/* ---- delivering events ---- */

static bool watched(struct inode *inode)
{
	return inode && inode->fsnotify && !list_empty(&inode->fsnotify->marks);
}

/*
 * Send an event to the marks of inode: about inode itself (name NULL)
 * or about its entry name (inode is then a directory).  unlinked: the
 * entry is gone (for IN_EXCL_UNLINK).
 */
static void deliver(struct inode *inode, u32 mask, u32 cookie,
		    const char *name, bool unlinked)
{
	struct inotify_mark *m, *tmp;
	u32 out = mask & (IN_ALL_EVENTS | IN_ISDIR);

	if (!watched(inode))
		return;
	/* inotify never reported IN_ISDIR with these two. */
	if (out & (IN_MOVE_SELF | IN_DELETE_SELF))
		out &= ~IN_ISDIR;
	inode_get(inode);
	list_for_each_safe(m, tmp, &inode->fsnotify->marks, inode_link) {
		if (!(mask & m->mask & IN_ALL_EVENTS))
			continue;
		if (name && unlinked && (m->mask & IN_EXCL_UNLINK))
			continue;
		queue_event(m->group, m->wd, out, cookie, name, true);
		if (m->mask & IN_ONESHOT)
			mark_destroy(m, true);
	}
	inode_put(inode);
}

static u32 isdir(struct inode *inode)
{
	return S_ISDIR(inode->mode) ? IN_ISDIR : 0;
}

/* An event about inode itself, for its own marks only. */
static void self_event(struct inode *inode, u32 mask)
{
	deliver(inode, mask | isdir(inode), 0, NULL, false);
}

/* An event on d's file: to its parent's marks (with the name), then its own. */
static void dentry_event(struct dentry *d, u32 mask)
{
	struct inode *inode = d->inode;
	struct dentry *parent = d->parent;

	if (!inode)
		return;
	mask |= isdir(inode);
	if (parent != d && watched(parent->inode))
		deliver(parent->inode, mask, 0, d->name,
			d->flags & DCACHE_DEAD);
	deliver(inode, mask, 0, NULL, false);
}

static void delete_self(struct inode *inode)
{
	struct inotify_mark *m, *tmp;

	if (!watched(inode))
		return;
	inode_get(inode);
	self_event(inode, IN_DELETE_SELF);
	if (inode->fsnotify)
		list_for_each_safe(m, tmp, &inode->fsnotify->marks, inode_link)
			mark_destroy(m, true);
	inode_put(inode);
}

/* After a name of inode went: is the file gone for good? */
static void maybe_delete_self(struct inode *inode)
{
	if (!watched(inode))
		return;
	/* A host file's link count is the host's. */
	if (inode->iop && inode->iop->getattr)
		inode->iop->getattr(inode);
	if (inode->nlink == 0 && inode->nfiles == 0)
		delete_self(inode);
}

void fsnotify_open(struct file *f)
{
	if (!(f->f_mode & FMODE_PATH))
		dentry_event(f->path.dentry, IN_OPEN);
}

void fsnotify_close(struct file *f)
{
	struct inode *inode = f->f_inode;

	/* No fop: an open that failed, or O_PATH; no close event. */
	if (f->fop && !(f->f_mode & FMODE_PATH))
		dentry_event(f->path.dentry, (f->f_mode & FMODE_WRITE)
					     ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
	if (inode->nlink == 0 && inode->nfiles == 0)
		delete_self(inode);
}

void fsnotify_access(struct file *f)
{
	dentry_event(f->path.dentry, IN_ACCESS);
}

void fsnotify_modify(struct file *f)
{
	dentry_event(f->path.dentry, IN_MODIFY);
}

void fsnotify_change(struct dentry *d, unsigned valid)
{
	u32 mask = 0;

	if (valid & (ATTR_UID | ATTR_GID | ATTR_MODE))
		mask |= IN_ATTRIB;
	if (valid & ATTR_SIZE)
		mask |= IN_MODIFY;
	/* Both times: a utime(s) call. */
	if ((valid & (ATTR_ATIME | ATTR_MTIME)) == (ATTR_ATIME | ATTR_MTIME))
		mask |= IN_ATTRIB;
	else if (valid & ATTR_ATIME)
		mask |= IN_ACCESS;
	else if (valid & ATTR_MTIME)
		mask |= IN_MODIFY;
	if (mask)
		dentry_event(d, mask);
}

void fsnotify_attrib(struct dentry *d)
{
	dentry_event(d, IN_ATTRIB);
}

void fsnotify_create(struct inode *dir, const char *name, struct inode *inode)
{
	deliver(dir, IN_CREATE | (inode ? isdir(inode) : 0), 0, name, false);
}

void fsnotify_mkdir(struct inode *dir, const char *name)
{
	deliver(dir, IN_CREATE | IN_ISDIR, 0, name, false);
}

void fsnotify_link(struct inode *dir, const char *name, struct inode *inode)
{
	self_event(inode, IN_ATTRIB);
	deliver(dir, IN_CREATE | isdir(inode), 0, name, false);
}

void fsnotify_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	u32 dirbit = isdir(victim);

	if (!dirbit)
		self_event(victim, IN_ATTRIB);
	maybe_delete_self(victim);
	deliver(dir, IN_DELETE | dirbit, 0, name, false);
}

void fsnotify_move(struct inode *odir, const char *oname, struct inode *ndir,
		   const char *nname, struct inode *moved, struct inode *target)
{
	u32 dirbit = isdir(moved), cookie;

	if (!watched(odir) && !watched(ndir) && !watched(moved) &&
	    !watched(target))
		return;
	cookie = ++last_cookie ? last_cookie : ++last_cookie;
	deliver(odir, IN_MOVED_FROM | dirbit, cookie, oname, false);
	deliver(ndir, IN_MOVED_TO | dirbit, cookie, nname, false);
	if (target)
		self_event(target, IN_ATTRIB);
	self_event(moved, IN_MOVE_SELF);
	if (target)
		maybe_delete_self(target);
}

/* ---- the inotify file ---- */

static struct inotify_group *group_of(struct file *f)
{
	return f->priv;
}

/* Copy e out whole as struct inotify_event and a NUL-padded name. */
static int copy_event(const struct inotify_kevent *e, struct iov_iter *it)
{
	u32 size = event_size(e);
	char buf[sizeof(struct linux_inotify_event) + NAME_MAX + 16];
	struct linux_inotify_event *ev = (void *)buf;

	memset(buf, 0, size);
	ev->wd = e->wd;
	ev->mask = e->mask;
	ev->cookie = e->cookie;
	ev->len = size - sizeof(*ev);
	memcpy(buf + sizeof(*ev), e->name, e->name_len);
	return copy_to_iter(buf, size, it) == size ? 0 : -EFAULT;
}

static ssize_t inotify_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct inotify_group *g = group_of(f);
	size_t done = 0;

	(void)pos;
	for (;;) {
		struct inotify_kevent *e;
		int rc;

		if (!list_empty(&g->events)) {
			u32 size;

			e = list_first(&g->events, struct inotify_kevent, link);
			size = event_size(e);
			if (size > it->count)
				return done ? (ssize_t)done : -EINVAL;
			list_del(&e->link);
			g->q_len--;
			if (e->mask == IN_Q_OVERFLOW && e->wd == -1)
				g->overflow_queued = false;
			rc = copy_event(e, it);
			kfree(e);
			if (rc < 0)
				return rc;
			done += size;
			continue;
		}
		if (done)
			return done;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&g->wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

static int inotify_poll(struct file *f, struct poll_table *pt)
{
	struct inotify_group *g = group_of(f);

	poll_wait(pt, &g->wait);
	return g->q_len ? POLLIN | POLLRDNORM : 0;
}

static long inotify_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct inotify_group *g = group_of(f);
	struct inotify_kevent *e;
	s32 bytes = 0;

	if (cmd != FIONREAD)
		return -ENOTTY;
	list_for_each(e, &g->events, link)
		bytes += (s32)event_size(e);
	return put_user(bytes, arg);
}

static s64 inotify_llseek(struct file *f, s64 off, int whence)
{
	(void)off, (void)whence;
	return (s64)f->pos; /* Linux's noop_llseek */
}

static void inotify_release(struct file *f)
{
	struct inotify_group *g = group_of(f);
	struct inotify_mark *m, *mt;
	struct inotify_kevent *e, *et;

	list_for_each_safe(m, mt, &g->marks, group_link)
		mark_destroy(m, false);
	list_for_each_safe(e, et, &g->events, link)
		kfree(e);
	g->user->instances--;
	user_put(g->user);
	kfree(g);
}

static const struct file_ops inotify_fops = {
	.read = inotify_read,
	.poll = inotify_poll,
	.ioctl = inotify_ioctl,
	.llseek = inotify_llseek,
	.release = inotify_release,
	.read_zero = true,
};

/* ---- system calls ---- */

long sys_inotify_init1(struct task *t, int flags)
{
	struct inotify_user *u;
	struct inotify_group *g;
	struct file *f;
	int fd;

	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	u = user_get(t->proc->cred.euid);
	if (u->instances >= MAX_USER_INSTANCES) {
		user_put(u);
		return -EMFILE;
	}
	if (!anon_inode) {
		anon_inode = inode_alloc(sb_alloc("anon_inodefs", NULL));
		anon_inode->mode = 0600; /* no file type, as Linux's */
		anon_inode->ino = 1;
	}
	g = kzalloc(sizeof(*g));
	list_init(&g->events);
	list_init(&g->marks);
	waitq_init(&g->wait);
	g->user = u;
	u->instances++;
	f = file_anon_named(anon_inode, "anon_inode:inotify",
			    O_RDONLY | (flags & IN_NONBLOCK));
	f->fop = &inotify_fops;
	f->priv = g;
	fd = fd_install(t, f, flags & IN_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_inotify_init(struct task *t)
{
	return sys_inotify_init1(t, 0);
}

/* The group behind fd: 0, -EBADF or -EINVAL (not an inotify fd). */
static int group_get(struct task *t, int fd, struct file **out)
{
	struct file *f = fget_io(t, fd);

	if (!f)
		return -EBADF;
	if (f->fop != &inotify_fops) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

long sys_inotify_add_watch(struct task *t, int fd, uaddr_t upath, u32 mask)
{
	unsigned lookup = LOOKUP_FOLLOW;
	struct inotify_group *g;
	struct inotify_mark *m;
	struct nameidata nd;
	struct inode *inode;
	struct file *f;
	long rc;

	if ((mask & ~ALL_INOTIFY_BITS) || !(mask & ALL_INOTIFY_BITS))
		return -EINVAL;
	f = fget_io(t, fd);
	if (!f)
		return -EBADF;
	rc = -EINVAL;
	if (((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE)) ||
	    f->fop != &inotify_fops)
		goto out;
	g = group_of(f);
	if (mask & IN_DONT_FOLLOW)
		lookup = 0;
	if (mask & IN_ONLYDIR)
		lookup |= LOOKUP_DIRECTORY;
	rc = user_path_walk(t, AT_FDCWD, upath, lookup, &nd);
	if (rc < 0)
		goto out;
	inode = nd.path.dentry->inode;
	rc = inode_permission(t, inode, MAY_READ);
	if (rc == 0) {
		m = mark_find(g, inode);
		if (!m) {
			rc = mark_add(g, inode, mask);
		} else if (mask & IN_MASK_CREATE) {
			rc = -EEXIST;
		} else {
			m->mask = (mask & IN_MASK_ADD) ? m->mask | (mask & MARK_BITS)
						       : mask & MARK_BITS;
			rc = m->wd;
		}
	}
	path_put(&nd.path);
out:
	file_put(f);
	return rc;
}

long sys_inotify_rm_watch(struct task *t, int fd, s32 wd)
{
	struct inotify_mark *m, *found = NULL;
	struct inotify_group *g;
	struct file *f;
	long rc = group_get(t, fd, &f);

	if (rc < 0)
		return rc;
	g = group_of(f);
	list_for_each(m, &g->marks, group_link)
		if (m->wd == wd)
			found = m;
	if (found)
		mark_destroy(found, true);
	else
		rc = -EINVAL;
	file_put(f);
	return rc;
}
