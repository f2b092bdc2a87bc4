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

int futex_wake_addr(struct mm *mm, uaddr_t uaddr, int n)
{
	struct futex_key k = { (u64)(uintptr_t)mm, uaddr };

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
	if (get_user(old, u2))
		return -EFAULT;
	switch (opcode) {
	case 0: new = oparg; break;
	case 1: new = old + oparg; break;
	case 2: new = old | oparg; break;
	case 3: new = old & ~oparg; break;
	case 4: new = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (put_user(new, u2))
		return -EFAULT;
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
	    cmd != FUTEX_WAIT)
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
	default:
		return -ENOSYS;
	}
}
