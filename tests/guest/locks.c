/*
 * File locks: flock(2) (per open file description), POSIX record locks
 * (per process: F_GETLK answers, splitting and merging, release on
 * close of any descriptor and at exit, EDEADLK) and OFD locks, between
 * a parent and its forked children.  A child that must be asleep in a
 * blocking lock before the parent acts gets 200 ms to get there.
 */
#include "harness.h"

#include <pthread.h>
#include <sys/file.h>
#include <sys/time.h>

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

#ifndef LOCK_MAND
#define LOCK_MAND 32
#endif

#define SETTLE_US 200000

static const char *tname(int t)
{
	return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK"
	       : t == F_UNLCK ? "F_UNLCK" : "?";
}

static int lk(int fd, int cmd, int type, int whence, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = whence,
			    .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for [start, start+len) and print the answer;
   pid: the pid expected in l_pid for a POSIX lock. */
static void getlk(int fd, int cmd, int type, long start, long len, pid_t pid)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl) < 0) {
		say("getlk %ld+%ld: %s", start, len, errname(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		say("getlk %s %ld+%ld: F_UNLCK", tname(type), start, len);
		return;
	}
	say("getlk %s %ld+%ld: %s start %ld len %ld whence %d pid %s",
	    tname(type), start, len, tname(fl.l_type), (long)fl.l_start,
	    (long)fl.l_len, fl.l_whence,
	    fl.l_pid == -1 ? "-1" : fl.l_pid == pid ? "owner" : "other");
}

static int open_rw(const char *name)
{
	int fd = open(name, O_RDWR | O_CREAT, 0644);

	if (fd < 0)
		say("open %s: %s", name, errname(errno));
	return fd;
}

/* Fork a child running fn(arg); the parent gets its pid. */
static pid_t child(void (*fn)(int), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		say("waitpid: %s", errname(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st))
		say("child status 0x%x", st);
}

/* Wait for one byte from fd (a pipe from the other side). */
static void wait_byte(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		say("wait_byte: %s", errname(errno));
}

static void send_byte(int fd)
{
	if (write(fd, "x", 1) != 1)
		say("send_byte: %s", errname(errno));
}

/*
 * Run expr, which lets child pid go on, and print its result only once
 * the child is done: the two would race for the output.
 */
#define SYS_THEN_REAP(pid, expr)                                         \
	do {                                                             \
		long r_;                                                 \
		int e_;                                                  \
		errno = 0;                                               \
		r_ = (long)(expr);                                       \
		e_ = errno;                                              \
		reap(pid);                                               \
		show_result(#expr, r_, e_, 1);                           \
	} while (0)

static void on_alarm(int sig)
{
	(void)sig;
}

/* SIGALRM in ms, with a handler that does not restart calls. */
static void alarm_ms(int ms)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- flock ---- */

static void t_flock_basic(void)
{
	int a = open_rw("fl1"), b = open_rw("fl1"), d;

	SYS(flock(a, LOCK_EX));
	SYS(flock(b, LOCK_EX | LOCK_NB));
	SYS(flock(b, LOCK_SH | LOCK_NB));
	d = dup(a);
	/* the same description: its own lock, converted in place */
	SYS(flock(d, LOCK_EX | LOCK_NB));
	SYS(flock(d, LOCK_SH | LOCK_NB));
	SYS(flock(b, LOCK_SH | LOCK_NB));
	SYS(flock(b, LOCK_EX | LOCK_NB));
	/* a conversion that fails has dropped the old lock (Linux) */
	SYS(flock(a, LOCK_EX | LOCK_NB));
	SYS(flock(b, LOCK_UN));
	SYS(flock(b, LOCK_EX | LOCK_NB));
	SYS(flock(b, LOCK_UN));
	SYS(flock(b, LOCK_UN));
	SYS(flock(a, LOCK_EX | LOCK_NB));
}

static void t_flock_errors(void)
{
	int a = open_rw("fl2"), p[2], o;

	SYS(flock(a, 0));
	SYS(flock(a, LOCK_SH | LOCK_EX));
	SYS(flock(a, LOCK_NB));
	SYS(flock(a, 16));
	SYS(flock(-1, LOCK_SH));
	SYS(flock(99, LOCK_EX));
	SYS(flock(99, 0));
	SYS(flock(99, LOCK_MAND));
	SYS(flock(a, LOCK_MAND | LOCK_EX));
	o = open("fl2", O_PATH);
	SYS(flock(o, LOCK_SH));
	SYS(flock(o, LOCK_UN));
	SYS(pipe(p));
	SYS(flock(p[0], LOCK_EX | LOCK_NB));
	SYS(flock(p[1], LOCK_EX | LOCK_NB));
	o = open(".", O_RDONLY | O_DIRECTORY);
	SYS(flock(o, LOCK_EX | LOCK_NB));
}

static void t_flock_close(void)
{
	int a = open_rw("fl3"), b = open_rw("fl3"), d;

	SYS(flock(a, LOCK_EX));
	d = dup(a);
	SYS(close(a));
	SYS(flock(b, LOCK_EX | LOCK_NB));
	SYS(close(d));
	SYS(flock(b, LOCK_EX | LOCK_NB));
}

static void flock_child(int p)
{
	int own = open_rw("fl4");

	SYS_L("child: inherited description", flock(3, LOCK_EX | LOCK_NB));
	SYS_L("child: own description", flock(own, LOCK_EX | LOCK_NB));
	send_byte(p);
	SYS_L("child: blocking", flock(own, LOCK_EX));
	say("child: got it");
}

static void t_flock_fork(void)
{
	int a = open_rw("fl4"), p[2];
	pid_t pid;

	if (a != 3)
		say("fd %d, not 3", a);
	SYS(flock(a, LOCK_EX));
	pipe(p);
	pid = child(flock_child, p[1]);
	wait_byte(p[0]);
	usleep(SETTLE_US);
	say("parent: unlocking");
	SYS_THEN_REAP(pid, flock(a, LOCK_UN));
}

static void flock_eintr_child(int fd)
{
	int own = open_rw("fl5");

	alarm_ms(100);
	SYS_L("child: blocking", flock(own, LOCK_SH));
	(void)fd;
}

static void t_flock_eintr(void)
{
	int a = open_rw("fl5");

	SYS(flock(a, LOCK_EX));
	reap(child(flock_eintr_child, 0));
}

/* Locks of a description that has gone from every process are gone. */
static void flock_exit_child(int fd)
{
	SYS_L("child: lock", flock(open_rw("fl6"), LOCK_EX));
	(void)fd;
}

static void t_flock_exit(void)
{
	int a = open_rw("fl6");

	reap(child(flock_exit_child, 0));
	SYS(flock(a, LOCK_EX | LOCK_NB));
}

/* ---- POSIX record locks ---- */

static void getlk_child(int fd)
{
	pid_t pp = getppid();

	getlk(fd, F_GETLK, F_WRLCK, 0, 5, pp);
	getlk(fd, F_GETLK, F_WRLCK, 15, 10, pp);
	getlk(fd, F_GETLK, F_RDLCK, 15, 10, pp);
	getlk(fd, F_GETLK, F_RDLCK, 40, 10, pp);
	getlk(fd, F_GETLK, F_WRLCK, 40, 10, pp);
	getlk(fd, F_GETLK, F_WRLCK, 20, 10, pp);
	getlk(fd, F_GETLK, F_WRLCK, 0, 0, pp);
	getlk(fd, F_GETLK, F_RDLCK, 0, 0, pp);
	SYS_L("child: setlk WR 0+5", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 5));
	SYS_L("child: setlk WR 15+1", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 15, 1));
	SYS_L("child: setlk RD 35+1", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 35, 1));
	SYS_L("child: setlk WR 35+1", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 35, 1));
}

