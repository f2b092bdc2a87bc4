/*
 * File locks: flock(2), POSIX record locks (fcntl F_SETLK...) and open
 * file description locks (F_OFD_SETLK...), as Linux keeps them.
 *
 * Every lock lives on its inode (inode->flctx, made on first use):
 *
 *  flock     whole-file, owned by the open file description; released
 *            when its last reference goes.  Converting a lock drops the
 *            old one first (not atomic, as on Linux).
 *  POSIX     byte ranges owned by a descriptor table (struct files: a
 *            process and the threads that share it), with the setter's
 *            pid for F_GETLK.  A process's locks on a file all go when it
 *            closes any descriptor of that file, or exits.  Same-owner
 *            ranges never overlap; same-type neighbours are merged.
 *  OFD       the same byte ranges, in the same list, conflicting with
 *            POSIX locks, but owned by the open file description.
 *
 * The POSIX list keeps each owner's locks together, sorted by start, in
 * the order owners first locked, so F_GETLK answers with the lock Linux
 * would.  Blocked F_SETLKW and flock callers sleep on the inode's queue
 * and try again after every change.  A blocked POSIX (not OFD) request
 * is recorded with the owner it waits for, so that a request that would
 * close a cycle of waiting owners fails with EDEADLK.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/files.h"
#include "kernel/fs/locks.h"
#include "kernel/fs/fsnotify.h"
#include "kernel/fs/xattr.h"

#define OFFSET_MAX ((u64)INT64_MAX)
#define MAX_DEADLK_ITERATIONS 10

struct file_lock {
	struct list link;  /* ctx->flocks or ctx->posix */
	int type;          /* F_RDLCK or F_WRLCK (F_UNLCK in requests) */
	bool ofd;
	void *owner;       /* flock, OFD: struct file; POSIX: struct files */
	pid_t pid;         /* POSIX: the setter's process, for F_GETLK */
	u64 start, end;    /* inclusive; end OFFSET_MAX: to the end */
};

struct file_lock_ctx {
	struct list flocks;
	struct list posix;
	struct waitq wait; /* blocked requests; woken on every release */
};

/* A POSIX request asleep: owner waits for blocker to unlock. */
struct lock_waiter {
	void *owner, *blocker;
	struct list link;
};

static struct list blocked = LIST_INIT(blocked);

static struct file_lock_ctx *ctx_get(struct inode *inode)
{
	struct file_lock_ctx *ctx = inode->flctx;

	if (!ctx) {
		ctx = kzalloc(sizeof(*ctx));
		list_init(&ctx->flocks);
		list_init(&ctx->posix);
		waitq_init(&ctx->wait);
		inode->flctx = ctx;
	}
	return ctx;
}

static void lock_free(struct file_lock *fl)
{
	list_del(&fl->link);
	kfree(fl);
}

static bool conflict_types(int a, int b)
{
	return a == F_WRLCK || b == F_WRLCK;
}

static int sleep_for_lock(struct file_lock_ctx *ctx)
{
	return sleep_on(&ctx->wait, true, 0) == -EINTR ? -ERESTARTSYS : 0;
}

/* ---- flock ---- */

static int flock_lock(struct file *f, int type, bool wait)
{
	struct file_lock_ctx *ctx = ctx_get(f->f_inode);
	struct file_lock *fl, *mine = NULL;

	list_for_each(fl, &ctx->flocks, link)
		if (fl->owner == f)
			mine = fl;
	if (mine) {
		if (mine->type == type)
			return 0;
		lock_free(mine);
		wake_up(&ctx->wait);
	}
	if (type == F_UNLCK)
		return 0;
	for (;;) {
		bool busy = false;
		int rc;

		list_for_each(fl, &ctx->flocks, link)
			if (fl->owner != f && conflict_types(fl->type, type))
				busy = true;
		if (!busy)
			break;
		if (!wait)
			return -EWOULDBLOCK;
		rc = sleep_for_lock(ctx);
		if (rc < 0)
			return rc;
	}
	fl = kzalloc(sizeof(*fl));
	fl->type = type;
	fl->owner = f;
	list_add_tail(&ctx->flocks, &fl->link);
	return 0;
}

long sys_flock(struct task *t, unsigned fd, unsigned cmd)
{
	struct file *f;
	int type;
	long rc;

	/* LOCK_MAND is ignored now, as Linux does, whatever the fd. */
	if (cmd & LOCK_MAND)
		return 0;
	switch (cmd & ~LOCK_NB) {
	case LOCK_SH: type = F_RDLCK; break;
	case LOCK_EX: type = F_WRLCK; break;
	case LOCK_UN: type = F_UNLCK; break;
	default: return -EINVAL;
	}
	f = fget_io(t, (int)fd);
	if (!f)
		return -EBADF;
	if (type != F_UNLCK && !(f->f_mode & (FMODE_READ | FMODE_WRITE)))
		rc = -EBADF;
	else
		rc = flock_lock(f, type, !(cmd & LOCK_NB));
	file_put(f);
	return rc;
}

