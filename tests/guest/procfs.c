/*
 * procfs and sysfs.  /proc's contents differ between the host and umk
 * (pids, addresses, sizes), so the cases print relations: the pid in
 * /proc/self/stat is getpid(), cmdline is argv, /proc/self/fd lists
 * exactly the open descriptors, a mapping made at a fixed address is
 * in maps with its permissions, a reaped child's directory is gone.
 */
#include "harness.h"

#include <dirent.h>
#include <limits.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>

static int g_argc;
static char **g_argv;

/* Read a whole (small) file into buf, NUL-terminated; length or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return (long)len;
}

/* The text after "key:\t" in a status-like file, or NULL. */
static const char *field(const char *text, const char *key)
{
	size_t k = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ':')
			return p + k + 1 + strspn(p + k + 1, " \t");
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static long field_num(const char *text, const char *key)
{
	const char *v = field(text, key);

	return v ? strtol(v, NULL, 10) : -1;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * /proc/PID/stat split into its fields: f[0] is the pid, f[1] the
 * comm (without parentheses), f[2] the state...  Returns the count.
 */
static int stat_fields(const char *path, char *buf, size_t size, char **f,
		       int max)
{
	char *open_paren, *close_paren, *p;
	int n = 0;

	if (slurp(path, buf, size) < 0)
		return -1;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren)
		return 0;
	*open_paren = 0;
	*close_paren = 0;
	f[n++] = buf;
	f[n++] = open_paren + 1;
	for (p = strtok(close_paren + 1, " \n"); p && n < max;
	     p = strtok(NULL, " \n"))
		f[n++] = p;
	return n;
}

