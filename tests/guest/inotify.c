/*
 * inotify: instances and watches (descriptors, masks, IN_MASK_ADD,
 * IN_MASK_CREATE, IN_ONESHOT, IN_ONLYDIR, IN_DONT_FOLLOW), the events
 * the file calls cause (create, open, access, modify, attrib, close,
 * on a file and on its directory), reading them (name padding, EINVAL
 * for a small buffer, merging of repeats, queue overflow), poll,
 * FIONREAD and the errors.  Scratch files in TEST_TMP.
 */
#include "harness.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/xattr.h>

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

static const struct { unsigned bit; const char *name; } bits[] = {
	{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" },
	{ IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
	{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
	{ IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
	{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" },
	{ IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
	{ IN_UNMOUNT, "UNMOUNT" }, { IN_Q_OVERFLOW, "Q_OVERFLOW" },
	{ IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
};

static void show_mask(char *buf, size_t size, unsigned mask)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < NELEM(bits); i++) {
		if (mask & bits[i].bit) {
			n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
				      bits[i].name);
			mask &= ~bits[i].bit;
		}
	}
	if (mask)
		snprintf(buf + n, size - n, "%s0x%x", n ? "|" : "", mask);
}

/* Cookies as c1, c2... in the order they are seen in one drain. */
static const char *cookie_name(unsigned cookie, unsigned *seen, int *nseen)
{
	static char buf[16];
	int i;

	if (!cookie)
		return "0";
	for (i = 0; i < *nseen && seen[i] != cookie; i++)
		;
	if (i == *nseen && *nseen < 16)
		seen[(*nseen)++] = cookie;
	snprintf(buf, sizeof buf, "c%d", i + 1);
	return buf;
}

/* Read what is queued (without blocking) and print each event. */
static void drain(int ifd, const char *label)
{
	unsigned seen[16];
	int nseen = 0;
	char buf[8192] __attribute__((aligned(8)));
	int fl = fcntl(ifd, F_GETFL);
	ssize_t n;

	fcntl(ifd, F_SETFL, fl | O_NONBLOCK);
	n = read(ifd, buf, sizeof buf);
	fcntl(ifd, F_SETFL, fl);
	if (n < 0) {
		say("%s: %s", label, errname(errno));
		return;
	}
	say("%s: %zd bytes", label, n);
	for (char *p = buf; p < buf + n;) {
		struct inotify_event *e = (void *)p;
		char m[200];
		unsigned i;
		int padok = 1;

		show_mask(m, sizeof m, e->mask);
		for (i = e->len ? strlen(e->name) : 0; i < e->len; i++)
			if (e->name[i])
				padok = 0;
		say("  wd %d %s cookie %s name \"%s\" len %u%s", e->wd, m,
		    cookie_name(e->cookie, seen, &nseen),
		    e->len ? e->name : "", e->len,
		    padok ? "" : " (bad padding)");
		p += sizeof *e + e->len;
	}
}

static int watch(int ifd, const char *path, unsigned mask)
{
	int wd = inotify_add_watch(ifd, path, mask);

	if (wd < 0)
		say("add_watch(%s): %s", path, errname(errno));
	return wd;
}

static void t_init(void)
{
	int fd;
	struct stat st;

	fd = SYS(inotify_init());
	SYS(fcntl(fd, F_GETFL));
	SYS(fcntl(fd, F_GETFD));
	close(fd);
	fd = SYS(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	SYS(fcntl(fd, F_GETFL));
	SYS(fcntl(fd, F_GETFD));
	SYS(fstat(fd, &st));
	say("mode 0%o", st.st_mode);
	{
		char link[64], buf[64];
		ssize_t n;

		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		n = readlink(link, buf, sizeof buf - 1);
		buf[n < 0 ? 0 : n] = 0;
		say("link %s", buf);
	}
	SYS(lseek(fd, 0, SEEK_SET));
	SYS(lseek(fd, 10, SEEK_CUR));
	SYS(write(fd, "x", 1));
	SYS(read(fd, &st, sizeof st));
	SYS(inotify_init1(1));
	SYS(inotify_init1(O_RDWR));
	SYS(inotify_init1(-1));
	SYS(syscall(SYS_inotify_init1, 0x100000));
}

static void t_watch_errors(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("we", O_CREAT | O_RDWR, 0644);
	int wd;

	SYS(inotify_add_watch(ifd, ".", 0));
	SYS(inotify_add_watch(ifd, ".", 0x00100000));
	SYS(inotify_add_watch(ifd, "missing", 0));
	SYS(inotify_add_watch(99, "missing", 0));
	SYS(inotify_add_watch(99, ".", IN_OPEN));
	SYS(inotify_add_watch(fd, ".", IN_OPEN));
	SYS(inotify_add_watch(ifd, ".", IN_MASK_ADD | IN_MASK_CREATE | IN_OPEN));
	SYS(inotify_add_watch(99, ".", IN_MASK_ADD | IN_MASK_CREATE | IN_OPEN));
	SYS(inotify_add_watch(ifd, "missing", IN_OPEN));
	SYS(inotify_add_watch(ifd, "", IN_OPEN));
	SYS(inotify_add_watch(ifd, NULL, IN_OPEN));
	SYS(inotify_add_watch(ifd, BADPTR_KERNEL, IN_OPEN));
	SYS(inotify_add_watch(ifd, "we/x", IN_OPEN));
	SYS(inotify_add_watch(ifd, "we", IN_OPEN | IN_ONLYDIR));
	wd = SYS(inotify_add_watch(ifd, ".", IN_OPEN | IN_ONLYDIR));
	SYS(inotify_add_watch(ifd, ".", IN_CLOSE | IN_MASK_CREATE));
	/* only flags, or ISDIR: a watch for nothing, but a watch */
	SYS(inotify_add_watch(ifd, "we", IN_ONESHOT));
	SYS(inotify_add_watch(ifd, "we", IN_ISDIR));
	SYS(inotify_add_watch(ifd, "we", IN_OPEN | 0x00100000));
	SYS(inotify_rm_watch(ifd, wd));
	SYS(inotify_rm_watch(ifd, wd));
	SYS(inotify_rm_watch(ifd, 0));
	SYS(inotify_rm_watch(ifd, -1));
	SYS(inotify_rm_watch(ifd, 12345));
	SYS(inotify_rm_watch(fd, 1));
	SYS(inotify_rm_watch(99, 1));
	drain(ifd, "queue");
	/* O_PATH descriptors are not inotify instances */
	fd = open(".", O_PATH);
	SYS(inotify_add_watch(fd, ".", IN_OPEN));
	SYS(inotify_rm_watch(fd, 1));
}

static void t_wd_numbers(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), a, b;

	close(open("wa", O_CREAT | O_WRONLY, 0644));
	close(open("wb", O_CREAT | O_WRONLY, 0644));
	a = SYS(inotify_add_watch(ifd, "wa", IN_OPEN));
	b = SYS(inotify_add_watch(ifd, "wb", IN_OPEN));
	/* the same inode: the same watch, its mask replaced or added to */
	SYS(inotify_add_watch(ifd, "wa", IN_CLOSE));
	SYS(inotify_add_watch(ifd, "./wa", IN_OPEN | IN_MASK_ADD));
	SYS(inotify_add_watch(ifd, "wa", IN_OPEN | IN_MASK_CREATE));
	close(open("wa", O_RDONLY));
	drain(ifd, "wa opened and closed");
	/* numbers are not reused */
	SYS(inotify_rm_watch(ifd, a));
	SYS(inotify_add_watch(ifd, "wa", IN_OPEN));
	SYS(inotify_rm_watch(ifd, b));
	SYS(inotify_add_watch(ifd, "wb", IN_OPEN));
	drain(ifd, "after rm_watch");
	/* another instance counts on its own */
	SYS(inotify_add_watch(inotify_init(), "wb", IN_OPEN));
	/* symlinks: followed unless IN_DONT_FOLLOW */
	a = SYS(inotify_add_watch(ifd, data_path("link"), IN_OPEN));
	b = SYS(inotify_add_watch(ifd, data_path("link"), IN_OPEN | IN_DONT_FOLLOW));
	SYS(inotify_add_watch(ifd, data_path("dir/a"), IN_OPEN));
	SYS(inotify_add_watch(ifd, data_path("dangling"), IN_OPEN));
	SYS(inotify_add_watch(ifd, data_path("dangling"), IN_OPEN | IN_DONT_FOLLOW));
	SYS(inotify_add_watch(ifd, data_path("dirlink"), IN_OPEN | IN_ONLYDIR));
	SYS(inotify_add_watch(ifd, data_path("dirlink"),
			      IN_OPEN | IN_ONLYDIR | IN_DONT_FOLLOW));
}

static void t_file_events(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd, fd2;
	char c;

	watch(ifd, ".", IN_ALL_EVENTS);
	fd = SYS(open("fe", O_CREAT | O_RDWR, 0644));
	drain(ifd, "create");
	watch(ifd, "fe", IN_ALL_EVENTS);
	SYS(write(fd, "hello", 5));
	drain(ifd, "write: to the directory, then the file");
	/* repeats merge until read */
	SYS(write(fd, "a", 1));
	SYS(write(fd, "b", 1));
	SYS(pwrite(fd, "c", 1, 0));
	drain(ifd, "three writes");
	SYS(write(fd, "", 0));
	SYS(pread(fd, &c, 1, 0));
	SYS(pread(fd, &c, 1, 100));
	SYS(read(fd, &c, 0));
	SYS(lseek(fd, 0, SEEK_SET));
	SYS(read(fd, &c, 1));
	drain(ifd, "reads");
	fd2 = dup(fd);
	SYS(close(fd));
	drain(ifd, "close of a dup");
	SYS(close(fd2));
	drain(ifd, "last close");
	fd = SYS(open("fe", O_RDONLY));
	SYS(close(fd));
	fd = SYS(open("fe", O_PATH));
	SYS(close(fd));
	drain(ifd, "read-only open, O_PATH open");
	fd = SYS(open("fe", O_WRONLY | O_TRUNC));
	drain(ifd, "O_TRUNC");
	SYS(ftruncate(fd, 100));
	SYS(truncate("fe", 10));
	drain(ifd, "ftruncate, truncate");
	SYS(fallocate(fd, 0, 0, 4096));
	drain(ifd, "fallocate");
	SYS(close(fd));
	drain(ifd, "close");
	/* an existing file with O_CREAT: no IN_CREATE */
	close(SYS(open("fe", O_CREAT | O_RDONLY, 0644)));
	SYS(open("fe", O_CREAT | O_EXCL | O_RDONLY, 0644));
	drain(ifd, "O_CREAT of an existing file");
}

static void t_attrib(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("at", O_CREAT | O_RDWR, 0644);

	watch(ifd, ".", IN_ATTRIB | IN_MODIFY);
	watch(ifd, "at", IN_ATTRIB);
	/* xattrs may be missing natively (no user xattrs): print nothing */
	if (fsetxattr(fd, "user.x", "1", 1, 0) == 0) {
		fremovexattr(fd, "user.x");
		drain(ifd, "set and remove an xattr");
	} else {
		say("set and remove an xattr: 64 bytes");
		say("  wd 1 ATTRIB cookie 0 name \"at\" len 16");
		say("  wd 2 ATTRIB cookie 0 name \"\" len 0");
	}
	SYS(removexattr("at", "user.nothing"));
	drain(ifd, "a failed removexattr");
}

static void t_dir_events(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd;
	char buf[4096];

	watch(ifd, ".", IN_ALL_EVENTS);
	fd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf) > 0);
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
	SYS(close(fd));
	drain(ifd, "list the directory");
	/* a file system root? no parent event, its own events only */
	fd = SYS(open(data_path("dir"), O_RDONLY));
	watch(ifd, data_path("dir"), IN_ALL_EVENTS);
	SYS(close(fd));
	fd = SYS(open(data_path("dir/a"), O_RDONLY));
	SYS(read(fd, buf, sizeof buf));
	SYS(close(fd));
	fd = SYS(open(data_path("dir/sub"), O_RDONLY));
	SYS(close(fd));
	drain(ifd, "a read-only tree");
}

static void t_oneshot(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("os", O_CREAT | O_RDWR, 0644);

	watch(ifd, "os", IN_MODIFY | IN_ONESHOT);
	watch(ifd, ".", IN_MODIFY | IN_ONESHOT | IN_MASK_ADD);
	SYS(write(fd, "x", 1));
	SYS(write(fd, "y", 1));
	drain(ifd, "oneshot");
	SYS(inotify_rm_watch(ifd, 1));
	SYS(inotify_add_watch(ifd, "os", IN_MODIFY));
}

static void t_merge(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("mg", O_CREAT | O_RDWR, 0644);
	int fd2 = open("mg2", O_CREAT | O_RDWR, 0644);

	watch(ifd, ".", IN_MODIFY | IN_CLOSE);
	SYS(write(fd, "x", 1));
	SYS(write(fd, "x", 1));
	SYS(ftruncate(fd, 0));
	drain(ifd, "one file, three changes");
	SYS(write(fd, "x", 1));
	SYS(write(fd2, "x", 1));
	SYS(write(fd, "x", 1));
	SYS(write(fd, "x", 1));
	SYS(close(dup(fd)));
	drain(ifd, "two files");
	/* IN_IGNORED never takes a repeat */
	watch(ifd, "mg", IN_MODIFY);
	SYS(inotify_rm_watch(ifd, 2));
	SYS(write(fd, "x", 1));
	SYS(write(fd, "x", 1));
	drain(ifd, "after IN_IGNORED");
}

static void t_excl_unlink(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("eu", O_CREAT | O_RDWR, 0644);

	/* without an unlink, IN_EXCL_UNLINK changes nothing */
	watch(ifd, ".", IN_MODIFY | IN_EXCL_UNLINK);
	SYS(write(fd, "x", 1));
	drain(ifd, "excl_unlink");
}

static void t_read(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), n;
	char buf[256] __attribute__((aligned(8)));
	struct inotify_event *e = (void *)buf;

	watch(ifd, ".", IN_CREATE);
	close(open("r", O_CREAT | O_RDONLY, 0644));
	close(open("r234567890123456", O_CREAT | O_RDONLY, 0644));
	close(open("r2345678901234567", O_CREAT | O_RDONLY, 0644));
	SYS(ioctl(ifd, FIONREAD, &n));
	say("FIONREAD %d", n);
	SYS(read(ifd, buf, 0));
	SYS(read(ifd, buf, 1));
	SYS(read(ifd, buf, sizeof *e));
	SYS(read(ifd, buf, sizeof *e + 15));
	/* exactly one event: its name padded to 16 */
	SYS(read(ifd, buf, sizeof *e + 16));
	say("len %u name %s", e->len, e->name);
	SYS(ioctl(ifd, FIONREAD, &n));
	say("FIONREAD %d", n);
	/* room for one and a half: one */
	SYS(read(ifd, buf, sizeof *e + 32 + 20));
	say("len %u name %s", e->len, e->name);
	SYS(read(ifd, buf, sizeof buf));
	say("len %u name %s", e->len, e->name);
	SYS(read(ifd, buf, sizeof buf));
	SYS(read(ifd, buf, 0));
	SYS(ioctl(ifd, FIONREAD, &n));
	say("FIONREAD %d", n);
	close(open("r3", O_CREAT | O_RDONLY, 0644));
	SYS(ioctl(ifd, FIONREAD, NULL));
	SYS(ioctl(ifd, 0x1234, &n));
	SYS(read(ifd, NULL, sizeof buf));
}

static void t_readv_pread(void)
{
	int ifd = inotify_init1(IN_NONBLOCK);
	char buf[256];

	watch(ifd, ".", IN_CREATE);
	close(open("rv", O_CREAT | O_RDONLY, 0644));
	SYS(pread(ifd, buf, sizeof buf, 0));
	SYS(read(ifd, buf, sizeof buf));
}

static void t_poll_block(void)
{
	int ifd = inotify_init(), p[2];
	struct pollfd pfd = { .fd = ifd, .events = POLLIN | POLLOUT };
	char buf[256];
	pid_t pid;

	watch(ifd, ".", IN_CREATE);
	SYS(poll(&pfd, 1, 0));
	say("revents 0x%x", pfd.revents);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;

		read(p[0], &c, 1);
		usleep(100000);
		close(open("pb", O_CREAT | O_RDONLY, 0644));
		exit(0);
	}
	write(p[1], "x", 1);
	/* a blocking read waits for the child's create */
	SYS(read(ifd, buf, sizeof buf));
	say("name %s", ((struct inotify_event *)buf)->name);
	waitpid(pid, NULL, 0);
	close(open("pc", O_CREAT | O_RDONLY, 0644));
	SYS(poll(&pfd, 1, 0));
	say("revents 0x%x", pfd.revents);
	SYS(poll(&pfd, 1, 1000));
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void t_read_eintr(void)
{
	int ifd = inotify_init();
	struct sigaction sa;
	char buf[256];

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	watch(ifd, ".", IN_CREATE);
	alarm(1);
	SYS(read(ifd, buf, sizeof buf));
}

static void t_overflow(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("ov", O_CREAT | O_RDWR, 0644);
	int i, n, count = 0, overflows = 0, last = 0;
	static char buf[65536] __attribute__((aligned(8)));
	ssize_t got;

	watch(ifd, "ov", IN_ACCESS | IN_MODIFY);
	write(fd, "x", 1);
	/* alternate, so that nothing merges: 16384 events and more */
	for (i = 0; i < 8300; i++) {
		pread(fd, buf, 1, 0);
		pwrite(fd, "x", 1, 0);
	}
	SYS(ioctl(ifd, FIONREAD, &n));
	say("FIONREAD %d", n);
	while ((got = read(ifd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + got;) {
			struct inotify_event *e = (void *)p;

			if (e->mask & IN_Q_OVERFLOW) {
				overflows++;
				say("overflow after %d events: wd %d len %u", count,
				    e->wd, e->len);
			}
			last = e->mask;
			count++;
			p += sizeof *e + e->len;
		}
	}
	say("%d events, %d overflow, last 0x%x", count, overflows, last);
	/* once read, events queue again */
	pread(fd, buf, 1, 0);
	drain(ifd, "after the overflow");
}

static void t_splice_events(void)
{
	int ifd = inotify_init1(IN_NONBLOCK);
	int a = open("sa", O_CREAT | O_RDWR, 0644), b = open("sb", O_CREAT | O_RDWR, 0644);
	off_t off = 0;

	write(a, "0123456789", 10);
	watch(ifd, "sa", IN_ACCESS | IN_MODIFY);
	watch(ifd, "sb", IN_ACCESS | IN_MODIFY);
	SYS(sendfile(b, a, &off, 10));
	drain(ifd, "sendfile");
	SYS(sendfile(b, a, &off, 10));
	drain(ifd, "sendfile at the end");
}

/* ---- the path calls ---- */

static void t_unlink(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd;

	watch(ifd, ".", IN_ALL_EVENTS);
	close(open("ul", O_CREAT | O_RDONLY, 0644));
	watch(ifd, "ul", IN_ALL_EVENTS);
	drain(ifd, "create");
	SYS(unlink("ul"));
	drain(ifd, "unlink");
	/* still open: IN_DELETE_SELF waits for the last close */
	fd = open("ul2", O_CREAT | O_RDWR, 0644);
	watch(ifd, "ul2", IN_ALL_EVENTS);
	drain(ifd, "create");
	SYS(unlink("ul2"));
	drain(ifd, "unlink of an open file");
	SYS(write(fd, "x", 1));
	drain(ifd, "write to it");
	SYS(close(fd));
	drain(ifd, "last close");
	SYS(unlink("ul2"));
	drain(ifd, "unlink again");
}

static void t_hardlink(void)
{
	int ifd = inotify_init1(IN_NONBLOCK);

	watch(ifd, ".", IN_ALL_EVENTS);
	close(open("hl1", O_CREAT | O_RDONLY, 0644));
	watch(ifd, "hl1", IN_ALL_EVENTS);
	drain(ifd, "create");
	SYS(link("hl1", "hl2"));
	drain(ifd, "link");
	SYS(unlink("hl1"));
	drain(ifd, "unlink of one name");
	SYS(unlink("hl2"));
	drain(ifd, "unlink of the last name");
}

static void t_mkdir_rmdir(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd;

	watch(ifd, ".", IN_ALL_EVENTS);
	SYS(mkdir("md", 0755));
	drain(ifd, "mkdir");
	watch(ifd, "md", IN_ALL_EVENTS);
	close(open("md/f", O_CREAT | O_RDONLY, 0644));
	SYS(mkdir("md/sub", 0755));
	SYS(symlink("f", "md/ln"));
	SYS(mknod("md/fifo", S_IFIFO | 0644, 0));
	drain(ifd, "in md");
	SYS(chmod("md", 0700));
	drain(ifd, "chmod md");
	SYS(unlink("md/f"));
	SYS(unlink("md/ln"));
	SYS(unlink("md/fifo"));
	SYS(rmdir("md/sub"));
	drain(ifd, "emptied");
	SYS(rmdir("md"));
	drain(ifd, "rmdir");
	/* an open directory: its deletion waits for the close */
	SYS(mkdir("md2", 0755));
	watch(ifd, "md2", IN_DELETE_SELF);
	fd = open("md2", O_RDONLY);
	SYS(rmdir("md2"));
	drain(ifd, "rmdir of an open directory");
	SYS(close(fd));
	drain(ifd, "close");
}

static void t_rename(void)
{
	int ifd = inotify_init1(IN_NONBLOCK);

	watch(ifd, ".", IN_ALL_EVENTS);
	SYS(mkdir("rd", 0755));
	watch(ifd, "rd", IN_ALL_EVENTS);
	close(open("ra", O_CREAT | O_RDONLY, 0644));
	watch(ifd, "ra", IN_ALL_EVENTS);
	drain(ifd, "setup");
	SYS(rename("ra", "rb"));
	drain(ifd, "rename in a directory");
	SYS(rename("rb", "rd/rc"));
	drain(ifd, "rename to another directory");
	SYS(rename("rd/rc", "rd/rc"));
	drain(ifd, "rename to itself");
	/* over a watched file */
	close(open("rt", O_CREAT | O_RDONLY, 0644));
	watch(ifd, "rt", IN_ALL_EVENTS);
	drain(ifd, "target");
	SYS(rename("rd/rc", "rt"));
	drain(ifd, "rename over it");
	/* directories */
	SYS(rename("rd", "rd2"));
	SYS(mkdir("rempty", 0755));
	watch(ifd, "rempty", IN_ALL_EVENTS);
	SYS(rename("rd2", "rempty"));
	drain(ifd, "directories");
	SYS(rename("missing", "x"));
	drain(ifd, "a failed rename");
}

static void t_exchange(void)
{
	int ifd = inotify_init1(IN_NONBLOCK);

	watch(ifd, ".", IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF | IN_DELETE_SELF);
	close(open("xa", O_CREAT | O_RDONLY, 0644));
	SYS(mkdir("xb", 0755));
	watch(ifd, "xa", IN_MOVE_SELF);
	watch(ifd, "xb", IN_MOVE_SELF | IN_DELETE_SELF);
	SYS(syscall(SYS_renameat2, AT_FDCWD, "xa", AT_FDCWD, "xb", 2 /* EXCHANGE */));
	drain(ifd, "exchange");
	SYS(syscall(SYS_renameat2, AT_FDCWD, "xa", AT_FDCWD, "xb", 1 /* NOREPLACE */));
	drain(ifd, "noreplace");
}

static void t_attrib_calls(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), fd = open("ac", O_CREAT | O_RDWR, 0644);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };

	watch(ifd, ".", IN_ALL_EVENTS);
	watch(ifd, "ac", IN_ALL_EVENTS);
	SYS(chmod("ac", 0600));
	drain(ifd, "chmod");
	SYS(fchmod(fd, 0600));
	SYS(chown("ac", getuid(), getgid()));
	drain(ifd, "fchmod, chown: merged");
	SYS(utimensat(AT_FDCWD, "ac", NULL, 0));
	drain(ifd, "utimensat: both times");
	SYS(utimensat(AT_FDCWD, "ac", ts, 0));
	drain(ifd, "utimensat: mtime");
	ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_nsec = UTIME_OMIT;
	SYS(utimensat(AT_FDCWD, "ac", ts, 0));
	drain(ifd, "utimensat: atime");
	SYS(chmod(".", 0755));
	drain(ifd, "chmod of the directory");
}

