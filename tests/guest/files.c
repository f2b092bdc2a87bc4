/*
 * Files: open/openat flags, read/write and their vector and positional
 * forms, lseek, dup/dup2/dup3, fcntl, close.  Scratch files live in
 * TEST_TMP (the cwd); read-only fixtures in TEST_DATA.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/uio.h>

#ifndef RWF_HIPRI
#define RWF_HIPRI 0x1
#endif

static void fsize(const char *label, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		say("%s: fstat = -1 %s", label, errname(errno));
	else
		say("%s: size %lld", label, (long long)st.st_size);
}

static void show_file(const char *name)
{
	char buf[256];
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		say("show_file(%s): %s", name, errname(errno));
		return;
	}
	n = read(fd, buf, sizeof buf);
	show_bytes(name, buf, n);
	close(fd);
}

static void t_open_create(void)
{
	struct stat st;
	int fd;

	fd = SYS(open("oc1", O_WRONLY | O_CREAT | O_EXCL, 0644));
	SYS(close(fd));
	SYS(open("oc1", O_WRONLY | O_CREAT | O_EXCL, 0644));
	fd = SYS(open("oc1", O_RDWR | O_CREAT, 0600));
	SYS(close(fd));
	SYS(open("missing", O_RDONLY));
	SYS(open("missing/x", O_RDONLY | O_CREAT, 0644));
	SYS(open("oc1/x", O_RDONLY));
	SYS(open("oc1/x", O_RDONLY | O_CREAT, 0644));
	SYS(open("", O_RDONLY));
	SYS(open("", O_RDONLY | O_CREAT, 0644));
	/* creation mode goes through the umask (022, set by the harness) */
	fd = SYS(open("oc2", O_WRONLY | O_CREAT, 0777));
	SYS(fstat(fd, &st));
	say("mode %o", st.st_mode & 07777);
	close(fd);
	fd = SYS(open("oc3", O_WRONLY | O_CREAT, 0600));
	SYS(fstat(fd, &st));
	say("mode %o", st.st_mode & 07777);
	close(fd);
	/* a read-only creation still gives a writable... no: a read-only fd */
	fd = SYS(open("oc4", O_RDONLY | O_CREAT, 0644));
	SYS(write(fd, "x", 1));
	close(fd);
	/* O_EXCL without O_CREAT is ignored for a regular file */
	fd = SYS(open("oc1", O_RDONLY | O_EXCL));
	close(fd);
	/* O_CREAT on an existing directory */
	SYS(open(".", O_RDONLY | O_CREAT, 0644));
	SYS(open(".", O_WRONLY | O_CREAT, 0644));
	SYS(open("oc5/", O_WRONLY | O_CREAT, 0644));
}

static void t_open_dir(void)
{
	int fd;

	fd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	SYS(close(fd));
	fd = SYS(open(".", O_RDONLY));
	SYS(close(fd));
	SYS(open(".", O_WRONLY));
	SYS(open(".", O_RDWR));
	make_file("od1", "x");
	SYS(open("od1", O_RDONLY | O_DIRECTORY));
	SYS(open("od1/", O_RDONLY));
	fd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	SYS(close(fd));
	fd = SYS(open(data_path("dir/"), O_RDONLY));
	SYS(close(fd));
	fd = SYS(open(data_path("dir/sub/.."), O_RDONLY | O_DIRECTORY));
	SYS(close(fd));
	SYS(open(data_path("hello.txt/."), O_RDONLY));
}

static void t_open_trunc(void)
{
	int fd;

	make_file("ot1", "hello, world\n");
	fd = SYS(open("ot1", O_RDONLY));
	fsize("before", fd);
	close(fd);
	fd = SYS(open("ot1", O_WRONLY | O_TRUNC));
	fsize("after O_TRUNC", fd);
	SYS(write(fd, "ab", 2));
	close(fd);
	show_file("ot1");
	/* O_TRUNC with O_RDONLY truncates too (Linux) */
	fd = SYS(open("ot1", O_RDONLY | O_TRUNC));
	fsize("after O_RDONLY|O_TRUNC", fd);
	close(fd);
}

