/*
 * Threads: pthread_create/join and exit values, mutexes (normal,
 * error-checking, recursive), condition variables, barriers, thread-
 * local storage and key destructors, cancellation, detached threads,
 * signals to one thread (pthread_kill) and to the process, a thread
 * that calls exit(), execve from a thread, and raw futex ping-pong.
 *
 * The output is deterministic: threads never print; they leave results
 * in memory and the main thread prints them after joining.  Every
 * pthread_create is checked, and a case whose threads cannot start
 * (a kernel without CLONE_THREAD) says so and returns at once instead
 * of waiting for threads that will never come.  A case that would wait
 * for ever has a watchdog: alarm() kills it with SIGALRM.
 */
#include "harness.h"

#include <limits.h>
#include <pthread.h>
#include <sys/time.h>

#define NTHREADS 4
/* <linux/futex.h> is not in musl's include path */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define WATCHDOG_S 8

static char *self_path;         /* argv[0]: absolute in both worlds */

/* A pthread_* result: "0" or the error's name. */
static const char *ename(int e)
{
	return e ? errname(e) : "0";
}

/* On a slow machine (TEST_SLOW=N) N times longer. */
static void watchdog(void)
{
	alarm(WATCHDOG_S * test_slow());
}

/* pthread_create, printing why not on failure; 0 on success. */
static int start(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
		 void *arg)
{
	int e = pthread_create(t, a, fn, arg);

	if (e)
		say("pthread_create = %s", errname(e));
	return e;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- create, join, exit values ---- */

static pid_t main_pid;

struct ids {
	int idx;
	int same_pid;           /* getpid() == the process's pid */
	int own_tid;            /* gettid() != getpid() */
};

static void *t_ids(void *p)
{
	struct ids *id = p;

	id->same_pid = getpid() == main_pid;
	id->own_tid = syscall(SYS_gettid) != main_pid;
	return (void *)(long)(id->idx * 10 + 1);
}

static void *t_pexit_inner(long v)
{
	pthread_exit((void *)v);
	return NULL;
}

static void *t_pexit(void *p)
{
	t_pexit_inner((long)p);
	return (void *)-1L;
}

static void t_create_join(void)
{
	pthread_t t[NTHREADS];
	struct ids id[NTHREADS];
	void *rv;
	int i, n = 0;

	main_pid = getpid();
	TRUE(syscall(SYS_gettid) == main_pid);
	for (i = 0; i < NTHREADS; i++) {
		id[i] = (struct ids){ .idx = i };
		if (start(&t[i], NULL, t_ids, &id[i]))
			break;
	}
	n = i;
	for (i = 0; i < n; i++) {
		int e = pthread_join(t[i], &rv);

		say("join %d = %s, value %ld, same pid %s, own tid %s", i,
		    ename(e), (long)rv, id[i].same_pid ? "yes" : "no",
		    id[i].own_tid ? "yes" : "no");
	}
	if (n < NTHREADS)
		return;
	if (start(&t[0], NULL, t_pexit, (void *)42L))
		return;
	pthread_join(t[0], &rv);
	say("pthread_exit value: %ld", (long)rv);
	TRUE(pthread_equal(pthread_self(), pthread_self()));
}

/* ---- mutexes ---- */

static pthread_mutex_t m_lock = PTHREAD_MUTEX_INITIALIZER;
static long m_count;

static void *t_incr(void *p)
{
	long i, n = (long)p;

	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&m_lock);
		m_count++;
		pthread_mutex_unlock(&m_lock);
	}
	return NULL;
}

static pthread_mutex_t m_held;

static void *t_try_other(void *p)
{
	int *r = p;

	r[0] = pthread_mutex_trylock(&m_held);
	r[1] = pthread_mutex_unlock(&m_held);
	return NULL;
}

