/*
 * The process: uname, ids, arch_prctl, prctl, set_tid_address, robust
 * lists, resource limits, sysinfo, scheduling, umask, execve and exit
 * codes.  Ids are compared with each other, never printed.
 */
#include "harness.h"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>

#define K_ARCH_SET_GS 0x1001
#define K_ARCH_SET_FS 0x1002
#define K_ARCH_GET_FS 0x1003
#define K_ARCH_GET_GS 0x1004

static char *self;       /* argv[0]: an absolute path in both worlds */

static void t_uname(void)
{
	struct utsname u;
	int ok = 1;

	memset(&u, 'X', sizeof u);
	SYS(uname(&u));
	say("sysname %s, machine %s", u.sysname, u.machine);
	ok &= memchr(u.nodename, 0, sizeof u.nodename) != NULL;
	ok &= memchr(u.release, 0, sizeof u.release) != NULL;
	ok &= memchr(u.version, 0, sizeof u.version) != NULL;
	ok &= memchr(u.domainname, 0, sizeof u.domainname) != NULL;
	TRUE_L("all fields terminated", ok);
	TRUE_L("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
	SYS(syscall(SYS_uname, &u));
}

static void t_ids(void)
{
	pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);

	TRUE(pid > 0);
	TRUE(tid == pid);
	TRUE(syscall(SYS_getpid) == pid);
	TRUE(getppid() > 0);
	TRUE(getppid() != pid);
	TRUE(syscall(SYS_getppid) == getppid());
	TRUE(syscall(SYS_set_tid_address, NULL) == tid);
	TRUE(syscall(SYS_set_tid_address, (void *)1) == tid);
	TRUE(getuid() == geteuid());
	TRUE(getgid() == getegid());
	TRUE(syscall(SYS_getuid) == getuid());
	TRUE(syscall(SYS_geteuid) == geteuid());
	TRUE(syscall(SYS_getgid) == getgid());
	TRUE(syscall(SYS_getegid) == getegid());
}

static void t_fork_ids(void)
{
	pid_t parent = getpid(), pid;
	int st;

	pid = fork();
	if (pid == 0) {
		/* the child's view, in its exit code */
		_exit((getppid() == parent) | (getpid() != parent) << 1 |
		      (syscall(SYS_gettid) == getpid()) << 2);
	}
	if (pid < 0) {
		say("fork() = -1 %s", errname(errno));
		return;
	}
	SYSOK(waitpid(pid, &st, 0));
	say("child: exited %d, code %d", WIFEXITED(st), WEXITSTATUS(st));
}

static void t_arch_prctl(void)
{
	unsigned long fs = 0, gs = 1, tp;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	SYS(syscall(SYS_arch_prctl, K_ARCH_GET_FS, &fs));
	TRUE_L("FS base == thread pointer", fs == tp);
	SYS(syscall(SYS_arch_prctl, K_ARCH_SET_FS, fs));
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	TRUE_L("after setting it again", fs == tp);
	SYS(syscall(SYS_arch_prctl, K_ARCH_GET_GS, &gs));
	TRUE_L("GS base == 0", gs == 0);
	SYS(syscall(SYS_arch_prctl, K_ARCH_SET_GS, 0x12345000UL));
	SYS(syscall(SYS_arch_prctl, K_ARCH_GET_GS, &gs));
	TRUE_L("GS base == what was set", gs == 0x12345000UL);
	SYS(syscall(SYS_arch_prctl, K_ARCH_SET_GS, 0UL));
	SYS(syscall(SYS_arch_prctl, 0x9999, &fs));
	SYS(syscall(SYS_arch_prctl, K_ARCH_GET_FS, NULL));
	SYS(syscall(SYS_arch_prctl, K_ARCH_GET_FS, (void *)0xffff800000000000UL));
	SYS(syscall(SYS_arch_prctl, K_ARCH_SET_FS, 0xffff800000000000UL));
	SYS(syscall(SYS_arch_prctl, K_ARCH_SET_GS, 0x800000000000UL));
	/* the thread pointer still works */
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	TRUE_L("FS base unchanged", fs == tp);
}

static void t_prctl(void)
{
	char name[32];
	const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;

	memset(name, 0, sizeof name);
	SYS(prctl(PR_GET_NAME, name));
	TRUE_L("name is the program's file name", !strncmp(name, base, 15));
	SYS(prctl(PR_SET_NAME, "umk-test"));
	SYS(prctl(PR_GET_NAME, name));
	say("name %s", name);
	SYS(prctl(PR_SET_NAME, "a-very-long-name-for-a-task"));
	SYS(prctl(PR_GET_NAME, name));
	say("name %s", name);
	SYS(prctl(9999, 0, 0, 0, 0));
	SYS(prctl(PR_GET_NAME, NULL));
}