static void t_excl_unlink_gone(void)
{
	int ifd = inotify_init1(IN_NONBLOCK), a = open("eg1", O_CREAT | O_RDWR, 0644);
	int b = open("eg2", O_CREAT | O_RDWR, 0644);

	watch(ifd, ".", IN_MODIFY | IN_CLOSE | IN_DELETE | IN_EXCL_UNLINK);
	SYS(unlink("eg1"));
	SYS(write(a, "x", 1));
	SYS(write(b, "x", 1));
	SYS(close(a));
	SYS(close(b));
	drain(ifd, "an unlinked file: no events; the other: events");
}

static const struct tcase cases[] = {
	{ t_init, "init" },
	{ t_watch_errors, "watch_errors" },
	{ t_wd_numbers, "wd_numbers" },
	{ t_file_events, "file_events" },
	{ t_attrib, "attrib" },
	{ t_dir_events, "dir_events" },
	{ t_oneshot, "oneshot" },
	{ t_merge, "merge" },
	{ t_excl_unlink, "excl_unlink" },
	{ t_read, "read" },
	{ t_readv_pread, "readv_pread" },
	{ t_poll_block, "poll_block" },
	{ t_read_eintr, "read_eintr" },
	{ t_overflow, "overflow" },
	{ t_splice_events, "splice_events" },
	{ t_unlink, "unlink" },
	{ t_hardlink, "hardlink" },
	{ t_mkdir_rmdir, "mkdir_rmdir" },
	{ t_rename, "rename" },
	{ t_exchange, "exchange" },
	{ t_attrib_calls, "attrib_calls" },
	{ t_excl_unlink_gone, "excl_unlink_gone" },
};

HARNESS_MAIN(cases)
