/*
 * System-call dispatch.  The table comes from syscalls.def; a number
 * that is not in it, or whose call umk does not implement, returns
 * -ENOSYS and shows up under --strace.
 *
 * Handlers take typed arguments (int fd, uaddr_t buf, ...).  They are
 * called through one generic pointer type with six 64-bit arguments:
 * on x86-64 every argument travels in its own register, and a handler
 * reads only the width it declares, as Linux's SYSCALL_DEFINE does.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/syscall.h"
#include "kernel/strace.h"

typedef long (*syscall_fn)(struct task *, u64, u64, u64, u64, u64, u64);

const struct syscall_desc syscall_table[NR_SYSCALLS] = {
#define S(nr, name, n, a1, a2, a3, a4, a5, a6)                             \
	[nr] = { #name, (syscall_fn)(void (*)(void))sys_##name, n,        \
		 { a1, a2, a3, a4, a5, a6 } },
#define N(nr, name) [nr] = { #name, NULL, 0, { 0 } },
#include "kernel/syscalls.def"
#undef S
#undef N
};

void syscall_dispatch(struct task *t)
{
	u64 nr = t->regs.orig_rax;
	const struct uregs *r = &t->regs;
	long ret = -ENOSYS;

	t->in_syscall = true;
	if (nr < NR_SYSCALLS && syscall_table[nr].fn)
		ret = syscall_table[nr].fn(t, r->rdi, r->rsi, r->rdx, r->r10,
					   r->r8, r->r9);
	if (unlikely(strace_enabled))
		strace_syscall(t, nr, ret);
	/* rt_sigreturn and execve set every register themselves. */
	if (t->in_syscall || nr == NR_rt_sigreturn)
		t->regs.rax = (u64)ret;
}
