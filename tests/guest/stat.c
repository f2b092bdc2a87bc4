/*
 * Inode attributes: stat/fstat/lstat/newfstatat/statx, readlink and
 * readlinkat, access/faccessat/faccessat2.  Only comparable fields are
 * printed: type, mode, size, nlink, relations between inode numbers.
 */
#include "harness.h"

#include <time.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* The kernel's struct statx, so both libcs can use it. */
struct kstatx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct kstatx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct kstatx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare2[14];
};
#define K_STATX_BASIC_STATS 0x7ffU
#define K_STATX_RESERVED 0x80000000U
#define K_AT_STATX_FORCE_SYNC 0x2000
#define K_AT_STATX_DONT_SYNC 0x4000

static const char *type_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "lnk";
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	}
	return "?";
}

static void show_st(const char *label, const struct stat *st)
{
	say("%s: %s mode %o size %lld nlink %ld", label, type_of(st->st_mode),
	    st->st_mode & 07777, (long long)st->st_size, (long)st->st_nlink);
}

/* stat + print, for a path in TEST_DATA */
static void dstat(const char *rel, int follow)
{
	struct stat st;
	char label[128];

	snprintf(label, sizeof label, "%s(%s)", follow ? "stat" : "lstat", rel);
	errno = 0;
	if ((follow ? stat(data_path(rel), &st) : lstat(data_path(rel), &st)) < 0)
		say("%s = -1 %s", label, errname(errno));
	else
		show_st(label, &st);
}

static void t_stat_data(void)
{
	static const char *const names[] = {
		"hello.txt", "empty", "exec.sh", "noexec", "dir", "dir/", "dir/a",
		"dir/sub", "dir/sub/c", "dir/link-to-a", "link", "dirlink",
		"dirlink/", "dirlink/b", "dangling", "loop1", "pattern", "missing",
		"hello.txt/", "hello.txt/x", "dir/sub/../a", "dir/../dir/./b",
		"dangling/", "",
	};
	unsigned i;

	for (i = 0; i < NELEM(names); i++) {
		dstat(names[i], 1);
		dstat(names[i], 0);
	}
}

