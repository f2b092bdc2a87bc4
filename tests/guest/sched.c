/*
 * Scheduling and machine settings: affinity, policies and priorities,
 * nice, I/O priority, personality, capabilities, names, membarrier,
 * prctl.  Privileged answers are printed as "as expected" against
 * getuid(), since the guest's root and the native runner's may differ.
 */
#include "harness.h"
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/personality.h>

/* <linux/capability.h>, which musl does not ship */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_CHOWN 0
struct __user_cap_header_struct {
	unsigned version;
	int pid;
};
struct __user_cap_data_struct {
	unsigned effective, permitted, inheritable;
};

/*
 * A call that needs privilege: root must succeed, others fail with
 * want.  Prints the same line either way when the kernel is right.
 */
static void expect(const char *what, long r, int want_errno_if_unpriv)
{
	int e = errno;

	if (getuid() == 0 ? r == 0 : (r == -1 && e == want_errno_if_unpriv))
		say("%s: as expected", what);
	else
		say("%s: unexpected (%ld %s)", what, r, r == -1 ? errname(e) : "");
}

static void t_affinity(void)
{
	cpu_set_t s;
	unsigned cpu = 99;

	CPU_ZERO(&s);
	SYS(sched_getaffinity(0, sizeof s, &s));
	TRUE(CPU_COUNT(&s) >= 1);
	SYS(syscall(SYS_sched_getaffinity, 0, 1, &s));
	SYS(syscall(SYS_sched_getaffinity, 0, 12, &s));
	SYS(syscall(SYS_sched_getaffinity, 0, 8, NULL));
	SYS(sched_getaffinity(999999, sizeof s, &s));
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	SYS(sched_setaffinity(0, sizeof s, &s));
	CPU_ZERO(&s);
	SYS(sched_getaffinity(0, sizeof s, &s));
	say("count after pinning: %d, cpu0: %d", CPU_COUNT(&s), (int)CPU_ISSET(0, &s));
	SYS(syscall(SYS_getcpu, &cpu, NULL, NULL));
	say("getcpu: %u", cpu);
	CPU_ZERO(&s);
	SYS(sched_setaffinity(0, sizeof s, &s));
	SYS(syscall(SYS_sched_setaffinity, 0, 8, NULL));
	SYS(sched_setaffinity(999999, sizeof s, &s));
	/* a child inherits the mask */
	CPU_SET(0, &s);
	sched_setaffinity(0, sizeof s, &s);
	if (fork() == 0) {
		CPU_ZERO(&s);
		sched_getaffinity(0, sizeof s, &s);
		say("child count: %d", CPU_COUNT(&s));
		_exit(0);
	}
	wait(NULL);
}

static void t_policy(void)
{
	struct sched_param sp = { 0 };
	struct timespec ts;
	int pols[] = { SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH,
		       SCHED_IDLE, 6, 4, 7, -1 };

	for (unsigned i = 0; i < NELEM(pols); i++) {
		errno = 0;
		long mx = sched_get_priority_max(pols[i]);
		int e1 = errno;
		long mn = sched_get_priority_min(pols[i]);

		say("policy %d: max %ld%s min %ld", pols[i], mx,
		    mx < 0 ? errname(e1) : "", mn);
	}
	SYS(sched_getscheduler(0));
	SYS(sched_getscheduler(-1));
	SYS(sched_getscheduler(999999));
	SYS(sched_getparam(0, &sp));
	say("priority %d", sp.sched_priority);
	SYS(sched_getparam(0, NULL));
	SYS(sched_setscheduler(0, SCHED_BATCH, &sp));
	SYS(sched_getscheduler(0));
	SYS(sched_setscheduler(0, SCHED_OTHER, &sp));
	sp.sched_priority = 5;
	SYS(sched_setscheduler(0, SCHED_OTHER, &sp));
	SYS(sched_setscheduler(0, 77, &sp));
	SYS(sched_setscheduler(0, SCHED_OTHER, NULL));
	SYS(sched_setscheduler(-1, SCHED_OTHER, &sp));
	sp.sched_priority = 100;
	SYS(sched_setscheduler(0, SCHED_FIFO, &sp));
	/* real-time needs privilege: in a child, then back to normal */
	if (fork() == 0) {
		sp.sched_priority = 1;
		long r = sched_setscheduler(0, SCHED_RR, &sp);

		expect("SCHED_RR", r, EPERM);
		if (r == 0) {
			/* nothing printed: a root-only path */
			if (sched_getscheduler(0) != SCHED_RR ||
			    sched_rr_get_interval(0, &ts) ||
			    (!ts.tv_nsec && !ts.tv_sec))
				say("SCHED_RR: not in effect");
			sp.sched_priority = 0;
			sched_setscheduler(0, SCHED_OTHER, &sp);
		}
		_exit(0);
	}
	wait(NULL);
	SYS(sched_rr_get_interval(-1, &ts));
	SYS(sched_rr_get_interval(999999, &ts));
}

