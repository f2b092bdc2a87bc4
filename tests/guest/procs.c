/*
 * Processes: fork, vfork, wait4/waitpid (statuses, WNOHANG, ECHILD),
 * kill, SIGCHLD, copy-on-write memory and shared file offsets after a
 * fork.  Pids are never printed, only compared.
 */
#include "harness.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void show_status(const char *label, int st)
{
	if (WIFEXITED(st))
		say("%s: exited %d", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		say("%s: killed by %s", label, signame(WTERMSIG(st)));
	else
		say("%s: status %#x", label, st);
}

/* fork(), or print why not and return -1. */
static pid_t child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		say("fork = -1 %s", errname(errno));
	return pid;
}

static void t_wait_exit(void)
{
	pid_t pid, r;
	int st = -1;

	if ((pid = child()) == 0)
		_exit(5);
	if (pid < 0)
		return;
	r = waitpid(pid, &st, 0);
	TRUE(r == pid);
	show_status("child", st);
	SYS(waitpid(pid, &st, 0));
	if ((pid = child()) == 0)
		exit(300);
	r = wait(&st);
	TRUE(r == pid);
	show_status("exit(300)", st);
	if ((pid = child()) == 0)
		_exit(0);
	SYS(waitpid(pid, NULL, 0) == pid);
}

static void t_wait_signal(void)
{
	static const int sigs[] = { SIGKILL, SIGTERM, SIGUSR1, SIGSEGV };
	pid_t pid;
	int st;

	for (unsigned i = 0; i < NELEM(sigs); i++) {
		if ((pid = child()) == 0) {
			kill(getpid(), sigs[i]);
			_exit(99);
		}
		if (pid < 0)
			return;
		waitpid(pid, &st, 0);
		show_status(signame(sigs[i]), st);
	}
	/* ignored: the child goes on */
	if ((pid = child()) == 0) {
		signal(SIGUSR2, SIG_IGN);
		kill(getpid(), SIGUSR2);
		_exit(7);
	}
	waitpid(pid, &st, 0);
	show_status("ignored SIGUSR2", st);
}

static void t_wait_nohang(void)
{
	pid_t pid;
	int st = 0x5555;

	if ((pid = child()) == 0) {
		sleep_ms(150);
		_exit(2);
	}
	if (pid < 0)
		return;
	SYS(waitpid(pid, &st, WNOHANG));
	say("status untouched: %s", st == 0x5555 ? "yes" : "no");
	TRUE(waitpid(-1, &st, 0) == pid);
	show_status("later", st);
	SYS(waitpid(-1, &st, WNOHANG));
}

static void t_wait_errors(void)
{
	int st;

	SYS(waitpid(-1, &st, 0));
	SYS(waitpid(-1, &st, WNOHANG));
	SYS(waitpid(999999, &st, 0));
	SYS(waitpid(getpid(), &st, 0));
	SYS(syscall(SYS_wait4, -1, &st, 0x12345, NULL));
	SYS(syscall(SYS_wait4, -1, &st, -1, NULL));
	pid_t pid = child();
	if (pid == 0)
		_exit(1);
	SYS(syscall(SYS_wait4, pid, (void *)1, 0, NULL));
	/* Linux reaped it all the same */
	SYS(waitpid(pid, &st, 0));
}

static void t_wait_any(void)
{
	int seen[4] = { 0 }, st, i;
	pid_t pids[3], r;

	for (i = 0; i < 3; i++) {
		if ((pids[i] = child()) == 0) {
			sleep_ms(10 * (3 - i));
			_exit(i + 1);
		}
		if (pids[i] < 0)
			return;
	}
	for (i = 0; i < 3; i++) {
		r = wait(&st);
		if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) <= 3 &&
		    r == pids[WEXITSTATUS(st) - 1])
			seen[WEXITSTATUS(st)]++;
	}
	say("reaped: %d %d %d", seen[1], seen[2], seen[3]);
	SYS(wait(&st));
	/* rusage is filled in */
	struct rusage ru;
	if ((pids[0] = child()) == 0)
		_exit(0);
	SYS(wait4(pids[0], &st, 0, &ru) == pids[0]);
}

static void t_kill(void)
{
	pid_t pid;
	int st;

	if ((pid = child()) == 0) {
		for (;;)
			sleep_ms(10);
	}
	if (pid < 0)
		return;
	SYS(kill(pid, 0));
	SYS(kill(pid, 65));
	SYS(kill(pid, -1));
	SYS(kill(pid, SIGTERM));
	sleep_ms(50);
	/* a zombie still exists for kill */
	SYS(kill(pid, 0));
	waitpid(pid, &st, 0);
	show_status("killed child", st);
	SYS(kill(pid, 0));
	SYS(kill(999999, 0));
	SYS(kill(999999, SIGTERM));
	SYS(kill(getpid(), 0));
}

