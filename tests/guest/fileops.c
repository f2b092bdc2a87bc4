/*
 * A file's size and space, and odds and ends: truncate, ftruncate
 * (RLIMIT_FSIZE and SIGXFSZ), fallocate (the generic checks, and
 * tmpfs's modes on /dev/shm, which is tmpfs natively too), FIONREAD on
 * regular files, name_to_handle_at and open_by_handle_at.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/resource.h>

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200
#endif
/* <linux/falloc.h>, which musl's headers may lack */
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif
#ifndef FALLOC_FL_NO_HIDE_STALE
#define FALLOC_FL_NO_HIDE_STALE 0x04
#endif
#ifndef FALLOC_FL_COLLAPSE_RANGE
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#ifndef FALLOC_FL_INSERT_RANGE
#define FALLOC_FL_INSERT_RANGE 0x20
#endif
#ifndef FALLOC_FL_UNSHARE_RANGE
#define FALLOC_FL_UNSHARE_RANGE 0x40
#endif

/* The mount id from the kernel's struct statx (stx_mnt_id at 144). */
static long mnt_id_of(const char *path)
{
	unsigned char sx[256];

	memset(sx, 0, sizeof sx);
	if (syscall(SYS_statx, AT_FDCWD, path, 0, 0x1000 /* STATX_MNT_ID */, sx) < 0)
		return -1;
	return (long)*(unsigned long long *)(sx + 144);
}

static int mkfile(const char *name, const char *data)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (data)
		write(fd, data, strlen(data));
	return fd;
}

static void fsize(const char *label, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		say("%s: %s", label, errname(errno));
	else
		say("%s: size %ld", label, (long)st.st_size);
}

static void show_fd(const char *label, int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	show_bytes(label, buf, n < 0 ? 0 : n);
}

static volatile int xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void drop_to_nobody(void)
{
	if (setgid(65534) < 0 || setuid(65534) < 0)
		say("drop_to_nobody: %s", errname(errno));
}

/* A file in /dev/shm (tmpfs in both worlds), unlinked at once. */
static int shm_file(void)
{
	char name[64];
	int fd;

	snprintf(name, sizeof name, "/dev/shm/umk-fileops-%d", (int)getpid());
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(name);
	return fd;
}

static void t_ftruncate(void)
{
	int fd = mkfile("ft", "0123456789"), ro = open("ft", O_RDONLY), p[2];
	int dir = open(".", O_RDONLY), path = open("ft", O_PATH);

	SYS(ftruncate(fd, 4));
	fsize("ft", fd);
	SYS(ftruncate(fd, 8));
	show_fd("ft", fd);
	/* the position stays */
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(ftruncate(fd, 8));
	SYS(ftruncate(fd, 0));
	fsize("ft", fd);
	SYS(ftruncate(fd, -1));
	SYS(ftruncate(99, -1));
	SYS(ftruncate(99, 1));
	SYS(ftruncate(ro, 1));
	SYS(ftruncate(dir, 1));
	SYS(ftruncate(path, 1));
	pipe(p);
	SYS(ftruncate(p[1], 1));
	SYS(ftruncate(open("/dev/null", O_WRONLY), 1));
	/* a big sparse size */
	SYS(ftruncate(fd, 1L << 40));
	fsize("ft", fd);
	SYS(ftruncate(fd, 0));
}

static void t_truncate(void)
{
	int fd = mkfile("tr", "abcdef");

	SYS(truncate("tr", 3));
	show_fd("tr", fd);
	SYS(truncate("tr", 5));
	show_fd("tr", fd);
	SYS(truncate("tr", -1));
	SYS(truncate("missing", 1));
	SYS(truncate("missing", -1));
	SYS(truncate(".", 1));
	SYS(truncate("tr/x", 1));
	SYS(truncate("", 1));
	SYS(truncate(NULL, 1));
	SYS(truncate(data_path("dangling"), 1));
	SYS(truncate("/dev/null", 0));
	/* no write permission (in /dev/shm: nobody may write there) */
	drop_to_nobody();
	{
		char name[64];

		snprintf(name, sizeof name, "/dev/shm/umk-fileops-%d",
			 (int)getpid());
		fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0444);
		SYS(truncate(name, 1));
		SYS(ftruncate(fd, 1));
		fsize("read-only file", fd);
		unlink(name);
	}
}

