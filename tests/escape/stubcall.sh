#!/bin/bash
# A guest cannot borrow the stub's own system calls.  Every guest address
# space shares its host process with umk's stub (code at 0x7ff000000000),
# whose instructions include `syscall`s that the host lets through (the
# systrap engine's futex, rt_sigreturn, exit and arch_prctl; the batch
# runner's mmap of the memory file).  The guest program here finds every
# syscall instruction in the stub's image and jumps to each with:
#
#   mkdir   a host path (outside the root): must not appear on the host;
#   mmap    of the stub's memory-file descriptor: must not map anything
#           the guest can read;
#   exit    of the host thread: the guest process must still end (it is
#           killed, or ends normally) and umk must go on;
#   deaf    a forged rt_sigreturn frame that blocks every host signal and
#           loops: the process must still die of SIGKILL, and umk go on.
#
# Runs with each engine that works here.  Each check prints "ok NAME" or
# "FAIL NAME: why"; the script exits 1 if any failed.
#
#   tests/escape/stubcall.sh          (UMK=path/to/umk, default ./umk)
set -u
umk=$(realpath "${UMK:-./umk}")
cc=${CC:-cc}
work=$(mktemp -d /var/tmp/umk-stubcall.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL $1: $2"; failed=1; }
ok() { echo "ok $1"; }

cat > "$work/stubcall.c" << 'EOF'
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define STUB_BASE 0x7ff000000000UL
#define STUB_SCAN 0x10000UL
#define PROBE ((volatile unsigned char *)0x200000000UL)

static sigjmp_buf env;
static char stk[65536] __attribute__((aligned(16)));

static void on_sig(int sig)
{
	siglongjmp(env, sig);
}

static void landing(void)
{
	siglongjmp(env, 100);
}

static void spin(void)
{
	for (;;)
		__asm__ volatile("");
}

/* Jump to target with a system call's registers and a stack whose top
   returns to landing. */
static void jump(uintptr_t target, long nr, long a0, long a1, long a2,
		 long a3, long a4, long a5)
{
	uintptr_t *sp = (uintptr_t *)(stk + sizeof(stk) - 4096);
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;

	sp[0] = (uintptr_t)landing;
	__asm__ volatile("mov %[sp], %%rsp\n\tjmp *%[t]"
			 :
			 : [sp] "r"(sp), [t] "r"(target), "a"(nr), "D"(a0),
			   "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "memory");
	__builtin_unreachable();
}

/* A frame for rt_sigreturn at the top of stk: every signal blocked,
   and the code an endless loop. */
static void forge_frame(void)
{
	ucontext_t *uc = (ucontext_t *)(stk + sizeof(stk) - 4096);

	memset(uc, 0, sizeof(*uc));
	uc->uc_stack.ss_flags = SS_DISABLE;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)spin;
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)(stk + 8192);
	uc->uc_mcontext.gregs[REG_EFL] = 0x202;
	uc->uc_mcontext.gregs[REG_CSGSFS] = 0x33 | (0x2bL << 48);
	memset(&uc->uc_sigmask, 0xff, sizeof(uc->uc_sigmask));
}

static void catch_all(void)
{
	struct sigaction sa;
	int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGSYS, SIGFPE };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_NODEFER;
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* 1 if the probe address can be read (something mapped it). */
static int probe_readable(void)
{
	if (sigsetjmp(env, 1))
		return 0;
	(void)PROBE[0];
	return 1;
}

enum { MKDIR, MMAP, EXIT, DEAF, NATTACKS };
static const char *names[] = { "mkdir", "mmap", "exit", "deaf" };

/* Child: the attack at site; exit 0 if nothing escaped, 3 if it did. */
static void attack(uintptr_t site, int a, const char *hostpath)
{
	alarm(2);
	catch_all();
	if (!sigsetjmp(env, 1)) {
		switch (a) {
		case MKDIR:
			jump(site, 83, (long)hostpath, 0755, 0, 0, 0, 0);
		case MMAP:
			jump(site, 9, (long)PROBE, 4096, PROT_READ,
			     MAP_SHARED | MAP_FIXED, 3, 0);
		case EXIT:
			jump(site, 60, 0, 0, 0, 0, 0, 0);
		case DEAF:
			forge_frame();
			jump(site, 15, 0, 0, 0, 0, 0, 0);
		}
	}
	if (a == MMAP && probe_readable())
		_exit(3);
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned nsites = 0, escaped = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: stubcall HOSTPATH\n");
		return 2;
	}
	close(3);
	catch_all();
	for (uintptr_t off = 0; off + 1 < STUB_SCAN; off++) {
		volatile unsigned char *p = (volatile unsigned char *)(STUB_BASE + off);

		if (sigsetjmp(env, 1)) {
			off |= 0xfff; /* not readable: the next page */
			continue;
		}
		if (p[0] != 0x0f || p[1] != 0x05)
			continue;
		nsites++;
		for (int a = 0; a < NATTACKS; a++) {
			int status;
			pid_t pid = fork();

			if (pid == 0)
				attack(STUB_BASE + off, a, argv[1]);
			if (pid < 0) {
				perror("fork");
				return 2;
			}
			if (a == DEAF) {
				usleep(100000);
				kill(pid, SIGKILL);
			}
			if (waitpid(pid, &status, 0) != pid) {
				perror("waitpid");
				return 2;
			}
			if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
				printf("escaped: %s at stub+%#lx\n", names[a],
				       (unsigned long)off);
				escaped++;
			}
		}
	}
	printf("sites %u escaped %u\n", nsites, escaped);
	return escaped ? 1 : 0;
}
EOF
if ! "$cc" -O1 -static -o "$work/stubcall" "$work/stubcall.c" 2> "$work/cc.err"; then
	fail build "$(head -n 3 "$work/cc.err")"
	exit 1
fi
mkdir -p "$work/root/bin"
cp "$work/stubcall" "$work/root/bin/"
chmod -R a+rX "$work"

for engine in ptrace systrap; do
	hostpath=$work/escaped-$engine
	out=$(timeout -k 5 240 "$umk" run --engine "$engine" --root "$work/root" \
		-- /bin/stubcall "$hostpath" 2>&1)
	rc=$?
	if echo "$out" | grep -q "engine set-up failed\|does not let umk"; then
		echo "ok $engine: skipped, the engine does not work here"
		continue
	fi
	sites=$(echo "$out" | sed -n 's/^sites \([0-9]*\) .*/\1/p')
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		fail "$engine" "umk did not finish (exit $rc): $(echo "$out" | tail -n 2)"
	elif [ $rc != 0 ] || [ -z "$sites" ] || [ "$sites" -lt 2 ]; then
		fail "$engine" "exit $rc, sites '${sites}': $(echo "$out" | tail -n 3)"
	else
		ok "$engine: no system call through any of $sites stub sites"
	fi
	if [ -e "$hostpath" ]; then
		fail "$engine-mkdir" "the guest made $hostpath on the host"
	else
		ok "$engine-mkdir: no host directory made"
	fi
done
exit $failed
