/*
 * The stub: the host process that is one guest address space.
 *
 * Freestanding: no libc, raw system calls only, and no writable memory
 * once it is running, so guest code in the same address space can
 * neither change what the stub does nor reach a host system call.
 *
 * In a nutshell (ptrace-engine/README has the whole protocol):
 *   _start      switch to the stub's own stack, call stub_main;
 *   stub_main   close every fd but the two memory files, unmap every
 *               host mapping but the stub image (initial stack, vdso,
 *               vvar), map the vDSO again at STUB_VDSO, map the control
 *               pages read-only, wait for umk to
 *               attach (start-up pipe), drop privileges, install the
 *               seccomp filter found in the control pages, make the
 *               image read-only, and stop with int3: "ready";
 *   stub_batch  umk points rip here (PTRACE_CONT) to run the system
 *               calls listed in the control pages (mmap, munmap,
 *               mprotect of the memory file); int3 again when done,
 *               with rax = 0 or -errno of the failed call and r13 = the
 *               number of calls not run.
 *   doorbell    a stub started with mode "d" just sleeps in pause();
 *               umk's interrupt thread signals it to end a blocked
 *               waitpid() in the kernel thread.
 * Guest code runs under PTRACE_SYSEMU, so none of its system calls
 * reach the host; the filter only admits the stub's own few calls.
 */
#include "ptrace-engine/stub.h"

#define NR_read 0
#define NR_close 3
#define NR_rt_sigaction 13
#define NR_sigaltstack 131
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_pause 34
#define NR_exit_group 231
#define NR_prctl 157
#define NR_capset 126
#define NR_seccomp 317
#define NR_close_range 436
#define NR_arch_prctl 158
#define ARCH_MAP_VDSO_64 0x2003

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 1
#define MAP_FIXED 0x10
#define PR_SET_NO_NEW_PRIVS 38
#define PR_SET_DUMPABLE 4
#define SECCOMP_SET_MODE_FILTER 1

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long sys3(long nr, long a, long b, long c)
{
	return sys6(nr, a, b, c, 0, 0, 0);
}

static __attribute__((noreturn)) void die(int code)
{
	for (;;)
		sys3(NR_exit_group, code, 0, 0);
}

static int parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

extern char __stub_image_start[], __stub_image_end[];

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static void drop_privileges(void)
{
	struct cap_header h = { 0x20080522, 0 }; /* _LINUX_CAPABILITY_VERSION_3 */
	struct cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (sys3(NR_capset, (long)&h, (long)d, 0) < 0)
		die(STUB_EXIT_PRIVS);
	if (sys6(NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0) < 0)
		die(STUB_EXIT_PRIVS);
}

static void install_filter(const struct stub_ctl *ctl)
{
	struct {
		uint16_t len;
		uint64_t filter;
	} prog; /* struct sock_fprog */

	prog.len = (uint16_t)ctl->filter_len;
	prog.filter = (uint64_t)ctl->filter;
	if (ctl->filter_len == 0 ||
	    sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&prog) < 0)
		die(STUB_EXIT_SECCOMP);
}

/* ---- systrap: guest threads that trap by signal ---------------------------
 *
 * In a stub started with mode "t" the main thread stays umk's, under
 * ptrace, and only ever runs batches.  Guest threads are other host
 * threads, not traced: a batch clones one (STUB_CLONE_FLAGS_ST) onto a
 * stack in its message slot and it runs stub_thread_main, which sets
 * its signal stack, adds the strict seccomp filter from the control
 * pages (every system call traps with SIGSYS but the four below, and
 * only from the instructions here) and stops in stub_handler.
 *
 * stub_handler, on the signal stack, tells umk why (struct stub_msg),
 * rings the doorbell and waits for umk, which reads and writes the
 * registers in the signal frame itself; returning from the handler
 * (rt_sigreturn) resumes guest code with them.
 */
#define NR_rt_sigreturn 15
#define NR_futex 202
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTORER 0x04000000
#define MAP_SHARED_FIXED (MAP_SHARED | MAP_FIXED)

