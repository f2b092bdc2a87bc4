/* The stub's ELF image, embedded in umk (see ptrace.c image_create). */
	.section .rodata
	.balign 16
	.globl stub_image
stub_image:
	.incbin "ptrace-engine/stub"
	.globl stub_image_end
stub_image_end:
	.section .note.GNU-stack,"",@progbits