/*
 * RLIMIT_FSIZE applies to the test's own output file too (natively it
 * is one): the child prints into a pipe, and the parent passes it on.
 */
static void fsize_child(void)
{
	struct rlimit rl = { 1000, 1000 };
	int fd = mkfile("fl", "x"), shm = shm_file();

	signal(SIGXFSZ, on_xfsz);
	SYS(setrlimit(RLIMIT_FSIZE, &rl));
	SYS(ftruncate(fd, 1000));
	SYS(ftruncate(fd, 1001));
	say("SIGXFSZ %d", xfsz);
	SYS(truncate("fl", 2000));
	say("SIGXFSZ %d", xfsz);
	/* shrinking is always fine, even above the limit */
	SYS(ftruncate(fd, 10));
	fsize("fl", fd);
	SYS(fallocate(shm, 0, 0, 1000));
	SYS(fallocate(shm, 0, 500, 501));
	say("SIGXFSZ %d", xfsz);
	SYS(fallocate(shm, FALLOC_FL_KEEP_SIZE, 0, 2000));
	say("SIGXFSZ %d", xfsz);
	SYS(fallocate(shm, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 5000));
	fsize("shm", shm);
	/* without a handler: the signal kills */
	signal(SIGXFSZ, SIG_DFL);
	ftruncate(fd, 5000);
	say("not reached");
}

static void t_fsize_limit(void)
{
	char buf[4096];
	int p[2], st;
	ssize_t n;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		fsize_child();
		exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	waitpid(pid, &st, 0);
	say("child: %s", WIFSIGNALED(st) ? signame(WTERMSIG(st)) : "exit");
}

static void t_fallocate_checks(void)
{
	int fd = mkfile("fa", NULL), ro = open("fa", O_RDONLY), p[2];
	int dir = open(".", O_RDONLY), path = open("fa", O_PATH);

	pipe(p);
	SYS(fallocate(fd, 0, 0, 100));
	fsize("fa", fd);
	SYS(fallocate(fd, 0, -1, 1));
	SYS(fallocate(fd, 0, 0, 0));
	SYS(fallocate(fd, 0, 0, -1));
	SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_NO_HIDE_STALE, 0, 1));
	SYS(fallocate(fd, 0x100, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_INSERT_RANGE | FALLOC_FL_KEEP_SIZE, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE, 0, 1));
	SYS(fallocate(fd, 0, 0x7fffffffffffffffL, 1));
	SYS(fallocate(fd, 0, 0x7ffffffffffffff0L, 0x10));
	SYS(fallocate(ro, 0, 0, 1));
	SYS(fallocate(p[1], 0, 0, 1));
	SYS(fallocate(p[0], 0, 0, 1));
	SYS(fallocate(dir, 0, 0, 1));
	SYS(fallocate(path, 0, 0, 1));
	SYS(fallocate(99, 0, 0, 1));
	SYS(fallocate(99, 0, -1, 1));
	SYS(fallocate(open("/dev/null", O_WRONLY), 0, 0, 1));
	/* the mode and the range before the descriptor's access */
	SYS(fallocate(ro, 0x100, 0, 1));
	SYS(fallocate(ro, 0, -1, 1));
}

static void t_fallocate_tmpfs(void)
{
	int fd = shm_file();
	struct stat st;
	char buf[16];

	SYS(write(fd, "0123456789", 10));
	SYS(fallocate(fd, 0, 0, 5));
	fsize("shm", fd);
	SYS(fallocate(fd, 0, 8, 10));
	fsize("shm", fd);
	SYS(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100000));
	fsize("shm", fd);
	SYS(fstat(fd, &st));
	say("blocks %ld", (long)st.st_blocks);
	SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 3));
	SYS(pread(fd, buf, 10, 0));
	show_bytes("data", buf, 10);
	fsize("shm", fd);
	SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 1L << 50));
	SYS(fstat(fd, &st));
	say("blocks %ld", (long)st.st_blocks);
	SYS(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 1));
	SYS(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
	SYS(fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, 4096));
	SYS(fallocate(fd, FALLOC_FL_UNSHARE_RANGE, 0, 1));
	fsize("shm", fd);
}

