/*
 * swtch(void **save_sp, void *next_sp): save the callee-saved registers
 * on the current kernel stack, store its pointer in *save_sp, switch to
 * next_sp and restore what is saved there (xv6's swtch, x86-64 SysV).
 *
 * task_entry: where a new task's first switch lands.  It ends the call
 * chain for debuggers (no return address above it) and calls
 * task_start(), which never returns.
 */
	.text
	.globl swtch
	.type swtch, @function
swtch:
	.cfi_startproc
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.cfi_endproc
	.size swtch, .-swtch

	.globl task_entry
	.type task_entry, @function
task_entry:
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	call task_start
	ud2
	.cfi_endproc
	.size task_entry, .-task_entry

	.section .note.GNU-stack,"",@progbits
