/*
 * Copying between descriptors in the kernel: sendfile, splice, tee,
 * vmsplice and copy_file_range.  Offsets (pointer or file position),
 * how much one call moves, pipes' blocking and non-blocking sides, and
 * the errors, in Linux's order.  Scratch files in TEST_TMP; /dev/shm is
 * another file system (for EXDEV).
 */
#include "harness.h"

#include <sys/sendfile.h>
#include <sys/uio.h>

static int mkfile(const char *name, const char *data)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		say("open %s: %s", name, errname(errno));
	if (data && write(fd, data, strlen(data)) < 0)
		say("write %s: %s", name, errname(errno));
	return fd;
}

/* Print the whole file behind fd (by pread, the position unchanged). */
static void show_fd(const char *label, int fd)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	if (n < 0)
		say("%s: %s", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

static void show_pipe(const char *label, int fd)
{
	char buf[512];
	int fl = fcntl(fd, F_GETFL);
	ssize_t n;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	n = read(fd, buf, sizeof buf);
	fcntl(fd, F_SETFL, fl);
	if (n < 0)
		say("%s: %s", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

static void pos(const char *label, int fd)
{
	say("%s position %ld", label, (long)lseek(fd, 0, SEEK_CUR));
}

/* Fill a non-blocking pipe; returns how much went in. */
static long fill_pipe(int fd)
{
	static char junk[4096];
	long total = 0;
	ssize_t n;

	while ((n = write(fd, junk, sizeof junk)) > 0)
		total += n;
	return total;
}

/* ---- sendfile ---- */

static void t_sendfile(void)
{
	int in = mkfile("sf-in", "0123456789abcdefghij"), out = mkfile("sf-out", NULL);
	off_t off = 5;

	SYS(lseek(in, 2, SEEK_SET));
	SYS(sendfile(out, in, &off, 4));
	say("off %ld", (long)off);
	pos("in", in);
	pos("out", out);
	SYS(sendfile(out, in, NULL, 3));
	pos("in", in);
	pos("out", out);
	show_fd("out", out);
	/* more than is left: what is left */
	off = 15;
	SYS(sendfile(out, in, &off, 100));
	say("off %ld", (long)off);
	SYS(sendfile(out, in, &off, 100));
	off = 1000;
	SYS(sendfile(out, in, &off, 100));
	say("off %ld", (long)off);
	SYS(sendfile(out, in, NULL, 0));
	show_fd("out", out);
	/* devices */
	SYS(sendfile(out, open("/dev/zero", O_RDONLY), NULL, 3));
	SYS(sendfile(open("/dev/null", O_WRONLY), in, NULL, 5));
	pos("in", in);
	show_fd("out", out);
	/* the output may be the input */
	off = 0;
	SYS(sendfile(in, in, &off, 5));
	show_fd("in", in);
}

static void t_sendfile_pipe(void)
{
	int in = mkfile("sp-in", "hello, pipe"), p[2];
	off_t off = 0;

	SYS(pipe(p));
	SYS(sendfile(p[1], in, &off, 5));
	SYS(sendfile(p[1], in, NULL, 100));
	show_pipe("pipe", p[0]);
	/* a full pipe */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	say("filled: %ld", fill_pipe(p[1]));
	SYS(sendfile(p[1], in, &off, 5));
	fcntl(p[1], F_SETFL, 0);
	/* (the input's O_NONBLOCK does not count: that would block) */
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	SYS(sendfile(p[1], in, &off, 5));
	say("off %ld", (long)off);
	signal(SIGPIPE, SIG_DFL);
	SYS(sendfile(p[1], in, &off, 5));
}

static void t_sendfile_errors(void)
{
	int in = mkfile("se-in", "data"), out = mkfile("se-out", NULL), p[2];
	int ro = open("se-out", O_RDONLY), wo = open("se-in", O_WRONLY);
	int app = open("se-out", O_WRONLY | O_APPEND), dir = open(".", O_RDONLY);
	int path = open("se-in", O_PATH);
	off_t off;

	pipe(p);
	write(p[1], "xyz", 3);
	SYS(sendfile(out, 99, NULL, 1));
	SYS(sendfile(99, in, NULL, 1));
	SYS(sendfile(out, wo, NULL, 1));
	SYS(sendfile(ro, in, NULL, 1));
	SYS(sendfile(out, path, NULL, 1));
	SYS(sendfile(path, in, NULL, 1));
	SYS(sendfile(out, p[0], NULL, 1));
	off = 0;
	SYS(sendfile(out, p[0], &off, 1));
	SYS(sendfile(out, dir, NULL, 1));
	SYS(sendfile(app, in, NULL, 1));
	SYS(sendfile(p[1], dir, NULL, 1));
	off = -1;
	SYS(sendfile(out, in, &off, 1));
	SYS(sendfile(out, in, (off_t *)1, 1));
	SYS(sendfile(out, in, BADPTR_KERNEL, 1));
	SYS(sendfile(out, in, NULL, (size_t)-1));
	SYS(sendfile(out, in, NULL, 0x7fffffffffffffffUL));
	off = 0x7ffffffffffffff0L;
	SYS(sendfile(out, in, &off, 100));
	/* the input is checked before the output */
	SYS(sendfile(99, 98, NULL, 1));
	SYS(sendfile(99, wo, NULL, 1));
	off = -1;
	SYS(sendfile(99, in, &off, 1));
	show_fd("out", out);
	show_pipe("pipe", p[0]);
}

/* ---- splice ---- */

static void t_splice_file_pipe(void)
{
	int in = mkfile("sl-in", "0123456789"), out = mkfile("sl-out", "----------");
	int p[2];
	loff_t off;

	pipe(p);
	off = 3;
	SYS(splice(in, &off, p[1], NULL, 4, 0));
	say("off %ld", (long)off);
	pos("in", in);
	SYS(splice(in, NULL, p[1], NULL, 2, 0));
	pos("in", in);
	/* pipe to file: what the pipe holds, up to len */
	off = 2;
	SYS(splice(p[0], NULL, out, &off, 3, 0));
	say("off %ld", (long)off);
	pos("out", out);
	SYS(splice(p[0], NULL, out, NULL, 100, 0));
	pos("out", out);
	show_fd("out", out);
	/* at the end of the input: 0 */
	off = 10;
	SYS(splice(in, &off, p[1], NULL, 5, 0));
	SYS(splice(in, NULL, p[1], NULL, 0, 0));
	/* an empty pipe */
	SYS(splice(p[0], NULL, out, NULL, 5, SPLICE_F_NONBLOCK));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	SYS(splice(p[0], NULL, out, NULL, 5, 0));
	fcntl(p[0], F_SETFL, 0);
	close(p[1]);
	SYS(splice(p[0], NULL, out, NULL, 5, 0));
	/* a full pipe, non-blocking by flag or by the pipe's flag */
	pipe(p);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	say("filled: %ld", fill_pipe(p[1]));
	SYS(splice(in, NULL, p[1], NULL, 5, 0));
	fcntl(p[1], F_SETFL, 0);
	SYS(splice(in, NULL, p[1], NULL, 5, SPLICE_F_NONBLOCK));
	/* no reader */
	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	SYS(splice(in, NULL, p[1], NULL, 5, 0));
}

static void t_splice_pipe_pipe(void)
{
	int a[2], b[2], c[2];

	pipe(a);
	pipe(b);
	write(a[1], "abcdefgh", 8);
	SYS(splice(a[0], NULL, b[1], NULL, 3, 0));
	SYS(splice(a[0], NULL, b[1], NULL, 100, 0));
	show_pipe("a", a[0]);
	show_pipe("b", b[0]);
	SYS(splice(a[0], NULL, b[1], NULL, 1, SPLICE_F_NONBLOCK));
	SYS(splice(a[0], NULL, a[1], NULL, 1, 0));
	/* output full */
	pipe(c);
	write(a[1], "xy", 2);
	fcntl(c[1], F_SETFL, O_NONBLOCK);
	say("filled: %ld", fill_pipe(c[1]));
	SYS(splice(a[0], NULL, c[1], NULL, 2, 0));
	show_pipe("a", a[0]);
	/* input at end of file */
	close(a[1]);
	SYS(splice(a[0], NULL, b[1], NULL, 2, 0));
	/* no reader on the output */
	signal(SIGPIPE, SIG_IGN);
	close(b[0]);
	SYS(splice(a[0], NULL, b[1], NULL, 2, 0));
}

static void t_splice_blocking(void)
{
	int p[2], out = mkfile("sb-out", NULL);
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		write(p[1], "late", 4);
		exit(0);
	}
	SYS(splice(p[0], NULL, out, NULL, 100, 0));
	waitpid(pid, NULL, 0);
	show_fd("out", out);
}

static void t_splice_errors(void)
{
	int f = mkfile("sx", "data"), g = mkfile("sx2", NULL), p[2];
	int ro = open("sx", O_RDONLY), app = open("sx2", O_WRONLY | O_APPEND);
	int dir = open(".", O_RDONLY), path = open("sx", O_PATH);
	loff_t off = 0;

	pipe(p);
	write(p[1], "pipe", 4);
	SYS(splice(f, NULL, g, NULL, 5, 0));
	SYS(splice(p[0], NULL, p[1], NULL, 5, 0));
	SYS(splice(p[0], NULL, g, NULL, 0, 0x100));
	SYS(splice(p[0], NULL, g, NULL, 5, 0x100));
	SYS(splice(p[0], &off, g, NULL, 5, 0));
	SYS(splice(f, NULL, p[1], &off, 5, 0));
	SYS(splice(p[1], NULL, g, NULL, 5, 0));
	SYS(splice(f, NULL, p[0], NULL, 5, 0));
	SYS(splice(p[0], NULL, ro, NULL, 5, 0));
	SYS(splice(dir, NULL, p[1], NULL, 5, 0));
	SYS(splice(p[0], NULL, app, NULL, 5, 0));
	SYS(splice(path, NULL, p[1], NULL, 5, 0));
	SYS(splice(99, NULL, p[1], NULL, 5, 0));
	SYS(splice(p[0], NULL, 99, NULL, 5, 0));
	off = -1;
	SYS(splice(f, &off, p[1], NULL, 5, 0));
	SYS(splice(p[0], NULL, g, &off, 5, 0));
	SYS(splice(f, (loff_t *)1, p[1], NULL, 5, 0));
	SYS(splice(p[0], NULL, g, BADPTR_KERNEL, 5, 0));
	/* ESPIPE before EFAULT */
	SYS(splice(p[0], (loff_t *)1, g, NULL, 5, 0));
	show_pipe("pipe", p[0]);
	show_fd("sx2", g);
}

/* ---- tee ---- */

static void t_tee(void)
{
	int a[2], b[2], c[2], f = mkfile("tee", NULL);

	pipe(a);
	pipe(b);
	pipe(c);
	write(a[1], "0123456789", 10);
	SYS(tee(a[0], b[1], 4, 0));
	SYS(tee(a[0], c[1], 100, 0));
	show_pipe("b", b[0]);
	show_pipe("c", c[0]);
	show_pipe("a", a[0]);
	SYS(tee(a[0], b[1], 5, SPLICE_F_NONBLOCK));
	fcntl(a[0], F_SETFL, O_NONBLOCK);
	SYS(tee(a[0], b[1], 5, 0));
	fcntl(a[0], F_SETFL, 0);
	SYS(tee(a[0], a[1], 5, 0));
	SYS(tee(a[0], f, 5, 0));
	SYS(tee(f, a[1], 5, 0));
	SYS(tee(a[1], b[1], 5, 0));
	SYS(tee(a[0], b[0], 5, 0));
	SYS(tee(a[0], b[1], 0, 0x100));
	SYS(tee(a[0], b[1], 0, 0));
	SYS(tee(99, b[1], 5, 0));
	SYS(tee(a[0], 99, 5, 0));
	close(a[1]);
	SYS(tee(a[0], b[1], 5, 0));
	signal(SIGPIPE, SIG_IGN);
	pipe(a);
	write(a[1], "x", 1);
	close(b[0]);
	SYS(tee(a[0], b[1], 5, 0));
}

/* ---- vmsplice ---- */

static void t_vmsplice(void)
{
	int p[2], f = mkfile("vm", NULL);
	char b1[8] = { 0 }, b2[8] = { 0 };
	struct iovec in[2] = { { "hello ", 6 }, { "world", 5 } };
	struct iovec out[2] = { { b1, 4 }, { b2, sizeof b2 } };

	pipe(p);
	SYS(vmsplice(p[1], in, 2, 0));
	SYS(vmsplice(p[0], out, 2, 0));
	say("b1 %.4s b2 %s", b1, b2);
	SYS(vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK));
	SYS(vmsplice(p[1], in, 0, 0));
	SYS(vmsplice(p[1], in, 2, 0x100));
	SYS(vmsplice(p[1], in, 2000, 0));
	SYS(vmsplice(p[1], NULL, 1, 0));
	SYS(vmsplice(f, in, 2, 0));
	SYS(vmsplice(open("vm", O_RDONLY), out, 2, 0));
	SYS(vmsplice(99, in, 2, 0));
	SYS(vmsplice(open("vm", O_PATH), in, 2, 0));
	{
		struct iovec bad = { BADPTR_KERNEL, 10 };

		SYS(vmsplice(p[1], &bad, 1, 0));
		write(p[1], "z", 1);
		SYS(vmsplice(p[0], &bad, 1, 0));
		show_pipe("pipe", p[0]);
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	say("filled: %ld", fill_pipe(p[1]));
	SYS(vmsplice(p[1], in, 2, SPLICE_F_NONBLOCK));
	close(p[1]);
	pipe(p);
	close(p[1]);
	SYS(vmsplice(p[0], out, 2, 0));
}

/* ---- copy_file_range ---- */

static void t_copy_file_range(void)
{
	int a = mkfile("cr-a", "0123456789"), b = mkfile("cr-b", "..........");
	loff_t oi, oo;

	oi = 2;
	oo = 4;
	SYS(copy_file_range(a, &oi, b, &oo, 3, 0));
	say("oi %ld oo %ld", (long)oi, (long)oo);
	pos("a", a);
	pos("b", b);
	show_fd("b", b);
	SYS(lseek(a, 8, SEEK_SET));
	SYS(copy_file_range(a, NULL, b, NULL, 100, 0));
	pos("a", a);
	pos("b", b);
	show_fd("b", b);
	SYS(copy_file_range(a, NULL, b, NULL, 100, 0));
	SYS(copy_file_range(a, NULL, b, NULL, 0, 0));
	/* beyond the end of the output: a hole */
	oi = 0;
	oo = 20;
	SYS(copy_file_range(a, &oi, b, &oo, 2, 0));
	show_fd("b", b);
	/* the same file: fine unless the ranges overlap */
	oi = 0;
	oo = 10;
	SYS(copy_file_range(a, &oi, a, &oo, 10, 0));
	oi = 0;
	oo = 5;
	SYS(copy_file_range(a, &oi, a, &oo, 10, 0));
	oi = 5;
	oo = 0;
	SYS(copy_file_range(a, &oi, a, &oo, 5, 0));
	show_fd("a", a);
}

static void t_copy_file_range_errors(void)
{
	int a = mkfile("ce-a", "0123456789"), b = mkfile("ce-b", NULL), p[2];
	int ro = open("ce-b", O_RDONLY), wo = open("ce-a", O_WRONLY);
	int app = open("ce-b", O_WRONLY | O_APPEND), dir = open(".", O_RDONLY);
	char shm[64];
	int s;
	loff_t o;

	pipe(p);
	snprintf(shm, sizeof shm, "/dev/shm/umk-copy-%d", (int)getpid());
	s = open(shm, O_RDWR | O_CREAT, 0644);
	unlink(shm);
	SYS(copy_file_range(a, NULL, s, NULL, 5, 0));
	SYS(copy_file_range(s, NULL, a, NULL, 5, 0));
	SYS(copy_file_range(a, NULL, b, NULL, 5, 1));
	SYS(copy_file_range(a, NULL, p[1], NULL, 5, 0));
	SYS(copy_file_range(p[0], NULL, b, NULL, 5, 0));
	SYS(copy_file_range(a, NULL, dir, NULL, 5, 0));
	SYS(copy_file_range(dir, NULL, b, NULL, 5, 0));
	SYS(copy_file_range(a, NULL, ro, NULL, 5, 0));
	SYS(copy_file_range(wo, NULL, b, NULL, 5, 0));
	SYS(copy_file_range(a, NULL, app, NULL, 5, 0));
	SYS(copy_file_range(99, NULL, b, NULL, 5, 0));
	SYS(copy_file_range(a, NULL, 99, NULL, 5, 0));
	SYS(copy_file_range(open("ce-a", O_PATH), NULL, b, NULL, 5, 0));
	SYS(copy_file_range(s, NULL, app, NULL, 5, 0));
	o = -1;
	SYS(copy_file_range(a, &o, b, NULL, 3, 0));
	SYS(copy_file_range(a, NULL, b, &o, 3, 0));
	SYS(copy_file_range(a, NULL, b, NULL, (size_t)-1, 0));
	SYS(copy_file_range(a, (loff_t *)1, b, NULL, 3, 0));
	SYS(copy_file_range(a, NULL, b, BADPTR_KERNEL, 3, 0));
	/* EFAULT before EINVAL for flags */
	SYS(copy_file_range(a, (loff_t *)1, b, NULL, 3, 1));
	show_fd("b", b);
}

static const struct tcase cases[] = {
	{ t_sendfile, "sendfile" },
	{ t_sendfile_pipe, "sendfile_pipe" },
	{ t_sendfile_errors, "sendfile_errors" },
	{ t_splice_file_pipe, "splice_file_pipe" },
	{ t_splice_pipe_pipe, "splice_pipe_pipe" },
	{ t_splice_blocking, "splice_blocking" },
	{ t_splice_errors, "splice_errors" },
	{ t_tee, "tee" },
	{ t_vmsplice, "vmsplice" },
	{ t_copy_file_range, "copy_file_range" },
	{ t_copy_file_range_errors, "copy_file_range_errors" },
};

HARNESS_MAIN(cases)
