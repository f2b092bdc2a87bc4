/*
 * The ring-0 entry: the only code that runs in ring 0 of the guest.
 *
 * Freestanding and position independent: umk copies this image into
 * one page of engine memory, mapped supervisor-only at KCODE in every
 * guest address space.  It keeps no state and touches no memory but
 * the vCPU's own stacks; the host (kvm-engine/kvm.c) does all the
 * work between a leave and the next return.
 *
 * In a nutshell:
 *
 *  - Leaving.  LSTAR points at entry_syscall, every IDT vector 0-31 at
 *    its stub below (IST 1: the vCPU's IST stack, whatever the user's
 *    rsp was).  Each does `out %al, $PORT` with a port that says why:
 *    the VM exits with KVM_EXIT_IO and umk reads the user's registers
 *    (syscall: rcx = rip and r11 = rflags; an exception: its frame on
 *    the IST stack, with an error code or a pushed 0).  `out` changes
 *    no register, so every general register is still the user's.  The
 *    host never lets the vCPU continue after an `out` (it always sets
 *    rip to a return path), so a ud2 follows each as a tripwire.
 *
 *  - Returning.  The host picks one of three paths and sets rip, rsp
 *    and the general registers through KVM's synced registers:
 *      entry_sysret   after a system call, when rcx == rip and
 *                     r11 == rflags: one instruction;
 *      entry_iret     otherwise: rsp points at an iret frame the host
 *                     wrote at VA_FRAME;
 *      entry_slow     when the vCPU must load a page table (another
 *                     address space, or a TLB flush), user segment
 *                     selectors or FS/GS bases: pops struct ret_frame
 *                     (layout.h), then iretq.
 *
 * Ring 0 runs with IF clear (SFMASK and interrupt gates) and nothing
 * ever raises an interrupt: the vCPU has no APIC.
 */
#include "kvm-engine/layout.h"

	.section .rodata.kvm_entry, "a"
	.balign 4096
	.globl kvm_entry_image
kvm_entry_image:

/* ---- leaving: system calls ---- */

	.globl kvm_entry_syscall
kvm_entry_syscall:			/* LSTAR */
	outb %al, $PORT_SYSCALL
	ud2

	.globl kvm_entry_compat
kvm_entry_compat:			/* CSTAR: a 32-bit syscall */
	outb %al, $PORT_COMPAT
	ud2

/* ---- leaving: exceptions, one 32-byte stub per vector ---- */

	.macro exc vec, errcode
	.balign 32
	.if \errcode == 0
	pushq $0
	.endif
	outb %al, $(PORT_EXC + \vec)
	ud2
	.endm

	.balign 32
	.globl kvm_entry_exc
kvm_entry_exc:
	exc 0, 0
	/*
	 * #DB: DR6 says why (single step, breakpoint); it goes where an
	 * error code would be, and is reset as the SDM asks.
	 */
	.balign 32
	pushq %rax
	movq %dr6, %rax
	xchgq %rax, (%rsp)
	pushq %rax
	movl $0xffff0ff0, %eax
	movq %rax, %dr6
	popq %rax
	outb %al, $(PORT_EXC + 1)
	ud2
	exc 2, 0
	exc 3, 0
	exc 4, 0
	exc 5, 0
	exc 6, 0
	exc 7, 0
	exc 8, 1
	exc 9, 0
	exc 10, 1
	exc 11, 1
	exc 12, 1
	exc 13, 1
	exc 14, 1
	exc 15, 0
	exc 16, 0
	exc 17, 1
	exc 18, 0
	exc 19, 0
	exc 20, 0
	exc 21, 1
	exc 22, 0
	exc 23, 0
	exc 24, 0
	exc 25, 0
	exc 26, 0
	exc 27, 0
	exc 28, 0
	exc 29, 1
	exc 30, 1
	exc 31, 0

/* ---- returning ---- */

	.balign 16
	.globl kvm_entry_return
kvm_entry_return:

	.globl kvm_entry_sysret
kvm_entry_sysret:
	sysretq

	.globl kvm_entry_iret
kvm_entry_iret:
	iretq

	.globl kvm_entry_slow
kvm_entry_slow:
	popq %rax			/* cr3: a load flushes the TLB */
	movq %rax, %cr3
	popq %rax			/* selectors first: a null load */
	movl %eax, %ds			/* may clear a base on Intel */
	popq %rax
	movl %eax, %es
	popq %rax
	movl %eax, %fs
	popq %rax
	movl %eax, %gs
	movl $MSR_FS_BASE, %ecx
	popq %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	movl $MSR_GS_BASE, %ecx
	popq %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	popq %rax			/* the user's rax, rcx, rdx */
	popq %rcx
	popq %rdx
	iretq

	.globl kvm_entry_image_end
kvm_entry_image_end:

	.section .note.GNU-stack,"",@progbits