static void t_open_append(void)
{
	int fd;

	make_file("oa1", "abc");
	fd = SYS(open("oa1", O_WRONLY | O_APPEND));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(lseek(fd, 0, SEEK_SET));
	SYS(write(fd, "def", 3));
	SYS(lseek(fd, 0, SEEK_CUR));
	/* Linux: pwrite on an O_APPEND file appends, whatever the offset */
	SYS(pwrite(fd, "X", 1, 0));
	SYS(lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_file("oa1");
	/* O_APPEND can be turned off with F_SETFL */
	fd = SYS(open("oa1", O_RDWR | O_APPEND));
	SYS(fcntl(fd, F_SETFL, 0));
	SYS(pwrite(fd, "Y", 1, 0));
	SYS(lseek(fd, 1, SEEK_SET));
	SYS(write(fd, "Z", 1));
	close(fd);
	show_file("oa1");
}

static void t_open_nofollow(void)
{
	struct stat st;
	int fd;

	SYS(open(data_path("link"), O_RDONLY | O_NOFOLLOW));
	SYS(open(data_path("dangling"), O_RDONLY | O_NOFOLLOW));
	SYS(open(data_path("dangling"), O_RDONLY));
	SYS(open(data_path("loop1"), O_RDONLY));
	/* only the last component is not followed */
	fd = SYS(open(data_path("dirlink/a"), O_RDONLY | O_NOFOLLOW));
	close(fd);
	fd = SYS(open(data_path("link"), O_RDONLY));
	SYS(fstat(fd, &st));
	TRUE(S_ISREG(st.st_mode));
	close(fd);
	/* O_PATH | O_NOFOLLOW opens the link itself */
	fd = SYS(open(data_path("link"), O_PATH | O_NOFOLLOW));
	SYS(fstat(fd, &st));
	TRUE(S_ISLNK(st.st_mode));
	say("size %lld", (long long)st.st_size);
	close(fd);
	fd = SYS(open(data_path("dirlink"), O_RDONLY | O_DIRECTORY));
	close(fd);
	SYS(open(data_path("dirlink"), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
}

static void t_open_cloexec(void)
{
	int fd;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY | O_CLOEXEC));
	SYS(fcntl(fd, F_GETFD));
	close(fd);
	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(fcntl(fd, F_GETFD));
	SYS(fcntl(fd, F_SETFD, FD_CLOEXEC));
	SYS(fcntl(fd, F_GETFD));
	SYS(fcntl(fd, F_SETFD, 0));
	SYS(fcntl(fd, F_GETFD));
	/* only FD_CLOEXEC is kept */
	SYS(fcntl(fd, F_SETFD, 0xff));
	SYS(fcntl(fd, F_GETFD));
	/* O_CLOEXEC does not show in F_GETFL */
	close(fd);
	fd = open(data_path("hello.txt"), O_RDONLY | O_CLOEXEC);
	TRUE((fcntl(fd, F_GETFL) & O_CLOEXEC) == 0);
	close(fd);
}

static void t_open_path(void)
{
	struct stat st;
	char c;
	int fd, fd2;

	fd = SYS(open(data_path("hello.txt"), O_PATH));
	SYS(read(fd, &c, 1));
	SYS(write(fd, "x", 1));
	SYS(pread(fd, &c, 1, 0));
	SYS(lseek(fd, 0, SEEK_SET));
	SYS(fstat(fd, &st));
	say("size %lld", (long long)st.st_size);
	SYS(fcntl(fd, F_GETFL) & (O_PATH | O_ACCMODE));
	fd2 = SYS(dup(fd));
	close(fd2);
	SYS(ioctl(fd, FIONBIO, &(int){ 1 }));
	close(fd);
	/* O_PATH on a directory: usable as a dirfd and for fchdir */
	fd = SYS(open(data_path("dir"), O_PATH | O_DIRECTORY));
	fd2 = SYS(openat(fd, "a", O_RDONLY));
	SYS(read(fd2, &c, 1));
	show_bytes("c", &c, 1);
	close(fd2);
	close(fd);
	/* O_PATH ignores the access mode and other flags */
	fd = SYS(open(data_path("hello.txt"), O_PATH | O_WRONLY | O_TRUNC));
	close(fd);
	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	fsize("hello.txt", fd);
	close(fd);
}

static void t_openat(void)
{
	char buf[32];
	int dfd, fd, ffd;
	ssize_t n;

	dfd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	fd = SYS(openat(dfd, "a", O_RDONLY));
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("a", buf, n);
	close(fd);
	fd = SYS(openat(dfd, "sub/c", O_RDONLY));
	close(fd);
	fd = SYS(openat(dfd, "../hello.txt", O_RDONLY));
	close(fd);
	SYS(openat(dfd, "missing", O_RDONLY));
	/* AT_FDCWD and absolute paths ignore the dirfd */
	make_file("oat1", "z");
	fd = SYS(openat(AT_FDCWD, "oat1", O_RDONLY));
	close(fd);
	fd = SYS(openat(-1, data_path("hello.txt"), O_RDONLY));
	close(fd);
	fd = SYS(openat(12345, data_path("hello.txt"), O_RDONLY));
	close(fd);
	SYS(openat(-1, "oat1", O_RDONLY));
	SYS(openat(12345, "oat1", O_RDONLY));
	ffd = SYS(open("oat1", O_RDONLY));
	SYS(openat(ffd, "x", O_RDONLY));
	SYS(openat(ffd, "", O_RDONLY));
	close(ffd);
	/* creating relative to a dirfd in the scratch dir */
	dfd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	fd = SYS(openat(dfd, "oat2", O_WRONLY | O_CREAT | O_EXCL, 0644));
	close(fd);
	fd = SYS(open("oat2", O_RDONLY));
	close(fd);
	close(dfd);
}

static void t_open_names(void)
{
	char name[300], path[5000];
	int fd;

	memset(name, 'n', 255);
	name[255] = 0;
	SYS_L("open(255 chars)", open(name, O_RDONLY));
	name[255] = 'n';
	name[256] = 0;
	SYS_L("open(256 chars)", open(name, O_RDONLY));
	SYS_L("open(256 chars, O_CREAT)", open(name, O_WRONLY | O_CREAT, 0644));
	memset(path, 0, sizeof path);
	for (int i = 0; i < 4200; i += 2)
		memcpy(path + i, "./", 2);
	path[4200] = 'x';
	SYS_L("open(4201-byte path)", open(path, O_RDONLY));
	path[4094] = 'x';
	path[4095] = 0;
	SYS_L("open(4095-byte path)", open(path, O_RDONLY));
	path[4095] = 'y';
	path[4096] = 0;
	SYS_L("open(4096-byte path)", open(path, O_RDONLY));
	/* .. at the root stays at the root */
	fd = SYS_L("open(/../../..)", open("/../../..", O_RDONLY | O_DIRECTORY));
	SYS(close(fd));
}

static void t_read_write(void)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = SYS(open("rw1", O_RDWR | O_CREAT | O_TRUNC, 0644));
	SYS(write(fd, "hello world\n", 12));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(lseek(fd, 0, SEEK_SET));
	n = SYS(read(fd, buf, 5));
	show_bytes("buf", buf, n);
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("buf", buf, n);
	SYS(read(fd, buf, sizeof buf));
	SYS(read(fd, buf, 0));
	SYS(write(fd, buf, 0));
	/* overwrite in the middle */
	SYS(lseek(fd, 6, SEEK_SET));
	SYS(write(fd, "WORLD", 5));
	SYS(lseek(fd, 0, SEEK_SET));
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("buf", buf, n);
	close(fd);
	/* access modes */
	fd = SYS(open("rw1", O_RDONLY));
	SYS(write(fd, "x", 1));
	close(fd);
	fd = SYS(open("rw1", O_WRONLY));
	SYS(read(fd, buf, 1));
	close(fd);
	fd = SYS(open(".", O_RDONLY));
	SYS(read(fd, buf, 1));
	close(fd);
}

