/*
 * Event files: eventfd (counter, semaphore, limits, blocking and
 * signals), timerfd (clocks, one-shot and periodic timers, settime and
 * gettime, absolute times, expirations) and signalfd (reading pending
 * signals, siginfo fields, mask updates, poll, fork).  Bad flags, fds,
 * sizes and pointers get Linux's errno.  Times are only compared, never
 * printed.
 */
#include "harness.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int poll1(int fd, int events, int timeout)
{
	struct pollfd p = { fd, (short)events, 0 };
	int n = poll(&p, 1, timeout);

	return n < 0 ? -1 : p.revents;
}

static void show_u64(const char *label, int fd)
{
	uint64_t v = 0;
	long n;

	errno = 0;
	n = read(fd, &v, sizeof v);
	if (n < 0)
		say("%s = -1 %s", label, errname(errno));
	else
		say("%s = %ld: %llu", label, n, (unsigned long long)v);
}

static int put_u64(int fd, uint64_t v)
{
	return (int)write(fd, &v, sizeof v);
}

static void show_fdinfo(int fd)
{
	char path[64], link[128];
	struct stat st;
	long n;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	say("link: %s", link);
	SYS(fstat(fd, &st));
	say("mode %o size %lld nlink %ld", st.st_mode, (long long)st.st_size,
	    (long)st.st_nlink);
	say("F_GETFL %o F_GETFD %d", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	SYS(lseek(fd, 10, SEEK_SET));
	SYS(lseek(fd, 0, SEEK_CUR));
}

/* ---- eventfd ---- */

static void t_efd_basic(void)
{
	int fd = SYS(eventfd(3, 0));

	show_u64("read", fd);
	SYS(put_u64(fd, 5));
	SYS(put_u64(fd, 7));
	show_u64("read", fd);
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	SYS(put_u64(fd, 0));
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	show_u64("read", fd);
	show_fdinfo(fd);
	SYS(close(fd));
}

static void t_efd_semaphore(void)
{
	int fd = SYS(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));

	show_u64("read", fd);
	show_u64("read", fd);
	show_u64("read", fd);
	SYS(put_u64(fd, 10));
	show_u64("read", fd);
	show_fdinfo(fd);
}

