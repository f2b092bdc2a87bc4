/*
 * epoll: an interest set of (file, fd) pairs and a ready list.
 *
 * In a nutshell, as Linux's eventpoll:
 *  - EPOLL_CTL_ADD polls the file once with a poll table to learn its
 *    wait queues, and hangs a callback waiter on each.  A wake-up of
 *    one of them puts the item on the ready list (unless the wake-up's
 *    key names only events the item does not want) and wakes the
 *    epoll's own queue: tasks in epoll_wait, and epolls watching this
 *    one.
 *  - epoll_wait takes the ready list, polls each item's file again
 *    and reports what is really there.  A level-triggered item goes
 *    back on the list, to be polled again by the next call; an
 *    edge-triggered one waits for the next wake-up; a one-shot one is
 *    disabled until EPOLL_CTL_MOD.
 *  - An item holds no reference to its file: the last close of a file
 *    drops it from every set (eventpoll_release, from file_put), and
 *    closing an epoll drops all its items.
 *  - Epolls may watch epolls, without loops and at most EP_MAX_NESTS
 *    deep (ELOOP), checked when an epoll is added.
 *
 * EPOLLEXCLUSIVE is accepted with Linux's checks but wakes every
 * waiter; EPOLLWAKEUP means nothing here.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/event.h"
#include "kernel/abi/event.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
				EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4
#define EP_MAX_EVENTS (0x7fffffff / sizeof(struct linux_epoll_event))
#define EP_MIN_BUCKETS 16

struct eventpoll {
	struct list *buckets;   /* struct epitem.hlink, by (file, fd) */
	unsigned nbuckets, nitems;
	struct list ready;      /* struct epitem.rdlink */
	struct waitq wait;      /* epoll_wait sleepers; epolls watching us */
	struct file *file;      /* our own file (not a reference) */
	unsigned gen;           /* loop check: visited in generation gen */
	int depth;              /* loop check: the depth found then */
};

struct epitem;

struct epwait {
	struct waiter w;        /* on one of the file's wait queues */
	struct epitem *item;
};

struct epitem {
	struct eventpoll *ep;
	struct file *file;      /* watched; not a reference */
	int fd;
	u32 events;             /* EPOLL* asked for, with ERR and HUP */
	u64 data;
	bool ready;             /* on ep->ready (or a list taken from it) */
	struct list rdlink;
	struct list hlink;      /* ep->buckets */
	struct list flink;      /* *file->f_ep */
	int nwait;
	struct epwait *waits;
};

static const struct file_ops eventpoll_fops;
/* For polls that only look: drivers may arm interrupts on it. */
static struct poll_table scratch;
static unsigned loop_gen;

static bool is_epoll(struct file *f)
{
	return f->fop == &eventpoll_fops;
}

static bool can_poll(struct file *f)
{
	return f->fop && f->fop->poll;
}

/* ---- the interest set ---- */

static struct list *bucket(struct eventpoll *ep, struct file *f, int fd)
{
	u64 h = ((u64)(uintptr_t)f >> 4) * 31 + (u32)fd;

	return &ep->buckets[h % ep->nbuckets];
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;

	list_for_each(epi, bucket(ep, f, fd), hlink)
		if (epi->file == f && epi->fd == fd)
			return epi;
	return NULL;
}

static void ep_rehash(struct eventpoll *ep, unsigned n)
{
	struct list *old = ep->buckets;
	unsigned oldn = ep->nbuckets;

	ep->buckets = kmalloc(n * sizeof(*ep->buckets));
	ep->nbuckets = n;
	for (unsigned i = 0; i < n; i++)
		list_init(&ep->buckets[i]);
	for (unsigned i = 0; i < oldn; i++) {
		while (!list_empty(&old[i])) {
			struct epitem *epi = list_first(&old[i], struct epitem,
							hlink);

			list_del(&epi->hlink);
			list_add(bucket(ep, epi->file, epi->fd), &epi->hlink);
		}
	}
	kfree(old);
}

/* Poll epi's file for what epi wants, without registering. */
static unsigned item_poll(struct epitem *epi)
{
	scratch.n = 0;
	return (unsigned)epi->file->fop->poll(epi->file, &scratch) &
	       epi->events;
}

static void mark_ready(struct epitem *epi)
{
	if (epi->ready)
		return;
	epi->ready = true;
	list_add_tail(&epi->ep->ready, &epi->rdlink);
}