/* ---- POSIX and OFD byte-range locks ---- */

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/* Overlapping or adjacent (end + 1 never overflows a u64 here). */
static bool touch(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end + 1 && b->start <= a->end + 1;
}

/* What blocks req (a set request, or a test for F_GETLK), or NULL. */
static struct file_lock *posix_conflict(struct file_lock_ctx *ctx,
					const struct file_lock *req)
{
	struct file_lock *fl;

	list_for_each(fl, &ctx->posix, link) {
		if (!overlap(fl, req))
			continue;
		if (req->type == F_UNLCK) {
			/* F_OFD_GETLK with F_UNLCK: the caller's own locks. */
			if (fl->owner == req->owner)
				return fl;
		} else if (fl->owner != req->owner &&
			   conflict_types(fl->type, req->type)) {
			return fl;
		}
	}
	return NULL;
}

/* Does a sleeping owner chain from blocker lead back to owner? */
static bool posix_deadlock(void *owner, void *blocker)
{
	for (int i = 0; i <= MAX_DEADLK_ITERATIONS; i++) {
		struct lock_waiter *w, *found = NULL;

		list_for_each(w, &blocked, link) {
			if (w->owner == blocker) {
				found = w;
				break;
			}
		}
		if (!found)
			return false;
		blocker = found->blocker;
		if (blocker == owner)
			return true;
	}
	return false;
}

/* Insert fl among its owner's locks, sorted; a new owner goes last. */
static void posix_insert(struct file_lock_ctx *ctx, struct file_lock *fl)
{
	struct file_lock *l, *after = NULL;

	list_for_each(l, &ctx->posix, link) {
		if (l->owner != fl->owner)
			continue;
		if (l->start > fl->start) {
			list_add_tail(&l->link, &fl->link); /* before l */
			return;
		}
		after = l;
	}
	if (after)
		list_add(&after->link, &fl->link);
	else
		list_add_tail(&ctx->posix, &fl->link);
}

static struct file_lock *lock_piece(const struct file_lock *from, u64 start,
				    u64 end)
{
	struct file_lock *fl = kmalloc(sizeof(*fl));

	*fl = *from;
	fl->start = start;
	fl->end = end;
	list_init(&fl->link);
	return fl;
}

/*
 * Make req's range of its owner req->type (F_UNLCK: unlocked): merge
 * with same-type neighbours, cut what it covers out of the others.
 */
static void posix_apply(struct file_lock_ctx *ctx, const struct file_lock *req)
{
	struct file_lock *fl, *tmp, *pieces[2];
	struct file_lock merged = *req;
	int npieces = 0;

	list_for_each_safe(fl, tmp, &ctx->posix, link) {
		if (fl->owner != req->owner)
			continue;
		if (req->type != F_UNLCK && fl->type == req->type &&
		    touch(fl, req)) {
			merged.start = MIN(merged.start, fl->start);
			merged.end = MAX(merged.end, fl->end);
			lock_free(fl);
		} else if (overlap(fl, req)) {
			if (fl->start < req->start)
				pieces[npieces++] = lock_piece(fl, fl->start,
							      req->start - 1);
			if (fl->end > req->end)
				pieces[npieces++] = lock_piece(fl, req->end + 1,
							      fl->end);
			lock_free(fl);
		}
		/* One lock can be cut in two only if it holds all of req. */
		BUG_ON(npieces > 2);
	}
	for (int i = 0; i < npieces; i++)
		posix_insert(ctx, pieces[i]);
	if (req->type != F_UNLCK)
		posix_insert(ctx, lock_piece(&merged, merged.start, merged.end));
}

static int posix_lock(struct inode *inode, struct file_lock *req, bool wait)
{
	struct file_lock_ctx *ctx = ctx_get(inode);

	for (;;) {
		struct file_lock *c = req->type == F_UNLCK ? NULL
							   : posix_conflict(ctx, req);
		struct lock_waiter w;
		int rc;

		if (!c)
			break;
		if (!wait)
			return -EAGAIN;
		if (!req->ofd && posix_deadlock(req->owner, c->owner))
			return -EDEADLK;
		w.owner = req->owner;
		w.blocker = c->owner;
		if (!req->ofd)
			list_add_tail(&blocked, &w.link);
		rc = sleep_for_lock(ctx);
		if (!req->ofd)
			list_del(&w.link);
		if (rc < 0)
			return rc;
	}
	posix_apply(ctx, req);
	wake_up(&ctx->wait);
	return 0;
}

/* struct flock -> req (Linux's flock64_to_posix_lock, errno for errno). */
static int flock_to_lock(struct file *f, const struct linux_flock *l,
			 struct file_lock *req)
{
	s64 start;