static void t_nice(void)
{
	SYS(getpriority(PRIO_PROCESS, 0));
	SYS(setpriority(PRIO_PROCESS, 0, 5));
	SYS(getpriority(PRIO_PROCESS, 0));
	SYS(nice(0));
	SYS(setpriority(PRIO_PROCESS, 0, 100));
	SYS(getpriority(PRIO_PROCESS, 0));
	SYS(getpriority(PRIO_PGRP, 0) >= 0);
	SYS(getpriority(5, 0));
	SYS(setpriority(5, 0, 0));
	SYS(getpriority(PRIO_PROCESS, 999999));
	SYS(setpriority(PRIO_PROCESS, 999999, 0));
	if (fork() == 0) {
		SYS(getpriority(PRIO_PROCESS, 0));
		expect("lower nice", setpriority(PRIO_PROCESS, 0, -5), EACCES);
		_exit(0);
	}
	wait(NULL);
}

static void t_ioprio(void)
{
	SYS(syscall(SYS_ioprio_get, 1, 0));
	SYS(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 7));
	SYS(syscall(SYS_ioprio_get, 1, 0));
	SYS(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 8));
	SYS(syscall(SYS_ioprio_set, 1, 0, (3 << 13) | 1));
	SYS(syscall(SYS_ioprio_set, 1, 0, (5 << 13)));
	SYS(syscall(SYS_ioprio_set, 9, 0, 0));
	SYS(syscall(SYS_ioprio_get, 9, 0));
	SYS(syscall(SYS_ioprio_get, 1, 999999));
	if (fork() == 0) {
		SYS(syscall(SYS_ioprio_get, 1, 0));
		_exit(0);
	}
	wait(NULL);
}

static void t_personality(void)
{
	SYS(personality(0xffffffff));
	SYS(personality(PER_LINUX | ADDR_NO_RANDOMIZE));
	SYS(personality(0xffffffff));
	if (fork() == 0) {
		SYS(personality(0xffffffff));
		_exit(0);
	}
	wait(NULL);
	SYS(personality(PER_LINUX));
}