static void t_mutex(void)
{
	pthread_t t[NTHREADS];
	pthread_mutexattr_t a;
	int i, n, r[2];

	watchdog();
	for (n = 0; n < NTHREADS; n++)
		if (start(&t[n], NULL, t_incr, (void *)50000L))
			break;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	say("count = %ld (expected %ld)", m_count, 50000L * n);

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m_held, &a);
	say("errorcheck lock = %s", ename(pthread_mutex_lock(&m_held)));
	say("errorcheck relock = %s", ename(pthread_mutex_lock(&m_held)));
	if (start(&t[0], NULL, t_try_other, r) == 0) {
		pthread_join(t[0], NULL);
		say("trylock from another thread = %s", ename(r[0]));
		say("unlock from another thread = %s", ename(r[1]));
	}
	say("errorcheck unlock = %s", ename(pthread_mutex_unlock(&m_held)));
	say("errorcheck unlock again = %s", ename(pthread_mutex_unlock(&m_held)));
	pthread_mutex_destroy(&m_held);

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m_held, &a);
	for (i = 0; i < 3; i++)
		pthread_mutex_lock(&m_held);
	if (start(&t[0], NULL, t_try_other, r) == 0) {
		pthread_join(t[0], NULL);
		say("recursive, trylock from another thread = %s", ename(r[0]));
	}
	for (i = 0; i < 3; i++)
		say("recursive unlock %d = %s", i,
		    ename(pthread_mutex_unlock(&m_held)));
	say("recursive unlock 3 = %s", ename(pthread_mutex_unlock(&m_held)));
	pthread_mutexattr_destroy(&a);
}

/* ---- condition variables: a bounded queue ---- */

#define QSIZE 8
#define ITEMS 20000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	int buf[QSIZE];
	int head, len, done;
	long sum[2];
} q = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER };

static void *t_producer(void *p)
{
	int i, base = (int)(long)p;

	for (i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.len == QSIZE)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.buf[(q.head + q.len++) % QSIZE] = base + i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	return NULL;
}

static void *t_consumer(void *p)
{
	long *sum = p;

	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (q.len == 0 && !q.done)
			pthread_cond_wait(&q.not_empty, &q.lock);
		if (q.len == 0)
			break;
		*sum += q.buf[q.head];
		q.head = (q.head + 1) % QSIZE;
		q.len--;
		pthread_cond_signal(&q.not_full);
	}
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

static void t_condvar(void)
{
	pthread_t p[2], c[2];
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts;
	int i, np = 0, nc = 0, e;

	watchdog();
	for (; nc < 2; nc++)
		if (start(&c[nc], NULL, t_consumer, &q.sum[nc]))
			break;
	for (; nc == 2 && np < 2; np++)
		if (start(&p[np], NULL, t_producer, (void *)(long)(np * 100000)))
			break;
	for (i = 0; i < np; i++)
		pthread_join(p[i], NULL);
	pthread_mutex_lock(&q.lock);
	q.done = 1;
	pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
	for (i = 0; i < nc; i++)
		pthread_join(c[i], NULL);
	say("consumed sum = %ld", q.sum[0] + q.sum[1]);

	/* a timed wait that nobody signals */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&mx);
	do
		e = pthread_cond_timedwait(&cv, &mx, &ts);
	while (e == 0);
	pthread_mutex_unlock(&mx);
	say("timedwait = %s", ename(e));
}

/* ---- barriers ---- */

#define ROUNDS 50

static pthread_barrier_t bar;
static int b_phase[NTHREADS];
static int b_serial[ROUNDS];
static int b_bad;

