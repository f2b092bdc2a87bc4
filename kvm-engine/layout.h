/*
 * The KVM engine's machine layout: guest physical addresses, the
 * ring-0 half of every guest address space, descriptor-table
 * selectors and the I/O ports through which the ring-0 entry leaves
 * the VM.  Read by C and by the assembler (entry.S).
 *
 * Guest physical memory (one VM):
 *
 *   [0, EMEM_SIZE)                 engine memory: page tables, the
 *                                  ring-0 code, IDT, GDT/TSS and stacks;
 *                                  anonymous host memory, umk's alone
 *   TSS_ADDR, IDMAP_ADDR           three pages and one that Intel's KVM
 *                                  wants for real mode (never used)
 *   [PHYS_GPA, PHYS_GPA + size)    umk's physical memory: the memory
 *                                  file, the same frames the kernel sees
 *
 * Guest virtual memory, every address space:
 *
 *   [0, USER_TOP)                  the guest program's, mapped from the
 *                                  kernel's page tables (PML4 0..255)
 *   KBASE...                       PML4 slot 511, supervisor only and
 *                                  global: the ring-0 entry (KCODE),
 *                                  the IDT (KIDT) and one area per vCPU
 *                                  (KVCPU): GDT and TSS, the frame page
 *                                  the host writes return frames into,
 *                                  the IST stack exceptions land on,
 *                                  and an unmapped guard page.
 */
#ifndef UMK_KVM_LAYOUT_H
#define UMK_KVM_LAYOUT_H

#define EMEM_SIZE 0x40000000          /* 1 GiB, touched on demand */
#define TSS_ADDR 0xfffbd000
#define IDMAP_ADDR 0xfffbc000
#define PHYS_GPA 0x100000000          /* 4 GiB */

#define USER_TOP 0x7ffffffff000       /* Linux's TASK_SIZE */
#define KBASE 0xffffff8000000000
#define KCODE KBASE
#define KIDT (KBASE + 0x1000)
#define KVCPU_BASE (KBASE + 0x200000)
#define KVCPU_STRIDE 0x4000
#define MAX_VCPUS 64
#define KVCPU(i) (KVCPU_BASE + (i) * KVCPU_STRIDE)
/* Offsets inside a vCPU area. */
#define VA_GDT 0x0000                 /* GDT at 0, TSS at VA_TSS */
#define VA_TSS 0x0800
#define VA_FRAME 0x1000               /* return frames (host-written) */
#define VA_IST 0x2000                 /* IST stack page; top is 0x3000 */
#define VA_IST_TOP 0x3000

/* GDT selectors, as Linux numbers them. */
#define SEL_KCODE 0x10
#define SEL_KDATA 0x18
#define SEL_USER32_BASE 0x23          /* STAR[63:48]: sysret adds 8 and 16 */
#define SEL_UDATA 0x2b
#define SEL_UCODE 0x33
#define SEL_TSS 0x40
#define GDT_LIMIT 0x4f

/* I/O ports of the ring-0 entry's `out`: one per reason. */
#define PORT_EXC 0x80                 /* + vector, 0..31 */
#define PORT_SYSCALL 0xa0
#define PORT_COMPAT 0xa1              /* syscall from compatibility mode */

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

#ifndef __ASSEMBLER__
/*
 * The return frame the host writes at VA_FRAME for entry_slow: every
 * field is popped in this order, the last five by iretq.  entry_iret
 * uses only the iret part, written at VA_FRAME + FRAME_IRET_OFF.
 */
struct ret_frame {
	unsigned long long cr3;
	unsigned long long ds, es, fs, gs;
	unsigned long long fs_base, gs_base;
	unsigned long long rax, rcx, rdx;
	unsigned long long rip, cs, rflags, rsp, ss;
};
#define FRAME_IRET_OFF (10 * 8)
#endif

#endif