/* The only system calls a guest thread may make, each from its site. */
#define HIDDEN __attribute__((visibility("hidden")))
HIDDEN long stub_futex(uint32_t *addr, long op, long val, long timeout);
HIDDEN long stub_arch_prctl(long code, long addr);
HIDDEN void stub_exit_thread(void) __attribute__((noreturn));
HIDDEN void stub_restorer(void);
HIDDEN void stub_yield(void);
__asm__(".text\n"
	".globl stub_futex\n"
	"stub_futex:\n\t"
	"mov %rcx, %r10\n\t"
	"mov $202, %eax\n\t"
	"syscall\n"
	".globl stub_site_futex\n"
	"stub_site_futex:\n\t"
	"ret\n"
	".globl stub_arch_prctl\n"
	"stub_arch_prctl:\n\t"
	"mov $158, %eax\n\t"
	"syscall\n"
	".globl stub_site_arch_prctl\n"
	"stub_site_arch_prctl:\n\t"
	"ret\n"
	".globl stub_exit_thread\n"
	"stub_exit_thread:\n\t"
	"xor %edi, %edi\n\t"
	"mov $60, %eax\n\t"
	"syscall\n"
	".globl stub_site_exit\n"
	"stub_site_exit:\n\t"
	"jmp stub_exit_thread\n"
	".globl stub_yield\n"
	"stub_yield:\n\t"
	"mov $24, %eax\n\t"
	"syscall\n"
	".globl stub_site_yield\n"
	"stub_site_yield:\n\t"
	"ret\n"
	".globl stub_restorer\n"
	"stub_restorer:\n\t"
	"mov $15, %eax\n\t"
	"syscall\n"
	".globl stub_site_sigreturn\n"
	"stub_site_sigreturn:\n\t"
	"ud2\n");

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * Look at m->state for up to n TSC ticks, with a pause or a
 * sched_yield between looks; 1 once umk has answered.
 */
static int poll_answer(struct stub_msg *m, uint32_t n, int yield)
{
	uint64_t t0 = rdtsc();

	do {
		if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != MSG_TRAPPED)
			return 1;
		if (yield)
			stub_yield();
		else
			__asm__ volatile("pause" ::: "memory");
	} while (rdtsc() - t0 < n);
	return 0;
}

struct ksiginfo {
	int32_t signo, err, code, pad;
	uint64_t addr;       /* si_addr; SIGSYS: si_call_addr */
	int32_t syscall;     /* SIGSYS */
	uint32_t arch;       /* SIGSYS */
};

__attribute__((used)) void stub_handler(int sig, struct ksiginfo *si, void *uc)
{
	uint64_t sp;
	struct stub_msg *m;
	struct stub_bell *b = (struct stub_bell *)STUB_BELL;
	uint32_t n, st;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	m = (struct stub_msg *)(sp & ~(STUB_MSG_SLOT - 1));
	m->signo = sig;
	m->code = si->code;
	m->addr = si->addr;
	m->arch = sig == 31 ? si->arch : 0;
	m->uc = (uint64_t)uc;
	__atomic_store_n(&m->state, MSG_TRAPPED, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&b->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&b->sleeping, __ATOMIC_SEQ_CST))
		stub_futex(&b->seq, FUTEX_WAKE, 1, 0);
	/* umk says (spin) whether it has a CPU to answer on at once. */
	if ((n = m->spin) && poll_answer(m, n, 0))
		goto done;
	if ((n = m->yield) && poll_answer(m, n, 1))
		goto done;
	for (;;) {
		__atomic_store_n(&m->waiting, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&m->state, __ATOMIC_SEQ_CST) != MSG_TRAPPED)
			break;
		stub_futex(&m->state, FUTEX_WAIT, MSG_TRAPPED, 0);
	}
	__atomic_store_n(&m->waiting, 0, __ATOMIC_RELAXED);