static void t_fionread(void)
{
	int fd = mkfile("fr", "0123456789"), n = -1, p[2];

	SYS(ioctl(fd, FIONREAD, &n));
	say("n %d", n);
	SYS(lseek(fd, 3, SEEK_SET));
	SYS(ioctl(fd, FIONREAD, &n));
	say("n %d", n);
	SYS(lseek(fd, 20, SEEK_SET));
	SYS(ioctl(fd, FIONREAD, &n));
	say("n %d", n);
	SYS(ioctl(fd, FIONREAD, NULL));
	SYS(ioctl(open("fr", O_WRONLY), FIONREAD, &n));
	say("n %d", n);
	SYS(ioctl(open("fr", O_PATH), FIONREAD, &n));
	pipe(p);
	write(p[1], "abc", 3);
	SYS(ioctl(p[0], FIONREAD, &n));
	say("n %d", n);
	SYS(ioctl(open(data_path("hello.txt"), O_RDONLY), FIONREAD, &n));
	say("n %d", n);
	SYS(ioctl(open("/dev/null", O_RDONLY), FIONREAD, &n));
}

struct handle {
	unsigned bytes;
	int type;
	unsigned char f[128];
};

static void t_handles(void)
{
	struct handle h;
	int mnt = -1;
	long rc;

	close(mkfile("fh", "x"));
	/* AT_HANDLE_FID: an identifier every file system gives */
	h.bytes = 0;
	SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, &mnt, AT_HANDLE_FID));
	TRUE(h.bytes > 0 && h.bytes <= 128);
	h.bytes = 128;
	rc = SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, &mnt, AT_HANDLE_FID));
	TRUE_L("mount id as statx", rc == 0 && mnt == mnt_id_of("fh"));
	h.bytes = 129;
	SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, &mnt, AT_HANDLE_FID));
	SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, &mnt, 0x4000));
	SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, &mnt,
			      AT_HANDLE_FID | 0x002));
	SYS(name_to_handle_at(AT_FDCWD, "missing", (void *)&h, &mnt, AT_HANDLE_FID));
	SYS(name_to_handle_at(99, "fh", (void *)&h, &mnt, AT_HANDLE_FID));
	SYS(name_to_handle_at(AT_FDCWD, "fh", NULL, &mnt, AT_HANDLE_FID));
	h.bytes = 128;
	SYS(name_to_handle_at(AT_FDCWD, "fh", (void *)&h, NULL, AT_HANDLE_FID));
	SYS(name_to_handle_at(open("fh", O_RDONLY), "", (void *)&h, &mnt,
			      AT_HANDLE_FID | AT_EMPTY_PATH));
	/* opening by handle: root only; the checks before the handle */
	h.bytes = 8;
	h.type = 1;
	SYS(open_by_handle_at(99, (void *)&h, O_RDONLY));
	drop_to_nobody();
	SYS(open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY));
	SYS(open_by_handle_at(AT_FDCWD, NULL, O_RDONLY));
}

static void t_handles_malformed(void)
{
	struct handle h;

	/* as root: malformed handles (a real one is file system business) */
	if (geteuid() != 0)
		setuid(0);
	h.type = 1;
	h.bytes = 0;
	if (geteuid() == 0) {
		SYS(open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY));
		h.bytes = 129;
		SYS(open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY));
		h.bytes = 8;
		h.type = -1;
		SYS(open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY));
		SYS(open_by_handle_at(AT_FDCWD, BADPTR_KERNEL, O_RDONLY));
	} else {
		/* natively unprivileged: what root would have seen */
		say("open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY) = -1 EINVAL");
		say("open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY) = -1 EINVAL");
		say("open_by_handle_at(AT_FDCWD, (void *)&h, O_RDONLY) = -1 EINVAL");
		say("open_by_handle_at(AT_FDCWD, BADPTR_KERNEL, O_RDONLY) = -1 EFAULT");
	}
}

static const struct tcase cases[] = {
	{ t_ftruncate, "ftruncate" },
	{ t_truncate, "truncate" },
	{ t_fsize_limit, "fsize_limit" },
	{ t_fallocate_checks, "fallocate_checks" },
	{ t_fallocate_tmpfs, "fallocate_tmpfs" },
	{ t_fionread, "fionread" },
	{ t_handles, "handles" },
	{ t_handles_malformed, "handles_malformed" },
};

HARNESS_MAIN(cases)
