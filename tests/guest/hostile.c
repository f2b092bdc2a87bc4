/*
 * Hostile input: bad pointers (NULL, 1, kernel addresses, non-canonical
 * ones, buffers that run off the end of a mapping), huge lengths, bad
 * descriptors and invalid flags, to every call umk implements.  The
 * kernel answers EFAULT/EBADF/EINVAL (or copies part of a buffer), and
 * never crashes: umk must do the same.  All through raw syscall(): the
 * libc would check some of these itself.
 */
#include "harness.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>

#define PG 4096UL
#define KADDR 0xffff800000000000UL
#define NONCANON 0x0000800000000000UL

/* A page followed by an unmapped one: edge is the first byte past it. */
static char *edge;

static void setup_edge(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p + PG, PG);
	edge = p + PG;
}

static const struct {
	const char *name;
	unsigned long addr;
} bad[] = {
	{ "NULL", 0 }, { "1", 1 }, { "4095", 4095 }, { "kernel", KADDR },
	{ "noncanonical", NONCANON }, { "-1", ~0UL }, { "top", ~0UL - 4095 },
};

#define FOR_BAD(i) for (i = 0; i < NELEM(bad); i++)
#define BAD(label, ...) \
	do { \
		errno = 0; \
		long r_ = syscall(__VA_ARGS__); \
		char l_[128]; \
		snprintf(l_, sizeof l_, "%s(%s)", label, bad[i].name); \
		show_result(l_, r_, errno, 1); \
	} while (0)

static int data_fd(void)
{
	return open(data_path("pattern"), O_RDONLY);
}

static void t_read_bad(void)
{
	unsigned i;
	int fd = data_fd(), z = open("/dev/zero", O_RDONLY);

	setup_edge();
	FOR_BAD(i) BAD("read file", SYS_read, fd, bad[i].addr, 10);
	FOR_BAD(i) BAD("read /dev/zero", SYS_read, z, bad[i].addr, 10);
	FOR_BAD(i) BAD("pread", SYS_pread64, fd, bad[i].addr, 10, 0);
	/* a buffer that runs off the end of its mapping: a short read */
	SYS(syscall(SYS_pread64, fd, edge - 100, 200, 0));
	SYS(syscall(SYS_pread64, fd, edge - 4096, 4096, 0));
	SYS(syscall(SYS_pread64, fd, edge - 4096, 4097, 0));
	SYS(syscall(SYS_pread64, fd, edge, 1, 0));
	SYS(syscall(SYS_read, z, edge - 100, 200));
	SYS(syscall(SYS_lseek, fd, 0, SEEK_CUR));
	/* lengths */
	SYS(syscall(SYS_read, fd, edge - 100, 0));
	SYS(syscall(SYS_read, fd, edge - 100, ~0UL));
	SYS(syscall(SYS_read, fd, edge - 100, 1UL << 63));
	SYS(syscall(SYS_read, fd, edge - 100, (1UL << 47)));
	SYS(syscall(SYS_read, z, edge - 100, ~0UL));
	SYS(syscall(SYS_lseek, fd, 0, SEEK_CUR));
	close(fd);
	close(z);
}

