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
	int i;

	BUG_ON(n > (int)ARRAY_SIZE(t->waiters));
	if (interruptible && signal_pending(t))
		return -EINTR;
	if (deadline && deadline <= ktime_mono())
		return -ETIMEDOUT;
	for (i = 0; i < n; i++) {
		t->waiters[i].task = t;
		list_add_tail(&wqs[i]->waiters, &t->waiters[i].link);
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
		list_del(&t->waiters[i].link);
	t->nwaiters = 0;
	if (deadline)
		timer_cancel(&t->sleep_timer);
	if (t->timed_out)
		return -ETIMEDOUT;
	if (interruptible && signal_pending(t))
		return -EINTR;
	return 0;
}

int sleep_on(struct waitq *wq, bool interruptible, s64 deadline)
{
	return sleep_on_many(&wq, 1, interruptible, deadline);
}

void wake_up(struct waitq *wq)
{
	struct waiter *w;

	list_for_each(w, &wq->waiters, link)
		wake_task(w->task);
}
