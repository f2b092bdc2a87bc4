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

/* Called from _start on the stub's own stack with the initial stack. */
__attribute__((noreturn, used)) void stub_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	uint64_t ctl_off;
	long mode;
	char c;

	/* argv lives on the initial stack, which is about to go. */
	if (argc != 3 || parse_hex(argv[2], &ctl_off) < 0)
		die(STUB_EXIT_ARGS);
	mode = argv[1][0];
	/* Only the memory files and the start-up pipe stay open. */
	sys3(NR_close_range, 0, STUB_MEMFD - 1, 0);
	sys3(NR_close_range, STUB_SYNCFD + 1, ~0U, 0);
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
