/*
 * What umk links from outside the kernel and a unit test never uses:
 * the real engines and the built-in initramfs image.  Weak, so that
 * nothing changes if a test links the real ones; here only so that a
 * kernel object that names them (kernel/engine.c's registry,
 * kernel/boot.c) can be linked at all.
 */
#include "kernel/engine.h"

__attribute__((weak)) const struct engine_ops ptrace_engine_ops = {
	.name = "ptrace (not in unit tests)",
};
__attribute__((weak)) const struct engine_ops kvm_engine_ops = {
	.name = "kvm (not in unit tests)",
};
__attribute__((weak)) const struct engine_ops systrap_engine_ops = {
	.name = "systrap (not in unit tests)",
};
__attribute__((weak)) const char initramfs_start[1];
__attribute__((weak)) const char initramfs_end[1];
