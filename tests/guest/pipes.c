/*
 * Pipes and poll: pipe/pipe2, reads and writes on both ends, EOF, EPIPE
 * and SIGPIPE, O_NONBLOCK and the pipe's capacity, data through a pipe
 * between two processes, poll/ppoll readiness.
 */
#include "harness.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void t_pipe_basic(void)
{
	struct stat st;
	char buf[100];
	int p[2];
	ssize_t n;

	SYS(pipe(p));
	say("fds %d %d", p[0], p[1]);
	SYS(write(p[1], "hello", 5));
	n = SYS(read(p[0], buf, sizeof buf));
	show_bytes("read", buf, n);
	SYS(fstat(p[0], &st));
	TRUE(S_ISFIFO(st.st_mode));
	say("mode %o size %lld", st.st_mode & 0777, (long long)st.st_size);
	SYS(fstat(p[1], &st));
	TRUE(S_ISFIFO(st.st_mode));
	SYS(fcntl(p[0], F_GETFL) & O_ACCMODE);
	SYS(fcntl(p[1], F_GETFL) & O_ACCMODE);
	SYS(lseek(p[0], 0, SEEK_CUR));
	SYS(lseek(p[1], 0, SEEK_SET));
	SYS(pread(p[0], buf, 1, 0));
	SYS(pwrite(p[1], "x", 1, 0));
	SYS(read(p[1], buf, 1));
	SYS(write(p[0], "x", 1));
	SYS(write(p[1], "", 0));
	SYS(write(p[1], "abc", 3));
	SYS(close(p[1]));
	n = SYS(read(p[0], buf, 2));
	show_bytes("read", buf, n);
	n = SYS(read(p[0], buf, sizeof buf));
	show_bytes("read", buf, n);
	SYS(read(p[0], buf, sizeof buf));
	SYS(read(p[0], buf, sizeof buf));
	SYS(close(p[0]));
}

static void t_pipe_vec(void)
{
	char a[3], b[10];
	struct iovec w[3] = { { "one", 3 }, { "", 0 }, { "twothree", 8 } };
	struct iovec r[2] = { { a, sizeof a }, { b, sizeof b } };
	int p[2];
	ssize_t n;

	SYS(pipe(p));
	SYS(writev(p[1], w, 3));
	n = SYS(readv(p[0], r, 2));
	show_bytes("a", a, 3);
	show_bytes("b", b, n - 3);
	SYS(ioctl(p[0], FIONREAD, &(int){ 0 }));
	SYS(write(p[1], "12345", 5));
	int avail = -1;
	SYS(ioctl(p[0], FIONREAD, &avail));
	say("FIONREAD: %d", avail);
	SYS(ioctl(p[1], FIONREAD, &avail));
	say("FIONREAD on the write end: %d", avail);
	SYS(ioctl(p[0], TCGETS, b));
}

static void t_pipe2_flags(void)
{
	int p[2];

	SYS(pipe2(p, O_CLOEXEC));
	SYS(fcntl(p[0], F_GETFD));
	SYS(fcntl(p[1], F_GETFD));
	close(p[0]);
	close(p[1]);
	SYS(pipe2(p, O_NONBLOCK));
	TRUE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	TRUE(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	SYS(fcntl(p[0], F_GETFD));
	close(p[0]);
	close(p[1]);
	SYS(syscall(SYS_pipe2, p, 0x1234));
	SYS(syscall(SYS_pipe2, p, O_RDWR));
	SYS(syscall(SYS_pipe2, NULL, 0));
	SYS(syscall(SYS_pipe2, (void *)0xffff800000000000UL, 0));
	SYS(syscall(SYS_pipe, NULL));
	SYS(syscall(SYS_pipe, (void *)1));
}

static void t_pipe_nonblock(void)
{
	static char chunk[4096];
	char buf[16];
	long total = 0;
	ssize_t n;
	int p[2];

	SYS(pipe2(p, O_NONBLOCK));
	SYS(read(p[0], buf, sizeof buf));
	/* fill it: the capacity is 16 pages */
	while ((n = write(p[1], chunk, sizeof chunk)) > 0)
		total += n;
	say("filled with %ld bytes, then %s", total, errname(errno));
	SYS(write(p[1], "x", 1));
	SYS(read(p[0], chunk, sizeof chunk));
	/* room for one more page: atomic writes up to PIPE_BUF fit */
	SYS(write(p[1], chunk, 100));
	SYS(fcntl(p[1], F_SETFL, 0));
	TRUE(!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	close(p[1]);
	for (total = 0; (n = read(p[0], chunk, sizeof chunk)) > 0;)
		total += n;
	say("drained %ld bytes, then %ld", total, (long)n);
}

static void t_pipe_epipe(void)
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	SYS(pipe(p));
	SYS(close(p[0]));
	SYS(write(p[1], "x", 1));
	SYS(write(p[1], "", 0));
	SYS(writev(p[1], &(struct iovec){ "y", 1 }, 1));
}

static void t_pipe_sigpipe(void)
{
	int p[2];

	SYS(pipe(p));
	SYS(close(p[0]));
	write(p[1], "x", 1);    /* SIGPIPE: the child dies */
	say("not reached");
}

static void t_pipe_fork(void)
{
	static char buf[8192];
	unsigned long sum = 0, total = 0;
	int p[2], st;
	pid_t pid;
	ssize_t n;

	SYS(pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 100; i++) {
			char chunk[1000];

			for (int j = 0; j < 1000; j++)
				chunk[j] = (char)(i + j);
			if (write(p[1], chunk, sizeof chunk) != sizeof chunk)
				_exit(1);
		}
		_exit(0);
	}
	if (pid < 0) {
		say("fork: %s", errname(errno));
		return;
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += n;
	}
	say("read %lu bytes, checksum %lx, last read %ld", total, sum, (long)n);
	SYSOK(waitpid(pid, &st, 0));
	say("writer exited %d with %d", WIFEXITED(st), WEXITSTATUS(st));
}