static void t_caps(void)
{
	struct __user_cap_header_struct h = { 0, 0 };
	struct __user_cap_data_struct d[2];

	SYS(syscall(SYS_capget, &h, NULL));
	say("version now %#x", h.version);
	h.version = 0;
	SYS(syscall(SYS_capget, &h, d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	SYS(syscall(SYS_capget, &h, d));
	TRUE_L("effective non-empty iff euid 0",
	       (d[0].effective != 0) == (geteuid() == 0));
	TRUE_L("effective within permitted",
	       !(d[0].effective & ~d[0].permitted) &&
	       !(d[1].effective & ~d[1].permitted));
	h.pid = -1;
	SYS(syscall(SYS_capget, &h, d));
	h.pid = 999999;
	SYS(syscall(SYS_capget, &h, d));
	h.pid = 0;
	SYS(syscall(SYS_capget, (void *)1, d));
	if (fork() == 0) {
		/* drop one: it stays dropped */
		syscall(SYS_capget, &h, d);
		d[0].effective &= ~(1u << CAP_CHOWN);
		SYS(syscall(SYS_capset, &h, d));
		syscall(SYS_capget, &h, d);
		say("CAP_CHOWN effective: %d", !!(d[0].effective & (1u << CAP_CHOWN)));
		/* bits past the last capability are dropped, not refused */
		d[1].permitted |= 1u << 30;
		d[1].effective |= 1u << 30;
		SYS(syscall(SYS_capset, &h, d));
		h.pid = 1;
		SYS(syscall(SYS_capset, &h, d) == -1);
		_exit(0);
	}
	wait(NULL);
	SYS(prctl(PR_CAPBSET_READ, CAP_CHOWN));
	SYS(prctl(PR_CAPBSET_READ, 1000));
}

static void t_names(void)
{
	struct utsname u;

	SYS(uname(&u));
	say("sysname %s machine %s", u.sysname, u.machine);
	SYS(uname(NULL));
	if (fork() == 0) {
		setresuid(65534, 65534, 65534);
		SYS(sethostname("x", 1));
		SYS(setdomainname("x", 1));
		SYS(sethostname("x", 100));
		_exit(0);
	}
	wait(NULL);
}

static void t_membarrier(void)
{
	long q = syscall(SYS_membarrier, 0, 0, 0);

	TRUE_L("query has GLOBAL and PRIVATE_EXPEDITED", q > 0 && (q & 1) && (q & 8));
	SYS(syscall(SYS_membarrier, 1, 0, 0));
	SYS(syscall(SYS_membarrier, 8, 0, 0));
	SYS(syscall(SYS_membarrier, 16, 0, 0));
	SYS(syscall(SYS_membarrier, 8, 0, 0));
	SYS(syscall(SYS_membarrier, 0, 1, 0));
	SYS(syscall(SYS_membarrier, 3, 0, 0));
	SYS(syscall(SYS_membarrier, 1 << 20, 0, 0));
}

static void t_prctl(void)
{
	char name[32] = { 0 };
	int v = -1;

	SYS(prctl(PR_SET_NAME, "renamed-task-long-name"));
	SYS(prctl(PR_GET_NAME, name));
	say("name: %s", name);
	SYS(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	SYS(prctl(PR_GET_PDEATHSIG, &v));
	say("pdeathsig %d", v);
	SYS(prctl(PR_SET_PDEATHSIG, 99));
	SYS(prctl(PR_GET_CHILD_SUBREAPER, &v));
	say("subreaper %d", v);
	SYS(prctl(PR_GET_KEEPCAPS));
	SYS(prctl(PR_SET_KEEPCAPS, 2));
	SYS(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	SYS(prctl(PR_GET_TIMERSLACK));
	SYS(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	SYS(prctl(PR_GET_SECUREBITS));
	SYS(prctl(PR_GET_DUMPABLE));
	SYS(prctl(12345));
}

/* A subreaper adopts its orphaned grandchildren; PR_SET_PDEATHSIG fires. */
static void t_subreaper(void)
{
	int fds[2];
	char buf[64] = { 0 };

	SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	if (pipe(fds) < 0)
		return;
	if (fork() == 0) {
		pid_t mid = getpid();

		if (fork() == 0) {
			/* wait to be orphaned */
			while (getppid() == mid)
				usleep(1000);
			snprintf(buf, sizeof buf, "%d", getppid());
			write(fds[1], buf, strlen(buf));
			_exit(0);
		}
		_exit(0);
	}
	wait(NULL);
	read(fds[0], buf, sizeof buf - 1);
	TRUE_L("orphan's parent is the subreaper", atoi(buf) == getpid());
	while (wait(NULL) > 0)
		;
	/* pdeathsig: a child asks for SIGUSR2 when its parent (a
	   middle process) dies */
	if (fork() == 0) {
		if (fork() == 0) {
			sigset_t s;
			int sig = 0;

			sigemptyset(&s);
			sigaddset(&s, SIGUSR2);
			sigprocmask(SIG_BLOCK, &s, NULL);
			prctl(PR_SET_PDEATHSIG, SIGUSR2);
			write(fds[1], "r", 1);
			sigwait(&s, &sig);
			say("grandchild got %s", signame(sig));
			_exit(0);
		}
		read(fds[0], buf, 1);
		_exit(0);
	}
	wait(NULL);
	while (wait(NULL) > 0)
		;
}

static const struct tcase cases[] = {
	{ t_affinity, "affinity" },
	{ t_policy, "policy" },
	{ t_nice, "nice" },
	{ t_ioprio, "ioprio" },
	{ t_personality, "personality" },
	{ t_caps, "caps" },
	{ t_names, "names" },
	{ t_membarrier, "membarrier" },
	{ t_prctl, "prctl" },
	{ t_subreaper, "subreaper" },
};

HARNESS_MAIN(cases)
