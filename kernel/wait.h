/*
 * Wait queues.  A task sleeps on a queue until another part of the
 * kernel wakes the queue; interruptible sleeps also end when a signal
 * is pending.  One kernel thread, so no locks: a condition checked
 * before sleep_on() cannot change before the task is queued.
 */
#ifndef UMK_WAIT_H
#define UMK_WAIT_H

#include "kernel/list.h"

struct task;

struct waitq {
	struct list waiters; /* struct waiter.link */
};

struct waiter {
	struct task *task;
	struct list link;
};

#define WAITQ_INIT(name) { LIST_INIT((name).waiters) }

static inline void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

/*
 * Sleep on wq once.  Returns 0 when woken, -EINTR when a signal is
 * pending (interruptible sleeps only), -ETIMEDOUT when the absolute
 * monotonic deadline (ns, 0 = none) passed.
 */
int sleep_on(struct waitq *wq, bool interruptible, s64 deadline);
/* Sleep on several queues at once; same results as sleep_on(). */
int sleep_on_many(struct waitq **wqs, int n, bool interruptible, s64 deadline);
/* Wake every task sleeping on wq. */
void wake_up(struct waitq *wq);

/*
 * Wait until cond holds: 0, or -EINTR / -ETIMEDOUT as sleep_on().
 * cond is evaluated again after each wake-up.
 */
#define wait_event(wq, cond, interruptible, deadline)                    \
	({                                                               \
		int _r = 0;                                              \
		while (!(cond)) {                                        \
			_r = sleep_on((wq), (interruptible), (deadline)); \
			if (_r)                                          \
				break;                                   \
		}                                                        \
		(cond) ? 0 : _r;                                         \
	})

#endif
