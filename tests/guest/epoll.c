/*
 * epoll: level- and edge-triggered and one-shot items over pipes,
 * eventfds, timerfds, signalfds, sockets and other epolls; the ready
 * list's order; closing watched files; nesting limits and loops;
 * epoll_pwait's signal mask and epoll_pwait2's timeout; signals and
 * timeouts; and every errno of epoll_create/ctl/wait for bad input.
 */
#include "harness.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int add(int ep, int fd, unsigned events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, unsigned events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* epoll_wait with max events and timeout; prints what came. */
static int wait_show(int ep, int max, int timeout)
{
	struct epoll_event ev[16];
	int n;

	errno = 0;
	n = epoll_wait(ep, ev, max, timeout);
	if (n < 0) {
		say("wait = -1 %s", errname(errno));
		return n;
	}
	printf("wait = %d", n);
	for (int i = 0; i < n; i++)
		printf(" [%llu %x]", (unsigned long long)ev[i].data.u64,
		       ev[i].events);
	printf("\n");
	return n;
}

static void t_bad(void)
{
	struct epoll_event ev = { EPOLLIN, { 0 } }, out[2];
	int p[2], ep = SYS(epoll_create1(0));
	int efd = eventfd(0, 0);
	int file = open("f", O_CREAT | O_RDWR, 0600);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	sigset_t m;

	pipe(p);
	SYS(epoll_create(0));
	SYS(epoll_create(-1));
	SYS(epoll_create1(1));
	SYS(epoll_create1(EPOLL_CLOEXEC | 1));
	SYS(epoll_ctl(99, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
	SYS(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(efd, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev));
	SYS(epoll_ctl(file, EPOLL_CTL_ADD, file, &ev));
	SYS(epoll_ctl(ep, 0, p[0], &ev));
	SYS(epoll_ctl(ep, 4, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], BADPTR_KERNEL));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
	SYS(epoll_ctl(99, EPOLL_CTL_ADD, p[0], NULL));
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], BADPTR_KERNEL));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], BADPTR_ONE));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	/* EPOLLEXCLUSIVE: only ADD, only with the usual bits, not epolls. */
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	ev.events = EPOLLIN;
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLEXCLUSIVE | EPOLLET | EPOLLOUT;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	int ep2 = epoll_create1(0);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
	/* Unknown event bits are kept and ignored. */
	ev.events = EPOLLIN | 0x01000000 | EPOLLWAKEUP;
	SYS(epoll_ctl(ep2, EPOLL_CTL_ADD, p[0], &ev));
	/* epoll_wait */
	SYS(epoll_wait(ep, out, 0, 0));
	SYS(epoll_wait(ep, out, -1, 0));
	SYS(epoll_wait(ep, out, 0x7fffffff, 0));
	SYS(epoll_wait(ep, BADPTR_KERNEL, 1, 0));
	SYS(epoll_wait(ep, BADPTR_NULL, 1, 0));
	SYS(epoll_wait(99, out, 1, 0));
	SYS(epoll_wait(efd, out, 1, 0));
	SYS(epoll_wait(file, out, 1, 0));
	sigemptyset(&m);
	SYS(syscall(SYS_epoll_pwait, ep, out, 1, 0, &m, 4));
	SYS(syscall(SYS_epoll_pwait, ep, out, 1, 0, BADPTR_KERNEL, 8));
	SYS(syscall(SYS_epoll_pwait, ep, out, 0, 0, &m, 4));
	SYS(syscall(SYS_epoll_pwait, ep, out, 1, 0, NULL, 4));
	struct timespec ts = { 0, 1000000000 };
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, &ts, NULL, 8));
	ts.tv_nsec = -1;
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, &ts, NULL, 8));
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, &ts, NULL, 8));
	ts.tv_sec = 0;
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, BADPTR_KERNEL, NULL, 8));
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, &ts, &m, 7));
	SYS(syscall(SYS_epoll_pwait2, ep, out, 1, &ts, NULL, 0));
	/* The epoll file itself. */
	char buf[16];
	SYS(read(ep, buf, sizeof buf));
	SYS(write(ep, buf, sizeof buf));
	SYS(lseek(ep, 0, SEEK_CUR));
	struct stat st;
	SYS(fstat(ep, &st));
	say("mode %o", st.st_mode);
	char link[64], path[32];
	snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
	long n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	say("link %s", link);
	say("cloexec %d", fcntl(epoll_create1(EPOLL_CLOEXEC), F_GETFD));
	say("F_GETFL %o", fcntl(ep, F_GETFL));
}