static void t_robust_list(void)
{
	void *head = NULL;
	size_t len = 0;

	SYS(syscall(SYS_get_robust_list, 0, &head, &len));
	say("len %zu", len);
	SYS(syscall(SYS_set_robust_list, head, len));
	SYS(syscall(SYS_set_robust_list, head, len + 1));
	SYS(syscall(SYS_set_robust_list, head, 0));
	SYS(syscall(SYS_get_robust_list, 999999, &head, &len));
	SYS(syscall(SYS_get_robust_list, 0, NULL, &len));
}

static void t_rlimit(void)
{
	struct rlimit r, old, r2;

	SYS(getrlimit(RLIMIT_NOFILE, &old));
	TRUE(old.rlim_cur <= old.rlim_max);
	TRUE(old.rlim_cur >= 64);
	r = old;
	r.rlim_cur = 100;
	SYS(setrlimit(RLIMIT_NOFILE, &r));
	SYS(getrlimit(RLIMIT_NOFILE, &r2));
	say("cur %lu, max unchanged: %s", (unsigned long)r2.rlim_cur,
	    r2.rlim_max == old.rlim_max ? "yes" : "no");
	SYS(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r2));
	say("prlimit64 cur %lu", (unsigned long)r2.rlim_cur);
	r.rlim_cur = 50;
	SYS(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &r, &r2));
	say("old cur %lu", (unsigned long)r2.rlim_cur);
	SYS(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &r2));
	say("cur %lu", (unsigned long)r2.rlim_cur);
	r.rlim_cur = r.rlim_max + 1;
	if (r.rlim_max != RLIM_INFINITY)
		SYS_L("setrlimit(cur > max)", setrlimit(RLIMIT_NOFILE, &r));
	r.rlim_cur = 10;
	r.rlim_max = 5;
	SYS(setrlimit(RLIMIT_CORE, &r));
	SYS(setrlimit(99, &old));
	SYS(getrlimit(99, &r));
	SYS(syscall(SYS_prlimit64, 0, 99, NULL, &r2));
	SYS(syscall(SYS_prlimit64, 999999, RLIMIT_NOFILE, NULL, &r2));
	SYS(syscall(SYS_prlimit64, -1, RLIMIT_NOFILE, NULL, &r2));
	SYS(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL));
	SYS(setrlimit(RLIMIT_NOFILE, &old));
	SYS(getrlimit(RLIMIT_NOFILE, &r2));
	TRUE(r2.rlim_cur == old.rlim_cur);
	/* a lower soft stack limit reads back */
	SYS(getrlimit(RLIMIT_STACK, &old));
	r = old;
	r.rlim_cur = 4 << 20;
	if (r.rlim_max != RLIM_INFINITY && r.rlim_max < r.rlim_cur)
		r.rlim_cur = r.rlim_max;
	SYS(setrlimit(RLIMIT_STACK, &r));
	SYS(getrlimit(RLIMIT_STACK, &r2));
	TRUE(r2.rlim_cur == r.rlim_cur);
	SYS(setrlimit(RLIMIT_STACK, &old));
	/* every resource reads */
	for (int i = 0; i < 16; i++) {
		errno = 0;
		if (getrlimit(i, &r) < 0 || r.rlim_cur > r.rlim_max)
			say("resource %d: %s", i, errname(errno));
	}
}

static void t_sysinfo(void)
{
	struct sysinfo si;

	memset(&si, 0xff, sizeof si);
	SYS(sysinfo(&si));
	struct timespec boot;
	clock_gettime(CLOCK_BOOTTIME, &boot);
	TRUE_L("uptime == CLOCK_BOOTTIME seconds",
	       (long long)si.uptime - boot.tv_sec >= 0 &&
	       (long long)si.uptime - boot.tv_sec <= 1);
	TRUE(si.totalram > 0);
	TRUE(si.freeram <= si.totalram);
	TRUE(si.mem_unit >= 1);
	TRUE(si.procs >= 1);
	TRUE(si.totalswap >= si.freeswap);
}