static void *t_barrier(void *p)
{
	int me = (int)(long)p, r, i;

	for (r = 0; r < ROUNDS; r++) {
		b_phase[me] = r;
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&b_serial[r], 1, __ATOMIC_SEQ_CST);
		/* everybody has reached round r */
		for (i = 0; i < NTHREADS; i++)
			if (__atomic_load_n(&b_phase[i], __ATOMIC_SEQ_CST) < r)
				__atomic_store_n(&b_bad, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

static void t_barrier_case(void)
{
	pthread_t t[NTHREADS];
	int i, n, ok = 1;

	watchdog();
	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (n = 0; n < NTHREADS; n++)
		if (start(&t[n], NULL, t_barrier, (void *)(long)n))
			break;
	if (n < NTHREADS) {
		/* the others wait at the barrier for ever: leave them */
		say("barrier: only %d threads", n);
		_exit(1);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < ROUNDS; i++)
		if (b_serial[i] != 1)
			ok = 0;
	say("one serial thread per round: %s", ok ? "yes" : "no");
	say("nobody passed a barrier early: %s", b_bad ? "no" : "yes");
	pthread_barrier_destroy(&bar);
}

/* ---- thread-local storage and keys ---- */

static __thread int tls_val = 7;
static __thread char tls_buf[64];
static pthread_key_t key;
static int dtor_calls;
static long dtor_sum;
static pthread_mutex_t dtor_lock = PTHREAD_MUTEX_INITIALIZER;

static void key_dtor(void *v)
{
	pthread_mutex_lock(&dtor_lock);
	dtor_calls++;
	dtor_sum += (long)v;
	pthread_mutex_unlock(&dtor_lock);
}

struct tls_res {
	int initial;            /* tls_val as the thread found it */
	int after;              /* tls_val after the others changed theirs */
	int buf_ok;
};

static pthread_barrier_t tls_bar;

static void *t_tls(void *p)
{
	struct tls_res *r = p;
	int me = r->after;

	r->initial = tls_val;
	tls_val = 100 + me;
	snprintf(tls_buf, sizeof tls_buf, "thread %d", me);
	pthread_setspecific(key, (void *)(long)(me + 1));
	pthread_barrier_wait(&tls_bar);
	r->after = tls_val;
	r->buf_ok = atoi(tls_buf + 7) == me;
	return NULL;
}

static void t_tls_case(void)
{
	pthread_t t[NTHREADS];
	struct tls_res r[NTHREADS];
	int i, n;

	watchdog();
	tls_val = 1;
	pthread_key_create(&key, key_dtor);
	pthread_setspecific(key, (void *)1000L);
	pthread_barrier_init(&tls_bar, NULL, NTHREADS);
	for (n = 0; n < NTHREADS; n++) {
		r[n].after = n;
		if (start(&t[n], NULL, t_tls, &r[n]))
			break;
	}
	if (n < NTHREADS)
		_exit(1);
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		say("thread %d: initial %d, own value %d, own buffer %s", i,
		    r[i].initial, r[i].after, r[i].buf_ok ? "yes" : "no");
	}
	say("main's value still %d", tls_val);
	say("destructors: %d calls, sum %ld", dtor_calls, dtor_sum);
	say("main's key value: %ld", (long)pthread_getspecific(key));
}

/* ---- cancellation ---- */

static int cleanups;
static int cancel_pipe[2];

static void cleanup(void *p)
{
	cleanups += (int)(long)p;
}

static void *t_cancel_read(void *p)
{
	char c;

	pthread_cleanup_push(cleanup, (void *)1L);
	read(cancel_pipe[0], &c, 1);            /* a cancellation point */
	pthread_cleanup_pop(0);
	return NULL;
}

static void *t_cancel_sleep(void *p)
{
	pthread_cleanup_push(cleanup, (void *)10L);
	for (;;)
		sleep_ms(1000);
	pthread_cleanup_pop(0);
	return NULL;
}

static volatile int cancel_go;

static void *t_cancel_disabled(void *p)
{
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	pthread_cleanup_push(cleanup, (void *)100L);
	while (!cancel_go)
		sleep_ms(1);            /* not cancelled while disabled */
	cleanups += 1000;               /* so this runs */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	cleanups += 10000;              /* never */
	pthread_cleanup_pop(0);
	return NULL;
}

static void t_cancel(void)
{
	pthread_t t;
	void *rv;

	watchdog();
	if (pipe(cancel_pipe) < 0)
		return;
	if (start(&t, NULL, t_cancel_read, NULL))
		return;
	sleep_ms(20);
	say("cancel = %s", ename(pthread_cancel(t)));
	pthread_join(t, &rv);
	say("blocked in read: canceled %s, cleanups %d",
	    rv == PTHREAD_CANCELED ? "yes" : "no", cleanups);

	if (start(&t, NULL, t_cancel_sleep, NULL))
		return;
	sleep_ms(20);
	pthread_cancel(t);
	pthread_join(t, &rv);
	say("in nanosleep: canceled %s, cleanups %d",
	    rv == PTHREAD_CANCELED ? "yes" : "no", cleanups);

	if (start(&t, NULL, t_cancel_disabled, NULL))
		return;
	sleep_ms(20);
	pthread_cancel(t);
	sleep_ms(20);
	cancel_go = 1;
	pthread_join(t, &rv);
	say("disabled, then enabled: canceled %s, cleanups %d",
	    rv == PTHREAD_CANCELED ? "yes" : "no", cleanups);
}

/* ---- detached threads ---- */

static pthread_mutex_t d_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t d_cond = PTHREAD_COND_INITIALIZER;
static int d_done, d_sum;

static void *t_detached(void *p)
{
	pthread_mutex_lock(&d_lock);
	d_done++;
	d_sum += (int)(long)p;
	pthread_cond_signal(&d_cond);
	pthread_mutex_unlock(&d_lock);
	return NULL;
}

static void t_detach(void)
{
	pthread_attr_t a;
	pthread_t t;
	int i, n = 0, ds;

	watchdog();
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_getdetachstate(&a, &ds);
	TRUE(ds == PTHREAD_CREATE_DETACHED);
	for (i = 1; i <= 8; i++, n++)
		if (start(&t, &a, t_detached, (void *)(long)i))
			break;
	for (i = 1; i <= 8 && n >= 8; i++, n++) {
		if (start(&t, NULL, t_detached, (void *)(long)(i * 100)))
			break;
		say("detach %d = %s", i, ename(pthread_detach(t)));
	}
	pthread_mutex_lock(&d_lock);
	while (d_done < n)
		pthread_cond_wait(&d_cond, &d_lock);
	pthread_mutex_unlock(&d_lock);
	say("%d detached threads ran, sum %d", d_done, d_sum);
	pthread_attr_destroy(&a);
}

/* ---- signals to threads ---- */

static volatile pthread_t target;
static volatile int in_target, handled;

static void on_usr1(int sig)
{
	in_target = pthread_equal(pthread_self(), target);
	handled++;
}

static volatile int k_stop;

static void *t_sigtarget(void *p)
{
	sigset_t s;

	sigemptyset(&s);
	pthread_sigmask(SIG_SETMASK, &s, NULL);         /* unblock */
	while (!k_stop)
		sleep_ms(1);
	return NULL;
}

static void *t_sigwaiter(void *p)
{
	sigset_t s;
	int sig = 0;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigwait(&s, &sig);
	*(int *)p = sig;
	return NULL;
}

static void t_pthread_kill(void)
{
	struct sigaction sa;
	sigset_t s;
	pthread_t t, w;
	int i, got = 0;

	watchdog();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	/* only the target thread takes SIGUSR1; all block SIGUSR2 */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	if (start(&t, NULL, t_sigtarget, NULL))
		return;
	target = t;
	say("pthread_kill(t, 0) = %s", ename(pthread_kill(t, 0)));
	say("pthread_kill(t, SIGUSR1) = %s", ename(pthread_kill(t, SIGUSR1)));
	for (i = 0; i < 2000 && !handled; i++)
		sleep_ms(1);
	say("handled %d time(s), in the target thread: %s", handled,
	    in_target ? "yes" : "no");
	k_stop = 1;
	pthread_join(t, NULL);

	/* a process-directed signal goes to the one thread in sigwait */
	if (start(&w, NULL, t_sigwaiter, &got))
		return;
	sleep_ms(20);
	kill(getpid(), SIGUSR2);
	pthread_join(w, NULL);
	say("sigwait in a thread got %s", signame(got));
	/* the main thread's mask is its own */
	pthread_sigmask(SIG_SETMASK, NULL, &s);
	TRUE(sigismember(&s, SIGUSR1) && sigismember(&s, SIGUSR2));
}

/* ---- a thread that calls exit() ---- */

static void at_exit(void)
{
	say("atexit handler ran in %s thread",
	    syscall(SYS_gettid) == getpid() ? "the main" : "another");
}

static void *t_exiter(void *p)
{
	sleep_ms(10);
	exit(7);
}

static void t_thread_exit(void)
{
	pthread_t t;

	watchdog();
	atexit(at_exit);
	if (start(&t, NULL, t_exiter, NULL))
		return;
	pthread_join(t, NULL);          /* never returns */
	say("join returned");
}

/*
 * The main thread leaves with pthread_exit; the last thread's return
 * ends the process.  Not with musl: in a fork()ed child (each case
 * runs in one) musl's main thread has no clear-child-tid address, so
 * its last thread waits for ever for the kernel to clear musl's thread
 * list lock (musl 1.2.3, natively too).
 */
static void *t_last(void *p)
{
	sleep_ms(20);
	say("last thread done");
	return NULL;
}

static void __attribute__((unused)) t_main_pexit(void)
{
	pthread_t t;

	watchdog();
	if (start(&t, NULL, t_last, NULL))
		return;
	pthread_exit(NULL);
}

/* ---- execve from a thread ---- */

static void *t_execer(void *p)
{
	char pid[32];
	char *argv[] = { self_path, "--exec-child", pid, NULL };

	snprintf(pid, sizeof pid, "%d", (int)getpid());
	execv(self_path, argv);
	say("execv = %s", errname(errno));
	return NULL;
}

static void *t_spinner(void *p)
{
	for (;;)
		sleep_ms(1);
	return NULL;
}

/* what the program does when re-executed by t_execve */
static int exec_child(const char *pid)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	say("after execve: same pid %s, main thread %s",
	    atoi(pid) == getpid() ? "yes" : "no",
	    syscall(SYS_gettid) == getpid() ? "yes" : "no");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Threads:", 8))
			printf("%s", line);
	if (f)
		fclose(f);
	return 3;
}