static void t_posix_getlk(void)
{
	int a = open_rw("pl1");

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 10, 10));
	SYS(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 30, 0));
	/* one's own locks never conflict */
	getlk(a, F_GETLK, F_WRLCK, 0, 0, getpid());
	reap(child(getlk_child, a));
}

static int to_child[2], from_child[2];

static void split_child(int fd)
{
	pid_t pp = getppid();
	int step;

	for (step = 0; step < 4; step++) {
		char c;

		if (read(to_child[0], &c, 1) != 1)
			break;
		say("child: step %d", step);
		getlk(fd, F_GETLK, F_WRLCK, 0, 0, pp);
		getlk(fd, F_GETLK, F_WRLCK, 40, 20, pp);
		getlk(fd, F_GETLK, F_RDLCK, 40, 20, pp);
		getlk(fd, F_GETLK, F_WRLCK, 60, 0, pp);
		getlk(fd, F_GETLK, F_WRLCK, 50, 1, pp);
		send_byte(from_child[1]);
	}
}

/* Let the child look, and wait until it has. */
static void child_step(void)
{
	send_byte(to_child[1]);
	wait_byte(from_child[0]);
}

static void t_posix_split_merge(void)
{
	int a = open_rw("pl2");
	pid_t pid;

	pipe(to_child);
	pipe(from_child);
	pid = child(split_child, a);
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
	SYS(lk(a, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));
	child_step();
	SYS(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 40, 20));
	child_step();
	/* the same type next to each other: one lock */
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 40, 20));
	child_step();
	/* a hole punched and filled from both sides */
	SYS(lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 60, 10));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 40, 10));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 50, 10));
	child_step();
	reap(pid);
}

