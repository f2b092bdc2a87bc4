/* umk's built-in default root: a newc cpio archive (rootfs/busybox.cpio). */
	.section .rodata
	.balign 16
	.globl initramfs_start
initramfs_start:
	.incbin "rootfs/busybox.cpio"
	.globl initramfs_end
initramfs_end:
	.section .note.GNU-stack,"",@progbits