static void t_execve(void)
{
	pthread_t t;

	watchdog();
	if (start(&t, NULL, t_spinner, NULL))
		return;
	if (start(&t, NULL, t_execer, NULL))
		return;
	pthread_join(t, NULL);          /* never returns: execve ends us */
	say("join returned");
}

/* ---- futex ping-pong ---- */

#define PINGS 20000

static int ball;                /* 0: main's turn, 1: the thread's */

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void wait_turn(int mine)
{
	int v;

	while ((v = __atomic_load_n(&ball, __ATOMIC_ACQUIRE)) != mine)
		futex(&ball, FUTEX_WAIT_PRIVATE, v, NULL);
}

static void pass(int to)
{
	__atomic_store_n(&ball, to, __ATOMIC_RELEASE);
	futex(&ball, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void *t_pong(void *p)
{
	int i;

	for (i = 0; i < PINGS; i++) {
		wait_turn(1);
		(*(long *)p)++;
		pass(0);
	}
	return NULL;
}

static void t_futex(void)
{
	struct timespec ts = { 0, 20 * 1000000L };
	pthread_t t;
	long pongs = 0;
	int i, v = 5;

	watchdog();
	SYS(futex(&v, FUTEX_WAIT_PRIVATE, 6, NULL));     /* value changed */
	SYS(futex(&v, FUTEX_WAIT_PRIVATE, 5, &ts));      /* times out */
	SYS(futex(&v, FUTEX_WAKE_PRIVATE, INT_MAX, NULL));
	if (start(&t, NULL, t_pong, &pongs))
		return;
	for (i = 0; i < PINGS; i++) {
		wait_turn(0);
		pass(1);
	}
	pthread_join(t, NULL);
	say("ping-pong: %ld pongs", pongs);
}

static const struct tcase cases[] = {
	{ t_create_join, "create_join" },
	{ t_mutex, "mutex" },
	{ t_condvar, "condvar" },
	{ t_barrier_case, "barrier" },
	{ t_tls_case, "tls" },
	{ t_cancel, "cancel" },
	{ t_detach, "detach" },
	{ t_pthread_kill, "pthread_kill" },
	{ t_thread_exit, "thread_exit" },
#ifdef __GLIBC__
	{ t_main_pexit, "main_pthread_exit" },
#endif
	{ t_execve, "execve" },
	{ t_futex, "futex" },
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child(argv[2]);
	self_path = argv[0];
	return harness_main(argc, argv, cases, NELEM(cases));
}