static void t_big_write(void)
{
	static char big[300000], back[300000];
	ssize_t n, got;
	int fd, i, bad;

	for (i = 0; i < (int)sizeof big; i++)
		big[i] = (char)(i * 7 + i / 251);
	fd = SYS(open("big1", O_RDWR | O_CREAT | O_TRUNC, 0644));
	SYS(write(fd, big, sizeof big));
	fsize("big1", fd);
	SYS(lseek(fd, 0, SEEK_SET));
	for (got = 0; got < (ssize_t)sizeof back; got += n) {
		n = read(fd, back + got, 7777);
		if (n <= 0)
			break;
	}
	say("read back %zd", got);
	for (bad = 0, i = 0; i < (int)sizeof big; i++)
		bad += big[i] != back[i];
	say("differing bytes %d", bad);
	/* one pread across many pages at an odd offset */
	memset(back, 0, sizeof back);
	SYS(pread(fd, back, 200000, 12345));
	TRUE(memcmp(back, big + 12345, 200000) == 0);
	close(fd);
}

static void t_pread_pwrite(void)
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd, i, zeros;

	fd = SYS(open("pp1", O_RDWR | O_CREAT | O_TRUNC, 0644));
	SYS(write(fd, "0123456789", 10));
	SYS(lseek(fd, 2, SEEK_SET));
	n = SYS(pread(fd, buf, 4, 5));
	show_bytes("buf", buf, n);
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(pwrite(fd, "AB", 2, 3));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(pread(fd, buf, 10, 100));
	SYS(pread(fd, buf, 10, -1));
	SYS(pwrite(fd, buf, 10, -1));
	n = SYS(pread(fd, buf, sizeof buf, 0));
	show_bytes("buf", buf, n);
	/* writing past the end leaves a hole that reads as zeros */
	SYS(pwrite(fd, "END", 3, 40));
	SYS(fstat(fd, &st));
	say("size %lld", (long long)st.st_size);
	n = SYS(pread(fd, buf, sizeof buf, 0));
	for (zeros = 0, i = 10; i < 40; i++)
		zeros += buf[i] == 0;
	say("zeros in the hole: %d", zeros);
	show_bytes("tail", buf + 40, n - 40);
	SYS(lseek(fd, 0, SEEK_CUR));
	close(fd);
}

