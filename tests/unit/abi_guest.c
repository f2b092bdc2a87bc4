/*
 * abi_check, the guest side: umk's own ABI headers and nothing else
 * (see abi_check.h).
 */
#include <stddef.h>

#include "kernel/types.h"
#include "kernel/engine.h"
#include "kernel/abi/elf.h"
#include "kernel/abi/errno.h"
#include "kernel/abi/fcntl.h"
#include "kernel/abi/files.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/mman.h"
#include "kernel/abi/sched.h"
#include "kernel/abi/signal.h"
#include "kernel/abi/stat.h"
#include "kernel/abi/time.h"
#include "kernel/fs/vfs.h"
#include "tests/unit/abi_check.h"

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)

static void consts(struct abi_table *t)
{
#define C(name) abi_add(t, "const " #name, (long long)(name));
#define C2(guest, host) abi_add(t, "const " #guest, (long long)(guest));
#define SIZE(gtype, htype) abi_add(t, "sizeof " #gtype, sizeof(gtype));
#define OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "offsetof " #gtype "." #gf, offsetof(gtype, gf));
#define OFF(gtype, gf, htype, hf)                                        \
	OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "sizeof " #gtype "." #gf, FIELD_SIZE(gtype, gf));
#include "tests/unit/abi_libc.inc"
#include "tests/unit/abi_uapi.inc"
#undef C
#undef C2
#undef SIZE
#undef OFF
#undef OFFO
}

void abi_guest_table(struct abi_table *t)
{
#define ERRNO_ADD(name, num, text) abi_add(t, "errno " #name, num);
	ERRNO_LIST(ERRNO_ADD)
#undef ERRNO_ADD
#define S(nr, name, ...) abi_add(t, "syscall " #name, nr);
#define N(nr, name) abi_add(t, "syscall " #name, nr);
#include "kernel/syscalls.def"
#undef S
#undef N
	consts(t);
}
