/* Wait queues (see wait.h). */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"

static void sleep_timeout(struct ktimer *timer)
{
	struct task *t = container_of(timer, struct task, sleep_timer);

	t->timed_out = true;
	wake_task(t);
}

int sleep_on_many(struct waitq **wqs, int n, bool interruptible, s64 deadline)
{
	struct task *t = current;
	struct waiter *w = t->waiters;
	int i, rc;

	if (interruptible && signal_pending(t))
		return -EINTR;
	if (deadline && deadline <= ktime_mono())
		return -ETIMEDOUT;
	if (n > (int)ARRAY_SIZE(t->waiters))
		w = kmalloc(n * sizeof(*w));
	for (i = 0; i < n; i++) {
		w[i].task = t;
		w[i].func = NULL;
		list_add_tail(&wqs[i]->waiters, &w[i].link);
	}
	t->nwaiters = n;
	t->timed_out = false;
	if (deadline) {
		timer_init(&t->sleep_timer, sleep_timeout);
		timer_arm(&t->sleep_timer, deadline);
	}
	t->state = TASK_SLEEPING;
	t->sleep_interruptible = interruptible;
	schedule();
	for (i = 0; i < n; i++)
		list_del(&w[i].link);
	if (w != t->waiters)
		kfree(w);
	t->nwaiters = 0;
	if (deadline)
		timer_cancel(&t->sleep_timer);
	rc = 0;
	if (t->timed_out)
		rc = -ETIMEDOUT;
	else if (interruptible && signal_pending(t))
		rc = -EINTR;
	return rc;
}

int sleep_on(struct waitq *wq, bool interruptible, s64 deadline)
{
	return sleep_on_many(&wq, 1, interruptible, deadline);
}

void wake_up_key(struct waitq *wq, unsigned key)
{
	struct waiter *w, *tmp;

	list_for_each_safe(w, tmp, &wq->waiters, link) {
		if (w->func)
			w->func(w, key);
		else
			wake_task(w->task);
	}
}

void wake_up(struct waitq *wq)
{
	wake_up_key(wq, 0);
}

void waitq_add_callback(struct waitq *wq, struct waiter *w, wake_fn func)
{
	w->task = NULL;
	w->func = func;
	list_add_tail(&wq->waiters, &w->link);
}
