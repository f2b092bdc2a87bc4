/*
 * Kernel timers: a list sorted by deadline.  Few timers are armed at
 * once (sleeps, alarms, time slices), so a sorted list is enough.
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "host/host.h"

static struct list timers = LIST_INIT(timers);
s64 boot_mono;

s64 ktime_mono(void)
{
	return host_clock_ns(HOST_CLOCK_MONOTONIC);
}

s64 ktime_real(void)
{
	return host_clock_ns(HOST_CLOCK_REALTIME);
}

void timer_init(struct ktimer *t, void (*fn)(struct ktimer *))
{
	t->fn = fn;
	t->armed = false;
	list_init(&t->link);
}

void timer_arm(struct ktimer *t, s64 deadline)
{
	struct ktimer *pos;

	timer_cancel(t);
	t->deadline = deadline;
	t->armed = true;
	list_for_each(pos, &timers, link) {
		if (pos->deadline > deadline) {
			list_insert(pos->link.prev, &pos->link, &t->link);
			return;
		}
	}
	list_add_tail(&timers, &t->link);
}

void timer_cancel(struct ktimer *t)
{
	if (!t->armed)
		return;
	list_del(&t->link);
	t->armed = false;
}

s64 timers_next(void)
{
	if (list_empty(&timers))
		return 0;
	return list_first(&timers, struct ktimer, link)->deadline;
}

void timers_run(void)
{
	s64 now;

	if (list_empty(&timers))
		return;
	now = ktime_mono();
	while (!list_empty(&timers)) {
		struct ktimer *t = list_first(&timers, struct ktimer, link);

		if (t->deadline > now)
			break;
		list_del(&t->link);
		t->armed = false;
		t->fn(t);
	}
}