static void t_stat_new(void)
{
	struct stat st, st2;
	time_t t0, t1;
	int fd;

	t0 = time(NULL);
	fd = SYS(open("s1", O_RDWR | O_CREAT | O_TRUNC, 0640));
	SYS(write(fd, "0123456789", 10));
	t1 = time(NULL);
	SYS(fstat(fd, &st));
	show_st("fstat", &st);
	SYS(stat("s1", &st2));
	show_st("stat", &st2);
	TRUE(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
	TRUE(st.st_uid == geteuid());
	TRUE(st.st_gid == getegid());
	TRUE(st.st_blksize > 0);
	TRUE(st.st_mtime >= t0 - 1 && st.st_mtime <= t1 + 1);
	TRUE(st.st_ctime >= t0 - 1 && st.st_ctime <= t1 + 1);
	SYS(lstat("s1", &st2));
	show_st("lstat", &st2);
	close(fd);
	/* a second file gets another inode */
	make_file("s2", "");
	SYS(stat("s2", &st2));
	TRUE(st2.st_ino != st.st_ino);
	SYS(stat(".", &st));
	say("scratch: %s", type_of(st.st_mode));
	show_st("s2", &st2);
}

static void t_stat_same(void)
{
	struct stat a, b, c;

	SYS(stat(data_path("link"), &a));
	SYS(stat(data_path("dir/a"), &b));
	TRUE(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	SYS(lstat(data_path("link"), &c));
	TRUE(c.st_ino != b.st_ino);
	SYS(stat(data_path("dirlink"), &a));
	SYS(stat(data_path("dir"), &b));
	TRUE(a.st_ino == b.st_ino);
	SYS(stat(data_path("dir/sub/.."), &c));
	TRUE(c.st_ino == b.st_ino);
	SYS(stat("/", &a));
	SYS(stat("/..", &b));
	TRUE(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

static void t_fstat(void)
{
	struct stat st;
	int fd;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(fstat(fd, &st));
	show_st("fstat(hello.txt)", &st);
	close(fd);
	SYS(fstat(fd, &st));
	SYS(fstat(-1, &st));
	fd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	SYS(fstat(fd, &st));
	show_st("fstat(dir)", &st);
	close(fd);
	fd = SYS(open(data_path("dangling"), O_PATH | O_NOFOLLOW));
	SYS(fstat(fd, &st));
	show_st("fstat(O_PATH dangling)", &st);
	close(fd);
}

static void t_fstatat(void)
{
	struct stat st;
	int dfd, fd;

	dfd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	SYS(fstatat(dfd, "a", &st, 0));
	show_st("a", &st);
	SYS(fstatat(dfd, "link-to-a", &st, AT_SYMLINK_NOFOLLOW));
	show_st("link-to-a", &st);
	SYS(fstatat(dfd, "link-to-a", &st, 0));
	show_st("link-to-a", &st);
	SYS(fstatat(dfd, "sub", &st, 0));
	show_st("sub", &st);
	SYS(fstatat(dfd, "..", &st, 0));
	show_st("..", &st);
	SYS(fstatat(dfd, "", &st, AT_EMPTY_PATH));
	show_st("dir itself", &st);
	SYS(syscall(SYS_newfstatat, dfd, "", &st, 0));
	SYS(syscall(SYS_newfstatat, dfd, "a", &st, 0x1));
	SYS(syscall(SYS_newfstatat, dfd, "a", &st, 0x8000000));
	SYS(syscall(SYS_newfstatat, -1, "a", &st, 0));
	SYS(syscall(SYS_newfstatat, 999, "a", &st, 0));
	SYS(syscall(SYS_newfstatat, AT_FDCWD, data_path("dir/b"), &st, 0));
	SYS(syscall(SYS_newfstatat, -1, data_path("dir/b"), &st, 0));
	fd = SYS(openat(dfd, "a", O_RDONLY));
	SYS(syscall(SYS_newfstatat, fd, "x", &st, 0));
	SYS(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH));
	show_st("a via fd", &st);
	close(fd);
	close(dfd);
	make_file("fsa", "12345");
	SYS(syscall(SYS_newfstatat, AT_FDCWD, "fsa", &st, 0));
	show_st("fsa", &st);
}

static long kstatx(int dfd, const char *path, int flags, unsigned mask,
		   struct kstatx *sx)
{
	memset(sx, 0xa5, sizeof *sx);
	return syscall(SYS_statx, dfd, path, flags, mask, sx);
}

static void show_sx(const char *label, const struct kstatx *sx)
{
	say("%s: basic %s %s mode %o size %llu nlink %u", label,
	    (sx->mask & K_STATX_BASIC_STATS) == K_STATX_BASIC_STATS ? "yes" : "no",
	    type_of(sx->mode), sx->mode & 07777,
	    (unsigned long long)sx->size, sx->nlink);
}

static void t_statx(void)
{
	struct kstatx sx;
	struct stat st;
	int fd;

	SYS(kstatx(AT_FDCWD, data_path("hello.txt"), 0, K_STATX_BASIC_STATS, &sx));
	show_sx("hello.txt", &sx);
	SYS(stat(data_path("hello.txt"), &st));
	TRUE(sx.ino == (uint64_t)st.st_ino);
	TRUE(sx.spare0 == 0);
	SYS(kstatx(AT_FDCWD, data_path("link"), AT_SYMLINK_NOFOLLOW,
		   K_STATX_BASIC_STATS, &sx));
	show_sx("link nofollow", &sx);
	SYS(kstatx(AT_FDCWD, data_path("link"), 0, K_STATX_BASIC_STATS, &sx));
	show_sx("link", &sx);
	SYS(kstatx(AT_FDCWD, data_path("dir"), 0, K_STATX_BASIC_STATS, &sx));
	show_sx("dir", &sx);
	SYS(kstatx(AT_FDCWD, data_path("dir"), K_AT_STATX_DONT_SYNC, 0, &sx));
	say("mask 0: type %s", type_of(sx.mode));
	SYS(kstatx(AT_FDCWD, data_path("dir"), K_AT_STATX_FORCE_SYNC,
		   K_STATX_BASIC_STATS, &sx));
	SYS(kstatx(AT_FDCWD, data_path("missing"), 0, K_STATX_BASIC_STATS, &sx));
	SYS(kstatx(AT_FDCWD, data_path("dangling"), 0, K_STATX_BASIC_STATS, &sx));
	SYS(kstatx(AT_FDCWD, data_path("hello.txt"),
		   K_AT_STATX_FORCE_SYNC | K_AT_STATX_DONT_SYNC,
		   K_STATX_BASIC_STATS, &sx));
	SYS(kstatx(AT_FDCWD, data_path("hello.txt"), 0, K_STATX_RESERVED, &sx));
	SYS(kstatx(AT_FDCWD, data_path("hello.txt"), 0x1, K_STATX_BASIC_STATS, &sx));
	SYS(kstatx(-1, "hello.txt", 0, K_STATX_BASIC_STATS, &sx));
	fd = SYS(open(data_path("pattern"), O_RDONLY));
	SYS(kstatx(fd, "", AT_EMPTY_PATH, K_STATX_BASIC_STATS, &sx));
	show_sx("pattern via fd", &sx);
	SYS(kstatx(fd, "", 0, K_STATX_BASIC_STATS, &sx));
	close(fd);
	make_file("sx1", "abc");
	SYS(kstatx(AT_FDCWD, "sx1", 0, K_STATX_BASIC_STATS, &sx));
	show_sx("sx1", &sx);
	TRUE(sx.uid == geteuid() && sx.gid == getegid());
}

static void t_readlink(void)
{
	char buf[64];
	ssize_t n;
	int dfd, fd;

	memset(buf, 'X', sizeof buf);
	n = SYS(readlink(data_path("link"), buf, sizeof buf));
	show_bytes("link", buf, n);
	TRUE(buf[n] == 'X');
	n = SYS(readlink(data_path("link"), buf, 3));
	show_bytes("link, 3 bytes", buf, n);
	n = SYS(readlink(data_path("loop1"), buf, sizeof buf));
	show_bytes("loop1", buf, n);
	n = SYS(readlink(data_path("dangling"), buf, sizeof buf));
	show_bytes("dangling", buf, n);
	SYS(readlink(data_path("hello.txt"), buf, sizeof buf));
	SYS(readlink(data_path("dir"), buf, sizeof buf));
	SYS(readlink(data_path("dirlink/"), buf, sizeof buf));
	SYS(readlink(data_path("missing"), buf, sizeof buf));
	SYS(readlink(data_path("hello.txt/x"), buf, sizeof buf));
	SYS(syscall(SYS_readlink, data_path("link"), buf, 0));
	SYS(syscall(SYS_readlink, data_path("link"), buf, -1));
	SYS(readlink("", buf, sizeof buf));
	dfd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	n = SYS(readlinkat(dfd, "link-to-a", buf, sizeof buf));
	show_bytes("link-to-a", buf, n);
	n = SYS(readlinkat(dfd, "../link", buf, sizeof buf));
	show_bytes("../link", buf, n);
	SYS(readlinkat(dfd, "a", buf, sizeof buf));
	SYS(readlinkat(-1, "link-to-a", buf, sizeof buf));
	n = SYS(readlinkat(AT_FDCWD, data_path("link"), buf, sizeof buf));
	show_bytes("AT_FDCWD", buf, n);
	SYS(readlinkat(dfd, "", buf, sizeof buf));
	close(dfd);
	/* an empty path names the O_PATH descriptor's symlink itself */
	fd = SYS(open(data_path("link"), O_PATH | O_NOFOLLOW));
	n = SYS(readlinkat(fd, "", buf, sizeof buf));
	show_bytes("via O_PATH fd", buf, n);
	close(fd);
	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(readlinkat(fd, "", buf, sizeof buf));
	close(fd);
}

static void t_access(void)
{
	int dfd, fd;

	SYS(access(data_path("hello.txt"), F_OK));
	SYS(access(data_path("hello.txt"), R_OK));
	SYS(access(data_path("hello.txt"), X_OK));
	SYS(access(data_path("hello.txt"), R_OK | X_OK));
	SYS(access(data_path("exec.sh"), X_OK));
	SYS(access(data_path("exec.sh"), R_OK | X_OK));
	SYS(access(data_path("dir"), X_OK));
	SYS(access(data_path("dir"), R_OK | X_OK));
	SYS(access(data_path("link"), R_OK));
	SYS(access(data_path("dangling"), F_OK));
	SYS(access(data_path("loop1"), F_OK));
	SYS(access(data_path("missing"), F_OK));
	SYS(access(data_path("hello.txt/"), F_OK));
	SYS(access(data_path("hello.txt/x"), F_OK));
	SYS(access(data_path("hello.txt"), 8));
	SYS(access(data_path("hello.txt"), -1));
	SYS(access("", F_OK));
	make_file("ac1", "x");
	SYS(access("ac1", R_OK | W_OK));
	SYS(access("ac1", X_OK));
	SYS(access(".", W_OK | X_OK));
	dfd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	SYS(faccessat(dfd, "a", R_OK, 0));
	SYS(faccessat(dfd, "missing", R_OK, 0));
	SYS(syscall(SYS_faccessat, dfd, "a", R_OK));
	SYS(syscall(SYS_faccessat, dfd, "sub", X_OK));
	SYS(syscall(SYS_faccessat, dfd, "a", 0x10));
	SYS(syscall(SYS_faccessat, -1, "a", R_OK));
	SYS(syscall(SYS_faccessat, AT_FDCWD, data_path("dir/a"), R_OK));
	SYS(syscall(SYS_faccessat2, dfd, "a", R_OK, 0));
	SYS(syscall(SYS_faccessat2, dfd, "a", R_OK, AT_EACCESS));
	SYS(syscall(SYS_faccessat2, dfd, "a", R_OK, 0x1));
	SYS(syscall(SYS_faccessat2, dfd, "a", 0x10, 0));
	SYS(syscall(SYS_faccessat2, dfd, "../dangling", F_OK, 0));
	SYS(syscall(SYS_faccessat2, dfd, "../dangling", F_OK, AT_SYMLINK_NOFOLLOW));
	SYS(syscall(SYS_faccessat2, dfd, "", R_OK, 0));
	SYS(syscall(SYS_faccessat2, dfd, "", R_OK, AT_EMPTY_PATH));
	fd = SYS(openat(dfd, "a", O_RDONLY));
	SYS(syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
	SYS(syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH));
	SYS(syscall(SYS_faccessat2, fd, "x", F_OK, 0));
	close(fd);
	close(dfd);
}

static const struct tcase cases[] = {
	{ t_stat_data, "stat_data" },
	{ t_stat_new, "stat_new" },
	{ t_stat_same, "stat_same" },
	{ t_fstat, "fstat" },
	{ t_fstatat, "fstatat" },
	{ t_statx, "statx" },
	{ t_readlink, "readlink" },
	{ t_access, "access" },
};

HARNESS_MAIN(cases)