static void t_self_links(void)
{
	char buf[64], want[64];
	ssize_t n;

	n = readlink("/proc/self", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d", getpid());
	TRUE_L("readlink /proc/self == getpid", !strcmp(buf, want));
	n = readlink("/proc/thread-self", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d/task/%ld", getpid(),
		 (long)syscall(SYS_gettid));
	TRUE_L("readlink /proc/thread-self == PID/task/TID", !strcmp(buf, want));
	/* a short buffer gets the start of the text, not an error */
	n = readlink("/proc/self", buf, 1);
	TRUE_L("readlink with 1 byte gives 1", n == 1 && buf[0] == want[0]);
	RAW(SYS_readlink, "/proc/self", BADPTR_KERNEL, 64);
	RAW(SYS_readlink, "/proc/self/exe", BADPTR_NULL, 64);
	RAW(SYS_readlink, "/proc/self", buf, 0);
	SYS(readlink("/proc/self/stat", buf, sizeof buf));
}

static void t_stat(void)
{
	char buf[4096], *f[64];
	int n = stat_fields("/proc/self/stat", buf, sizeof buf, f, 64);

	say("fields = %d", n);
	if (n < 52)
		return;
	TRUE_L("pid == getpid", atol(f[0]) == getpid());
	TRUE_L("state R", !strcmp(f[2], "R"));
	TRUE_L("ppid == getppid", atol(f[3]) == getppid());
	TRUE_L("pgrp == getpgrp", atol(f[4]) == getpgrp());
	TRUE_L("session == getsid", atol(f[5]) == getsid(0));
	TRUE_L("num_threads 1", atol(f[19]) == 1);
	TRUE_L("exit_signal SIGCHLD", atol(f[37]) == SIGCHLD);
	TRUE_L("vsize > 0", strtoull(f[22], NULL, 10) > 0);
	TRUE_L("arg_start < arg_end",
	       strtoull(f[47], NULL, 10) < strtoull(f[48], NULL, 10));
	TRUE_L("exit_code 0", atol(f[51]) == 0);
}

static void t_comm(void)
{
	char buf[4096], *f[64];

	SYS(prctl(PR_SET_NAME, "procfs-test", 0, 0, 0));
	stat_fields("/proc/self/stat", buf, sizeof buf, f, 64);
	say("stat comm = %s", f[1]);
	slurp("/proc/self/comm", buf, sizeof buf);
	show_bytes("comm", buf, strlen(buf));
	slurp("/proc/self/status", buf, sizeof buf);
	say("status Name = %.11s", field(buf, "Name"));
	/* a thread group may rename itself through comm */
	{
		int fd = SYS(open("/proc/self/comm", O_WRONLY));

		SYS(write(fd, "renamed", 7));
		close(fd);
	}
	slurp("/proc/self/comm", buf, sizeof buf);
	show_bytes("comm", buf, strlen(buf));
	/* stat shows the name raw, status escapes it */
	SYS(prctl(PR_SET_NAME, "a) b (c\\d\ne", 0, 0, 0));
	stat_fields("/proc/self/stat", buf, sizeof buf, f, 64);
	show_bytes("stat comm", f[1], strlen(f[1]));
	TRUE_L("state after it", !strcmp(f[2], "R"));
	slurp("/proc/self/status", buf, sizeof buf);
	show_bytes("status", buf, strchr(buf, 'U') - buf);
}

static void t_limits(void)
{
	char buf[4096];
	long n = slurp("/proc/self/limits", buf, sizeof buf);
	struct rlimit rl = { 1000, 2000 };

	/* umk's limits are the host's, so the table is the same */
	show_bytes("limits", buf, n);
	SYS(setrlimit(RLIMIT_NOFILE, &rl));
	slurp("/proc/self/limits", buf, sizeof buf);
	say("%.74s", strstr(buf, "Max open files"));
}

static void on_signal(int sig)
{
	(void)sig;
}

static void t_status(void)
{
	char buf[8192];
	sigset_t set;
	const char *v;
	unsigned long long blk, ign, cgt;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGTERM, &sa, NULL);
	}
	slurp("/proc/self/status", buf, sizeof buf);
	TRUE_L("Tgid == getpid", field_num(buf, "Tgid") == getpid());
	TRUE_L("Pid == getpid", field_num(buf, "Pid") == getpid());
	TRUE_L("PPid == getppid", field_num(buf, "PPid") == getppid());
	TRUE_L("Uid == getuid", field_num(buf, "Uid") == (long)getuid());
	TRUE_L("Gid == getgid", field_num(buf, "Gid") == (long)getgid());
	TRUE_L("Threads 1", field_num(buf, "Threads") == 1);
	v = field(buf, "State");
	say("State = %.11s", v ? v : "?");
	TRUE_L("VmRSS present", field(buf, "VmRSS") != NULL);
	v = field(buf, "SigBlk");
	blk = v ? strtoull(v, NULL, 16) : 0;
	TRUE_L("SigBlk is 16 hex digits", v && strspn(v, "0123456789abcdef") == 16);
	TRUE_L("SigBlk has SIGUSR1", (blk >> (SIGUSR1 - 1)) & 1);
	v = field(buf, "SigIgn");
	ign = v ? strtoull(v, NULL, 16) : 0;
	TRUE_L("SigIgn has SIGUSR2", (ign >> (SIGUSR2 - 1)) & 1);
	v = field(buf, "SigCgt");
	cgt = v ? strtoull(v, NULL, 16) : 0;
	TRUE_L("SigCgt has SIGTERM", (cgt >> (SIGTERM - 1)) & 1);
	TRUE_L("SigCgt lacks SIGUSR2", !((cgt >> (SIGUSR2 - 1)) & 1));
	v = field(buf, "Umask");
	say("Umask = %.4s", v ? v : "?");
	TRUE_L("Cpus_allowed_list present", field(buf, "Cpus_allowed_list") != NULL);
}

static void t_cmdline(void)
{
	char buf[8192], want[8192];
	long n = slurp("/proc/self/cmdline", buf, sizeof buf);
	long len = 0;

	for (int i = 0; i < g_argc; i++) {
		size_t l = strlen(g_argv[i]) + 1;

		memcpy(want + len, g_argv[i], l);
		len += l;
	}
	TRUE_L("cmdline == argv", n == len && !memcmp(buf, want, len));
}

/* Run as a child: print what /proc/self/environ and cmdline hold. */
static int child_environ(void)
{
	char buf[8192];
	long n = slurp("/proc/self/environ", buf, sizeof buf);

	show_bytes("environ", buf, n);
	n = slurp("/proc/self/cmdline", buf, sizeof buf);
	show_bytes("cmdline tail", buf + strlen(buf) + 1,
		   n - (long)strlen(buf) - 1);
	return 0;
}

