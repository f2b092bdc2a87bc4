/*
 * What umk and the stub agree on: where the stub lives in every guest
 * address space, its file descriptors, and the layout of its control
 * page.  Included by the freestanding stub, so stdint only.
 */
#ifndef UMK_PTRACE_STUB_H
#define UMK_PTRACE_STUB_H

#include <stdint.h>

/*
 * The stub's image is linked at STUB_BASE; its control pages are
 * mapped read-only at STUB_CTL.  Guest addresses end below STUB_BASE.
 * STUB_BASE sits below the lowest place the host can put an initial
 * stack (16 GiB of randomisation under the 47-bit top), so the stub's
 * exec never collides with its own stack.
 */
#define STUB_BASE 0x7ff000000000ULL
#define STUB_CTL (STUB_BASE + 0x100000ULL)
#define STUB_CTL_SIZE 0x4000ULL
/*
 * The host's vDSO (and its data pages before it), moved here at start-up
 * with ARCH_MAP_VDSO_64 so that it sits at the same address in every
 * stub (a forked guest keeps its parent's pointers into it).
 */
#define STUB_VDSO (STUB_BASE + 0x180000ULL)
#define STUB_END (STUB_BASE + 0x200000ULL)
/* The host's user address-space top (4-level paging). */
#define STUB_HOST_TOP 0x7ffffffff000ULL

/*
 * How a batch makes another host thread of the stub: CLONE_VM |
 * CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
 * no stack (the new thread stops before it runs an instruction).
 */
#define STUB_CLONE_FLAGS 0x50f00ULL

/* File descriptors the stub is started with. */
#define STUB_MEMFD 3 /* physical memory */
#define STUB_CTLFD 4 /* umk's control memory */
#define STUB_SYNCFD 5 /* read end of the start-up pipe */

/*
 * One system call of a batch.  The stub runs them in order and stops
 * at the first that fails.
 */
struct stub_op {
	uint64_t nr;
	uint64_t arg[6];
};

/*
 * The control pages.  umk writes them through its own mapping while
 * the stub thread is stopped; the stub only reads them.  At start-up
 * they hold the seccomp filter instead of ops.
 */
struct stub_ctl {
	uint32_t nops;
	uint32_t filter_len; /* start-up only: sock_filter count */
	union {
		struct stub_op ops[1];
		uint64_t filter[1]; /* struct sock_filter[filter_len] */
	};
};

#define STUB_MAX_OPS \
	((STUB_CTL_SIZE - sizeof(uint64_t)) / sizeof(struct stub_op))

/*
 * Exit codes of a stub that failed to start; each step has its own,
 * so umk can say which step failed.
 */
#define STUB_EXIT_ARGS 101
#define STUB_EXIT_UNMAP 102
#define STUB_EXIT_CTL 103
#define STUB_EXIT_SYNC 104
#define STUB_EXIT_PRIVS 105
#define STUB_EXIT_SECCOMP 106
#define STUB_EXIT_EXEC 107

#endif
