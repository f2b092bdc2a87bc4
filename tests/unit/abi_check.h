/*
 * abi_check: umk's guest ABI (the headers in kernel/abi/, kernel/syscalls.def,
 * struct uregs) against the host's own headers.
 *
 * The guest headers define the same names as the host's (O_CREAT,
 * struct stat's layout, EPERM ...), so no translation unit sees both.
 * Each fills a table of {key, value}:
 *
 *   abi_guest.c  umk's headers only
 *   abi_libc.c   the C library's headers (what guest programs are
 *                compiled against): errno, constants, structures
 *   abi_uapi.c   the Linux UAPI headers, for what the C library
 *                defines differently from the kernel (O_LARGEFILE is 0
 *                in glibc, its struct sigaction and termios are not the
 *                kernel's) or not at all (__NR_*, MADV_COLLAPSE)
 *
 * and abi_check.c compares the guest table with the two host ones.
 * The names come from X-macro lists shared by the translation units:
 *
 *   abi_libc.inc   C(NAME), C2(GUEST, HOST): constants vs the C library
 *                  SIZE(guest struct, host type), OFF(guest struct,
 *                  field, host type, field): structure layouts
 *   abi_uapi.inc   the same, against the UAPI headers
 *   abi_errno.inc  E(NAME): every name of kernel/abi/errno.h's
 *                  ERRNO_LIST (the guest side reads ERRNO_LIST itself,
 *                  so a name missing here is reported)
 *
 * and the system calls come from kernel/syscalls.def itself.
 */
#ifndef UMK_ABI_CHECK_H
#define UMK_ABI_CHECK_H

struct abi_table;

/* Add key = value. */
void abi_add(struct abi_table *t, const char *key, long long value);
/*
 * Add key = the text a macro expanded to: a number, or the macro's own
 * name when the host headers do not define it (then the key is
 * recorded as absent from the host).
 */
void abi_add_text(struct abi_table *t, const char *key, const char *text);

void abi_guest_table(struct abi_table *t);
void abi_libc_table(struct abi_table *t);
void abi_uapi_table(struct abi_table *t);

#define ABI_STR(x) #x
#define ABI_XSTR(x) ABI_STR(x)

#endif