static void t_sched(void)
{
	unsigned long mask[16];
	long r;
	int n = 0;

	SYS(sched_yield());
	memset(mask, 0, sizeof mask);
	r = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
	TRUE(r > 0 && r % 8 == 0);
	for (int i = 0; i < r * 8 && i < (int)sizeof mask * 8; i++)
		n += !!(mask[i / 64] & (1UL << (i % 64)));
	TRUE(n >= 1);
	TRUE(syscall(SYS_sched_getaffinity, getpid(), sizeof mask, mask) == r);
	SYS(syscall(SYS_sched_getaffinity, 0, 0, mask));
	SYS(syscall(SYS_sched_getaffinity, 0, 1, mask));
	SYS(syscall(SYS_sched_getaffinity, 0, 4, mask));
	SYS(syscall(SYS_sched_getaffinity, 999999, sizeof mask, mask));
	SYS(syscall(SYS_sched_getaffinity, -1, sizeof mask, mask));
	cpu_set_t set;
	CPU_ZERO(&set);
	SYS(sched_getaffinity(0, sizeof set, &set));
	TRUE(CPU_COUNT(&set) == n);
}

static void t_umask(void)
{
	struct stat st;
	int fd;

	say("umask(077) = %o", umask(077));
	fd = SYS(open("um1", O_WRONLY | O_CREAT, 0666));
	fstat(fd, &st);
	say("mode %o", st.st_mode & 07777);
	close(fd);
	say("umask(0) = %o", umask(0));
	fd = SYS(open("um2", O_WRONLY | O_CREAT, 0666));
	fstat(fd, &st);
	say("mode %o", st.st_mode & 07777);
	close(fd);
	say("umask(0177777) = %o", umask(0177777));
	say("umask(022) = %o", umask(022));
}

static void t_exec(void)
{
	char *argv[] = { self, "--exec-child", "arg one", "", NULL };
	char *envp[] = { "UMK_TEST=exec", NULL };
	char *sh_argv[] = { "exec.sh", NULL };

	SYS(execve(data_path("missing"), argv, envp));
	SYS(execve(data_path("noexec"), argv, envp));
	SYS(execve(data_path("dir"), argv, envp));
	SYS(execve(data_path("empty"), argv, envp));
	SYS(execve(data_path("hello.txt/x"), argv, envp));
	SYS(execve("", argv, envp));
	fflush(stdout);
	if (fork() == 0) {
		execve(data_path("exec.sh"), sh_argv, envp);
		_exit(99);
	}
	wait(NULL);
	execve(self, argv, envp);
	say("execve failed: %s", errname(errno));
}

static void t_execveat(void)
{
	char *argv[] = { self, "--exec-child", "via execveat", NULL };
	char *envp[] = { NULL };
	int fd;

	fd = SYS(open(self, O_PATH));
	SYS(syscall(SYS_execveat, fd, "x", argv, envp, 0));
	SYS(syscall(SYS_execveat, fd, "", argv, envp, 0));
	SYS(syscall(SYS_execveat, fd, "", argv, envp, 0x1));
	SYS(syscall(SYS_execveat, -1, "relative", argv, envp, 0));
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	say("execveat failed: %s", errname(errno));
}

static void exec_child(int argc, char **argv, char **envp)
{
	int i;

	printf("exec'd: argc %d\n", argc);
	for (i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	for (i = 0; envp[i]; i++)
		printf("env: %s\n", envp[i]);
	exit(9);
}

static void t_exit3(void)
{
	exit(3);
}

static void t_exit_256(void)
{
	exit(256 + 4);
}

static void t_exit_group(void)
{
	syscall(SYS_exit_group, 5);
	say("not reached");
}

static void t_exit_raw(void)
{
	/* the only thread: exit() ends the process */
	syscall(SYS_exit, 6);
	say("not reached");
}

static void t_exit_minus1(void)
{
	_exit(-1);
}

static const struct tcase cases[] = {
	{ t_uname, "uname" },
	{ t_ids, "ids" },
	{ t_fork_ids, "fork_ids" },
	{ t_arch_prctl, "arch_prctl" },
	{ t_prctl, "prctl" },
	{ t_robust_list, "robust_list" },
	{ t_rlimit, "rlimit" },
	{ t_sysinfo, "sysinfo" },
	{ t_sched, "sched" },
	{ t_umask, "umask" },
	{ t_exec, "exec" },
	{ t_execveat, "execveat" },
	/* these end the process: last, for the in-process fallback */
	{ t_exit3, "exit3" },
	{ t_exit_256, "exit_256" },
	{ t_exit_group, "exit_group" },
	{ t_exit_raw, "exit_raw" },
	{ t_exit_minus1, "exit_minus1" },
};

int main(int argc, char **argv, char **envp)
{
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		exec_child(argc, argv, envp);
	return harness_main(argc, argv, cases, NELEM(cases));
}