static void whence_child(int fd)
{
	pid_t pp = getppid();

	getlk(fd, F_GETLK, F_WRLCK, 0, 0, pp);
	getlk(fd, F_GETLK, F_WRLCK, 3, 0, pp);
	getlk(fd, F_GETLK, F_WRLCK, 8, 0, pp);
	getlk(fd, F_GETLK, F_WRLCK, 12, 0, pp);
	getlk(fd, F_GETLK, F_WRLCK, 22, 0, pp);
}

static void t_posix_whence(void)
{
	int a = open_rw("pl3");

	SYS(write(a, "0123456789abcdef", 16));
	SYS(lseek(a, 5, SEEK_SET));
	/* [5,6] from the position; [16,EOF) from the end; [2,3] backwards */
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_CUR, 0, 2));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_END, 4, 0));
	SYS(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 4, -2));
	SYS(lk(a, F_SETLK, F_RDLCK, SEEK_CUR, 5, -2));
	reap(child(whence_child, a));
}

static void t_posix_errors(void)
{
	int a = open_rw("pl4"), r = open("pl4", O_RDONLY), w = open("pl4", O_WRONLY);
	int o = open("pl4", O_PATH);
	struct flock fl;

	SYS(lk(a, F_SETLK, F_WRLCK, 5, 0, 1));
	SYS(lk(a, F_SETLK, F_WRLCK, -1, 0, 1));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, -1, 1));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 5, -6));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 5, -5));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0x7fffffffffffffffL, 2));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0x7fffffffffffffffL, 1));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 1, 0x7fffffffffffffffL));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_CUR, 0x7fffffffffffffffL, 1));
	SYS(lk(a, F_SETLK, 3, SEEK_SET, 0, 1));
	SYS(lk(a, F_SETLK, -1, SEEK_SET, 0, 1));
	SYS(lk(a, F_SETLK, 3, 7, 0, 1));
	SYS(lk(a, F_GETLK, F_UNLCK, SEEK_SET, 0, 1));
	SYS(lk(a, F_GETLK, 3, SEEK_SET, 0, 1));
	SYS(lk(a, F_GETLK, F_RDLCK, 9, 0, 1));
	SYS(fcntl(a, F_SETLK, (void *)1));
	SYS(fcntl(a, F_GETLK, BADPTR_KERNEL));
	SYS(fcntl(a, F_SETLKW, NULL));
	/* the access mode must allow the lock type */
	SYS(lk(r, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	SYS(lk(r, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(lk(w, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(lk(w, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	SYS(lk(r, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
	SYS(lk(r, F_GETLK, F_WRLCK, SEEK_SET, 0, 1));
	/* EBADF comes after the range checks */
	SYS(lk(r, F_SETLK, F_WRLCK, 5, 0, 1));
	SYS(lk(o, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(lk(o, F_GETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	/* F_GETLK leaves the other fields alone when nothing conflicts */
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_END;
	fl.l_start = -1;
	fl.l_len = 7;
	fl.l_pid = 4242;
	SYS(fcntl(a, F_GETLK, &fl));
	say("type %s whence %d start %ld len %ld pid %d", tname(fl.l_type),
	    fl.l_whence, (long)fl.l_start, (long)fl.l_len, fl.l_pid);
}

static void close_child(int fd)
{
	getlk(fd, F_GETLK, F_WRLCK, 0, 0, getppid());
}

static void t_posix_close_any(void)
{
	int a = open_rw("pl5"), b = open("pl5", O_RDONLY), c;

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	reap(child(close_child, a));
	/* a dup, then closing the dup: the locks go too */
	c = dup(a);
	SYS(close(c));
	reap(child(close_child, a));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	/* closing any other descriptor of the file */
	SYS(close(b));
	reap(child(close_child, a));
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	/* dup2 over another descriptor of the file closes it */
	b = open("pl5", O_RDONLY);
	SYS(dup2(0, b));
	reap(child(close_child, a));
	/* a descriptor of another file: nothing happens */
	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	b = open_rw("pl5-other");
	SYS(close(b));
	reap(child(close_child, a));
}

static void locker_child(int p)
{
	int fd = open_rw("pl6");

	SYS_L("child: lock", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	send_byte(p);
	usleep(SETTLE_US);
}

static void t_posix_exit(void)
{
	int a = open_rw("pl6"), p[2];
	pid_t pid;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	pipe(p);
	pid = child(locker_child, p[1]);
	wait_byte(p[0]);
	SYS(fcntl(a, F_GETLK, &fl));
	say("type %s, l_pid is the child: %s", tname(fl.l_type),
	    fl.l_pid == pid ? "yes" : "no");
	reap(pid);
	getlk(a, F_GETLK, F_WRLCK, 0, 0, 0);
}

static void inherit_child(int fd)
{
	getlk(fd, F_GETLK, F_WRLCK, 0, 0, getppid());
	SYS_L("child: setlk", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	/* the child closing its copy does not touch the parent's locks */
	SYS_L("child: close", close(fd));
}

static void t_posix_fork(void)
{
	int a = open_rw("pl7");

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	reap(child(inherit_child, a));
	getlk(a, F_GETLK, F_WRLCK, 0, 0, getpid());
	reap(child(close_child, a));
}

static void setlkw_child(int fd)
{
	SYS_L("child: setlk", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	SYS_L("child: setlkw", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
	say("child: got it");
}

static void t_posix_setlkw(void)
{
	int a = open_rw("pl8");
	pid_t pid;

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	pid = child(setlkw_child, a);
	usleep(SETTLE_US);
	say("parent: unlocking");
	SYS_THEN_REAP(pid, lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
}

static void deadlock_child(int p)
{
	int fd = open_rw("pl9");

	SYS_L("child: lock B", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
	send_byte(p);
	SYS_L("child: wait for A", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
	say("child: got A");
}

static void t_posix_deadlock(void)
{
	int a = open_rw("pl9"), p[2];
	pid_t pid;

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	pipe(p);
	pid = child(deadlock_child, p[1]);
	wait_byte(p[0]);
	usleep(SETTLE_US);
	/* the child waits for us: waiting for it would never end */
	SYS_L("parent: wait for B", lk(a, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1));
	/* F_SETLK just fails */
	SYS_L("parent: try B", lk(a, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
	say("parent: unlocking A");
	SYS_THEN_REAP(pid, lk(a, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
}

static void eintr_child(int fd)
{
	alarm_ms(100);
	SYS_L("child: setlkw", lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 0, 1));
	alarm_ms(100);
	SYS_L("child: ofd setlkw", lk(open_rw("pl10"), F_OFD_SETLKW, F_RDLCK,
				      SEEK_SET, 0, 1));
}

static void t_posix_eintr(void)
{
	int a = open_rw("pl10");

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	reap(child(eintr_child, a));
}

/* ---- OFD locks ---- */

static void ofd_child(int fd)
{
	int own = open_rw("ol1");

	getlk(own, F_GETLK, F_WRLCK, 0, 0, getppid());
	getlk(own, F_OFD_GETLK, F_WRLCK, 0, 0, getppid());
	/* the inherited description owns the lock */
	SYS_L("child: ofd on inherited", lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET,
					    0, 5));
	SYS_L("child: posix on inherited", lk(fd, F_SETLK, F_WRLCK, SEEK_SET,
					      0, 5));
	SYS_L("child: ofd on own", lk(own, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 5));
}

static void t_ofd(void)
{
	int a = open_rw("ol1"), b = open_rw("ol1"), d;

	SYS(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	/* another description of the same process conflicts */
	SYS(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10));
	SYS(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 9, 1));
	SYS(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 10, 1));
	/* and so do the process's POSIX locks */
	SYS(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	getlk(b, F_GETLK, F_WRLCK, 0, 0, getpid());
	getlk(b, F_OFD_GETLK, F_WRLCK, 0, 0, getpid());
	getlk(a, F_OFD_GETLK, F_WRLCK, 0, 0, getpid());
	/* l_pid must be 0 */
	{
		struct flock fl = { .l_type = F_WRLCK, .l_pid = 1 };

		SYS(fcntl(a, F_OFD_SETLK, &fl));
		SYS(fcntl(a, F_OFD_GETLK, &fl));
		SYS(fcntl(a, F_OFD_SETLKW, &fl));
		fl.l_whence = 9;
		SYS(fcntl(a, F_OFD_SETLK, &fl));
	}
	reap(child(ofd_child, a));
	/* closing another descriptor does not release OFD locks */
	SYS(close(b));
	b = open_rw("ol1");
	SYS(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	/* nor does closing one of two references to the description */
	d = dup(a);
	SYS(close(a));
	SYS(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	SYS(close(d));
	SYS(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	getlk(b, F_OFD_GETLK, F_WRLCK, 0, 0, getpid());
}

static void ofdw_child(int fd)
{
	int own = open_rw("ol2");

	close(fd); /* the parent's description, inherited */
	SYS_L("child: ofd setlkw", lk(own, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
	say("child: got it");
}

static void t_ofd_setlkw(void)
{
	int a = open_rw("ol2");
	pid_t pid;

	SYS(lk(a, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	pid = child(ofdw_child, a);
	usleep(SETTLE_US);
	say("parent: closing");
	SYS_THEN_REAP(pid, close(a));
}

/* ---- threads: one process, one owner of POSIX locks ---- */

struct thread_op {
	int fd, cmd, type;
	long rc;
	int err;
};

static void *thread_lock(void *arg)
{
	struct thread_op *op = arg;

	errno = 0;
	op->rc = lk(op->fd, op->cmd, op->type, SEEK_SET, 0, 1);
	op->err = errno;
	return NULL;
}

/* Run one lock call in a new thread and print its result. */
static void in_thread(const char *label, int fd, int cmd, int type)
{
	struct thread_op op = { fd, cmd, type, 0, 0 };
	pthread_t th;

	if (pthread_create(&th, NULL, thread_lock, &op)) {
		say("pthread_create failed");
		return;
	}
	pthread_join(th, NULL);
	show_result(label, op.rc, op.err, 1);
}

static void *thread_close(void *arg)
{
	close(*(int *)arg);
	return NULL;
}

static void t_threads(void)
{
	int a = open_rw("th1"), b = open_rw("th1");
	pthread_t th;

	SYS(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	in_thread("thread: posix on another fd", b, F_SETLK, F_WRLCK);
	in_thread("thread: posix getlk", b, F_GETLK, F_WRLCK);
	in_thread("thread: ofd on another description", b, F_OFD_SETLK, F_WRLCK);
	reap(child(close_child, a));
	/* a thread closing a descriptor of the file releases them all */
	pthread_create(&th, NULL, thread_close, &b);
	pthread_join(th, NULL);
	reap(child(close_child, a));
	/* OFD locks: per description, whatever the thread */
	b = open_rw("th1");
	SYS(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	in_thread("thread: ofd on the same description", a, F_OFD_SETLK, F_WRLCK);
	in_thread("thread: ofd on another", b, F_OFD_SETLK, F_RDLCK);
}

static const struct tcase cases[] = {
	{ t_flock_basic, "flock_basic" },
	{ t_flock_errors, "flock_errors" },
	{ t_flock_close, "flock_close" },
	{ t_flock_fork, "flock_fork" },
	{ t_flock_eintr, "flock_eintr" },
	{ t_flock_exit, "flock_exit" },
	{ t_posix_getlk, "posix_getlk" },
	{ t_posix_split_merge, "posix_split_merge" },
	{ t_posix_whence, "posix_whence" },
	{ t_posix_errors, "posix_errors" },
	{ t_posix_close_any, "posix_close_any" },
	{ t_posix_exit, "posix_exit" },
	{ t_posix_fork, "posix_fork" },
	{ t_posix_setlkw, "posix_setlkw" },
	{ t_posix_deadlock, "posix_deadlock" },
	{ t_posix_eintr, "posix_eintr" },
	{ t_ofd, "ofd" },
	{ t_ofd_setlkw, "ofd_setlkw" },
	{ t_threads, "threads" },
};

HARNESS_MAIN(cases)