static void t_environ(void)
{
	char *argv[] = { g_argv[0], "--child-environ", "x y", NULL };
	char *envp[] = { "PROCFS_TEST=hello", "EMPTY=", NULL };
	char buf[8192];
	long n = slurp("/proc/self/environ", buf, sizeof buf);
	int found = 0;

	for (long i = 0; i < n; i += strlen(buf + i) + 1)
		if (!strncmp(buf + i, "TEST_TMP=", 9))
			found = 1;
	TRUE_L("environ has TEST_TMP", found);
	fflush(stdout);
	/* a fresh image with a known environment, through /proc/self/exe */
	execve("/proc/self/exe", argv, envp);
	say("execve /proc/self/exe: %s", errname(errno));
}

static void t_exe(void)
{
	char buf[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	struct stat a, b;

	buf[n > 0 ? n : 0] = 0;
	TRUE_L("exe is absolute", buf[0] == '/');
	TRUE_L("exe ends with the program's name",
	       !strcmp(base_name(buf), base_name(g_argv[0])));
	TRUE_L("exe == realpath(argv[0])",
	       realpath(g_argv[0], real) && !strcmp(real, buf));
	/* following it reaches the file itself */
	SYSOK(stat("/proc/self/exe", &a));
	SYSOK(stat(buf, &b));
	TRUE_L("same dev and ino", a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	SYSOK(lstat("/proc/self/exe", &a));
	TRUE_L("lstat: a link", S_ISLNK(a.st_mode));
}

static void t_cwd_root(void)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	ssize_t n;
	struct stat a, b;

	n = readlink("/proc/self/root", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	say("root -> %s", buf);
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	TRUE_L("cwd == getcwd", getcwd(cwd, sizeof cwd) && !strcmp(buf, cwd));
	SYS(chdir("/"));
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	say("after chdir(/): cwd -> %s", buf);
	SYS(chdir(test_data()));
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	TRUE_L("after chdir(TEST_DATA): cwd == getcwd",
	       getcwd(cwd, sizeof cwd) && !strcmp(buf, cwd));
	/* walking through the magic link: a file of the cwd */
	SYSOK(stat("/proc/self/cwd/hello.txt", &a));
	SYSOK(stat("hello.txt", &b));
	TRUE_L("cwd/hello.txt is hello.txt",
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	SYS(access("/proc/self/root/proc/self/cwd/dir/a", R_OK));
	SYS(open("/proc/self/cwd/missing", O_RDONLY));
}

/* The descriptors listed in /proc/self/fd, as a bitmap of 0..127,
 * without the directory's own. */
static unsigned long long listed_fds(unsigned long long *hi)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned long long lo = 0;
	struct dirent *e;
	int self = d ? dirfd(d) : -1;

	*hi = 0;
	while (d && (e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == self)
			continue;
		if (fd < 64)
			lo |= 1ULL << fd;
		else if (fd < 128)
			*hi |= 1ULL << (fd - 64);
	}
	if (d)
		closedir(d);
	return lo;
}

static unsigned long long open_fds(unsigned long long *hi)
{
	unsigned long long lo = 0;

	*hi = 0;
	for (int fd = 0; fd < 128; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		if (fd < 64)
			lo |= 1ULL << fd;
		else
			*hi |= 1ULL << (fd - 64);
	}
	return lo;
}

static void t_fd_dir(void)
{
	unsigned long long lo, hi, olo, ohi;
	char path[64], buf[PATH_MAX], real[PATH_MAX];
	int fd, fd2;
	ssize_t n;
	struct stat st;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	fd2 = SYS(fcntl(fd, F_DUPFD, 100));
	lo = listed_fds(&hi);
	olo = open_fds(&ohi);
	TRUE_L("fd lists the open descriptors", lo == olo && hi == ohi);
	TRUE_L("fd lists the new ones",
	       (lo >> fd & 1) && (hi >> (fd2 - 64) & 1));
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	TRUE_L("readlink fd == realpath",
	       realpath(data_path("hello.txt"), real) && !strcmp(buf, real));
	SYSOK(lstat(path, &st));
	say("link mode %o", st.st_mode & 07777);
	SYS(close(fd));
	SYS(readlink(path, buf, sizeof buf));
	SYS(lstat(path, &st));
	lo = listed_fds(&hi);
	TRUE_L("closed fd gone", !(lo >> fd & 1));
	SYS(readlink("/proc/self/fd/99999", buf, sizeof buf));
	SYS(readlink("/proc/self/fd/01", buf, sizeof buf));
	SYS(readlink("/proc/self/fd/-1", buf, sizeof buf));
	SYS(readlink("/proc/self/fd/abc", buf, sizeof buf));
	SYS(readlink("/proc/self/fd/4294967296", buf, sizeof buf));
	fd = SYS(open("/proc/self/fd", O_RDONLY | O_DIRECTORY));
	SYS(close(fd));
}

static void t_fd_pipe(void)
{
	int p[2];
	char a[64], b[64], path[64];
	struct stat st;
	ssize_t n;
	int fd;

	SYS(pipe(p));
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	n = readlink(path, a, sizeof a - 1);
	a[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
	n = readlink(path, b, sizeof b - 1);
	b[n > 0 ? n : 0] = 0;
	TRUE_L("pipe:[N]", !strncmp(a, "pipe:[", 6) && a[strlen(a) - 1] == ']');
	TRUE_L("both ends name one pipe", !strcmp(a, b));
	fstat(p[0], &st);
	TRUE_L("N is the inode", strtoull(a + 6, NULL, 10) == st.st_ino);
	SYSOK(lstat(path, &st));
	say("write end link mode %o", st.st_mode & 07777);
	/* reopening the read end reads the same pipe */
	SYS(write(p[1], "through", 7));
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	fd = SYS(open(path, O_RDONLY));
	n = SYS(read(fd, a, sizeof a));
	show_bytes("read", a, n > 0 ? n : 0);
	close(fd);
	/* and the write end too, even with the reader gone later */
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
	fd = SYS(open(path, O_WRONLY));
	SYS(write(fd, "again", 5));
	close(fd);
	n = SYS(read(p[0], a, sizeof a));
	show_bytes("read", a, n > 0 ? n : 0);
	close(p[1]);
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	fd = SYS(open(path, O_RDONLY | O_NONBLOCK));
	SYS(read(fd, a, sizeof a));
}

static void t_fd_reopen(void)
{
	char path[64], buf[64];
	int fd, fd2;
	ssize_t n;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(lseek(fd, 7, SEEK_SET));
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	fd2 = SYS(open(path, O_RDONLY));
	/* a new description: its own position */
	n = SYS(read(fd2, buf, sizeof buf));
	show_bytes("reopened", buf, n > 0 ? n : 0);
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("original", buf, n > 0 ? n : 0);
	close(fd2);
	/* the access of the reopen is checked like any open */
	fd2 = SYS(open(path, O_RDONLY | O_DIRECTORY));
	/* O_NOFOLLOW: the link itself */
	SYS(open(path, O_RDONLY | O_NOFOLLOW));
	fd2 = SYS(open(path, O_PATH | O_NOFOLLOW));
	close(fd2);
	close(fd);
	/* a scratch file, written through the reopened descriptor */
	make_file("reopen.txt", "abc");
	fd = SYS(open("reopen.txt", O_RDONLY));
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	fd2 = SYS(open(path, O_WRONLY | O_APPEND));
	SYS(write(fd2, "def", 3));
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("after write", buf, n > 0 ? n : 0);
}

static void t_fdinfo(void)
{
	char path[64], buf[512];
	int fd = SYS(open(data_path("hello.txt"), O_RDONLY | O_CLOEXEC));
	const char *v;

	lseek(fd, 5, SEEK_SET);
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	slurp(path, buf, sizeof buf);
	say("pos = %ld", field_num(buf, "pos"));
	v = field(buf, "flags");
	TRUE_L("flags octal with O_CLOEXEC",
	       v && v[0] == '0' && (strtoul(v, NULL, 8) & O_CLOEXEC));
	TRUE_L("flags has O_RDONLY", v && (strtoul(v, NULL, 8) & O_ACCMODE) == 0);
	TRUE_L("mnt_id present", field(buf, "mnt_id") != NULL);
	close(fd);
	SYS(open(path, O_RDONLY));
}

static void t_maps(void)
{
	char *buf = malloc(1 << 20), *line, *save;
	void *want = (void *)0x200000000UL;
	char *p = mmap(want, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	int stack = 0, heap = 0, exe = 0, col = 0, fd, file_ok = 0;
	char shm[64] = "none", file_line[128], real[PATH_MAX];
	struct stat st;
	char exe_path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);

	exe_path[n > 0 ? n : 0] = 0;
	TRUE_L("mmap at the fixed address", p == want);
	mprotect(p + 4096, 4096, PROT_READ);
	mmap((void *)0x210000000UL, 4096, PROT_READ | PROT_WRITE,
	     MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fd = open(data_path("pattern"), O_RDONLY);
	fstat(fd, &st);
	mmap((void *)0x220000000UL, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED,
	     fd, 4096);
	close(fd);
	snprintf(file_line, sizeof file_line,
		 "220000000-220001000 r--p 00001000 %02x:%02x %lu ",
		 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	if (!realpath(data_path("pattern"), real))
		real[0] = 0;
	/* musl's sbrk() only reads; move the break itself */
	syscall(SYS_brk, syscall(SYS_brk, 0) + 4 * 4096);
	slurp("/proc/self/maps", buf, 1 << 20);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "200000000-", 10) ||
		    !strncmp(line, "200001000-", 10) ||
		    !strncmp(line, "200002000-", 10))
			say("%.45s", line);
		if (strstr(line, "[stack]")) {
			stack++;
			col = (int)(strstr(line, "[stack]") - line);
			say("stack perms %.4s", strchr(line, ' ') + 1);
		}
		if (strstr(line, "[heap]"))
			heap++;
		if (exe_path[0] && strstr(line, exe_path))
			exe++;
		if (!strncmp(line, "210000000-", 10) && strlen(line) > 73)
			snprintf(shm, sizeof shm, "%s", line + 73);
		if (!strncmp(line, file_line, strlen(file_line)) &&
		    strlen(line) > 73 && !strcmp(line + 73, real))
			file_ok = 1;
	}
	say("[stack] lines %d, name at column %d", stack, col);
	say("shared anonymous: %s", shm);
	TRUE_L("file mapping: dev, ino and path", file_ok);
	/* brk may grow the heap as a VMA of its own after a fork */
	TRUE_L("[heap] present", heap >= 1);
	TRUE_L("the program is mapped", exe > 0);
	free(buf);
}

static void t_meminfo_uptime(void)
{
	char buf[8192];
	double up, idle;
	long total, free_kb;

	slurp("/proc/meminfo", buf, sizeof buf);
	total = field_num(buf, "MemTotal");
	free_kb = field_num(buf, "MemFree");
	TRUE_L("MemTotal > 0", total > 0);
	TRUE_L("MemFree <= MemTotal", free_kb >= 0 && free_kb <= total);
	TRUE_L("MemTotal line format",
	       !strncmp(buf, "MemTotal:", 9) && strstr(buf, " kB\n"));
	slurp("/proc/uptime", buf, sizeof buf);
	TRUE_L("uptime parses", sscanf(buf, "%lf %lf", &up, &idle) == 2 &&
				       up >= 0 && idle >= 0);
	TRUE_L("uptime has two decimals",
	       strchr(buf, '.') && strspn(strchr(buf, '.') + 1, "0123456789") == 2);
	slurp("/proc/loadavg", buf, sizeof buf);
	{
		double a, b, c;
		int run, all, last;

		TRUE_L("loadavg parses",
		       sscanf(buf, "%lf %lf %lf %d/%d %d", &a, &b, &c, &run,
			      &all, &last) == 6 && run >= 1 && all >= run);
	}
	slurp("/proc/stat", buf, sizeof buf);
	TRUE_L("stat starts with cpu", !strncmp(buf, "cpu  ", 5));
	TRUE_L("stat has btime", strstr(buf, "\nbtime ") != NULL);
	TRUE_L("stat has processes", strstr(buf, "\nprocesses ") != NULL);
	slurp("/proc/version", buf, sizeof buf);
	TRUE_L("version", !strncmp(buf, "Linux version ", 14));
	slurp("/proc/cpuinfo", buf, sizeof buf);
	TRUE_L("cpuinfo", !strncmp(buf, "processor\t: 0\n", 14));
}

static void t_reaped_child(void)
{
	char path[64], buf[4096], *f[64];
	siginfo_t si;
	int dfd;
	pid_t pid = fork();

	if (pid == 0)
		_exit(3);
	/* a zombie until reaped */
	SYS(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	stat_fields(path, buf, sizeof buf, f, 64);
	say("zombie state %s", f[2]);
	TRUE_L("zombie ppid == getpid", atol(f[3]) == getpid());
	TRUE_L("zombie exit_code", atol(f[51]) == 3 << 8);
	snprintf(path, sizeof path, "/proc/%d", pid);
	dfd = SYS(open(path, O_RDONLY | O_DIRECTORY));
	SYSOK(waitpid(pid, NULL, 0));
	SYS(open(path, O_RDONLY | O_DIRECTORY));
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	SYS(open(path, O_RDONLY));
	/* an open directory of a dead process finds nothing either */
	SYS(openat(dfd, "stat", O_RDONLY));
	SYS(openat(dfd, "status", O_RDONLY));
	{
		struct stat st;

		SYS(fstatat(dfd, "cmdline", &st, 0));
	}
	close(dfd);
}

static void t_live_child(void)
{
	char path[64], buf[4096], *f[64];
	int p[2], tries;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	for (tries = 0; tries < 1000; tries++) {
		if (stat_fields(path, buf, sizeof buf, f, 64) > 3 &&
		    !strcmp(f[2], "S"))
			break;
		usleep(1000);
	}
	TRUE_L("child sleeps (S)", tries < 1000);
	TRUE_L("child ppid == getpid", atol(f[3]) == getpid());
	TRUE_L("child pid", atol(f[0]) == pid);
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	{
		long n = slurp(path, buf, sizeof buf);

		TRUE_L("child cmdline == argv[0]",
		       n > 0 && !strcmp(buf, g_argv[0]));
	}
	/* the child shows in /proc's listing */
	{
		DIR *d = opendir("/proc");
		struct dirent *e;
		int seen = 0, self = 0;

		while (d && (e = readdir(d))) {
			if (atoi(e->d_name) == pid)
				seen++;
			if (atoi(e->d_name) == getpid())
				self++;
			if (!strcmp(e->d_name, "self"))
				self += 10;
		}
		closedir(d);
		TRUE_L("listed once", seen == 1);
		TRUE_L("self and own pid listed", self == 11);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
}

static void t_ino(void)
{
	struct stat a, b, c;
	char path[64];

	snprintf(path, sizeof path, "/proc/%d", getpid());
	SYSOK(stat("/proc/self", &a));
	SYSOK(stat(path, &b));
	TRUE_L("/proc/self is /proc/PID", a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	SYSOK(stat("/proc/self/status", &a));
	SYSOK(stat("/proc/self/status", &b));
	SYSOK(stat("/proc/self/stat", &c));
	TRUE_L("stable ino", a.st_ino == b.st_ino);
	TRUE_L("distinct ino", a.st_ino != c.st_ino);
	TRUE_L("same device", a.st_dev == c.st_dev);
	say("status: mode %o size %lld nlink %ld", a.st_mode,
	    (long long)a.st_size, (long)a.st_nlink);
	SYSOK(stat("/proc/self/fd", &a));
	say("fd: mode %o", a.st_mode);
	SYSOK(stat("/proc", &a));
	say("/proc: mode %o", a.st_mode);
	SYSOK(lstat("/proc/self/cwd", &a));
	say("cwd: mode %o", a.st_mode);
	SYSOK(stat("/proc/meminfo", &a));
	say("meminfo: mode %o", a.st_mode);
}

static void t_read_semantics(void)
{
	char buf[4096], small[8];
	int fd = SYS(open("/proc/self/stat", O_RDONLY));
	ssize_t n, m;

	n = read(fd, small, 4);
	m = read(fd, buf, sizeof buf);
	TRUE_L("reads continue", n == 4 && m > 0);
	SYS(lseek(fd, 0, SEEK_CUR) == n + m);
	SYS(lseek(fd, 0, SEEK_END));
	SYS(lseek(fd, -1, SEEK_SET));
	SYS(lseek(fd, 0, SEEK_SET));
	n = pread(fd, buf, sizeof buf, 1 << 30);
	say("pread far = %ld", (long)n);
	RAW(SYS_read, fd, BADPTR_KERNEL, 64);
	RAW(SYS_read, fd, BADPTR_NONCANON, 64);
	RAW(SYS_pread64, fd, BADPTR_NULL, 64, 0);
	SYS(write(fd, "x", 1));
	close(fd);
	/* a sysctl's mode binds root too */
	SYS(open("/proc/sys/kernel/ostype", O_WRONLY));
	fd = SYS(open("/proc/sys/kernel/ostype", O_RDONLY));
	n = read(fd, buf, sizeof buf);
	show_bytes("ostype", buf, n > 0 ? n : 0);
	close(fd);
	SYS(open("/proc/self/nothing", O_RDONLY));
	SYS(open("/proc/0", O_RDONLY));
	SYS(open("/proc/00001", O_RDONLY));
	SYS(open("/proc/-1", O_RDONLY));
	SYS(open("/proc/99999999999999999999", O_RDONLY));
	SYS(open("/proc/self/stat/", O_RDONLY));
}

/*
 * Another user's process: what needs ptrace access is refused.  An
 * unprivileged native run cannot become another user, so it prints
 * what Linux answers (the root run checks it for real).
 */
static void t_other_user(void)
{
	static const char *const paths[] = { "environ", "maps", "cwd", "exe",
					     "root", "fd", "status", "stat",
					     "fdinfo/0" };
	pid_t parent = getpid(), pid;
	int st;

	pid = fork();
	if (pid == 0) {
		uid_t other = getuid() == 65534 ? 65533 : 65534;
		int became = setgid(other) == 0 && setuid(other) == 0;

		for (unsigned i = 0; i < NELEM(paths); i++) {
			char path[64], buf[256];
			int fd, err = 0;

			snprintf(path, sizeof path, "/proc/%d/%s", parent,
				 paths[i]);
			if (!became) {
				int refused = i < 6 || i == 8;

				say("%s: %s", paths[i],
				    refused ? "EACCES" : "ok");
				continue;
			}
			if (i >= 2 && i <= 4) {
				fd = readlink(path, buf, sizeof buf) < 0 ? -1 : 0;
			} else {
				fd = open(path, O_RDONLY);
				if (fd >= 0)
					close(fd);
			}
			err = errno;
			say("%s: %s", paths[i], fd < 0 ? errname(err) : "ok");
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

static void t_mounts(void)
{
	char buf[8192];

	slurp("/proc/self/mounts", buf, sizeof buf);
	TRUE_L("mounts has /proc", strstr(buf, " /proc proc ") != NULL);
	slurp("/proc/mounts", buf, sizeof buf);
	TRUE_L("/proc/mounts has /proc", strstr(buf, " /proc proc ") != NULL);
	slurp("/proc/self/mountinfo", buf, sizeof buf);
	TRUE_L("mountinfo has /proc", strstr(buf, " /proc ") != NULL &&
				      strstr(buf, " - proc ") != NULL);
}

static void t_sys(void)
{
	char buf[256], want[32];
	cpu_set_t set;
	int n;

	sched_getaffinity(0, sizeof set, &set);
	n = CPU_COUNT(&set);
	/* the host may have more CPUs online than a run may use */
	slurp("/sys/devices/system/cpu/online", buf, sizeof buf);
	TRUE_L("cpu/online is a list from 0",
	       (!strcmp(buf, "0\n") || !strncmp(buf, "0-", 2)) &&
		       (n == 1 || atoi(buf + 2) >= n - 1));
	slurp("/sys/devices/system/cpu/possible", buf, sizeof buf);
	TRUE_L("cpu/possible starts at 0", buf[0] == '0');
	snprintf(want, sizeof want, "/sys/devices/system/cpu/cpu%d", n - 1);
	SYS(access(want, F_OK));
	slurp("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
	TRUE_L("thp enabled has a choice", strchr(buf, '[') != NULL);
	{
		struct stat st;

		SYSOK(stat("/sys/fs/cgroup", &st));
		TRUE_L("cgroup is a directory", S_ISDIR(st.st_mode));
	}
}

static void t_sysctl(void)
{
	char buf[256];
	long v;

	slurp("/proc/sys/kernel/ostype", buf, sizeof buf);
	show_bytes("ostype", buf, strlen(buf));
	slurp("/proc/sys/kernel/pid_max", buf, sizeof buf);
	v = atol(buf);
	TRUE_L("pid_max > 300", v > 300);
	slurp("/proc/sys/kernel/random/boot_id", buf, sizeof buf);
	TRUE_L("boot_id is a UUID", strlen(buf) == 37 && buf[8] == '-');
	{
		char again[64];

		slurp("/proc/sys/kernel/random/boot_id", again, sizeof again);
		TRUE_L("boot_id stable", !strcmp(buf, again));
		slurp("/proc/sys/kernel/random/uuid", buf, sizeof buf);
		slurp("/proc/sys/kernel/random/uuid", again, sizeof again);
		TRUE_L("uuid changes", strcmp(buf, again) != 0);
	}
	slurp("/proc/sys/kernel/hostname", buf, sizeof buf);
	{
		char host[256];

		gethostname(host, sizeof host);
		strcat(host, "\n");
		TRUE_L("hostname == gethostname", !strcmp(buf, host));
	}
	slurp("/proc/sys/vm/overcommit_memory", buf, sizeof buf);
	TRUE_L("overcommit_memory is a digit", buf[0] >= '0' && buf[0] <= '2');
	slurp("/proc/sys/fs/nr_open", buf, sizeof buf);
	TRUE_L("nr_open > 0", atol(buf) > 0);
}

/* /proc/self/auxv against getauxval; the vDSO in maps. */
static void t_auxv(void)
{
	unsigned long v[2 * 64];
	int fd = open("/proc/self/auxv", O_RDONLY), n, all = 1, last = -1;
	int null_end = 0;
	char line[512];
	unsigned long long lo, hi, vdso = 0, stack = 0;
	FILE *f;

	SYSOK(fd);
	n = read(fd, v, sizeof v);
	close(fd);
	TRUE(n > 0 && n % 16 == 0);
	for (int i = 0; i + 1 < n / 8; i += 2) {
		if (v[i] == AT_NULL) {
			null_end = i + 2 == n / 8;
			break;
		}
		/* glibc answers AT_HWCAP* with its own view of the CPU */
		if (v[i] != AT_HWCAP && v[i] != AT_HWCAP2 &&
		    getauxval(v[i]) != v[i + 1])
			all = 0;
		last = i;
	}
	TRUE(last >= 0);
	say("every entry as getauxval says: %s", all ? "yes" : "no");
	say("ends with AT_NULL: %s", null_end ? "yes" : "no");
	say("AT_PAGESZ %lu, AT_PHENT %lu", getauxval(AT_PAGESZ), getauxval(AT_PHENT));
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		if (strstr(line, "[vdso]"))
			vdso = lo;
		if (strstr(line, "[stack]"))
			stack = lo;
	}
	if (f)
		fclose(f);
	/* (an engine may give no vDSO: then neither says one) */
	say("[vdso] where AT_SYSINFO_EHDR says: %s",
	    vdso == getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	TRUE(stack != 0);
}

static const struct tcase cases[] = {
	{ t_auxv, "auxv" },
	{ t_self_links, "self_links" },
	{ t_stat, "stat" },
	{ t_comm, "comm" },
	{ t_status, "status" },
	{ t_limits, "limits" },
	{ t_cmdline, "cmdline" },
	{ t_environ, "environ" },
	{ t_exe, "exe" },
	{ t_cwd_root, "cwd_root" },
	{ t_fd_dir, "fd_dir" },
	{ t_fd_pipe, "fd_pipe" },
	{ t_fd_reopen, "fd_reopen" },
	{ t_fdinfo, "fdinfo" },
	{ t_maps, "maps" },
	{ t_meminfo_uptime, "meminfo_uptime" },
	{ t_reaped_child, "reaped_child" },
	{ t_live_child, "live_child" },
	{ t_ino, "ino" },
	{ t_read_semantics, "read_semantics" },
	{ t_other_user, "other_user" },
	{ t_mounts, "mounts" },
	{ t_sys, "sys" },
	{ t_sysctl, "sysctl" },
};

int main(int argc, char **argv)
{
	g_argc = argc;
	g_argv = argv;
	if (argc > 1 && !strcmp(argv[1], "--child-environ")) {
		setvbuf(stdout, NULL, _IONBF, 0);
		return child_environ();
	}
	return harness_main(argc, argv, cases, NELEM(cases));
}
