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
/*
 * systrap engine only: the doorbell page every systrap stub shares with
 * umk, and the space's own message region, one STUB_MSG_SLOT per host
 * thread that carries guest threads (both read-write, both from the
 * message memory file).
 */
#define STUB_BELL (STUB_BASE + 0x1ff000ULL)
#define STUB_MSG (STUB_BASE + 0x200000ULL)
#define STUB_MSG_SLOT 0x8000ULL
#define STUB_MSG_SLOTS 256
#define STUB_MSG_SIZE (STUB_MSG_SLOT * STUB_MSG_SLOTS)
#define STUB_END (STUB_MSG + STUB_MSG_SIZE)
/* The host's user address-space top (4-level paging). */
#define STUB_HOST_TOP 0x7ffffffff000ULL

/*
 * How a batch makes another host thread of the stub: CLONE_VM |
 * CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
 * no stack (the new thread stops before it runs an instruction).
 */
#define STUB_CLONE_FLAGS 0x50f00ULL
/*
 * systrap: the same plus CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
 * (the message slot's tid word), with a stack in the message slot; the
 * child runs stub_thread_main.
 */
#define STUB_CLONE_FLAGS_ST 0x350f00ULL

/* File descriptors the stub is started with. */
#define STUB_MEMFD 3 /* physical memory */
#define STUB_CTLFD 4 /* umk's control memory */
#define STUB_SYNCFD 5 /* read end of the start-up pipe */
#define STUB_MSGFD 6 /* systrap: the message memory */

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

/*
 * The last STUB_STRICT_SIZE bytes of the control pages hold the seccomp
 * filter a systrap stub's guest threads add to the stub's own: a
 * uint64_t instruction count, then the instructions.
 */
#define STUB_STRICT_SIZE 1024ULL
#define STUB_STRICT_OFF (STUB_CTL_SIZE - STUB_STRICT_SIZE)

#define STUB_MAX_OPS \
	((STUB_STRICT_OFF - sizeof(uint64_t)) / sizeof(struct stub_op))

/*
 * systrap: the doorbell page.  A guest thread that traps bumps seq and,
 * when umk sleeps, wakes it (FUTEX_WAKE on seq).  Guest code can write
 * here: umk treats seq as a hint and checks each thread's own slot.
 */
struct stub_bell {
	uint32_t seq;
	uint32_t sleeping;
};

/*
 * systrap: the head of a host thread's message slot.  The rest of the
 * slot is the thread's signal stack: a trap (SIGSYS from the seccomp
 * filter, a fault, the kick signal) runs stub_handler there, which
 * fills this in, sets state TRAPPED and waits for umk to set RESUME
 * (registers written into the signal frame) or EXIT.
 */
struct stub_msg {
	uint32_t state;     /* MSG_*, a futex */
	uint32_t waiting;   /* the handler sleeps on state */
	int32_t signo;
	int32_t code;       /* si_code */
	uint64_t addr;      /* si_addr */
	uint64_t uc;        /* the handler's ucontext (stub address) */
	uint32_t arch;      /* SIGSYS: si_arch */
	uint32_t set_base;  /* 1: fs_base, 2: gs_base to load first */
	uint64_t fs_base, gs_base;
	uint32_t tid;       /* set by clone, cleared when the thread ends */
	uint32_t spin;      /* handler: TSC ticks to poll state before
			       sleeping (0: sleep at once) */
	uint32_t yield;     /* handler: TSC ticks to poll state after
			       spin, giving the CPU away between polls
			       (sched_yield) */
};

#define MSG_RUNNING 0
#define MSG_TRAPPED 1
#define MSG_RESUME 2
#define MSG_EXIT 3

/* Where a new thread's first stack ends and its signal stack begins. */
#define STUB_MSG_STACK 0x1000ULL
/* The signal umk kicks a running systrap thread with (SIGUSR2). */
#define STUB_KICK_SIG 12

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
#define STUB_EXIT_MSG 108
#define STUB_EXIT_SIGNALS 109
#define STUB_EXIT_THREAD 110

#endif