static volatile int chld_count;
static volatile int chld_code;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	chld_count++;
	chld_code = si->si_code;
}

static void t_sigchld(void)
{
	struct sigaction sa;
	pid_t pid;
	int st, i;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	if ((pid = child()) == 0)
		_exit(4);
	if (pid < 0)
		return;
	for (i = 0; i < 200 && !chld_count; i++)
		sleep_ms(5);
	say("SIGCHLD seen %d times, %s", chld_count,
	    chld_code == CLD_EXITED ? "CLD_EXITED" : "other code");
	waitpid(pid, &st, 0);
	show_status("child", st);
	/* SA_NOCLDWAIT-less SIG_IGN: children are reaped automatically */
	signal(SIGCHLD, SIG_IGN);
	if ((pid = child()) == 0)
		_exit(0);
	SYS(waitpid(pid, &st, 0));
}

static void t_cow(void)
{
	static int global = 1;
	size_t len = 1 << 20;
	unsigned char *big = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int local = 10, st;
	pid_t pid;

	memset(big, 0xaa, len);
	*shared = 0;
	if ((pid = child()) == 0) {
		int ok = global == 1 && local == 10 && big[len - 1] == 0xaa;

		global = 2;
		local = 20;
		memset(big, 0x55, len);
		*shared = 42;
		_exit(ok ? 0 : 1);
	}
	if (pid < 0)
		return;
	waitpid(pid, &st, 0);
	show_status("child saw the parent's memory", st);
	say("parent after the child wrote: global %d local %d big %#x shared %d",
	    global, local, big[12345], *shared);
	/* and the other way round */
	if ((pid = child()) == 0) {
		sleep_ms(50);
		_exit(global == 1 && big[0] == 0xaa ? 0 : 1);
	}
	global = 3;
	memset(big, 0x11, len);
	waitpid(pid, &st, 0);
	show_status("child kept its copy", st);
}

static void t_fork_fds(void)
{
	char buf[8];
	pid_t pid;
	int fd, st;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	if ((pid = child()) == 0) {
		read(fd, buf, 5);
		_exit(0);
	}
	if (pid < 0)
		return;
	waitpid(pid, &st, 0);
	/* the child's read moved the shared offset */
	SYS(lseek(fd, 0, SEEK_CUR));
	SYS(read(fd, buf, 2));
	show_bytes("then", buf, 2);
	/* a descriptor the child closes stays open in the parent */
	if ((pid = child()) == 0) {
		close(fd);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	SYS(fcntl(fd, F_GETFD));
	close(fd);
}

static void t_vfork(void)
{
	volatile int touched = 0;
	pid_t pid;
	int st;

	pid = vfork();
	if (pid == 0) {
		touched = 1;    /* vfork shares the memory */
		_exit(3);
	}
	if (pid < 0) {
		say("vfork = -1 %s", errname(errno));
		return;
	}
	waitpid(pid, &st, 0);
	show_status("vfork child", st);
	say("parent sees the child's write: %s", touched ? "yes" : "no");
}

static void t_many(void)
{
	int ok = 0, st, i;
	pid_t pid;

	/* fifty short-lived children, one after the other */
	for (i = 0; i < 50; i++) {
		if ((pid = child()) == 0)
			_exit(i & 0x7f);
		if (pid < 0)
			return;
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == (i & 0x7f))
			ok++;
	}
	say("children with the right status: %d", ok);
	/* grandchildren: a child forks and waits for its own child */
	if ((pid = child()) == 0) {
		pid_t g = fork();

		if (g == 0)
			_exit(6);
		waitpid(g, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) + 10 : 0);
	}
	waitpid(pid, &st, 0);
	show_status("child of a child", st);
}

static const struct tcase cases[] = {
	{ t_wait_exit, "wait_exit" },
	{ t_wait_signal, "wait_signal" },
	{ t_wait_nohang, "wait_nohang" },
	{ t_wait_errors, "wait_errors" },
	{ t_wait_any, "wait_any" },
	{ t_kill, "kill" },
	{ t_sigchld, "sigchld" },
	{ t_cow, "cow" },
	{ t_fork_fds, "fork_fds" },
	{ t_vfork, "vfork" },
	{ t_many, "many" },
};

HARNESS_MAIN(cases)
