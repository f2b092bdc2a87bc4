/*
 * sysemu-rt: the floor of any ptrace kernel.  A tracer and a tracee;
 * the tracee loops on syscall(SYS_getpid), the tracer answers every
 * call with waitpid + PTRACE_SYSEMU, so the call never reaches the
 * host kernel.  Prints the median time of one round trip:
 *
 *   sysemu_rt_ns <ns>        waitpid + PTRACE_SYSEMU
 *   sysemu_regs_rt_ns <ns>   waitpid + PTRACE_GETREGS +
 *                            PTRACE_POKEUSER(rax) + PTRACE_SYSEMU,
 *                            the least a kernel does to serve a call
 *
 *   sysemu-rt [ROUND_MS [ROUNDS]]
 *
 * Each round lasts about ROUND_MS milliseconds (default 100); the
 * count of calls per round is calibrated in a warm-up.  CPU placement
 * is left to the caller (taskset -c 0 pins tracer and tracee alike).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

static pid_t child;

static void die(const char *what)
{
	fprintf(stderr, "sysemu-rt: %s: %s\n", what, strerror(errno));
	if (child > 0)
		kill(child, SIGKILL);
	exit(1);
}

/* One syscall round trip of the tracee; with_regs adds the register
 * traffic a kernel needs to read the call and write its result. */
static void round_trip(int with_regs)
{
	int st;

	if (waitpid(child, &st, 0) != child)
		die("waitpid");
	if (!WIFSTOPPED(st)) {
		errno = ECHILD;
		die("tracee gone");
	}
	if (with_regs) {
		struct user_regs_struct r;

		if (ptrace(PTRACE_GETREGS, child, 0, &r) < 0)
			die("PTRACE_GETREGS");
		if (ptrace(PTRACE_POKEUSER, child,
			   offsetof(struct user_regs_struct, rax),
			   (void *)(long)child) < 0)
			die("PTRACE_POKEUSER");
	}
	if (ptrace(PTRACE_SYSEMU, child, 0, 0) < 0)
		die("PTRACE_SYSEMU");
}

static double measure(int with_regs, double round_ms, int rounds)
{
	double v[64];
	long calls = 64, i;
	int r;

	/* warm up and calibrate: grow until one batch takes >= 10 ms */
	for (;;) {
		uint64_t t0 = now_ns();

		for (i = 0; i < calls; i++)
			round_trip(with_regs);
		uint64_t dt = now_ns() - t0;
		if (dt >= 10000000ull) {
			calls = (long)(calls * (round_ms * 1e6 / dt)) + 1;
			break;
		}
		calls *= 2;
	}
	for (r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < calls; i++)
			round_trip(with_regs);
		v[r] = (double)(now_ns() - t0) / calls;
	}
	return median(v, rounds);
}

int main(int argc, char **argv)
{
	double round_ms = (double)arg_long(argc, argv, 1, 100);
	int rounds = (int)arg_long(argc, argv, 2, 5);
	int st;

	if (round_ms < 1 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: sysemu-rt [ROUND_MS [ROUNDS<=64]]\n");
		return 2;
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(127);
		raise(SIGSTOP);
		for (;;)
			syscall(SYS_getpid);
	}
	if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st))
		die("waiting for the tracee to stop");
	if (ptrace(PTRACE_SETOPTIONS, child, 0, (void *)PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SETOPTIONS");
	if (ptrace(PTRACE_SYSEMU, child, 0, 0) < 0)
		die("PTRACE_SYSEMU");

	printf("sysemu_rt_ns %.1f\n", measure(0, round_ms, rounds));
	printf("sysemu_regs_rt_ns %.1f\n", measure(1, round_ms, rounds));
	fflush(stdout);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	return 0;
}