done:
	st = __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);
	if (st == MSG_EXIT)
		stub_exit_thread();
	if (m->set_base) {
		if (m->set_base & 1)
			stub_arch_prctl(ARCH_SET_FS, m->fs_base);
		if (m->set_base & 2)
			stub_arch_prctl(ARCH_SET_GS, m->gs_base);
		m->set_base = 0;
	}
	__atomic_store_n(&m->state, MSG_RUNNING, __ATOMIC_RELEASE);
}

struct ksigaction {
	void *handler;
	uint64_t flags;
	void *restorer;
	uint64_t mask;
};

/* Map the doorbell and the message slots; every trap signal goes to
   stub_handler. */
static void systrap_setup(uint64_t msg_off)
{
	static const int sigs[] = { 31 /* SIGSYS */, 11 /* SIGSEGV */,
				    7 /* SIGBUS */, 4 /* SIGILL */,
				    8 /* SIGFPE */, 5 /* SIGTRAP */,
				    STUB_KICK_SIG };
	struct ksigaction sa = { (void *)stub_handler,
				 SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
				 (void *)stub_restorer, ~0ULL };

	if (sys6(NR_mmap, STUB_BELL, 0x1000, PROT_READ | PROT_WRITE,
		 MAP_SHARED_FIXED, STUB_MSGFD, 0) != (long)STUB_BELL ||
	    sys6(NR_mmap, STUB_MSG, STUB_MSG_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED_FIXED, STUB_MSGFD, msg_off) != (long)STUB_MSG)
		die(STUB_EXIT_MSG);
	sys3(NR_close, STUB_MSGFD, 0, 0);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sys6(NR_rt_sigaction, sigs[i], (long)&sa, 0, 8, 0, 0) < 0)
			die(STUB_EXIT_SIGNALS);
}

/*
 * A new guest thread, on the stack at the start of its message slot
 * (called from stub_batch in the child of a clone).
 */
__attribute__((noreturn, used, noinline)) void stub_thread_main(uint64_t slot)
{
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss = { slot + STUB_MSG_STACK, 0, 0, STUB_MSG_SLOT - STUB_MSG_STACK };
	const uint64_t *strict = (const uint64_t *)(STUB_CTL + STUB_STRICT_OFF);
	struct {
		uint16_t len;
		uint64_t filter;
	} prog = { (uint16_t)strict[0], (uint64_t)(strict + 1) };

	if (sys3(NR_sigaltstack, (long)&ss, 0, 0) < 0 || !strict[0] ||
	    sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&prog) < 0)
		die(STUB_EXIT_THREAD);
	/* The first stop: umk takes it for "ready", and resumes from it. */
	__asm__ volatile(".globl stub_thread_first\n"
			 "stub_thread_first:\n\t"
			 "ud2");
	__builtin_unreachable();
}

