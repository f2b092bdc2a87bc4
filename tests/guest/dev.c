/*
 * Device nodes: /dev/null, /dev/zero, /dev/full, /dev/urandom,
 * /dev/random, ioctls on them, and getrandom.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#endif
#define K_GRND_INSECURE 4

static void show_dev(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		say("stat(%s) = -1 %s", path, errname(errno));
		return;
	}
	say("%s: %s mode %o rdev %u:%u size %lld", path,
	    S_ISCHR(st.st_mode) ? "chr" : "not chr", st.st_mode & 07777,
	    major(st.st_rdev), minor(st.st_rdev), (long long)st.st_size);
}

static int all_are(const unsigned char *p, size_t n, int c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void t_null(void)
{
	char buf[16];
	struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
	int fd;

	show_dev("/dev/null");
	fd = SYS(open("/dev/null", O_RDWR));
	SYS(read(fd, buf, sizeof buf));
	SYS(write(fd, "hello", 5));
	SYS(writev(fd, iov, 2));
	SYS(pread(fd, buf, sizeof buf, 0));
	SYS(pwrite(fd, "x", 1, 100));
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(lseek(fd, 1000, SEEK_SET));
	SYS(lseek(fd, 0, SEEK_END));
	SYS(write(fd, buf, 0));
	close(fd);
	fd = SYS(open("/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	SYS(write(fd, "x", 1));
	close(fd);
	fd = SYS(open("/dev/null", O_WRONLY | O_APPEND));
	SYS(write(fd, "x", 1));
	close(fd);
	SYS(open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0644));
	SYS(open("/dev/null", O_RDONLY | O_DIRECTORY));
	SYS(open("/dev/null/", O_RDONLY));
	SYS(open("/dev/null/x", O_RDONLY));
	SYS(access("/dev/null", R_OK | W_OK));
}

static void t_zero(void)
{
	unsigned char buf[10000];
	struct iovec iov[2] = { { buf, 100 }, { buf + 100, 5000 } };
	ssize_t n;
	int fd;

	show_dev("/dev/zero");
	fd = SYS(open("/dev/zero", O_RDWR));
	memset(buf, 0xff, sizeof buf);
	n = SYS(read(fd, buf, sizeof buf));
	TRUE(all_are(buf, n, 0));
	memset(buf, 0xff, sizeof buf);
	n = SYS(readv(fd, iov, 2));
	TRUE(all_are(buf, n, 0));
	TRUE(buf[n] == 0xff);
	memset(buf, 0xff, sizeof buf);
	n = SYS(pread(fd, buf, 77, 12345));
	TRUE(all_are(buf, n, 0));
	SYS(write(fd, "abc", 3));
	SYS(read(fd, buf, 0));
	close(fd);
}

static void t_full(void)
{
	unsigned char buf[100];
	struct iovec iov = { "ab", 2 };
	ssize_t n;
	int fd;

	show_dev("/dev/full");
	fd = SYS(open("/dev/full", O_RDWR));
	SYS(write(fd, "abc", 3));
	SYS(writev(fd, &iov, 1));
	SYS(pwrite(fd, "abc", 3, 0));
	SYS(write(fd, "", 0));
	memset(buf, 0xff, sizeof buf);
	n = SYS(read(fd, buf, sizeof buf));
	TRUE(all_are(buf, n, 0));
	close(fd);
}

static void t_urandom(void)
{
	unsigned char a[64], b[64];
	static unsigned char big[65536];
	ssize_t n;
	int fd;

	show_dev("/dev/urandom");
	show_dev("/dev/random");
	fd = SYS(open("/dev/urandom", O_RDONLY));
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	n = SYS(read(fd, a, sizeof a));
	SYS(read(fd, b, sizeof b));
	TRUE(!all_are(a, n, 0));
	TRUE(memcmp(a, b, sizeof a) != 0);
	n = SYS(read(fd, big, sizeof big));
	TRUE(!all_are(big + sizeof big - 64, 64, 0));
	SYS(read(fd, a, 0));
	close(fd);
	fd = SYS(open("/dev/random", O_RDONLY));
	n = SYS(read(fd, a, 16));
	close(fd);
	fd = SYS(open("/dev/urandom", O_WRONLY));
	SYS(write(fd, "seed", 4));
	close(fd);
}

static void t_dev_ioctl(void)
{
	char buf[64];
	int fd, on = 1, n;

	fd = SYS(open("/dev/null", O_RDWR));
	SYS(ioctl(fd, TCGETS, buf));
	SYS(ioctl(fd, TIOCGWINSZ, buf));
	SYS(ioctl(fd, TIOCGPGRP, &n));
	SYS(ioctl(fd, 0xdead, 0));
	SYS(ioctl(fd, FIONBIO, &on));
	TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	SYS(ioctl(fd, FIOCLEX));
	SYS(fcntl(fd, F_GETFD));
	SYS(ioctl(fd, FIONCLEX));
	SYS(fcntl(fd, F_GETFD));
	close(fd);
	fd = SYS(open("/dev/zero", O_RDONLY));
	SYS(ioctl(fd, TCGETS, buf));
	close(fd);
	fd = SYS(open("/dev/urandom", O_RDONLY));
	SYS(ioctl(fd, TCGETS, buf));
	close(fd);
}

static void t_dev_dir(void)
{
	static const char *const want[] = { "null", "zero", "full", "random",
					     "urandom" };
	char buf[8192];
	struct stat st;
	int fd, found[5] = { 0 };
	long r;
	unsigned i;

	SYS(stat("/dev", &st));
	TRUE(S_ISDIR(st.st_mode));
	fd = SYS(open("/dev", O_RDONLY | O_DIRECTORY));
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < r;) {
			char *name = buf + off + 19;

			for (i = 0; i < NELEM(want); i++)
				if (!strcmp(name, want[i]))
					found[i] = buf[off + 18];
			off += *(unsigned short *)(buf + off + 16);
		}
	}
	for (i = 0; i < NELEM(want); i++)
		say("/dev/%s listed: %s, type %d", want[i],
		    found[i] ? "yes" : "no", found[i]);
	close(fd);
	show_dev("/dev/full");
	SYS(stat("/dev/nonexistent", &st));
}

static void t_getrandom(void)
{
	unsigned char a[32], b[32];
	static unsigned char big[100000];
	long n;

	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	n = SYS(syscall(SYS_getrandom, a, sizeof a, 0));
	SYS(syscall(SYS_getrandom, b, sizeof b, 0));
	TRUE(n == 32 && !all_are(a, n, 0));
	TRUE(memcmp(a, b, sizeof a) != 0);
	SYS(syscall(SYS_getrandom, a, sizeof a, GRND_NONBLOCK));
	SYS(syscall(SYS_getrandom, a, 16, GRND_RANDOM) > 0);
	SYS(syscall(SYS_getrandom, a, sizeof a, K_GRND_INSECURE));
	SYS(syscall(SYS_getrandom, a, sizeof a, GRND_NONBLOCK | K_GRND_INSECURE));
	SYS(syscall(SYS_getrandom, a, sizeof a, GRND_RANDOM | K_GRND_INSECURE));
	SYS(syscall(SYS_getrandom, a, sizeof a, 8));
	SYS(syscall(SYS_getrandom, a, sizeof a, -1));
	SYS(syscall(SYS_getrandom, a, 0, 0));
	n = SYS(syscall(SYS_getrandom, big, sizeof big, 0));
	TRUE(!all_are(big + sizeof big - 32, 32, 0));
	SYS(syscall(SYS_getrandom, NULL, 0, 0));
}

static const struct tcase cases[] = {
	{ t_null, "null" },
	{ t_zero, "zero" },
	{ t_full, "full" },
	{ t_urandom, "urandom" },
	{ t_dev_ioctl, "dev_ioctl" },
	{ t_dev_dir, "dev_dir" },
	{ t_getrandom, "getrandom" },
};

HARNESS_MAIN(cases)