static void t_pipe_block(void)
{
	char buf[16];
	long long t0;
	int p[2];
	pid_t pid;
	ssize_t n;

	/* a read blocks until the writer writes */
	SYS(pipe(p));
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
		write(p[1], "late", 4);
		_exit(0);
	}
	if (pid < 0) {
		say("fork: %s", errname(errno));
		return;
	}
	t0 = now_ns();
	n = SYS(read(p[0], buf, sizeof buf));
	show_bytes("read", buf, n);
	TRUE_L("blocked at least 40 ms", now_ns() - t0 >= 40000000);
	waitpid(pid, NULL, 0);
	/* the write end is still open here: dup2 onto stdout works too */
	int saved = dup(1), r1, r2;
	char big[64];

	r1 = dup2(p[1], 1);
	printf("through stdout\n");
	fflush(stdout);
	r2 = dup2(saved, 1);
	say("dup2 = %d, %d", r1, r2);
	n = SYS(read(p[0], big, sizeof big));
	show_bytes("read", big, n);
}

static void show_poll(const char *label, struct pollfd *f, int n, int timeout)
{
	int i, r;

	errno = 0;
	r = poll(f, n, timeout);
	if (r < 0) {
		say("%s: poll = -1 %s", label, errname(errno));
		return;
	}
	printf("%s: poll = %d:", label, r);
	for (i = 0; i < n; i++)
		printf(" %#x", f[i].revents);
	printf("\n");
}

static void t_poll(void)
{
	struct pollfd f[3];
	char buf[8];
	int p[2], null, file;
	long long t0;

	SYS(pipe(p));
	f[0] = (struct pollfd){ p[0], POLLIN, 0x55 };
	f[1] = (struct pollfd){ p[1], POLLOUT, 0x55 };
	show_poll("empty pipe", f, 2, 0);
	write(p[1], "x", 1);
	show_poll("one byte", f, 2, 0);
	f[0].events = POLLIN | POLLOUT | POLLPRI;
	show_poll("asking for more", f, 1, 0);
	read(p[0], buf, 1);
	t0 = now_ns();
	f[0].events = POLLIN;
	show_poll("timeout 30 ms", f, 1, 30);
	TRUE_L("waited at least 30 ms", now_ns() - t0 >= 30000000);
	close(p[1]);
	show_poll("writer closed", f, 1, 0);
	f[1] = (struct pollfd){ -1, POLLIN, 0x55 };
	f[2] = (struct pollfd){ 77, POLLIN, 0x55 };
	show_poll("negative and closed fds", f, 3, 0);
	close(p[0]);
	SYS(pipe(p));
	close(p[0]);
	f[0] = (struct pollfd){ p[1], POLLOUT, 0 };
	show_poll("reader closed", f, 1, 0);
	close(p[1]);
	null = open("/dev/null", O_RDWR);
	file = open(data_path("hello.txt"), O_RDONLY);
	f[0] = (struct pollfd){ null, POLLIN | POLLOUT, 0 };
	f[1] = (struct pollfd){ file, POLLIN | POLLOUT, 0 };
	show_poll("/dev/null and a file", f, 2, -1);
	f[0].events = 0;
	show_poll("no events", f, 1, 0);
	t0 = now_ns();
	SYS(poll(NULL, 0, 20));
	TRUE_L("poll(NULL, 0, 20) slept 20 ms", now_ns() - t0 >= 20000000);
	SYS(poll(f, 100000000, 0));
	SYS(syscall(SYS_poll, NULL, 1, 0));
	SYS(syscall(SYS_poll, (void *)0xffff800000000000UL, 1, 0));
	/* ppoll: a timespec, and a signal mask */
	struct timespec ts = { 0, 1000000 };
	sigset_t m;
	sigemptyset(&m);
	f[0] = (struct pollfd){ null, POLLIN, 0 };
	SYS(ppoll(f, 1, &ts, &m));
	ts.tv_nsec = 1000000000;
	SYS(ppoll(f, 1, &ts, NULL));
	SYS(syscall(SYS_ppoll, f, 1, NULL, &m, 4));
}

static const struct tcase cases[] = {
	{ t_pipe_basic, "pipe_basic" },
	{ t_pipe_vec, "pipe_vec" },
	{ t_pipe2_flags, "pipe2_flags" },
	{ t_pipe_nonblock, "pipe_nonblock" },
	{ t_pipe_epipe, "pipe_epipe" },
	{ t_pipe_sigpipe, "pipe_sigpipe" },
	{ t_pipe_fork, "pipe_fork" },
	{ t_pipe_block, "pipe_block" },
	{ t_poll, "poll" },
};

HARNESS_MAIN(cases)