static void t_readv_writev(void)
{
	char a[4], b[1], c[16];
	struct iovec iov[4];
	ssize_t n;
	int fd;

	fd = SYS(open("rv1", O_RDWR | O_CREAT | O_TRUNC, 0644));
	iov[0] = (struct iovec){ "one ", 4 };
	iov[1] = (struct iovec){ "", 0 };
	iov[2] = (struct iovec){ "two ", 4 };
	iov[3] = (struct iovec){ "three\n", 6 };
	SYS(writev(fd, iov, 4));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(writev(fd, iov, 0));
	SYS(lseek(fd, 0, SEEK_SET));
	iov[0] = (struct iovec){ a, sizeof a };
	iov[1] = (struct iovec){ NULL, 0 };
	iov[2] = (struct iovec){ b, sizeof b };
	iov[3] = (struct iovec){ c, sizeof c };
	n = SYS(readv(fd, iov, 4));
	show_bytes("a", a, 4);
	show_bytes("b", b, 1);
	show_bytes("c", c, n - 5);
	SYS(readv(fd, iov, 4));
	/* preadv / pwritev at an offset, position unchanged */
	iov[0] = (struct iovec){ "XY", 2 };
	iov[1] = (struct iovec){ "Z", 1 };
	SYS(pwritev(fd, iov, 2, 4));
	SYS(lseek(fd, 0, SEEK_CUR));
	iov[0] = (struct iovec){ a, 3 };
	iov[1] = (struct iovec){ c, 5 };
	n = SYS(preadv(fd, iov, 2, 2));
	show_bytes("a", a, 3);
	show_bytes("c", c, n - 3);
	SYS(preadv(fd, iov, 2, -5));
	SYS(preadv(fd, iov, 2, 1000));
	/* IOV_MAX */
	SYS(writev(fd, iov, 1025));
	SYS(writev(fd, iov, -1));
	close(fd);
}

static void t_preadv2(void)
{
	struct iovec iov;
	char buf[8];
	ssize_t n;
	int fd;

	make_file("p2", "abcdefgh");
	fd = SYS(open("p2", O_RDWR));
	SYS(lseek(fd, 3, SEEK_SET));
	iov = (struct iovec){ buf, 2 };
	/* offset -1: the file position, which moves */
	n = SYS(syscall(SYS_preadv2, fd, &iov, 1, -1L, 0L, 0));
	show_bytes("buf", buf, n);
	SYS(lseek(fd, 0, SEEK_CUR));
	n = SYS(syscall(SYS_preadv2, fd, &iov, 1, 0L, 0L, 0));
	show_bytes("buf", buf, n);
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(syscall(SYS_preadv2, fd, &iov, 1, 0L, 0L, 0x10000));
	SYS(syscall(SYS_preadv2, fd, &iov, 1, -2L, 0L, 0));
	iov = (struct iovec){ "ZZ", 2 };
	SYS(syscall(SYS_pwritev2, fd, &iov, 1, -1L, 0L, 0));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(syscall(SYS_pwritev2, fd, &iov, 1, 0L, 0L, 0x10000));
	close(fd);
	show_file("p2");
}