static void t_efd_flags(void)
{
	int fd;

	fd = SYS(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	show_fdinfo(fd);
	SYS(eventfd(0, 0x100));
	SYS(syscall(SYS_eventfd2, 0, -1));
	SYS(syscall(SYS_eventfd2, 0, O_RDWR));
	fd = SYS(syscall(SYS_eventfd, 0xffffffffu));
	show_u64("read of initval 2^32-1", fd);
	fd = SYS(syscall(SYS_eventfd2, 1ULL << 32 | 5, 0));
	show_u64("read of a 64-bit initval", fd);
}

static void t_efd_bad(void)
{
	uint64_t v = 1;
	char small[4];
	int fd = SYS(eventfd(1, EFD_NONBLOCK));

	SYS(read(fd, small, 4));
	SYS(read(fd, small, 7));
	SYS(write(fd, &v, 4));
	SYS(write(fd, &v, 9));
	SYS(write(fd, &(uint64_t){ ~0ULL }, 8));
	SYS(write(fd, BADPTR_KERNEL, 8));
	SYS(write(fd, BADPTR_NULL, 8));
	SYS(read(fd, BADPTR_KERNEL, 8));
	show_u64("read after the failed read", fd);
	SYS(put_u64(fd, 1));
	SYS(read(fd, BADPTR_ONE, 8));
	show_u64("read after the fault", fd);
	SYS(pread(fd, &v, 8, 0));
	SYS(ioctl(fd, FIONREAD, &v));
}

static void t_efd_limit(void)
{
	int fd = SYS(eventfd(0, EFD_NONBLOCK));

	SYS(put_u64(fd, 0xfffffffffffffffeULL));
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	SYS(put_u64(fd, 1));
	SYS(put_u64(fd, 0));
	show_u64("read", fd);
	SYS(put_u64(fd, 0xfffffffffffffffdULL));
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	SYS(put_u64(fd, 1));
	SYS(put_u64(fd, 1));
}

static void t_efd_vec(void)
{
	uint64_t a = 0, v = 4;
	char pad[8];
	struct iovec r[2] = { { pad, 3 }, { &a, 8 } };
	struct iovec w[1] = { { &v, 8 } };
	int fd = SYS(eventfd(0, 0));

	SYS(writev(fd, w, 1));
	SYS(readv(fd, r, 2));
	say("value split over iovecs: %u", (unsigned)pad[0] | (unsigned)pad[1] << 8);
}

static void t_efd_block(void)
{
	int fd = SYS(eventfd(0, 0));
	pid_t pid = fork();

	if (pid == 0) {
		msleep(30);
		put_u64(fd, 42);
		_exit(0);
	}
	show_u64("blocking read", fd);
	waitpid(pid, NULL, 0);
	/* A writer blocked on a full counter wakes when it is read. */
	SYS(put_u64(fd, 0xfffffffffffffff0ULL));
	pid = fork();
	if (pid == 0) {
		msleep(30);
		uint64_t v;
		read(fd, &v, 8);
		_exit(0);
	}
	SYS(put_u64(fd, 0x20));
	waitpid(pid, NULL, 0);
	show_u64("read", fd);
}

static int sig_fd = -1;

static void on_alarm(int sig)
{
	if (sig_fd >= 0)
		put_u64(sig_fd, 7);
}

static void t_efd_signal(void)
{
	struct sigaction sa = { 0 };
	int fd = SYS(eventfd(0, 0));

	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(20000, 0);
	show_u64("read interrupted", fd);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	sig_fd = fd;
	ualarm(20000, 0);
	show_u64("read restarted", fd);
}

static void t_efd_select(void)
{
	fd_set r, w;
	struct timeval tv = { 0, 0 };
	int fd = SYS(eventfd(0, 0));

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	SYS(select(fd + 1, &r, &w, NULL, &tv));
	say("r %d w %d", FD_ISSET(fd, &r), FD_ISSET(fd, &w));
	SYS(put_u64(fd, 1));
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	SYS(select(fd + 1, &r, &w, NULL, &tv));
	say("r %d w %d", FD_ISSET(fd, &r), FD_ISSET(fd, &w));
}

/* ---- timerfd ---- */

static struct itimerspec its(long vs, long vns, long is, long ins)
{
	struct itimerspec t = { { is, ins }, { vs, vns } };

	return t;
}

static void t_tfd_bad(void)
{
	struct itimerspec t = its(1, 0, 0, 0), o;
	int fd = SYS(timerfd_create(CLOCK_MONOTONIC, 0));
	int efd = eventfd(0, 0);
	char small[4];

	SYS(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	SYS(timerfd_create(CLOCK_MONOTONIC_RAW, 0));
	SYS(timerfd_create(CLOCK_TAI, 0));
	SYS(timerfd_create(-1, 0));
	SYS(timerfd_create(100, 0));
	SYS(timerfd_create(CLOCK_MONOTONIC, 1));
	SYS(timerfd_create(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME));
	SYS(timerfd_settime(fd, 4, &t, NULL));
	SYS(timerfd_settime(fd, -1, &t, NULL));
	t = its(0, 1000000000, 0, 0);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	t = its(0, -1, 0, 0);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	t = its(-1, 0, 0, 0);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	t = its(1, 0, 0, 1000000000);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	t = its(1, 0, -5, 0);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	t = its(1, 0, 0, 0);
	SYS(timerfd_settime(fd, 0, BADPTR_KERNEL, NULL));
	SYS(timerfd_settime(fd, 0, NULL, NULL));
	SYS(timerfd_settime(efd, 0, &t, NULL));
	SYS(timerfd_settime(99, 0, &t, NULL));
	SYS(timerfd_settime(-1, 0, &t, NULL));
	SYS(timerfd_settime(efd, 8, &t, NULL));
	SYS(timerfd_settime(fd, 0, &t, BADPTR_KERNEL));
	SYS(timerfd_gettime(fd, &o));
	say("armed anyway: %d", o.it_value.tv_sec == 0 && o.it_value.tv_nsec > 0);
	SYS(timerfd_gettime(fd, BADPTR_KERNEL));
	SYS(timerfd_gettime(efd, &o));
	SYS(timerfd_gettime(99, &o));
	SYS(read(fd, small, 4));
	SYS(write(fd, small, 4));
	SYS(write(fd, &(uint64_t){ 1 }, 8));
}

static void t_tfd_oneshot(void)
{
	struct itimerspec t = its(0, 20000000, 0, 0), o;
	long long start = now_ns(CLOCK_MONOTONIC);
	int fd = SYS(timerfd_create(CLOCK_MONOTONIC, 0));

	show_fdinfo(fd);
	SYS(timerfd_gettime(fd, &o));
	say("disarmed: %ld %ld %ld %ld", o.it_value.tv_sec, o.it_value.tv_nsec,
	    o.it_interval.tv_sec, o.it_interval.tv_nsec);
	SYS(timerfd_settime(fd, 0, &t, &o));
	say("old: %ld %ld", o.it_value.tv_sec, o.it_value.tv_nsec);
	say("poll before %x", poll1(fd, POLLIN, 0));
	show_u64("read", fd);
	TRUE(now_ns(CLOCK_MONOTONIC) - start >= 20000000);
	SYS(timerfd_gettime(fd, &o));
	say("after: %ld %ld %ld %ld", o.it_value.tv_sec, o.it_value.tv_nsec,
	    o.it_interval.tv_sec, o.it_interval.tv_nsec);
	SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	show_u64("read again", fd);
	say("poll after %x", poll1(fd, POLLIN, 0));
}

static void t_tfd_periodic(void)
{
	struct itimerspec t = its(0, 10000000, 0, 10000000), o;
	int fd = SYS(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	uint64_t ticks = 0;

	show_u64("read before", fd);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	msleep(55);
	say("poll %x", poll1(fd, POLLIN, 0));
	SYS(read(fd, &ticks, 8));
	TRUE(ticks >= 5);
	SYS(timerfd_gettime(fd, &o));
	say("interval %ld %ld", o.it_interval.tv_sec, o.it_interval.tv_nsec);
	/* 0 when an expiry is due but not yet counted (a loaded machine). */
	TRUE(o.it_value.tv_sec == 0 && o.it_value.tv_nsec >= 0 &&
	     o.it_value.tv_nsec <= 10000000);
	SYS(fcntl(fd, F_SETFL, 0));
	SYS(read(fd, &ticks, 8));
	TRUE(ticks >= 1);
	/* Disarm: nothing more comes, and the old value is returned. */
	t = its(0, 0, 0, 0);
	SYS(timerfd_settime(fd, 0, &t, &o));
	say("old interval %ld %ld", o.it_interval.tv_sec, o.it_interval.tv_nsec);
	msleep(25);
	say("poll %x", poll1(fd, POLLIN, 0));
	SYS(timerfd_gettime(fd, &o));
	say("now: %ld %ld %ld %ld", o.it_value.tv_sec, o.it_value.tv_nsec,
	    o.it_interval.tv_sec, o.it_interval.tv_nsec);
}

static void t_tfd_values(void)
{
	struct itimerspec t = its(100, 0, 7, 5000), o;
	int fd = SYS(timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC));

	show_fdinfo(fd);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	SYS(timerfd_gettime(fd, &o));
	TRUE(o.it_value.tv_sec == 99 || o.it_value.tv_sec == 100);
	say("interval %ld %ld", o.it_interval.tv_sec, o.it_interval.tv_nsec);
	t = its(5, 0, 0, 0);
	SYS(timerfd_settime(fd, 0, &t, &o));
	TRUE(o.it_value.tv_sec == 99 || o.it_value.tv_sec == 100);
	say("old interval %ld %ld", o.it_interval.tv_sec, o.it_interval.tv_nsec);
	SYS(timerfd_gettime(fd, &o));
	TRUE(o.it_value.tv_sec == 4 || o.it_value.tv_sec == 5);
	say("interval %ld %ld", o.it_interval.tv_sec, o.it_interval.tv_nsec);
}

static void t_tfd_abstime(void)
{
	int fd = SYS(timerfd_create(CLOCK_REALTIME, 0));
	long long now = now_ns(CLOCK_REALTIME) + 30000000;
	struct itimerspec t = its(now / 1000000000, now % 1000000000, 0, 0), o;

	SYS(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &t,
			    NULL));
	SYS(timerfd_gettime(fd, &o));
	TRUE(o.it_value.tv_sec == 0 && o.it_value.tv_nsec <= 30000000);
	show_u64("read", fd);
	TRUE(now_ns(CLOCK_REALTIME) >= now);
	/* In the past: fires at once. */
	t = its(1, 0, 0, 0);
	SYS(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
	say("poll %x", poll1(fd, POLLIN, 1000));
	show_u64("read", fd);
	/* Monotonic, absolute, periodic, started long ago: all the periods. */
	fd = SYS(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	now = now_ns(CLOCK_MONOTONIC) - 1000000000;
	t = its(now / 1000000000, now % 1000000000, 0, 100000000);
	SYS(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
	say("poll %x", poll1(fd, POLLIN, 1000));
	uint64_t ticks = 0;
	SYS(read(fd, &ticks, 8));
	TRUE(ticks >= 10 && ticks < 20);
	/* CANCEL_ON_SET without ABSTIME, or on another clock: accepted. */
	SYS(timerfd_settime(fd, TFD_TIMER_CANCEL_ON_SET, &t, NULL));
}

static void t_tfd_fork(void)
{
	struct itimerspec t = its(0, 30000000, 0, 0);
	int fd = SYS(timerfd_create(CLOCK_MONOTONIC, 0));
	pid_t pid;
	int st;

	SYS(timerfd_settime(fd, 0, &t, NULL));
	pid = fork();
	if (pid == 0) {
		uint64_t v = 0;
		long n = read(fd, &v, 8);

		_exit(n == 8 && v == 1 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	say("child read the shared timer: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	show_u64("parent read", fd);
}

static void t_tfd_signal(void)
{
	struct itimerspec t = its(5, 0, 0, 0);
	struct sigaction sa = { 0 };
	int fd = SYS(timerfd_create(CLOCK_MONOTONIC, 0));

	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	SYS(timerfd_settime(fd, 0, &t, NULL));
	ualarm(20000, 0);
	show_u64("read interrupted", fd);
}

/* ---- signalfd ---- */

static sigset_t mask_of(int a, int b)
{
	sigset_t m;

	sigemptyset(&m);
	if (a)
		sigaddset(&m, a);
	if (b)
		sigaddset(&m, b);
	return m;
}

/* Read up to max (at most 4) signals in one read and show them. */
static void show_ssin(int fd, int max)
{
	struct signalfd_siginfo s[4];
	long n;

	errno = 0;
	n = read(fd, s, max * sizeof s[0]);
	if (n < 0) {
		say("read = -1 %s", errname(errno));
		return;
	}
	say("read = %ld", n);
	for (long i = 0; i < n / (long)sizeof s[0]; i++)
		say("  signo %s code %d errno %d pid-is-me %d uid-is-me %d int %d "
		    "status %d", signame(s[i].ssi_signo), s[i].ssi_code,
		    s[i].ssi_errno, s[i].ssi_pid == (uint32_t)getpid(),
		    s[i].ssi_uid == getuid(), s[i].ssi_int, s[i].ssi_status);
}

static void show_ssi(int fd)
{
	show_ssin(fd, 4);
}

static void t_sfd_basic(void)
{
	sigset_t m = mask_of(SIGUSR1, 0);
	int fd;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m, 0));
	show_fdinfo(fd);
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	SYS(kill(getpid(), SIGUSR1));
	say("poll %x", poll1(fd, POLLIN | POLLOUT, 0));
	show_ssi(fd);
	say("poll %x", poll1(fd, POLLIN, 0));
	SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	show_ssi(fd);
	/* Still blocked, and nothing left pending. */
	sigset_t p;
	sigpending(&p);
	TRUE(!sigismember(&p, SIGUSR1));
}

static void t_sfd_bad(void)
{
	sigset_t m = mask_of(SIGUSR1, 0);
	int efd = eventfd(0, 0);
	int fd = SYS(signalfd(-1, &m, SFD_NONBLOCK));
	char buf[200];

	SYS(syscall(SYS_signalfd4, -1, &m, 4, 0));
	SYS(syscall(SYS_signalfd4, -1, &m, 16, 0));
	SYS(syscall(SYS_signalfd, -1, &m, 0));
	SYS(syscall(SYS_signalfd4, -1, BADPTR_KERNEL, 8, 0));
	SYS(syscall(SYS_signalfd4, -1, NULL, 8, 0));
	SYS(syscall(SYS_signalfd4, -1, &m, 8, 1));
	SYS(syscall(SYS_signalfd4, -1, &m, 8, O_RDWR));
	SYS(syscall(SYS_signalfd4, efd, &m, 8, 0));
	SYS(syscall(SYS_signalfd4, 99, &m, 8, 0));
	SYS(syscall(SYS_signalfd4, -2, &m, 8, 0));
	SYS(read(fd, buf, 127));
	SYS(read(fd, buf, 128));
	SYS(read(fd, buf, 200));
	SYS(write(fd, buf, 128));
	sigprocmask(SIG_BLOCK, &m, NULL);
	raise(SIGUSR1);
	SYS(read(fd, BADPTR_KERNEL, 128));
	SYS(read(fd, buf, 128));
}

static void t_sfd_update(void)
{
	sigset_t m = mask_of(SIGUSR1, SIGUSR2), m1 = mask_of(SIGUSR1, 0);
	sigset_t m2 = mask_of(SIGUSR2, SIGKILL);
	int fd;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m1, SFD_NONBLOCK | SFD_CLOEXEC));
	show_fdinfo(fd);
	raise(SIGUSR2);
	show_ssi(fd);
	SYS(signalfd(fd, &m2, 0));
	SYS(fcntl(fd, F_GETFL) & O_NONBLOCK);
	show_ssi(fd);
	raise(SIGUSR1);
	raise(SIGUSR2);
	SYS(signalfd(fd, &m, SFD_CLOEXEC));
	show_ssi(fd);
}

static void t_sfd_queue(void)
{
	sigset_t m = mask_of(SIGRTMIN, SIGUSR1);
	union sigval v;
	int fd;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m, SFD_NONBLOCK));
	v.sival_int = 42;
	SYS(sigqueue(getpid(), SIGRTMIN, v));
	v.sival_int = 43;
	SYS(sigqueue(getpid(), SIGRTMIN, v));
	SYS(kill(getpid(), SIGUSR1));
	SYS(kill(getpid(), SIGUSR1));
	show_ssi(fd);
	show_ssi(fd);
}

static void t_sfd_chld(void)
{
	sigset_t m = mask_of(SIGCHLD, 0);
	struct signalfd_siginfo s;
	pid_t pid;
	int fd;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m, 0));
	pid = fork();
	if (pid == 0)
		_exit(3);
	SYS(read(fd, &s, sizeof s));
	say("signo %s code %d status %d pid-is-child %d", signame(s.ssi_signo),
	    s.ssi_code, s.ssi_status, s.ssi_pid == (uint32_t)pid);
	waitpid(pid, NULL, 0);
}