	switch (l->l_whence) {
	case SEEK_SET: start = 0; break;
	case SEEK_CUR: start = (s64)f->pos; break;
	case SEEK_END: start = (s64)f->f_inode->size; break;
	default: return -EINVAL;
	}
	if (l->l_start > INT64_MAX - start)
		return -EOVERFLOW;
	start += l->l_start;
	if (start < 0)
		return -EINVAL;
	if (l->l_len > 0) {
		if (l->l_len - 1 > INT64_MAX - start)
			return -EOVERFLOW;
		req->start = (u64)start;
		req->end = (u64)start + (u64)(l->l_len - 1);
	} else if (l->l_len < 0) {
		/* l_len is at least INT64_MIN and start >= 0: no overflow. */
		if (start + l->l_len < 0)
			return -EINVAL;
		req->end = (u64)start - 1;
		req->start = (u64)(start + l->l_len);
	} else {
		req->start = (u64)start;
		req->end = OFFSET_MAX;
	}
	if (l->l_type != F_RDLCK && l->l_type != F_WRLCK && l->l_type != F_UNLCK)
		return -EINVAL;
	req->type = l->l_type;
	return 0;
}

static int fcntl_getlk(struct task *t, struct file *f, int cmd,
		       struct linux_flock *l)
{
	struct file_lock req = { .owner = t->files, .pid = t->proc->pid };
	struct file_lock *c;
	int rc;

	if (cmd != F_OFD_GETLK && l->l_type != F_RDLCK && l->l_type != F_WRLCK)
		return -EINVAL;
	rc = flock_to_lock(f, l, &req);
	if (rc < 0)
		return rc;
	if (cmd == F_OFD_GETLK) {
		if (l->l_pid != 0)
			return -EINVAL;
		req.ofd = true;
		req.owner = f;
	}
	c = f->f_inode->flctx ? posix_conflict(f->f_inode->flctx, &req) : NULL;
	if (!c) {
		l->l_type = F_UNLCK;
		return 0;
	}
	l->l_type = (s16)c->type;
	l->l_whence = SEEK_SET;
	l->l_start = (s64)c->start;
	l->l_len = c->end == OFFSET_MAX ? 0 : (s64)(c->end - c->start + 1);
	l->l_pid = c->ofd ? -1 : c->pid;
	return 0;
}

static int fcntl_setlk(struct task *t, struct file *f, int cmd,
		       const struct linux_flock *l)
{
	struct file_lock req = { .owner = t->files, .pid = t->proc->pid };
	int rc = flock_to_lock(f, l, &req);

	if (rc < 0)
		return rc;
	if ((req.type == F_RDLCK && !(f->f_mode & FMODE_READ)) ||
	    (req.type == F_WRLCK && !(f->f_mode & FMODE_WRITE)))
		return -EBADF;
	if (cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW) {
		if (l->l_pid != 0)
			return -EINVAL;
		req.ofd = true;
		req.owner = f;
		req.pid = 0;
	}
	return posix_lock(f->f_inode, &req,
			  cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

long fcntl_lock(struct task *t, struct file *f, int cmd, uaddr_t arg)
{
	struct linux_flock l;
	int rc;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		rc = fcntl_getlk(t, f, cmd, &l);
		if (rc == 0 && copy_to_user(arg, &l, sizeof(l)))
			rc = -EFAULT;
		return rc;
	}
	return fcntl_setlk(t, f, cmd, &l);
}

/* ---- release ---- */

void locks_remove_posix(struct file *f, struct files *owner)
{
	struct file_lock_ctx *ctx = f->f_inode->flctx;
	struct file_lock *fl, *tmp;
	bool any = false;

	if (!ctx)
		return;
	list_for_each_safe(fl, tmp, &ctx->posix, link) {
		if (fl->owner == owner && !fl->ofd) {
			lock_free(fl);
			any = true;
		}
	}
	if (any)
		wake_up(&ctx->wait);
}

void locks_remove_file(struct file *f)
{
	struct file_lock_ctx *ctx = f->f_inode->flctx;
	struct file_lock *fl, *tmp;
	bool any = false;

	if (!ctx)
		return;
	list_for_each_safe(fl, tmp, &ctx->flocks, link) {
		if (fl->owner == f) {
			lock_free(fl);
			any = true;
		}
	}
	list_for_each_safe(fl, tmp, &ctx->posix, link) {
		if (fl->owner == f) {
			lock_free(fl);
			any = true;
		}
	}
	if (any)
		wake_up(&ctx->wait);
}

static void locks_evict(struct inode *inode)
{
	struct file_lock_ctx *ctx = inode->flctx;
	struct file_lock *fl, *tmp;

	if (!ctx)
		return;
	/* Every lock belongs to an open file, which holds the inode. */
	BUG_ON(!list_empty(&ctx->wait.waiters));
	list_for_each_safe(fl, tmp, &ctx->flocks, link)
		lock_free(fl);
	list_for_each_safe(fl, tmp, &ctx->posix, link)
		lock_free(fl);
	kfree(ctx);
	inode->flctx = NULL;
}

void inode_features_evict(struct inode *inode)
{
	locks_evict(inode);
	fsnotify_evict(inode);
	xattr_evict(inode);
}