/* A wait queue of epi's file was woken with key. */
static void ep_callback(struct waiter *w, unsigned key)
{
	struct epitem *epi = container_of(w, struct epwait, w)->item;

	if (!(epi->events & ~EP_PRIVATE_BITS))
		return; /* disabled by EPOLLONESHOT */
	if (key && !(key & epi->events))
		return;
	mark_ready(epi);
	wake_up_key(&epi->ep->wait, POLLIN);
}

static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	for (int i = 0; i < epi->nwait; i++)
		list_del(&epi->waits[i].w.link);
	kfree(epi->waits);
	list_del(&epi->flink);
	if (list_empty(epi->file->f_ep)) {
		kfree(epi->file->f_ep);
		epi->file->f_ep = NULL;
	}
	if (epi->ready)
		list_del(&epi->rdlink);
	list_del(&epi->hlink);
	ep->nitems--;
	kfree(epi);
}

static int ep_insert(struct eventpoll *ep, const struct linux_epoll_event *ev,
		     struct file *f, int fd)
{
	struct epitem *epi = kzalloc(sizeof(*epi));
	struct poll_table pt = { 0 };
	unsigned mask;

	if (ep->nitems >= 2 * ep->nbuckets)
		ep_rehash(ep, ep->nbuckets * 2);
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events;
	epi->data = ev->data;
	list_init(&epi->rdlink);
	list_add(bucket(ep, f, fd), &epi->hlink);
	ep->nitems++;
	if (!f->f_ep) {
		f->f_ep = kmalloc(sizeof(*f->f_ep));
		list_init(f->f_ep);
	}
	list_add_tail(f->f_ep, &epi->flink);
	mask = (unsigned)f->fop->poll(f, &pt) & epi->events;
	epi->nwait = pt.n;
	epi->waits = kzalloc((pt.n ? pt.n : 1) * sizeof(*epi->waits));
	for (int i = 0; i < pt.n; i++) {
		epi->waits[i].item = epi;
		waitq_add_callback(pt.wq[i], &epi->waits[i].w, ep_callback);
	}
	poll_table_free(&pt);
	if (mask) {
		mark_ready(epi);
		wake_up_key(&ep->wait, POLLIN);
	}
	return 0;
}

static void ep_modify(struct eventpoll *ep, struct epitem *epi,
		      const struct linux_epoll_event *ev)
{
	epi->events = ev->events;
	epi->data = ev->data;
	if (item_poll(epi) && !epi->ready) {
		mark_ready(epi);
		wake_up_key(&ep->wait, POLLIN);
	}
}

void eventpoll_release(struct file *f)
{
	while (f->f_ep) {
		struct epitem *epi = list_first(f->f_ep, struct epitem, flink);

		ep_remove(epi->ep, epi);
	}
}

/* ---- loops and depth ---- */

/* How deep epolls nest below ep; EP_MAX_NESTS + 1 if into is reached. */
static int depth_below(struct eventpoll *ep, struct eventpoll *into, int depth)
{
	int result = 0;

	if (ep->gen == loop_gen)
		return ep->depth;
	ep->gen = loop_gen;
	for (unsigned i = 0; i < ep->nbuckets && result <= EP_MAX_NESTS; i++) {
		struct epitem *epi;

		list_for_each(epi, &ep->buckets[i], hlink) {
			struct eventpoll *sub;

			if (!is_epoll(epi->file))
				continue;
			sub = epi->file->priv;
			if (sub == into || depth > EP_MAX_NESTS)
				result = EP_MAX_NESTS + 1;
			else
				result = MAX(result,
					     depth_below(sub, into, depth + 1) + 1);
			if (result > EP_MAX_NESTS)
				break;
		}
	}
	ep->depth = result;
	return result;
}

/* How many epolls above ep watch it, at most, in a chain. */
static int depth_above(struct eventpoll *ep, int depth)
{
	struct epitem *epi;
	int result = 0;

	if (!ep->file->f_ep || depth > EP_MAX_NESTS)
		return 0;
	list_for_each(epi, ep->file->f_ep, flink)
		result = MAX(result, depth_above(epi->ep, depth + 1) + 1);
	return result;
}