static void t_level(void)
{
	int p[2], ep = epoll_create1(0);

	pipe(p);
	SYS(add(ep, p[0], EPOLLIN, 10));
	SYS(add(ep, p[1], EPOLLOUT, 11));
	wait_show(ep, 8, 0);
	SYS(write(p[1], "abc", 3));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	char c;
	read(p[0], &c, 1);
	wait_show(ep, 8, 0);
	read(p[0], &c, 2);
	wait_show(ep, 8, 0);
	SYS(mod(ep, p[1], EPOLLIN, 12));
	wait_show(ep, 8, 0);
	SYS(mod(ep, p[1], EPOLLOUT | EPOLLIN, 13));
	wait_show(ep, 8, 0);
	SYS(close(p[1]));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
}

static void t_edge(void)
{
	int p[2], ep = epoll_create1(0);

	pipe(p);
	SYS(add(ep, p[0], EPOLLIN | EPOLLET, 1));
	SYS(add(ep, p[1], EPOLLOUT | EPOLLET, 2));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	write(p[1], "x", 1);
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	write(p[1], "y", 1);
	wait_show(ep, 8, 0);
	char buf[4];
	read(p[0], buf, 1);
	wait_show(ep, 8, 0);
	read(p[0], buf, 1);
	wait_show(ep, 8, 0);
	/* MOD re-arms an edge-triggered item that is ready. */
	write(p[1], "z", 1);
	wait_show(ep, 8, 0);
	SYS(mod(ep, p[0], EPOLLIN | EPOLLET, 3));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
}

static void t_oneshot(void)
{
	int p[2], ep = epoll_create1(0);

	pipe(p);
	SYS(add(ep, p[0], EPOLLIN | EPOLLONESHOT, 5));
	write(p[1], "a", 1);
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	write(p[1], "b", 1);
	wait_show(ep, 8, 0);
	SYS(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 6));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	SYS(mod(ep, p[0], EPOLLIN, 7));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	SYS(add(ep, p[0], EPOLLIN, 8));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	wait_show(ep, 8, 0);
}

static void t_order(void)
{
	int p[4][2], ep = epoll_create1(0);

	for (int i = 0; i < 4; i++) {
		pipe(p[i]);
		add(ep, p[i][0], EPOLLIN, 100 + i);
		write(p[i][1], "x", 1);
	}
	wait_show(ep, 2, 0);
	wait_show(ep, 2, 0);
	wait_show(ep, 3, 0);
	wait_show(ep, 1, 0);
	wait_show(ep, 16, 0);
	/* Edge-triggered ones leave the list once reported. */
	int e = epoll_create1(0);
	for (int i = 0; i < 4; i++)
		add(e, p[i][0], EPOLLIN | EPOLLET, 200 + i);
	wait_show(e, 3, 0);
	wait_show(e, 3, 0);
	wait_show(e, 3, 0);
}

static void t_close(void)
{
	int p[2], ep = epoll_create1(0), d;

	pipe(p);
	write(p[1], "x", 1);
	d = dup(p[0]);
	SYS(add(ep, p[0], EPOLLIN, 1));
	SYS(add(ep, d, EPOLLIN, 2));
	wait_show(ep, 8, 0);
	/* Closing one fd of the file: the item stays, under its old fd. */
	SYS(close(p[0]));
	wait_show(ep, 8, 0);
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	SYS(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL));
	SYS(add(ep, d, EPOLLIN, 3));
	/* The last close drops both items. */
	SYS(close(d));
	wait_show(ep, 8, 0);
	/* A new file at the same fd number is a new item. */
	pipe(p);
	write(p[1], "x", 1);
	SYS(add(ep, p[0], EPOLLIN, 4));
	wait_show(ep, 8, 0);
	/* Closing the epoll first is fine too. */
	SYS(close(ep));
	SYS(close(p[0]));
}

