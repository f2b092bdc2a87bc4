/*
 * irq.c: host events for the kernel thread.
 *
 * One helper thread sleeps in epoll_wait() on the fds drivers watch and
 * on a timerfd.  Each event goes into a small queue and the engine's
 * wake() is called, which makes the kernel thread's blocked wait
 * return; the kernel then drains the queue with host_irq_poll().
 * Every fd is armed EPOLLONESHOT: a driver re-arms it once it has
 * consumed what was ready, so a level-triggered fd cannot spin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "host/host.h"

#define QUEUE_MAX 256
#define TIMER_COOKIE ((void *)&timer_fd)

struct irq_event {
	void *cookie;
	int revents;
};

static int epfd = -1;
static int timer_fd = -1;
static void (*wake_fn)(void *);
static void *wake_arg;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct irq_event queue[QUEUE_MAX];
static int nqueue;
static bool timer_fired;

static void push(void *cookie, int revents)
{
	pthread_mutex_lock(&lock);
	if (cookie == TIMER_COOKIE) {
		timer_fired = true;
	} else if (nqueue < QUEUE_MAX) {
		queue[nqueue++] = (struct irq_event){ cookie, revents };
	}
	pthread_mutex_unlock(&lock);
}

static void *irq_thread(void *arg)
{
	struct epoll_event ev[16];
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int n = epoll_wait(epfd, ev, 16, -1);

		for (int i = 0; i < n; i++) {
			int r = 0;

			if (ev[i].events & EPOLLIN)
				r |= 0x1;
			if (ev[i].events & EPOLLOUT)
				r |= 0x4;
			if (ev[i].events & EPOLLERR)
				r |= 0x8;
			if (ev[i].events & EPOLLHUP)
				r |= 0x10;
			push(ev[i].data.ptr, r);
		}
		if (n > 0)
			wake_fn(wake_arg);
	}
	return NULL;
}

int host_irq_init(void (*wake)(void *arg), void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	pthread_t th;

	wake_fn = wake;
	wake_arg = arg;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (epfd < 0 || timer_fd < 0)
		return -errno;
	ev.data.ptr = TIMER_COOKIE;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, timer_fd, &ev) < 0)
		return -errno;
	if (pthread_create(&th, NULL, irq_thread, NULL))
		return -EAGAIN;
	pthread_detach(th);
	return 0;
}

int host_irq_watch(int fd, int events, void *cookie)
{
	struct epoll_event ev = { .events = EPOLLONESHOT };

	if (events & 0x1)
		ev.events |= EPOLLIN | EPOLLRDHUP;
	if (events & 0x4)
		ev.events |= EPOLLOUT;
	ev.data.ptr = cookie;
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	if (errno == ENOENT && epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	return -errno;
}

void host_irq_unwatch(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

static s64 timer_armed;

static void timer_rearm_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.ptr = TIMER_COOKIE };

	epoll_ctl(epfd, EPOLL_CTL_MOD, timer_fd, &ev);
}

void host_irq_set_timer(s64 deadline)
{
	struct itimerspec its;

	if (deadline == timer_armed)
		return;
	timer_armed = deadline;
	memset(&its, 0, sizeof(its));
	if (deadline > 0) {
		its.it_value.tv_sec = deadline / 1000000000LL;
		its.it_value.tv_nsec = deadline % 1000000000LL;
	}
	timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int host_irq_poll(void (*cb)(void *cookie, int revents))
{
	struct irq_event ev[QUEUE_MAX];
	bool timer;
	int n;

	pthread_mutex_lock(&lock);
	n = nqueue;
	memcpy(ev, queue, n * sizeof(ev[0]));
	nqueue = 0;
	timer = timer_fired;
	timer_fired = false;
	pthread_mutex_unlock(&lock);
	if (timer) {
		u64 ticks;

		if (read(timer_fd, &ticks, sizeof(ticks)) < 0)
			ticks = 0;
		timer_armed = 0;
		timer_rearm_epoll();
	}
	for (int i = 0; i < n; i++)
		cb(ev[i].cookie, ev[i].revents);
	return n + timer;
}
