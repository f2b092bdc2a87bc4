/*
 * abi_check, the host side as the Linux UAPI headers have it: host
 * headers only, and no C library header (they clash).  See
 * abi_check.h.
 */
#include <stddef.h>
#include <asm/unistd_64.h>
#include <asm/termbits.h>
#include <linux/close_range.h>
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/signal.h>

#include "tests/unit/abi_check.h"

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)

void abi_uapi_table(struct abi_table *t)
{
	/* A number, or "__NR_name" where the host headers lack it. */
#define S(nr, name, ...) abi_add_text(t, "syscall " #name, ABI_XSTR(__NR_##name));
#define N(nr, name) abi_add_text(t, "syscall " #name, ABI_XSTR(__NR_##name));
#include "kernel/syscalls.def"
#undef S
#undef N
#define C(name) abi_add(t, "const " #name, (long long)(name));
#define C2(guest, host) abi_add(t, "const " #guest, (long long)(host));
#define SIZE(gtype, htype) abi_add(t, "sizeof " #gtype, sizeof(htype));
#define OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "offsetof " #gtype "." #gf, offsetof(htype, hf));
#define OFF(gtype, gf, htype, hf)                                        \
	OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "sizeof " #gtype "." #gf, FIELD_SIZE(htype, hf));
#include "tests/unit/abi_uapi.inc"
}