static void t_hup(void)
{
	int p[2], ep = epoll_create1(0);

	pipe(p);
	SYS(add(ep, p[0], EPOLLIN | EPOLLET, 1));
	SYS(add(ep, p[1], EPOLLOUT | EPOLLET, 2));
	wait_show(ep, 8, 0);
	SYS(close(p[1]));
	wait_show(ep, 8, 0);
	wait_show(ep, 8, 0);
	pipe(p);
	SYS(add(ep, p[1], 0, 3));
	wait_show(ep, 8, 0);
	SYS(close(p[0]));
	wait_show(ep, 8, 0);
}

static void t_nested(void)
{
	int p[2], outer = epoll_create1(0), inner = epoll_create1(0);

	pipe(p);
	SYS(add(inner, p[0], EPOLLIN, 1));
	SYS(add(outer, inner, EPOLLIN, 2));
	wait_show(outer, 8, 0);
	struct pollfd pf = { inner, POLLIN | POLLOUT, 0 };
	SYS(poll(&pf, 1, 0));
	say("revents %x", pf.revents);
	write(p[1], "x", 1);
	SYS(poll(&pf, 1, 0));
	say("revents %x", pf.revents);
	wait_show(outer, 8, 0);
	wait_show(inner, 8, 0);
	wait_show(outer, 8, 0);
	char c;
	read(p[0], &c, 1);
	wait_show(outer, 8, 0);
	/* Edge-triggered watch of an epoll. */
	SYS(mod(outer, inner, EPOLLIN | EPOLLET, 3));
	write(p[1], "x", 1);
	wait_show(outer, 8, 0);
	wait_show(outer, 8, 0);
	write(p[1], "x", 1);
	wait_show(outer, 8, 0);
	/* Closing the inner epoll drops it from the outer one. */
	SYS(close(inner));
	wait_show(outer, 8, 0);
}

static void t_loops(void)
{
	int ep[8];

	for (int i = 0; i < 8; i++)
		ep[i] = epoll_create1(0);
	SYS(add(ep[0], ep[1], EPOLLIN, 0));
	SYS(add(ep[1], ep[0], EPOLLIN, 0));
	SYS(add(ep[1], ep[2], EPOLLIN, 0));
	SYS(add(ep[2], ep[0], EPOLLIN, 0));
	SYS(add(ep[2], ep[1], EPOLLIN, 0));
	/* A chain: how deep can it go? */
	int c[8];
	for (int i = 0; i < 8; i++)
		c[i] = epoll_create1(0);
	for (int i = 0; i < 7; i++) {
		char label[32];

		snprintf(label, sizeof label, "chain %d into %d", i + 1, i);
		SYS_L(label, add(c[i], c[i + 1], EPOLLIN, i));
	}
	/* Depth counted upwards too. */
	int d[8];
	for (int i = 0; i < 8; i++)
		d[i] = epoll_create1(0);
	for (int i = 7; i > 0; i--) {
		char label[32];

		snprintf(label, sizeof label, "chain %d into %d", i, i - 1);
		SYS_L(label, add(d[i - 1], d[i], EPOLLIN, i));
	}
	/* A diamond is not a loop. */
	int a = epoll_create1(0), b1 = epoll_create1(0), b2 = epoll_create1(0);
	int z = epoll_create1(0);
	SYS(add(a, b1, EPOLLIN, 0));
	SYS(add(a, b2, EPOLLIN, 0));
	SYS(add(b1, z, EPOLLIN, 0));
	SYS(add(b2, z, EPOLLIN, 0));
	SYS(add(z, a, EPOLLIN, 0));
}