static void t_write_bad(void)
{
	unsigned i;
	int fd = open("wbad", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int null = open("/dev/null", O_WRONLY);
	char buf[64];
	struct stat st;

	setup_edge();
	FOR_BAD(i) BAD("write file", SYS_write, fd, bad[i].addr, 10);
	FOR_BAD(i) BAD("pwrite file", SYS_pwrite64, fd, bad[i].addr, 10, 0);
	/* /dev/null never reads the buffer: only the range is checked */
	FOR_BAD(i) BAD("write /dev/null", SYS_write, null, bad[i].addr, 10);
	fstat(fd, &st);
	say("size after bad writes %lld", (long long)st.st_size);
	memset(edge - 100, 'e', 100);
	SYS(syscall(SYS_write, fd, edge - 100, 200));
	SYS(syscall(SYS_write, fd, edge, 1));
	SYS(syscall(SYS_write, fd, "small", ~0UL));
	SYS(syscall(SYS_write, fd, "small", 1UL << 63));
	SYS(syscall(SYS_write, fd, "small", 1UL << 47));
	SYS(syscall(SYS_write, fd, "small", 0));
	SYS(syscall(SYS_write, null, "small", ~0UL));
	SYS(syscall(SYS_write, null, "small", 1UL << 40));
	fstat(fd, &st);
	say("size %lld", (long long)st.st_size);
	SYS(syscall(SYS_pread64, fd, buf, sizeof buf, 0));
	close(fd);
	close(null);
}

static void t_iov_bad(void)
{
	unsigned i;
	int fd = data_fd(), w = open("iovbad", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char a[8], b[8];
	struct iovec iov[2];

	setup_edge();
	FOR_BAD(i) BAD("readv iov", SYS_readv, fd, bad[i].addr, 1);
	FOR_BAD(i) BAD("writev iov", SYS_writev, w, bad[i].addr, 1);
	FOR_BAD(i) BAD("preadv iov", SYS_preadv, fd, bad[i].addr, 1, 0, 0);
	FOR_BAD(i) BAD("pwritev iov", SYS_pwritev, w, bad[i].addr, 1, 0, 0);
	FOR_BAD(i) {
		iov[0] = (struct iovec){ a, sizeof a };
		iov[1] = (struct iovec){ (void *)bad[i].addr, 8 };
		BAD("readv base", SYS_readv, fd, iov, 2);
	}
	FOR_BAD(i) {
		iov[0] = (struct iovec){ (void *)bad[i].addr, 8 };
		iov[1] = (struct iovec){ b, sizeof b };
		BAD("writev base", SYS_writev, w, iov, 2);
	}
	/* an iovec array that runs off its mapping */
	memcpy(edge - sizeof(struct iovec), &(struct iovec){ a, 8 },
	       sizeof(struct iovec));
	SYS(syscall(SYS_readv, fd, edge - sizeof(struct iovec), 2));
	SYS(syscall(SYS_readv, fd, edge - sizeof(struct iovec), 1));
	/* lengths that overflow */
	iov[0] = (struct iovec){ a, ~0UL };
	SYS(syscall(SYS_readv, fd, iov, 1));
	iov[0] = (struct iovec){ a, 1UL << 62 };
	iov[1] = (struct iovec){ b, 1UL << 62 };
	SYS(syscall(SYS_readv, fd, iov, 2));
	SYS(syscall(SYS_writev, w, iov, 2));
	iov[0] = (struct iovec){ a, 8 };
	SYS(syscall(SYS_readv, fd, iov, 1025));
	SYS(syscall(SYS_readv, fd, iov, -1));
	SYS(syscall(SYS_readv, fd, NULL, 0));
	SYS(syscall(SYS_preadv, fd, iov, 1, -1L, 0));
	SYS(syscall(SYS_preadv2, fd, iov, 1, 0L, 0L, -1));
	SYS(syscall(SYS_pwritev2, w, iov, 1, 0L, 0L, -1));
	close(fd);
	close(w);
}

static void t_path_bad(void)
{
	unsigned i;
	struct stat st;
	char buf[512];

	setup_edge();
	FOR_BAD(i) BAD("open", SYS_open, bad[i].addr, O_RDONLY);
	FOR_BAD(i) BAD("open O_CREAT", SYS_open, bad[i].addr, O_RDWR | O_CREAT, 0644);
	FOR_BAD(i) BAD("openat", SYS_openat, AT_FDCWD, bad[i].addr, O_RDONLY);
	FOR_BAD(i) BAD("stat", SYS_stat, bad[i].addr, &st);
	FOR_BAD(i) BAD("lstat", SYS_lstat, bad[i].addr, &st);
	FOR_BAD(i) BAD("newfstatat", SYS_newfstatat, AT_FDCWD, bad[i].addr, &st, 0);
	FOR_BAD(i) BAD("statx", SYS_statx, AT_FDCWD, bad[i].addr, 0, 0x7ff, buf);
	FOR_BAD(i) BAD("access", SYS_access, bad[i].addr, F_OK);
	FOR_BAD(i) BAD("faccessat", SYS_faccessat, AT_FDCWD, bad[i].addr, F_OK);
	FOR_BAD(i) BAD("faccessat2", 439, AT_FDCWD, bad[i].addr, F_OK, 0);
	FOR_BAD(i) BAD("readlink", SYS_readlink, bad[i].addr, buf, sizeof buf);
	FOR_BAD(i) BAD("chdir", SYS_chdir, bad[i].addr);
	FOR_BAD(i) BAD("execve", SYS_execve, bad[i].addr, NULL, NULL);
	/* a name that runs into the unmapped page without a NUL */
	memset(edge - 10, 'a', 10);
	SYS(syscall(SYS_open, edge - 10, O_RDONLY));
	SYS(syscall(SYS_stat, edge - 10, &st));
	SYS(syscall(SYS_chdir, edge - 10));
	edge[-1] = 0;
	SYS(syscall(SYS_open, edge - 10, O_RDONLY));
	/* a name that fills a whole page, then the unmapped one */
	memset(edge - PG, 'b', PG);
	SYS(syscall(SYS_open, edge - PG, O_RDONLY));
	memset(edge - PG, '/', PG);
	SYS(syscall(SYS_open, edge - PG, O_RDONLY));
	edge[-1] = 0;
	SYS(syscall(SYS_open, edge - PG, O_RDONLY | O_DIRECTORY) >= 0);
}

static void t_out_bad(void)
{
	unsigned i;
	int fd = data_fd(), dfd = open(test_data(), O_RDONLY | O_DIRECTORY);

	setup_edge();
	FOR_BAD(i) BAD("fstat", SYS_fstat, fd, bad[i].addr);
	FOR_BAD(i) BAD("stat buf", SYS_stat, data_path("hello.txt"), bad[i].addr);
	FOR_BAD(i) BAD("lstat buf", SYS_lstat, data_path("link"), bad[i].addr);
	FOR_BAD(i) BAD("newfstatat buf", SYS_newfstatat, fd, "", bad[i].addr,
		       AT_EMPTY_PATH);
	FOR_BAD(i) BAD("statx buf", SYS_statx, fd, "", AT_EMPTY_PATH, 0x7ff,
		       bad[i].addr);
	FOR_BAD(i) BAD("readlink buf", SYS_readlink, data_path("link"),
		       bad[i].addr, 64);
	FOR_BAD(i) BAD("getdents64", SYS_getdents64, dfd, bad[i].addr, 4096);
	FOR_BAD(i) BAD("getcwd", SYS_getcwd, bad[i].addr, 4096);
	FOR_BAD(i) BAD("uname", SYS_uname, bad[i].addr);
	FOR_BAD(i) BAD("sysinfo", SYS_sysinfo, bad[i].addr);
	FOR_BAD(i) BAD("getrlimit", SYS_getrlimit, RLIMIT_NOFILE, bad[i].addr);
	FOR_BAD(i) BAD("prlimit64 old", SYS_prlimit64, 0, RLIMIT_NOFILE, NULL,
		       bad[i].addr);
	FOR_BAD(i) BAD("prlimit64 new", SYS_prlimit64, 0, RLIMIT_NOFILE,
		       bad[i].addr, NULL);
	FOR_BAD(i) BAD("setrlimit", SYS_setrlimit, RLIMIT_NOFILE, bad[i].addr);
	FOR_BAD(i) BAD("sched_getaffinity", SYS_sched_getaffinity, 0, 128,
		       bad[i].addr);
	FOR_BAD(i) BAD("getrandom", SYS_getrandom, bad[i].addr, 16, 0);
	FOR_BAD(i) BAD("arch_prctl GET_FS", SYS_arch_prctl, 0x1003, bad[i].addr);
	FOR_BAD(i) BAD("get_robust_list", SYS_get_robust_list, 0, bad[i].addr,
		       bad[i].addr);
	/* a structure that straddles the end of its mapping */
	SYS(syscall(SYS_fstat, fd, edge - 16));
	SYS(syscall(SYS_uname, edge - 100));
	SYS(syscall(SYS_getcwd, edge - 1, 4096));
	SYS(syscall(SYS_getdents64, dfd, edge - 64, 4096) > 0);
	SYS(syscall(SYS_getrandom, edge - 8, 16, 0));
	close(fd);
	close(dfd);
}

static void t_time_bad(void)
{
	unsigned i;
	struct timespec ts = { 0, 1000 };

	setup_edge();
	FOR_BAD(i) BAD("clock_gettime", SYS_clock_gettime, 0, bad[i].addr);
	FOR_BAD(i) BAD("clock_gettime MONOTONIC", SYS_clock_gettime, 1,
		       bad[i].addr);
	FOR_BAD(i) BAD("clock_getres", SYS_clock_getres, 1, bad[i].addr);
	FOR_BAD(i) BAD("gettimeofday", SYS_gettimeofday, bad[i].addr, NULL);
	FOR_BAD(i) BAD("gettimeofday tz", SYS_gettimeofday, NULL, bad[i].addr);
	FOR_BAD(i) {
		errno = 0;
		long r = syscall(SYS_time, bad[i].addr);
		say("time(%s) = %s", bad[i].name,
		    r == -1 ? errname(errno) : r > 0 ? "a time" : "0");
	}
	FOR_BAD(i) BAD("nanosleep", SYS_nanosleep, bad[i].addr, NULL);
	FOR_BAD(i) BAD("clock_nanosleep", SYS_clock_nanosleep, 1, 0,
		       bad[i].addr, NULL);
	SYS(syscall(SYS_clock_gettime, 0, edge - 8));
	SYS(syscall(SYS_nanosleep, edge - 8, NULL));
	SYS(syscall(SYS_nanosleep, &ts, edge - 8));
}

static void t_signal_bad(void)
{
	unsigned i;

	setup_edge();
	FOR_BAD(i) BAD("rt_sigaction act", SYS_rt_sigaction, SIGUSR1,
		       bad[i].addr, NULL, 8);
	FOR_BAD(i) BAD("rt_sigaction oldact", SYS_rt_sigaction, SIGUSR1, NULL,
		       bad[i].addr, 8);
	FOR_BAD(i) BAD("rt_sigprocmask set", SYS_rt_sigprocmask, SIG_BLOCK,
		       bad[i].addr, NULL, 8);
	FOR_BAD(i) BAD("rt_sigprocmask oldset", SYS_rt_sigprocmask, SIG_BLOCK,
		       NULL, bad[i].addr, 8);
	FOR_BAD(i) BAD("rt_sigpending", SYS_rt_sigpending, bad[i].addr, 8);
	FOR_BAD(i) BAD("sigaltstack ss", SYS_sigaltstack, bad[i].addr, NULL);
	FOR_BAD(i) BAD("sigaltstack old", SYS_sigaltstack, NULL, bad[i].addr);
	/* a handler address is not checked when it is installed */
	struct { void *h; unsigned long f; void *r; unsigned long m; } k =
		{ (void *)KADDR, 0x04000000, NULL, 0 };
	SYS(syscall(SYS_rt_sigaction, SIGUSR1, &k, NULL, 8));
}

static void t_fd_bad(void)
{
	/* -100 is AT_FDCWD: fine for the *at calls */
	static const int fds[] = { -1, -100, 1000, 65536, 0x7fffffff };
	char buf[16];
	struct stat st;
	struct iovec iov = { buf, 1 };
	unsigned i;

	for (i = 0; i < NELEM(fds); i++) {
		int fd = fds[i];

		say("fd %d:", fd);
		SYS(syscall(SYS_read, fd, buf, 1));
		SYS(syscall(SYS_write, fd, buf, 1));
		SYS(syscall(SYS_pread64, fd, buf, 1, 0));
		SYS(syscall(SYS_pwrite64, fd, buf, 1, 0));
		SYS(syscall(SYS_readv, fd, &iov, 1));
		SYS(syscall(SYS_writev, fd, &iov, 1));
		SYS(syscall(SYS_preadv, fd, &iov, 1, 0, 0));
		SYS(syscall(SYS_pwritev, fd, &iov, 1, 0, 0));
		SYS(syscall(SYS_close, fd));
		SYS(syscall(SYS_fstat, fd, &st));
		SYS(syscall(SYS_lseek, fd, 0, SEEK_SET));
		SYS(syscall(SYS_dup, fd));
		SYS(syscall(SYS_dup2, fd, 10));
		SYS(syscall(SYS_dup3, fd, 10, 0));
		SYS(syscall(SYS_fcntl, fd, F_GETFD));
		SYS(syscall(SYS_fcntl, fd, F_DUPFD, 0));
		SYS(syscall(SYS_ioctl, fd, FIOCLEX));
		SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
		SYS(syscall(SYS_fchdir, fd));
		SYS(syscall(SYS_openat, fd, "x", O_RDONLY));
		SYS(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH));
		SYS(syscall(SYS_readlinkat, fd, "x", buf, sizeof buf));
		SYS(syscall(SYS_faccessat, fd, "x", F_OK));
		SYS(syscall(SYS_mmap, NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	}
	/* a closed descriptor in the middle of open ones */
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
	close(a);
	SYS(syscall(SYS_read, a, buf, 1));
	SYS(syscall(SYS_read, b, buf, 1));
	close(b);
}

static void t_flags_bad(void)
{
	char buf[512];    /* room for a struct stat or statx */
	int fd = data_fd();

	setup_edge();
	SYS(syscall(SYS_lseek, fd, 0, 5));
	SYS(syscall(SYS_lseek, fd, 0, 0x7fffffff));
	SYS(syscall(SYS_lseek, fd, -1L, SEEK_SET));
	SYS(syscall(SYS_lseek, fd, 0x7fffffffffffffffL, SEEK_SET));
	SYS(syscall(SYS_lseek, fd, 0x7fffffffffffffffL, SEEK_CUR));
	SYS(syscall(SYS_lseek, fd, 0x7fffffffffffffffL, SEEK_END));
	SYS(syscall(SYS_fcntl, fd, 12345));
	SYS(syscall(SYS_fcntl, fd, F_DUPFD, -1));
	SYS(syscall(SYS_dup3, fd, 20, 0x7fffffff));
	SYS(syscall(SYS_newfstatat, fd, "x", buf, -1));
	SYS(syscall(SYS_statx, fd, "", -1, 0x7ff, buf));
	SYS(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x80000000U, buf));
	SYS(syscall(439, AT_FDCWD, ".", F_OK, -1));
	SYS(syscall(SYS_access, ".", 0x7fffffff));
	SYS(syscall(SYS_getrandom, buf, 8, -1));
	SYS(syscall(SYS_rt_sigprocmask, 77, buf, NULL, 8));
	SYS(syscall(SYS_madvise, edge, PG, 12345));
	SYS(syscall(SYS_mprotect, buf, 1, PROT_READ | 0x1000));
	SYS(syscall(SYS_clock_gettime, 0x7fffffff, buf));
	SYS(syscall(SYS_clock_getres, -100, buf));
	SYS(syscall(SYS_sigaltstack, &(stack_t){ buf, 12345, sizeof buf }, NULL));
	SYS(syscall(SYS_prlimit64, 0, 0x7fffffff, NULL, buf));
	SYS(syscall(SYS_arch_prctl, -1, buf));
	SYS(syscall(SYS_prctl, -1, 0, 0, 0, 0));
	SYS(syscall(SYS_getdents64, open(test_data(), O_RDONLY), buf, 1));
	SYS(syscall(SYS_mmap, NULL, PG, PROT_READ, 0, -1, 0));
	SYS(syscall(SYS_mmap, NULL, PG, PROT_READ, 0xf0000000 | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) > 0);
	SYS(syscall(SYS_mmap, NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40000000, -1, 0));
	SYS(syscall(SYS_open, data_path("hello.txt"), O_RDONLY | 0x40000000));
	SYS(syscall(SYS_openat, AT_FDCWD, "newfile", O_RDWR | O_CREAT | O_DIRECTORY, 0644));
	SYS(syscall(SYS_open, ".", O_RDWR | (O_TMPFILE & ~O_DIRECTORY)));
	close(fd);
}

static void t_unimplemented_safe(void)
{
	/* calls that do not exist at all */
	SYS(syscall(500));
	SYS(syscall(1000, 1, 2, 3));
	SYS(syscall(-1));
	SYS(syscall(SYS_getpid) > 0);
}

static void t_rt_sigreturn_garbage(void)
{
	/* sigreturn with no frame: the kernel kills with SIGSEGV */
	unsigned long junk[64];

	memset(junk, 0, sizeof junk);
	__asm__ volatile("mov %0, %%rsp; mov $15, %%eax; syscall"
			 :: "r"(junk) : "memory");
}

static void ignore(int sig)
{
	(void)sig;
}

static void t_rt_sigreturn_garbage_handled(void)
{
	/* the same, with a handler for SIGSEGV: there is no stack to run
	 * it on (the frame set rsp to 0), so SIGSEGV kills all the same */
	unsigned long junk[64];

	signal(SIGSEGV, ignore);
	memset(junk, 0, sizeof junk);
	__asm__ volatile("mov %0, %%rsp; mov $15, %%eax; syscall"
			 :: "r"(junk) : "memory");
}

static void t_fault_bad_stack(void)
{
	/* a fault while the stack pointer points at nothing: the handler
	 * cannot be called, the kernel kills with SIGSEGV */
	signal(SIGILL, ignore);
	signal(SIGSEGV, ignore);
	__asm__ volatile("mov $16, %%rsp; ud2" ::: "memory");
}

static const struct tcase cases[] = {
	{ t_read_bad, "read_bad" },
	{ t_write_bad, "write_bad" },
	{ t_iov_bad, "iov_bad" },
	{ t_path_bad, "path_bad" },
	{ t_out_bad, "out_bad" },
	{ t_time_bad, "time_bad" },
	{ t_signal_bad, "signal_bad" },
	{ t_fd_bad, "fd_bad" },
	{ t_flags_bad, "flags_bad" },
	{ t_unimplemented_safe, "unimplemented" },
	{ t_rt_sigreturn_garbage, "rt_sigreturn_garbage" },
	{ t_rt_sigreturn_garbage_handled, "rt_sigreturn_garbage_handled" },
	{ t_fault_bad_stack, "fault_bad_stack" },
};

HARNESS_MAIN(cases)
