/*
 * System-call dispatch and the handler prototypes, generated from
 * syscalls.def.  Handlers are sys_<name>(struct task *t, args...):
 * argument checks here, mechanism in the subsystem.  They return a
 * result or -errno, which becomes the guest's rax.
 */
#ifndef UMK_SYSCALL_H
#define UMK_SYSCALL_H

#include "kernel/types.h"
#include "kernel/strace.h"

struct task;

enum {
#define S(nr, name, nargs, a1, a2, a3, a4, a5, a6) NR_##name = nr,
#define N(nr, name) NR_##name = nr,
#include "kernel/syscalls.def"
#undef S
#undef N
	NR_SYSCALLS = 463,
};

struct syscall_desc {
	const char *name;
	long (*fn)(struct task *t, u64, u64, u64, u64, u64, u64);
	u8 nargs;
	u8 arg[6];      /* enum arg_kind */
};

extern const struct syscall_desc syscall_table[NR_SYSCALLS];

/* Run the system call t trapped with; sets t->regs.rax. */
void syscall_dispatch(struct task *t);

/* Prototypes of every handler; the argument types are in the .c files. */
#define S(nr, name, ...) long sys_##name();
#define N(nr, name)
#include "kernel/syscalls.def"
#undef S
#undef N

#endif
