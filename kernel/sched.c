/*
 * The scheduler: one kernel thread, many kernel stacks.
 *
 * The scheduler loop runs on umk's own stack.  It switches to a task's
 * kernel stack (swtch) to run that task's kernel code; the task comes
 * back with schedule() when it sleeps or after it has resumed its
 * engine context.  In between, the loop collects host interrupts,
 * fires timers and waits for the engine to report a stopped context,
 * whose task then becomes runnable again.
 *
 * CPUs: at most ncpus contexts run in user mode at once; the others
 * wait on cpu_waitq.  When some wait, a task that has held a CPU past
 * its time slice is kicked, comes back with TRAP_INTERRUPTED and goes
 * to the end of the queue, so a spinning program cannot starve others.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/irq.h"
#include "kernel/mm/mm.h"
#include "host/host.h"

#define SLICE_NS (10 * 1000 * 1000LL)

struct engine *engine;
struct task *current;

static void *sched_sp;
static struct list runq = LIST_INIT(runq);           /* kernel work */
static struct list cpu_waitq = LIST_INIT(cpu_waitq); /* want user mode */
static struct list on_cpu = LIST_INIT(on_cpu);       /* in user mode */
static int ncpus, cpus_busy;
static struct ktimer slice_timer;
static struct waitq stop_wq = { LIST_INIT(stop_wq.waiters) }; /* membarrier */

void swtch(void **save_sp, void *next_sp);

int sched_ncpus(void)
{
	return ncpus;
}

static void runq_add(struct task *t)
{
	t->state = TASK_RUNNING;
	list_add_tail(&runq, &t->run_link);
}

void wake_task(struct task *t)
{
	if (t->state == TASK_SLEEPING)
		runq_add(t);
}

/*
 * Give up the kernel thread; back when the scheduler switches to us.
 * Other threads of our address space may be running: what we changed
 * in it reaches the engine now, before another task's kernel code can
 * reuse a frame we let go (a TLB shootdown, in effect).
 */
void schedule(void)
{
	if (current->mm && current->mm->refcount > 1 && current->mm->as)
		engine->ops->as_flush(current->mm->as);
	swtch(&current->ksp, sched_sp);
}

static void switch_to(struct task *t)
{
	current = t;
	swtch(&sched_sp, t->ksp);
	current = NULL;
}

static void arm_slice_timer(void)
{
	struct task *t;
	s64 first = 0;

	if (list_empty(&cpu_waitq)) {
		timer_cancel(&slice_timer);
		return;
	}
	list_for_each(t, &on_cpu, run_link) {
		if (!first || t->slice_start < first)
			first = t->slice_start;
	}
	if (first)
		timer_arm(&slice_timer, first + SLICE_NS);
}

static void slice_expired(struct ktimer *timer)
{
	s64 now = ktime_mono();
	struct task *t;

	(void)timer;
	list_for_each(t, &on_cpu, run_link) {
		if (now - t->slice_start >= SLICE_NS) {
			engine->ops->kick(t->ctx);
			/*
			 * A kicked context may take a while to stop (the
			 * kick lands after a trap already on its way): give
			 * it another slice rather than kick it again at
			 * once, or the timer would expire in the past and
			 * spin.
			 */
			t->slice_start = now;
		}
	}
	arm_slice_timer();
}

/* Put t's context in user mode now; t holds a CPU until it stops. */
static void start_user(struct task *t)
{
	int rc = engine->ops->resume(t->ctx, &t->regs);

	if (rc < 0) {
		/* The engine lost the context: the task dies. */
		memset(&t->trap, 0, sizeof(t->trap));
		t->trap.kind = TRAP_GONE;
		runq_add(t);
		return;
	}
	cpus_busy++;
	t->on_cpu = true;
	t->slice_start = ktime_mono();
	list_add_tail(&on_cpu, &t->run_link);
}

void run_user(struct task *t)
{
	t->state = TASK_USER;
	if (cpus_busy < ncpus) {
		start_user(t);
	} else {
		list_add_tail(&cpu_waitq, &t->run_link);
		arm_slice_timer();
	}
	schedule();
}

/* The CPU t held is free: hand it to the next waiting task. */
static void cpu_release(struct task *t)
{
	list_del(&t->run_link);
	t->on_cpu = false;
	cpus_busy--;
	while (cpus_busy < ncpus && !list_empty(&cpu_waitq)) {
		struct task *n = list_first(&cpu_waitq, struct task, run_link);

		list_del(&n->run_link);
		start_user(n);
	}
	arm_slice_timer();
}

void sched_yield_cpu(struct task *t)
{
	(void)t; /* the next run_user() queues behind any waiter */
}

/* The engine reports that a context stopped. */
static void context_stopped(struct task *t, const struct uregs *regs,
			    const struct trap *trap)
{
	if (t->state != TASK_USER)
		panic("task %d stopped in user mode while in state %d", t->tid,
		      t->state);
	t->regs = *regs;
	t->trap = *trap;
	t->user_stops++;
	cpu_release(t);
	runq_add(t);
	if (!list_empty(&stop_wq.waiters))
		wake_up(&stop_wq);
}

void sched_membarrier(struct task *t, struct process *p)
{
	struct task *o;
	bool waiting;

	list_for_each(o, &on_cpu, run_link) {
		if (o != t && (!p || o->proc == p)) {
			o->barrier_mark = o->user_stops;
			engine->ops->kick(o->ctx);
		}
	}
	do {
		waiting = false;
		list_for_each(o, &on_cpu, run_link) {
			if (o != t && (!p || o->proc == p) &&
			    o->user_stops == o->barrier_mark)
				waiting = true;
		}
		if (waiting)
			sleep_on(&stop_wq, false, 0);
	} while (waiting);
}

void sched_init(int n)
{
	ncpus = n > 0 ? n : 1;
	timer_init(&slice_timer, slice_expired);
}

int sched_run(void)
{
	for (;;) {
		struct uregs regs;
		struct trap trap;
		void *cookie;
		int r;

		irq_dispatch();
		timers_run();
		if (!list_empty(&runq)) {
			struct task *t = list_first(&runq, struct task, run_link);

			list_del(&t->run_link);
			switch_to(t);
			continue;
		}
		if (!nr_processes)
			return 0;
		host_irq_set_timer(timers_next());
		r = engine->ops->wait(engine, true, &cookie, &regs, &trap);
		if (r < 0)
			panic("engine wait failed: %d", r);
		if (r == 1)
			context_stopped(cookie, &regs, &trap);
	}
}

s64 task_cpu_ns(struct task *t)
{
	if (!t->ctx || !engine->ops->cpu_time)
		return 0;
	return engine->ops->cpu_time(t->ctx);
}