static void t_sfd_fork(void)
{
	sigset_t m = mask_of(SIGUSR1, SIGUSR2);
	int fd, st;
	pid_t pid;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m, 0));
	raise(SIGUSR2);
	pid = fork();
	if (pid == 0) {
		/* The parent's pending signal is not ours; wait for one. */
		struct signalfd_siginfo s;
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 0) != 0)
			_exit(10);
		kill(getppid(), SIGUSR1);
		if (read(fd, &s, sizeof s) != sizeof s)
			_exit(11);
		_exit(s.ssi_signo == SIGUSR1 ? 0 : 12);
	}
	/* Blocks until the child's signal arrives (after USR2, already here). */
	show_ssin(fd, 1);
	show_ssin(fd, 1);
	kill(pid, SIGUSR1);
	waitpid(pid, &st, 0);
	say("child: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void on_usr2(int sig)
{
	(void)sig;
}

static void t_sfd_interrupt(void)
{
	sigset_t m = mask_of(SIGUSR1, 0);
	struct sigaction sa = { 0 };
	int fd;

	sigprocmask(SIG_BLOCK, &m, NULL);
	fd = SYS(signalfd(-1, &m, 0));
	sa.sa_handler = on_usr2;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(20000, 0);
	show_ssi(fd);
	/* An unblocked signal in the mask is delivered, not read. */
	sigaction(SIGUSR2, &sa, NULL);
	m = mask_of(SIGUSR2, 0);
	SYS(signalfd(fd, &m, SFD_NONBLOCK));
	raise(SIGUSR2);
	SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	show_ssi(fd);
}

static const struct tcase cases[] = {
	{ t_efd_basic, "efd_basic" },
	{ t_efd_semaphore, "efd_semaphore" },
	{ t_efd_flags, "efd_flags" },
	{ t_efd_bad, "efd_bad" },
	{ t_efd_limit, "efd_limit" },
	{ t_efd_vec, "efd_vec" },
	{ t_efd_block, "efd_block" },
	{ t_efd_signal, "efd_signal" },
	{ t_efd_select, "efd_select" },
	{ t_tfd_bad, "tfd_bad" },
	{ t_tfd_oneshot, "tfd_oneshot" },
	{ t_tfd_periodic, "tfd_periodic" },
	{ t_tfd_values, "tfd_values" },
	{ t_tfd_abstime, "tfd_abstime" },
	{ t_tfd_fork, "tfd_fork" },
	{ t_tfd_signal, "tfd_signal" },
	{ t_sfd_basic, "sfd_basic" },
	{ t_sfd_bad, "sfd_bad" },
	{ t_sfd_update, "sfd_update" },
	{ t_sfd_queue, "sfd_queue" },
	{ t_sfd_chld, "sfd_chld" },
	{ t_sfd_fork, "sfd_fork" },
	{ t_sfd_interrupt, "sfd_interrupt" },
};

HARNESS_MAIN(cases)
