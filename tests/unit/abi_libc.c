/*
 * abi_check, the host side as the C library has it: host headers only
 * (see abi_check.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <asm/prctl.h>

#include "tests/unit/abi_check.h"

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)

void abi_libc_table(struct abi_table *t)
{
#define E(name) abi_add_text(t, "errno " #name, ABI_XSTR(name));
#include "tests/unit/abi_errno.inc"
#undef E
#define C(name) abi_add(t, "const " #name, (long long)(name));
#define C2(guest, host) abi_add(t, "const " #guest, (long long)(host));
#define SIZE(gtype, htype) abi_add(t, "sizeof " #gtype, sizeof(htype));
#define OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "offsetof " #gtype "." #gf, offsetof(htype, hf));
#define OFF(gtype, gf, htype, hf)                                        \
	OFFO(gtype, gf, htype, hf)                                       \
	abi_add(t, "sizeof " #gtype "." #gf, FIELD_SIZE(htype, hf));
#include "tests/unit/abi_libc.inc"
}