/* May epoll to be added to ep?  (no loop, not too deep) */
static bool loop_ok(struct eventpoll *ep, struct eventpoll *to)
{
	int down;

	loop_gen++;
	down = depth_below(to, ep, 0);
	loop_gen++;
	if (down > EP_MAX_NESTS)
		return false;
	return down + 1 + depth_above(ep, 0) <= EP_MAX_NESTS;
}

/* ---- the epoll file ---- */

static int eventpoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;
	struct epitem *epi, *tmp;

	poll_wait(pt, &ep->wait);
	list_for_each_safe(epi, tmp, &ep->ready, rdlink) {
		if (item_poll(epi))
			return POLLIN | POLLRDNORM;
		/* Woken, but not ready for what it wants: drop it. */
		list_del(&epi->rdlink);
		epi->ready = false;
	}
	return 0;
}

static void eventpoll_release_file(struct file *f)
{
	struct eventpoll *ep = f->priv;

	for (unsigned i = 0; i < ep->nbuckets; i++)
		while (!list_empty(&ep->buckets[i]))
			ep_remove(ep, list_first(&ep->buckets[i],
						 struct epitem, hlink));
	kfree(ep->buckets);
	kfree(ep);
}

static const struct file_ops eventpoll_fops = {
	.poll = eventpoll_poll,
	.llseek = anon_llseek,
	.release = eventpoll_release_file,
};

