/*
 * Advice about I/O that changes nothing a program can see but whose
 * checks it can: posix_fadvise/fadvise64, readahead, sync_file_range,
 * on a file (cwd: the scratch directory, a host disk natively and hostfs
 * under umk), a tmpfs file, a pipe, a socket, a directory, /dev/null,
 * O_PATH and write-only descriptors, bad descriptors.
 */
#include "harness.h"

#include <sys/socket.h>

#ifndef SYNC_FILE_RANGE_WAIT_BEFORE
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#endif

static long fadvise(int fd, long off, long len, int advice)
{
	return syscall(SYS_fadvise64, fd, off, len, advice);
}

static long rahead(int fd, long off, long count)
{
	return syscall(SYS_readahead, fd, off, count);
}

static long sfr(int fd, long off, long n, unsigned flags)
{
	return syscall(SYS_sync_file_range, fd, off, n, flags);
}

/* Every check on one descriptor, labelled. */
static void all_on(const char *what, int fd)
{
	say("-- %s", what);
	for (int a = 0; a <= 6; a++)
		SYS_L("fadvise advice", fadvise(fd, 0, 4096, a));
	SYS(fadvise(fd, 0, 0, POSIX_FADV_WILLNEED));
	SYS(fadvise(fd, 0, -1, POSIX_FADV_NORMAL));
	SYS(fadvise(fd, -1, 10, POSIX_FADV_NORMAL));
	SYS(fadvise(fd, 1L << 62, 1L << 62, POSIX_FADV_DONTNEED));
	SYS(fadvise(fd, 0, 10, -1));
	SYS(rahead(fd, 0, 4096));
	SYS(rahead(fd, 0, 0));
	SYS(rahead(fd, -1, 10));
	SYS(rahead(fd, 1L << 62, 1L << 62));
	SYS(sfr(fd, 0, 0, 0));
	SYS(sfr(fd, 0, 4096, SYNC_FILE_RANGE_WRITE));
	SYS(sfr(fd, 0, 4096, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			       SYNC_FILE_RANGE_WAIT_AFTER));
	SYS(sfr(fd, 0, 4096, 8));
	SYS(sfr(fd, -1, 4096, 0));
	SYS(sfr(fd, 0, -1, 0));
	SYS(sfr(fd, 1L << 62, 1L << 62, 0));
}

static void t_files(void)
{
	int fd = open("adv", O_RDWR | O_CREAT | O_TRUNC, 0644);

	SYSOK(write(fd, "hello", 5));
	all_on("a file", fd);
	close(fd);
	fd = open("adv", O_WRONLY);
	all_on("write-only", fd);
	close(fd);
	fd = open("adv", O_RDONLY);
	all_on("read-only", fd);
	close(fd);
	fd = open("adv", O_PATH);
	all_on("O_PATH", fd);
	close(fd);
	fd = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	int t = openat(fd, "umk-adv", O_RDWR | O_CREAT | O_TRUNC, 0600);
	all_on("tmpfs file", t);
	close(t);
	unlinkat(fd, "umk-adv", 0);
	all_on("a directory", fd);
	close(fd);
	unlink("adv");
}

static void t_others(void)
{
	int p[2], s[2];

	pipe(p);
	all_on("pipe read end", p[0]);
	all_on("pipe write end", p[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	all_on("socket", s[0]);
	int n = open("/dev/null", O_RDWR);
	all_on("/dev/null", n);
	all_on("closed", 99);
	all_on("-1", -1);
}

static const struct tcase cases[] = {
	{ t_files, "files" },
	{ t_others, "others" },
};

HARNESS_MAIN(cases)