static void t_lseek(void)
{
	int fd;

	make_file("ls1", "0123456789");
	fd = SYS(open("ls1", O_RDONLY));
	SYS(lseek(fd, 3, SEEK_SET));
	SYS(lseek(fd, 2, SEEK_CUR));
	SYS(lseek(fd, -1, SEEK_CUR));
	SYS(lseek(fd, 0, SEEK_END));
	SYS(lseek(fd, -4, SEEK_END));
	SYS(lseek(fd, 100, SEEK_END));
	SYS(lseek(fd, 1000, SEEK_SET));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(lseek(fd, -1, SEEK_SET));
	SYS(lseek(fd, -2000, SEEK_CUR));
	SYS(lseek(fd, -11, SEEK_END));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(lseek(fd, 0, 5));
	SYS(lseek(fd, 0, -1));
	/* a file with no holes: data at every offset, the hole at EOF */
	SYS(lseek(fd, 0, SEEK_DATA));
	SYS(lseek(fd, 4, SEEK_DATA));
	SYS(lseek(fd, 0, SEEK_HOLE));
	SYS(lseek(fd, 9, SEEK_HOLE));
	SYS(lseek(fd, 10, SEEK_DATA));
	SYS(lseek(fd, 10, SEEK_HOLE));
	SYS(lseek(fd, 11, SEEK_HOLE));
	SYS(lseek(fd, -1, SEEK_DATA));
	close(fd);
	SYS(lseek(fd, 0, SEEK_SET));
	fd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	SYS(lseek(fd, 0, SEEK_SET));
	close(fd);
	/* writing after a seek past the end extends the file */
	fd = SYS(open("ls1", O_RDWR));
	SYS(lseek(fd, 20, SEEK_SET));
	SYS(write(fd, "!", 1));
	fsize("ls1", fd);
	SYS(lseek(fd, 0, SEEK_END));
	close(fd);
}

static void t_dup(void)
{
	char buf[8];
	ssize_t n;
	int fd, d;

	make_file("dup1", "abcdef");
	fd = SYS(open("dup1", O_RDONLY));
	d = SYS(dup(fd));
	/* duplicates share the file position */
	n = SYS(read(fd, buf, 2));
	show_bytes("fd", buf, n);
	n = SYS(read(d, buf, 2));
	show_bytes("dup", buf, n);
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(close(fd));
	n = SYS(read(d, buf, 2));
	show_bytes("dup after close", buf, n);
	SYS(dup(fd));
	SYS(dup(-1));
	SYS(dup2(d, 10));
	SYS(dup2(d, d));
	SYS(dup2(fd, fd));
	SYS(dup2(d, -1));
	SYS(dup2(-1, 10));
	SYS(dup2(99, 10));
	SYS(fcntl(10, F_GETFD));
	/* dup2 onto an open fd closes it silently */
	SYS(dup2(0, 10));
	SYS(read(10, buf, 0));
	SYS(dup2(d, 10));
	n = SYS(read(10, buf, 8));
	show_bytes("via 10", buf, n);
	/* raw dup3: musl's wrapper hides some of the kernel's answers */
	SYS(syscall(SYS_dup3, d, d, 0));
	SYS(syscall(SYS_dup3, d, d, O_CLOEXEC));
	SYS(syscall(SYS_dup3, d, 11, O_CLOEXEC));
	SYS(fcntl(11, F_GETFD));
	SYS(syscall(SYS_dup3, d, 12, 0));
	SYS(fcntl(12, F_GETFD));
	SYS(syscall(SYS_dup3, d, 11, 0));
	SYS(fcntl(11, F_GETFD));
	SYS(syscall(SYS_dup3, d, 13, 1));
	SYS(syscall(SYS_dup3, d, 13, O_CLOEXEC | O_NONBLOCK));
	SYS(fcntl(13, F_GETFD));
	SYS(syscall(SYS_dup3, -1, 13, 0));
	SYS(syscall(SYS_dup3, d, -1, 0));
	SYS(dup2(d, 1 << 20));
	SYS(dup2(d, 0x7fffffff));
	/* the lowest free descriptor: 3 was closed above */
	SYS(dup(d));
	SYS(dup(d));
	SYS(close(d));
	SYS(close(d));
	SYS(close(-1));
	SYS(close(100000));
}

