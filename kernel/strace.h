/*
 * --strace: every guest system call printed to umk's stderr as strace
 * prints it, "name(args) = result", with arguments decoded by kind.
 */
#ifndef UMK_STRACE_H
#define UMK_STRACE_H

#include "kernel/types.h"

struct task;

enum arg_kind {
	A_NONE = 0,
	A_INT,        /* signed decimal */
	A_UINT,       /* unsigned decimal */
	A_SIZE,       /* unsigned decimal */
	A_HEX,        /* 0x... */
	A_PTR,        /* NULL or 0x... */
	A_FD,         /* a descriptor */
	A_DIRFD,      /* a descriptor or AT_FDCWD */
	A_PATH,       /* a NUL-terminated guest string */
	A_BUF_IN,     /* a buffer the call reads; length in the next arg */
	A_BUF_OUT,    /* a buffer the call fills; length = the result */
	A_STRV,       /* a NULL-terminated array of strings (argv) */
	A_OFLAGS,     /* O_* */
	A_MODE,       /* octal */
	A_PROT,       /* PROT_* */
	A_MAPFLAGS,   /* MAP_* */
	A_SIGNAL,     /* SIGxxx */
	A_SIGHOW,     /* SIG_BLOCK... */
	A_CLOCK,      /* CLOCK_* */
	A_FCNTL,      /* F_* */
	A_IOCTL,      /* TCGETS... */
	A_ATFLAGS,    /* AT_* */
	A_WHENCE,     /* SEEK_* */
	A_ACCESS,     /* R_OK... */
	A_RLIMIT,     /* RLIMIT_* */
	A_TIMESPEC,   /* a struct timespec the call reads */
	A_CLONE,      /* CLONE_* */
};

extern bool strace_enabled;

/* Print the call t just made (nr, its arguments in t->regs) and ret. */
void strace_syscall(struct task *t, u64 nr, long ret);
/* Print a call that does not return (exit, exit_group, execve...). */
void strace_noreturn(struct task *t, u64 nr);
/* The name of system call nr, or NULL. */
const char *syscall_name(u64 nr);
/* Count of implemented and known calls, for the support report. */
void syscall_report(void);

#endif