long sys_epoll_create1(struct task *t, int flags)
{
	struct eventpoll *ep;
	struct file *f;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	list_init(&ep->ready);
	waitq_init(&ep->wait);
	ep_rehash(ep, EP_MIN_BUCKETS);
	f = anon_inode_file("eventpoll", &eventpoll_fops, ep, 0);
	ep->file = f;
	fd = fd_install(t, f, flags & EPOLL_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create(struct task *t, int size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create1(t, 0);
}

static bool has_event(int op)
{
	return op != EPOLL_CTL_DEL;
}

/* The checks of epoll_ctl that need both files, in Linux's order. */
static int ctl_check(struct file *f, struct file *tf, int op,
		     const struct linux_epoll_event *ev)
{
	if (!can_poll(tf))
		return -EPERM;
	if (f == tf || !is_epoll(f))
		return -EINVAL;
	if (has_event(op) && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_epoll(tf) || (ev->events & ~EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	if (op == EPOLL_CTL_ADD && is_epoll(tf) && !loop_ok(f->priv, tf->priv))
		return -ELOOP;
	return 0;
}

static int do_epoll_ctl(struct task *t, int epfd, int op, int fd,
			struct linux_epoll_event *ev)
{
	struct file *f, *tf;
	struct eventpoll *ep;
	struct epitem *epi;
	int rc;

	f = fget(t, epfd);
	if (!f)
		return -EBADF;
	tf = fget(t, fd);
	if (!tf) {
		file_put(f);
		return -EBADF;
	}
	rc = ctl_check(f, tf, op, ev);
	if (rc < 0)
		goto out;
	ep = f->priv;
	epi = ep_find(ep, tf, fd);
	rc = -EINVAL;
	switch (op) {
	case EPOLL_CTL_ADD:
		ev->events |= EPOLLERR | EPOLLHUP;
		rc = epi ? -EEXIST : ep_insert(ep, ev, tf, fd);
		break;
	case EPOLL_CTL_DEL:
		rc = -ENOENT;
		if (epi) {
			ep_remove(ep, epi);
			rc = 0;
		}
		break;
	case EPOLL_CTL_MOD:
		rc = -ENOENT;
		if (epi) {
			rc = -EINVAL;
			if (!(epi->events & EPOLLEXCLUSIVE)) {
				ev->events |= EPOLLERR | EPOLLHUP;
				ep_modify(ep, epi, ev);
				rc = 0;
			}
		}
		break;
	}
out:
	file_put(tf);
	file_put(f);
	return rc;
}

long sys_epoll_ctl(struct task *t, int epfd, int op, int fd, uaddr_t uev)
{
	struct linux_epoll_event ev = { 0 };

	if (has_event(op) && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	return do_epoll_ctl(t, epfd, op, fd, &ev);
}

/* ---- waiting ---- */

/* Move the items of list from to the empty list head to. */
static void take_list(struct list *from, struct list *to)
{
	list_init(to);
	if (list_empty(from))
		return;
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	list_init(from);
}

/* Report up to max ready events to uev: their count, or -EFAULT. */
static int send_events(struct eventpoll *ep, uaddr_t uev, int max)
{
	struct list tx;
	struct epitem *epi, *tmp;
	int n = 0;

	/* Take the whole ready list: what goes back goes behind. */
	take_list(&ep->ready, &tx);
	list_for_each_safe(epi, tmp, &tx, rdlink) {
		struct linux_epoll_event ev;

		if (n >= max)
			break;
		list_del(&epi->rdlink);
		epi->ready = false;
		ev.events = item_poll(epi);
		if (!ev.events)
			continue;
		ev.data = epi->data;
		if (copy_to_user(uev + n * sizeof(ev), &ev, sizeof(ev))) {
			list_add(&tx, &epi->rdlink);
			epi->ready = true;
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET))
			mark_ready(epi);
	}
	/* What was not looked at stays ready, ahead of the rest. */
	while (!list_empty(&tx)) {
		epi = list_entry(tx.prev, struct epitem, rdlink);
		list_del(&epi->rdlink);
		list_add(&ep->ready, &epi->rdlink);
	}
	return n;
}

/*
 * Wait for events until deadline (absolute monotonic ns; 0: forever;
 * -1: do not wait).  The count, 0 on timeout, -EINTR or -EFAULT.
 */
static long ep_wait(struct task *t, struct eventpoll *ep, uaddr_t uev,
		    int max, s64 deadline)
{
	bool timed_out = deadline < 0;
	int n, rc;

	for (;;) {
		if (t->proc->exiting)
			return -EINTR;
		if (!list_empty(&ep->ready)) {
			n = send_events(ep, uev, max);
			if (n)
				return n;
		}
		if (timed_out)
			return 0;
		rc = sleep_on(&ep->wait, true, deadline);
		if (rc == -ETIMEDOUT) {
			timed_out = true;
		} else if (rc == -EINTR) {
			n = list_empty(&ep->ready) ? 0 : send_events(ep, uev, max);
			return n ? n : -EINTR;
		}
	}
}

static long do_epoll_wait(struct task *t, int epfd, uaddr_t uev, int max,
			  s64 deadline)
{
	struct file *f;
	long rc;

	if (max <= 0 || (u64)max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!range_ok(uev, (u64)max * sizeof(struct linux_epoll_event),
		      task_size))
		return -EFAULT;
	f = fget(t, epfd);
	if (!f)
		return -EBADF;
	rc = is_epoll(f) ? ep_wait(t, f->priv, uev, max, deadline) : -EINVAL;
	file_put(f);
	return rc;
}

static s64 ms_deadline(int timeout)
{
	if (timeout < 0)
		return 0;
	if (timeout == 0)
		return -1;
	return ktime_mono() + (s64)timeout * 1000000;
}

long sys_epoll_wait(struct task *t, int epfd, uaddr_t uev, int max,
		    int timeout)
{
	return do_epoll_wait(t, epfd, uev, max, ms_deadline(timeout));
}

/* epoll_pwait's temporary mask stays for the handler only if one runs. */
static long end_temp_mask(struct task *t, long rc)
{
	restore_saved_sigmask_unless(t, rc == -EINTR);
	return rc;
}

long sys_epoll_pwait(struct task *t, int epfd, uaddr_t uev, int max,
		     int timeout, uaddr_t umask, size_t size)
{
	int rc = set_user_sigmask(t, umask, size);

	if (rc < 0)
		return rc;
	return end_temp_mask(t, do_epoll_wait(t, epfd, uev, max,
					      ms_deadline(timeout)));
}

long sys_epoll_pwait2(struct task *t, int epfd, uaddr_t uev, int max,
		      uaddr_t uts, uaddr_t umask, size_t size)
{
	struct linux_timespec ts;
	s64 deadline = 0;
	int rc;

	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 ||
		    ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		if (!ts.tv_sec && !ts.tv_nsec)
			deadline = -1;
		else
			deadline = ktime_mono() +
				   MIN(ts.tv_sec, 1LL << 32) * NSEC_PER_SEC +
				   ts.tv_nsec;
	}
	rc = set_user_sigmask(t, umask, size);
	if (rc < 0)
		return rc;
	return end_temp_mask(t, do_epoll_wait(t, epfd, uev, max, deadline));
}
