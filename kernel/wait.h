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

struct waiter;
/* Called by wake_up_key() in place of waking a task; key: its POLL* bits. */
typedef void (*wake_fn)(struct waiter *w, unsigned key);

struct waiter {
	struct task *task;       /* the sleeper, when func is NULL */
	wake_fn func;            /* or a callback (epoll), set by its owner */
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
 * wake_up() that says what happened: key is the POLL* events that are
 * new (0: unknown, anything).  Callbacks (epoll) may ignore a wake-up
 * whose key has nothing they wait for; sleeping tasks are always woken.
 */
void wake_up_key(struct waitq *wq, unsigned key);
/* Add a callback waiter to wq (list_del(&w->link) removes it). */
void waitq_add_callback(struct waitq *wq, struct waiter *w, wake_fn func);

static inline bool waitq_active(const struct waitq *wq)
{
	return !list_empty(&wq->waiters);
}

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
