/*
 * Futexes (see futex.h).  Waiters sit on a list per hash bucket; each
 * has its own wait queue, so a wake-up wakes exactly the waiters it
 * chose.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/futex.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/abi/time.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU
#define HASH 256

struct futex_key {
	u64 a, b; /* (mm, address) or (0, physical address) */
};

struct futex_waiter {
	struct futex_key key;
	u32 bitset;
	bool woken;
	bool pi;                /* waits in FUTEX_LOCK_PI */
	bool handed;            /* FUTEX_UNLOCK_PI made it the owner */
	struct task *task;
	struct waitq wq;
	struct list link;
};

static struct list buckets[HASH];

static struct list *bucket(const struct futex_key *k)
{
	struct list *b = &buckets[(k->a * 31 + k->b / 4) % HASH];

	if (!b->next)
		list_init(b);
	return b;
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

static int get_key(struct mm *mm, uaddr_t uaddr, bool private,
		   struct futex_key *k)
{
	struct vma *v;
	pte_t *pte;

	if (uaddr & 3)
		return -EINVAL;
	if (!user_ptr(mm, uaddr, false))
		return -EFAULT;
	v = vma_at(mm, uaddr);
	if (private || !v || !(v->flags & VMA_SHARED)) {
		k->a = (u64)(uintptr_t)mm;
		k->b = uaddr;
		return 0;
	}
	pte = pt_walk(&mm->pt, uaddr & PAGE_MASK, false);
	k->a = 0;
	k->b = pte_phys(*pte) + (uaddr & ~PAGE_MASK);
	return 0;
}

static int wake_key(const struct futex_key *k, int n, u32 bitset)
{
	struct futex_waiter *w, *tmp;
	int woken = 0;

	list_for_each_safe(w, tmp, bucket(k), link) {
		if (woken >= n)
			break;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		list_del(&w->link);
		w->woken = true;
		wake_up(&w->wq);
		woken++;
	}
	return woken;
}

/* From exit (clear_child_tid, robust lists): private or shared memory. */
int futex_wake_addr(struct mm *mm, uaddr_t uaddr, int n)
{
	struct futex_key k;

	if (get_key(mm, uaddr, false, &k) < 0)
		return 0;
	return wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static long futex_wait(struct task *t, uaddr_t uaddr, bool private, u32 val,
		       s64 deadline, u32 bitset)
{
	struct futex_waiter w = { .bitset = bitset, .task = t };
	u32 cur;
	int rc;

	if (!bitset)
		return -EINVAL;
	rc = get_key(t->mm, uaddr, private, &w.key);
	if (rc < 0)
		return rc;
	if (get_user(cur, uaddr))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	waitq_init(&w.wq);
	list_add_tail(bucket(&w.key), &w.link);
	while (!w.woken) {
		rc = sleep_on(&w.wq, true, deadline);
		if (rc)
			break;
	}
	if (w.woken)
		return 0;
	list_del(&w.link);
	if (rc == -ETIMEDOUT)
		return -ETIMEDOUT;
	return -ERESTARTSYS;
}

static long futex_requeue(struct task *t, uaddr_t u1, uaddr_t u2, bool private,
			  int nwake, int nrequeue, bool cmp, u32 val)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *tmp;
	int woken = 0, moved = 0, rc;
	u32 cur;

	if (nwake < 0 || nrequeue < 0)
		return -EINVAL;
	rc = get_key(t->mm, u1, private, &k1);
	if (rc == 0)
		rc = get_key(t->mm, u2, private, &k2);
	if (rc < 0)
		return rc;
	if (cmp) {
		if (get_user(cur, u1))
			return -EFAULT;
		if (cur != val)
			return -EAGAIN;
	}
	list_for_each_safe(w, tmp, bucket(&k1), link) {
		if (!key_eq(&w->key, &k1))
			continue;
		if (woken < nwake) {
			list_del(&w->link);
			w->woken = true;
			wake_up(&w->wq);
			woken++;
		} else if (moved < nrequeue) {
			list_del(&w->link);
			w->key = k2;
			list_add_tail(bucket(&k2), &w->link);
			moved++;
		} else {
			break;
		}
	}
	return woken + moved;
}

static long futex_wake_op(struct task *t, uaddr_t u1, uaddr_t u2, bool private,
			  int n1, int n2, u32 op)
{
	int opcode = (op >> 28) & 7, cmp = (op >> 24) & 15;
	u32 oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff, old, new;
	struct futex_key k1, k2;
	bool hit;
	int rc, woken;

	if (op & (8U << 28))
		oparg = 1U << oparg;
	rc = get_key(t->mm, u1, private, &k1);
	if (rc == 0)
		rc = get_key(t->mm, u2, private, &k2);
	if (rc < 0)
		return rc;
	(void)new;
	rc = user_atomic_op_u32(u2, opcode, oparg, &old);
	if (rc < 0)
		return rc;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (s32)old < (s32)cmparg; break;
	case 3: hit = (s32)old <= (s32)cmparg; break;
	case 4: hit = (s32)old > (s32)cmparg; break;
	case 5: hit = (s32)old >= (s32)cmparg; break;
	default: return -ENOSYS;
	}
	woken = wake_key(&k1, n1, FUTEX_BITSET_MATCH_ANY);
	if (hit)
		woken += wake_key(&k2, n2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* ---- priority inheritance, the basics ---- */

/*
 * PI futexes: the word holds the owner's tid, FUTEX_WAITERS and
 * FUTEX_OWNER_DIED.  umk does not boost the owner's priority (its
 * scheduler has none), but lock, trylock and unlock follow Linux: the
 * kernel sets FUTEX_WAITERS before a waiter sleeps, and unlock hands
 * the lock straight to the first waiter.
 */
#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU

static bool pi_waiters(const struct futex_key *k, struct futex_waiter *skip)
{
	struct futex_waiter *w;

	list_for_each(w, bucket(k), link)
		if (w != skip && w->pi && key_eq(&w->key, k))
			return true;
	return false;
}

/* Take the lock if free: 1 taken, 0 held by another, or -errno. */
static int pi_try(struct task *t, uaddr_t uaddr, const struct futex_key *k,
		  u32 *val)
{
	u32 cur, found, tid = (u32)t->tid;
	int rc;

	for (;;) {
		if (get_user(cur, uaddr))
			return -EFAULT;
		if ((cur & FUTEX_TID_MASK) == tid)
			return -EDEADLK;
		if (!(cur & FUTEX_TID_MASK)) {
			u32 new = tid | (cur & FUTEX_OWNER_DIED) |
				  (pi_waiters(k, NULL) ? FUTEX_WAITERS : 0);

			rc = user_cmpxchg_u32(uaddr, cur, new, &found);
			if (rc < 0)
				return rc;
			if (found == cur)
				return 1;
			continue; /* it changed under us */
		}
		*val = cur;
		return 0;
	}
}

static long futex_lock_pi(struct task *t, uaddr_t uaddr, s64 deadline,
			  bool trylock)
{
	struct futex_waiter w = { .bitset = FUTEX_BITSET_MATCH_ANY, .task = t,
				  .pi = true };
	int rc;

	rc = get_key(t->mm, uaddr, false, &w.key);
	if (rc < 0)
		return rc;
	for (;;) {
		u32 val, cur;
		struct task *owner;

		rc = pi_try(t, uaddr, &w.key, &val);
		if (rc != 0)
			return rc < 0 ? rc : 0;
		owner = task_find((pid_t)(val & FUTEX_TID_MASK));
		if (!owner || owner->state == TASK_DEAD) {
			if (!(val & FUTEX_OWNER_DIED))
				return -ESRCH;
		}
		if (trylock)
			return -EAGAIN;
		if (!(val & FUTEX_WAITERS)) {
			rc = user_cmpxchg_u32(uaddr, val, val | FUTEX_WAITERS, &cur);
			if (rc < 0)
				return rc;
			if (cur != val)
				continue;
		}
		waitq_init(&w.wq);
		w.woken = w.handed = false;
		list_add_tail(bucket(&w.key), &w.link);
		do
			rc = sleep_on(&w.wq, true, deadline);
		while (rc == 0 && !w.woken);
		if (!w.woken)
			list_del(&w.link);
		if (w.handed)
			return 0;
		if (rc == -ETIMEDOUT)
			return -ETIMEDOUT;
		if (rc == -EINTR)
			return -ERESTARTNOINTR;
	}
}

static long futex_unlock_pi(struct task *t, uaddr_t uaddr)
{
	struct futex_key k;
	struct futex_waiter *w, *next;
	u32 cur, found, new, tid = (u32)t->tid;
	int rc;

	rc = get_key(t->mm, uaddr, false, &k);
	if (rc < 0)
		return rc;
	for (;;) {
		if (get_user(cur, uaddr))
			return -EFAULT;
		if ((cur & FUTEX_TID_MASK) != tid)
			return -EPERM;
		next = NULL;
		list_for_each(w, bucket(&k), link) {
			if (w->pi && key_eq(&w->key, &k)) {
				next = w;
				break;
			}
		}
		/* the first waiter becomes the owner, or the lock is free */
		new = next ? (u32)next->task->tid |
				     (pi_waiters(&k, next) ? FUTEX_WAITERS : 0)
			   : 0;
		rc = user_cmpxchg_u32(uaddr, cur, new, &found);
		if (rc < 0)
			return rc;
		if (found != cur)
			continue;
		if (next) {
			list_del(&next->link);
			next->woken = next->handed = true;
			wake_up(&next->wq);
		}
		return 0;
	}
}

/* The absolute monotonic deadline of a futex timeout, 0 for none. */
static int futex_deadline(int cmd, int flags, uaddr_t utime, s64 *deadline)
{
	struct linux_timespec ts;
	s64 ns;

	*deadline = 0;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	ns = ts.tv_sec > INT64_MAX / NSEC_PER_SEC / 2 ? INT64_MAX / 2
		: ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	if (cmd == FUTEX_WAIT) {
		*deadline = ktime_mono() + ns; /* relative */
	} else if (flags & FUTEX_CLOCK_REALTIME) {
		*deadline = ktime_mono() + MAX(ns - ktime_real(), 0);
	} else {
		*deadline = ns; /* absolute monotonic */
	}
	if (*deadline <= 0)
		*deadline = 1;
	return 0;
}

long sys_futex(struct task *t, uaddr_t uaddr, int op, u32 val, uaddr_t utime,
	       uaddr_t uaddr2, u32 val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG;
	s64 deadline;
	int rc;

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		rc = futex_deadline(cmd, op, utime, &deadline);
		if (rc < 0)
			return rc;
		return futex_wait(t, uaddr, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct futex_key k;

		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		rc = get_key(t->mm, uaddr, private, &k);
		if (rc < 0)
			return rc;
		return wake_key(&k, (int)MIN(val, (u32)INT32_MAX),
				cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
	}
	case FUTEX_REQUEUE:
		return futex_requeue(t, uaddr, uaddr2, private, (int)val,
				     (int)(s64)utime, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, uaddr, uaddr2, private, (int)val,
				     (int)(s64)utime, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, uaddr, uaddr2, private, (int)val,
				     (int)(s64)utime, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* LOCK_PI's timeout is absolute CLOCK_REALTIME, LOCK_PI2's
		   absolute on the clock the flag names */
		rc = futex_deadline(FUTEX_WAIT_BITSET,
				    cmd == FUTEX_LOCK_PI ? FUTEX_CLOCK_REALTIME
							 : op,
				    utime, &deadline);
		if (rc < 0)
			return rc;
		return futex_lock_pi(t, uaddr, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(t, uaddr, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(t, uaddr);
	default:
		return -ENOSYS;
	}
}
