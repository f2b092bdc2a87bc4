/*
 * Kernel time and timers.  Times are nanoseconds; "monotonic" is the
 * host's CLOCK_MONOTONIC.  Timers fire from the scheduler loop, on the
 * kernel's own stack, never inside a task: a timer function may wake
 * tasks but must not sleep.
 */
#ifndef UMK_TIME_H
#define UMK_TIME_H

#include "kernel/list.h"

struct ktimer {
	s64 deadline;                    /* monotonic ns */
	void (*fn)(struct ktimer *timer);
	struct list link;                /* on the timer list while armed */
	bool armed;
};

s64 ktime_mono(void);
s64 ktime_real(void);
/* Monotonic time umk booted at. */
extern s64 boot_mono;

void timer_init(struct ktimer *t, void (*fn)(struct ktimer *));
void timer_arm(struct ktimer *t, s64 deadline);
void timer_cancel(struct ktimer *t);
/* The earliest armed deadline, or 0. */
s64 timers_next(void);
/* Fire every timer whose deadline has passed. */
void timers_run(void);

#endif