/* Called from _start on the stub's own stack with the initial stack. */
__attribute__((noreturn, used)) void stub_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	uint64_t ctl_off;
	long mode;
	char c;

	uint64_t msg_off = 0;

	/* argv lives on the initial stack, which is about to go. */
	if (argc < 3 || parse_hex(argv[2], &ctl_off) < 0)
		die(STUB_EXIT_ARGS);
	mode = argv[1][0];
	if ((mode == 't') != (argc == 4) ||
	    (mode == 't' && parse_hex(argv[3], &msg_off) < 0))
		die(STUB_EXIT_ARGS);
	/* Only the memory files and the start-up pipe stay open. */
	sys3(NR_close_range, 0, STUB_MEMFD - 1, 0);
	sys3(NR_close_range, mode == 't' ? STUB_MSGFD + 1 : STUB_MSGFD, ~0U,
	     0);
	/* Everything the host mapped for us but our image goes. */
	if (sys3(NR_munmap, 0, STUB_BASE, 0) < 0 ||
	    sys3(NR_munmap, STUB_END, STUB_HOST_TOP - STUB_END, 0) < 0)
		die(STUB_EXIT_UNMAP);
	/*
	 * The vDSO again, at a fixed place: guests read the time without a
	 * trap.  Without CONFIG_CHECKPOINT_RESTORE this fails and the
	 * guest simply makes system calls.
	 */
	sys3(NR_arch_prctl, ARCH_MAP_VDSO_64, STUB_VDSO, 0);
	if (sys6(NR_mmap, STUB_CTL, STUB_CTL_SIZE, PROT_READ,
		 MAP_SHARED | MAP_FIXED, STUB_CTLFD, ctl_off) != (long)STUB_CTL)
		die(STUB_EXIT_CTL);
	if (mode == 't')
		systrap_setup(msg_off);
	/* umk attaches with PTRACE_SEIZE, then writes one byte. */
	if (sys3(NR_read, STUB_SYNCFD, (long)&c, 1) != 1)
		die(STUB_EXIT_SYNC);
	sys3(NR_close, STUB_SYNCFD, 0, 0);
	drop_privileges();
	install_filter((const struct stub_ctl *)STUB_CTL);
	/*
	 * Make the image read-only and stop, without touching the stack
	 * again: after the mprotect the stack is not writable.
	 */
	register long r10 __asm__("r10") = mode;
	__asm__ volatile("syscall\n\t"
			 "cmp $'d', %%r10\n\t"
			 "jne 1f\n\t"
			 "2: mov %[pause], %%eax\n\t"
			 "syscall\n\t"
			 "jmp 2b\n\t"
			 "1: int3\n\t"
			 "jmp 1b\n\t"
			 :
			 : "a"(NR_mprotect), "D"(__stub_image_start),
			   "S"(__stub_image_end - __stub_image_start),
			   "d"(PROT_READ | PROT_EXEC), "r"(r10), [pause] "i"(NR_pause)
			 : "rcx", "r11", "memory");
	__builtin_unreachable();
}

/*
 * The entry point and the batch loop.  stub_batch uses no memory but
 * the read-only control pages.
 */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n\t"
	"mov %rsp, %rdi\n\t"
	"lea stub_stack_top(%rip), %rsp\n\t"
	"call stub_main\n\t"
	"ud2\n"
	".globl stub_batch\n"
	"stub_batch:\n\t"
	"mov stub_ctl_addr(%rip), %r12\n\t"
	"mov (%r12), %r13d\n\t"                 /* nops */
	"add $8, %r12\n"
	"1:\n\t"
	"test %r13, %r13\n\t"
	"jz 2f\n\t"
	"mov 0(%r12), %rax\n\t"
	"mov 8(%r12), %rdi\n\t"
	"mov 16(%r12), %rsi\n\t"
	"mov 24(%r12), %rdx\n\t"
	"mov 32(%r12), %r10\n\t"
	"mov 40(%r12), %r8\n\t"
	"mov 48(%r12), %r9\n\t"
	"syscall\n\t"
	"test %rax, %rax\n\t"
	"jnz 4f\n\t"
	"cmpq $56, 0(%r12)\n\t"               /* the child of a clone */
	"jne 4f\n\t"
	"mov %rsp, %rdi\n\t"
	"and $-0x8000, %rdi\n\t"              /* STUB_MSG_SLOT */
	"call stub_thread_main\n"
	"4:\n\t"
	"cmp $-4095, %rax\n\t"
	"jae 3f\n\t"
	"add $56, %r12\n\t"
	"dec %r13\n\t"
	"jmp 1b\n"
	"2:\n\t"
	"xor %eax, %eax\n"
	"3:\n\t"
	".globl stub_batch_trap\n"
	"stub_batch_trap:\n\t"
	"int3\n\t"
	"jmp 3b\n");

/* Where the control pages are, for stub_batch. */
__attribute__((used)) static const uint64_t stub_ctl_addr = STUB_CTL;

/* The stub's stack, used only during start-up. */
__attribute__((aligned(16), used)) static char stub_stack[8192];
__asm__(".set stub_stack_top, stub_stack + 8192");