static void t_fcntl(void)
{
	int fd, fl;

	make_file("fc1", "abc");
	fd = SYS(open("fc1", O_RDWR));
	SYS(fcntl(fd, F_DUPFD, 20));
	SYS(fcntl(fd, F_DUPFD, 20));
	SYS(fcntl(20, F_GETFD));
	SYS(fcntl(fd, F_DUPFD_CLOEXEC, 20));
	SYS(fcntl(22, F_GETFD));
	SYS(fcntl(fd, F_DUPFD, 0));
	SYS(fcntl(fd, F_DUPFD, -1));
	SYS(fcntl(fd, F_DUPFD, 1 << 20));
	fl = SYS(fcntl(fd, F_GETFL));
	say("accmode %d, append %d, nonblock %d", fl & O_ACCMODE,
	    !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
	SYS(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	fl = SYS(fcntl(fd, F_GETFL));
	say("accmode %d, append %d, nonblock %d", fl & O_ACCMODE,
	    !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
	/* F_SETFL cannot change the access mode or creation flags */
	SYS(fcntl(fd, F_SETFL, O_RDONLY | O_TRUNC | O_CREAT));
	fl = SYS(fcntl(fd, F_GETFL));
	say("accmode %d, append %d, nonblock %d", fl & O_ACCMODE,
	    !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
	SYS(write(fd, "w", 1));
	fsize("fc1", fd);
	SYS(fcntl(fd, 9999));
	SYS(fcntl(fd, -1));
	SYS(fcntl(-1, F_GETFD));
	SYS(fcntl(77, F_GETFL));
	close(fd);
	fd = SYS(open("fc1", O_WRONLY));
	SYS(fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);
}

static void t_fd_ioctl(void)
{
	int fd, on = 1, off = 0;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(ioctl(fd, FIOCLEX));
	SYS(fcntl(fd, F_GETFD));
	SYS(ioctl(fd, FIONCLEX));
	SYS(fcntl(fd, F_GETFD));
	SYS(ioctl(fd, FIONBIO, &on));
	TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	SYS(ioctl(fd, FIONBIO, &off));
	TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	SYS(ioctl(fd, FIONBIO, NULL));
	SYS(ioctl(fd, TCGETS, &(char[64]){ 0 }));
	SYS(ioctl(fd, 0x12345678, 0));
	SYS(ioctl(-1, FIOCLEX));
	close(fd);
}

static void t_close_reuse(void)
{
	int fds[5], i;

	for (i = 0; i < 5; i++)
		fds[i] = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(close(fds[1]));
	SYS(close(fds[3]));
	SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(open(data_path("hello.txt"), O_RDONLY));
}

static void t_emfile(void)
{
	struct rlimit { unsigned long cur, max; } old, lim;
	int i, fd = 0;

	SYS(syscall(SYS_getrlimit, 7 /* RLIMIT_NOFILE */, &old));
	lim = old;
	lim.cur = 8;
	SYS(syscall(SYS_setrlimit, 7, &lim));
	for (i = 0; i < 10 && fd >= 0; i++)
		fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(dup(0));
	SYS(fcntl(0, F_DUPFD, 3));
	SYS(fcntl(0, F_DUPFD, 8));
	SYS(dup2(0, 8));
	SYS(dup2(0, 7));
	SYS(syscall(SYS_setrlimit, 7, &old));
	SYS(dup2(0, 8));
}

static const struct tcase cases[] = {
	{ t_open_create, "open_create" },
	{ t_open_dir, "open_dir" },
	{ t_open_trunc, "open_trunc" },
	{ t_open_append, "open_append" },
	{ t_open_nofollow, "open_nofollow" },
	{ t_open_cloexec, "open_cloexec" },
	{ t_open_path, "open_path" },
	{ t_openat, "openat" },
	{ t_open_names, "open_names" },
	{ t_read_write, "read_write" },
	{ t_big_write, "big_write" },
	{ t_pread_pwrite, "pread_pwrite" },
	{ t_readv_writev, "readv_writev" },
	{ t_preadv2, "preadv2" },
	{ t_lseek, "lseek" },
	{ t_dup, "dup" },
	{ t_fcntl, "fcntl" },
	{ t_fd_ioctl, "fd_ioctl" },
	{ t_close_reuse, "close_reuse" },
	{ t_emfile, "emfile" },
};

HARNESS_MAIN(cases)