static void t_types(void)
{
	int ep = epoll_create1(0), sv[2];
	int efd = eventfd(0, 0);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	sigset_t m;
	struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };

	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int sfd = signalfd(-1, &m, 0);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(add(ep, efd, EPOLLIN | EPOLLOUT | EPOLLET, 1));
	SYS(add(ep, tfd, EPOLLIN, 2));
	SYS(add(ep, sfd, EPOLLIN, 3));
	SYS(add(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 4));
	wait_show(ep, 8, 0);
	uint64_t one = 1;
	write(efd, &one, 8);
	wait_show(ep, 8, 0);
	timerfd_settime(tfd, 0, &its, NULL);
	wait_show(ep, 8, 5000);
	read(tfd, &one, 8);
	raise(SIGUSR1);
	wait_show(ep, 8, 0);
	struct signalfd_siginfo si;
	read(sfd, &si, sizeof si);
	write(sv[1], "hi", 2);
	wait_show(ep, 8, 0);
	shutdown(sv[1], SHUT_WR);
	wait_show(ep, 8, 0);
	close(sv[1]);
	wait_show(ep, 8, 0);
}

static void t_block(void)
{
	int p[2], ep = epoll_create1(0);
	pid_t pid;

	pipe(p);
	SYS(add(ep, p[0], EPOLLIN, 9));
	pid = fork();
	if (pid == 0) {
		msleep(30);
		write(p[1], "x", 1);
		_exit(0);
	}
	wait_show(ep, 8, -1);
	waitpid(pid, NULL, 0);
	/* A timeout passes with nothing. */
	int e = epoll_create1(0);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	wait_show(e, 8, 30);
	clock_gettime(CLOCK_MONOTONIC, &b);
	TRUE((b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec >= 30000000);
	struct timespec ts = { 0, 20000000 };
	struct epoll_event ev[2];
	SYS(syscall(SYS_epoll_pwait2, e, ev, 2, &ts, NULL, 8));
	ts.tv_nsec = 0;
	SYS(syscall(SYS_epoll_pwait2, e, ev, 2, &ts, NULL, 8));
	SYS(syscall(SYS_epoll_pwait2, ep, ev, 2, NULL, NULL, 8));
	/* An empty epoll waited on by two processes. */
	pid = fork();
	if (pid == 0) {
		_exit(epoll_wait(ep, ev, 2, 2000) == 1 ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	say("child saw it too: %d", WEXITSTATUS(st));
}

static void on_sig(int sig)
{
	(void)sig;
}

static void t_signals(void)
{
	struct sigaction sa = { 0 };
	struct epoll_event ev[2];
	int ep = epoll_create1(0);
	sigset_t m, old;

	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(20000, 0);
	SYS(epoll_wait(ep, ev, 2, 5000));
	/* pwait: a blocked signal is let through during the wait only. */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, &old);
	raise(SIGUSR1);
	sigemptyset(&m);
	SYS(epoll_pwait(ep, ev, 2, 5000, &m));
	sigprocmask(SIG_BLOCK, NULL, &m);
	TRUE(sigismember(&m, SIGUSR1));
	/* A mask that blocks the signal: it waits out the timeout. */
	sigaddset(&m, SIGALRM);
	ualarm(10000, 0);
	SYS(epoll_pwait(ep, ev, 2, 40, &m));
	sigpending(&m);
	TRUE(sigismember(&m, SIGALRM));
}

static void t_many(void)
{
	int ep = epoll_create1(0), p[200][2], n = 0;
	struct epoll_event ev[64];

	for (int i = 0; i < 200; i++) {
		pipe(p[i]);
		add(ep, p[i][0], EPOLLIN, i);
	}
	for (int i = 0; i < 200; i += 3)
		write(p[i][1], "x", 1);
	for (int r; (r = epoll_wait(ep, ev, 64, 0)) > 0;) {
		for (int i = 0; i < r; i++) {
			char c;
			read(p[ev[i].data.u64][0], &c, 1);
		}
		n += r;
	}
	say("events %d", n);
	for (int i = 0; i < 200; i++)
		close(p[i][0]);
	say("after closing: %d", epoll_wait(ep, ev, 64, 0));
}

static const struct tcase cases[] = {
	{ t_bad, "bad" },
	{ t_level, "level" },
	{ t_edge, "edge" },
	{ t_oneshot, "oneshot" },
	{ t_order, "order" },
	{ t_close, "close" },
	{ t_hup, "hup" },
	{ t_nested, "nested" },
	{ t_loops, "loops" },
	{ t_types, "types" },
	{ t_block, "block" },
	{ t_signals, "signals" },
	{ t_many, "many" },
};

HARNESS_MAIN(cases)
