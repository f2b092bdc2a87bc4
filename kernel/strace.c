/*
 * --strace: print each guest system call the way strace does,
 *   name(arg, ...) = result
 *   name(arg, ...) = -1 ENOENT (No such file or directory)
 * with arguments decoded by the kinds in syscalls.def.  Strings are
 * shown quoted and cut at 32 bytes, as strace's default -s 32.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/syscall.h"
#include "kernel/strace.h"
#include "kernel/uaccess.h"
#include "kernel/abi/fcntl.h"
#include "kernel/abi/mman.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"
#include "kernel/abi/sched.h"
#include "kernel/abi/signal.h"

#define STRLEN 32
#define LINE 2048

bool strace_enabled;

struct line {
	char buf[LINE];
	size_t len;
};

static void emit(struct line *l, const char *fmt, ...) __printf(2, 3);

static void emit(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= LINE - 1)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(l->buf + l->len, LINE - l->len, fmt, ap);
	va_end(ap);
	l->len = MIN(l->len + n, LINE - 1);
}

struct flag_name {
	u64 value;
	const char *name;
};

static void emit_flags(struct line *l, u64 v, const struct flag_name *f,
		       size_t n, const char *zero)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (f[i].value && (v & f[i].value) == f[i].value) {
			emit(l, "%s%s", first ? "" : "|", f[i].name);
			v &= ~f[i].value;
			first = false;
		}
	}
	if (v || first)
		emit(l, first ? "%s" : "|%s", v || !zero ? "" : zero);
	if (v)
		emit(l, "%#llx", (unsigned long long)v);
}

#define F(x) { x, #x }
static const struct flag_name oflags[] = {
	F(O_WRONLY), F(O_RDWR), F(O_CREAT), F(O_EXCL), F(O_NOCTTY),
	F(O_TRUNC), F(O_APPEND), F(O_NONBLOCK), F(O_DSYNC), F(FASYNC),
	F(O_DIRECT), F(O_LARGEFILE), F(O_DIRECTORY), F(O_NOFOLLOW),
	F(O_NOATIME), F(O_CLOEXEC), F(__O_SYNC), F(O_PATH), F(__O_TMPFILE),
};
static const struct flag_name prots[] = {
	F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC), F(PROT_GROWSDOWN),
};
static const struct flag_name mapflags[] = {
	F(MAP_SHARED), F(MAP_PRIVATE), F(MAP_FIXED), F(MAP_ANONYMOUS),
	F(MAP_32BIT), F(MAP_GROWSDOWN), F(MAP_DENYWRITE), F(MAP_EXECUTABLE),
	F(MAP_LOCKED), F(MAP_NORESERVE), F(MAP_POPULATE), F(MAP_NONBLOCK),
	F(MAP_STACK), F(MAP_HUGETLB), F(MAP_FIXED_NOREPLACE),
};
static const struct flag_name atflags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_REMOVEDIR), F(AT_SYMLINK_FOLLOW),
	F(AT_NO_AUTOMOUNT), F(AT_EMPTY_PATH), F(AT_RECURSIVE),
};
static const struct flag_name access_flags[] = {
	F(R_OK), F(W_OK), F(X_OK),
};
static const struct flag_name clone_flags[] = {
	F(CLONE_VM), F(CLONE_FS), F(CLONE_FILES), F(CLONE_SIGHAND),
	F(CLONE_PIDFD), F(CLONE_PTRACE), F(CLONE_VFORK), F(CLONE_PARENT),
	F(CLONE_THREAD), F(CLONE_NEWNS), F(CLONE_SYSVSEM), F(CLONE_SETTLS),
	F(CLONE_PARENT_SETTID), F(CLONE_CHILD_CLEARTID), F(CLONE_DETACHED),
	F(CLONE_UNTRACED), F(CLONE_CHILD_SETTID),
};
#undef F

static const char *const signames[NSIG + 1] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	return sig > 0 && sig <= NSIG ? signames[sig] : NULL;
}

static void emit_signal(struct line *l, s64 sig)
{
	const char *n = signal_name((int)sig);

	if (n)
		emit(l, "%s", n);
	else if (sig >= SIGRTMIN && sig <= NSIG)
		emit(l, "SIGRT_%d", (int)(sig - SIGRTMIN));
	else
		emit(l, "%d", (int)sig);
}

static const char *table_name(u64 v, const char *const *names, size_t n)
{
	return v < n ? names[v] : NULL;
}

#define TABLE(v, ...)                                                       \
	({                                                                  \
		static const char *const _t[] = { __VA_ARGS__ };            \
		table_name((v), _t, ARRAY_SIZE(_t));                        \
	})

static void emit_named(struct line *l, s64 v, const char *name)
{
	if (name)
		emit(l, "%s", name);
	else
		emit(l, "%lld", (long long)v);
}

/* A guest string, quoted and escaped; at most max bytes of it. */
static void emit_str(struct line *l, uaddr_t ua, s64 len, bool nul_term)
{
	char buf[STRLEN + 1];
	size_t want, got = 0;
	bool more = false;

	if (!ua) {
		emit(l, "NULL");
		return;
	}
	if (nul_term) {
		long n = strncpy_from_user(buf, ua, sizeof(buf));

		if (n == -EFAULT) {
			emit(l, "%#llx", (unsigned long long)ua);
			return;
		}
		got = n < 0 ? STRLEN : (size_t)n;
		more = n < 0;
	} else {
		if (len < 0)
			len = 0;
		want = MIN((size_t)len, (size_t)STRLEN);
		if (copy_from_user(buf, ua, want)) {
			emit(l, "%#llx", (unsigned long long)ua);
			return;
		}
		got = want;
		more = (size_t)len > want;
	}
	emit(l, "\"");
	for (size_t i = 0; i < got; i++) {
		unsigned char c = buf[i];

		switch (c) {
		case '\n': emit(l, "\\n"); break;
		case '\t': emit(l, "\\t"); break;
		case '\r': emit(l, "\\r"); break;
		case '\v': emit(l, "\\v"); break;
		case '\f': emit(l, "\\f"); break;
		case '"': emit(l, "\\\""); break;
		case '\\': emit(l, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				emit(l, "%c", c);
			else
				emit(l, "\\%o", c);
		}
	}
	emit(l, more ? "\"..." : "\"");
}

static void emit_strv(struct line *l, uaddr_t uv)
{
	int i;

	if (!uv) {
		emit(l, "NULL");
		return;
	}
	emit(l, "[");
	for (i = 0; i < 32; i++) {
		u64 p;

		if (get_user(p, uv + i * 8)) {
			emit(l, "...");
			break;
		}
		if (!p)
			break;
		if (i)
			emit(l, ", ");
		emit_str(l, p, 0, true);
	}
	emit(l, i == 32 ? ", ...]" : "]");
}

static void emit_timespec(struct line *l, uaddr_t ua)
{
	struct linux_timespec ts;

	if (!ua)
		emit(l, "NULL");
	else if (copy_from_user(&ts, ua, sizeof(ts)))
		emit(l, "%#llx", (unsigned long long)ua);
	else
		emit(l, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts.tv_sec,
		     (long long)ts.tv_nsec);
}

static void emit_arg(struct line *l, int kind, u64 v, u64 next, long ret)
{
	s64 s = (s64)v;

	switch (kind) {
	case A_INT: emit(l, "%lld", (long long)(s32)v); break;
	case A_UINT: emit(l, "%llu", (unsigned long long)(u32)v); break;
	case A_SIZE: emit(l, "%llu", (unsigned long long)v); break;
	case A_HEX: emit(l, "%#llx", (unsigned long long)v); break;
	case A_PTR:
		if (v)
			emit(l, "%#llx", (unsigned long long)v);
		else
			emit(l, "NULL");
		break;
	case A_FD: emit(l, "%d", (int)v); break;
	case A_DIRFD:
		if ((int)v == AT_FDCWD)
			emit(l, "AT_FDCWD");
		else
			emit(l, "%d", (int)v);
		break;
	case A_PATH: emit_str(l, v, 0, true); break;
	case A_BUF_IN: emit_str(l, v, (s64)next, false); break;
	case A_BUF_OUT:
		if (ret < 0)
			emit(l, "%#llx", (unsigned long long)v);
		else
			emit_str(l, v, ret, false);
		break;
	case A_STRV: emit_strv(l, v); break;
	case A_OFLAGS:
		if ((v & O_ACCMODE) == O_RDONLY) {
			emit(l, "O_RDONLY");
			if (v & ~(u64)O_ACCMODE)
				emit(l, "|");
			else
				break;
			v &= ~(u64)O_ACCMODE;
		}
		emit_flags(l, (u32)v, oflags, ARRAY_SIZE(oflags), "0");
		break;
	case A_MODE: emit(l, "%#llo", (unsigned long long)(u32)v); break;
	case A_PROT:
		emit_flags(l, v, prots, ARRAY_SIZE(prots), "PROT_NONE");
		break;
	case A_MAPFLAGS:
		emit_flags(l, v, mapflags, ARRAY_SIZE(mapflags), "0");
		break;
	case A_SIGNAL: emit_signal(l, (s32)v); break;
	case A_SIGHOW:
		emit_named(l, s, TABLE(v, "SIG_BLOCK", "SIG_UNBLOCK",
				       "SIG_SETMASK"));
		break;
	case A_CLOCK:
		emit_named(l, (s32)v,
			   TABLE(v, "CLOCK_REALTIME", "CLOCK_MONOTONIC",
				 "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
				 "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
				 "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"));
		break;
	case A_FCNTL:
		emit_named(l, (s32)v,
			   v == F_DUPFD_CLOEXEC ? "F_DUPFD_CLOEXEC"
			   : TABLE(v, "F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL",
				   "F_SETFL", "F_GETLK", "F_SETLK", "F_SETLKW"));
		break;
	case A_IOCTL:
		switch (v) {
		case TCGETS: emit(l, "TCGETS"); break;
		case TCSETS: emit(l, "TCSETS"); break;
		case TCSETSW: emit(l, "TCSETSW"); break;
		case TCSETSF: emit(l, "TCSETSF"); break;
		case TIOCGWINSZ: emit(l, "TIOCGWINSZ"); break;
		case TIOCSWINSZ: emit(l, "TIOCSWINSZ"); break;
		case TIOCGPGRP: emit(l, "TIOCGPGRP"); break;
		case TIOCSPGRP: emit(l, "TIOCSPGRP"); break;
		case FIONREAD: emit(l, "FIONREAD"); break;
		default: emit(l, "%#llx", (unsigned long long)(u32)v);
		}
		break;
	case A_ATFLAGS:
		emit_flags(l, (u32)v, atflags, ARRAY_SIZE(atflags), "0");
		break;
	case A_WHENCE:
		emit_named(l, (s32)v, TABLE(v, "SEEK_SET", "SEEK_CUR", "SEEK_END",
					     "SEEK_DATA", "SEEK_HOLE"));
		break;
	case A_ACCESS:
		if (!v)
			emit(l, "F_OK");
		else
			emit_flags(l, v, access_flags, ARRAY_SIZE(access_flags), "0");
		break;
	case A_RLIMIT:
		emit_named(l, (s32)v,
			   TABLE(v, "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA",
				 "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
				 "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK",
				 "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
				 "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
				 "RLIMIT_RTTIME"));
		break;
	case A_TIMESPEC: emit_timespec(l, v); break;
	case A_CLONE:
		emit_flags(l, v & ~(u64)CSIGNAL, clone_flags,
			   ARRAY_SIZE(clone_flags), "0");
		if (v & CSIGNAL) {
			emit(l, "|");
			emit_signal(l, v & CSIGNAL);
		}
		break;
	default: emit(l, "%#llx", (unsigned long long)v); break;
	}
}

const char *syscall_name(u64 nr)
{
	return nr < NR_SYSCALLS ? syscall_table[nr].name : NULL;
}

static void emit_call(struct line *l, struct task *t, u64 nr, long ret)
{
	const struct syscall_desc *d = nr < NR_SYSCALLS ? &syscall_table[nr]
							 : NULL;
	const u64 a[6] = { t->regs.rdi, t->regs.rsi, t->regs.rdx,
			   t->regs.r10, t->regs.r8, t->regs.r9 };

	if (nr_processes > 1 || t->tid != t->proc->pid)
		emit(l, "[pid %d] ", t->tid);
	if (!d || !d->name) {
		emit(l, "syscall_%#llx(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)",
		     (unsigned long long)nr, (unsigned long long)a[0],
		     (unsigned long long)a[1], (unsigned long long)a[2],
		     (unsigned long long)a[3], (unsigned long long)a[4],
		     (unsigned long long)a[5]);
		return;
	}
	emit(l, "%s(", d->name);
	if (!d->fn) {
		/* Unsupported: show the raw registers. */
		for (int i = 0; i < 6; i++)
			emit(l, "%s%#llx", i ? ", " : "", (unsigned long long)a[i]);
	}
	for (int i = 0; d->fn && i < d->nargs; i++) {
		if (i)
			emit(l, ", ");
		emit_arg(l, d->arg[i], a[i], i < 5 ? a[i + 1] : 0, ret);
	}
	emit(l, ")");
}

void strace_syscall(struct task *t, u64 nr, long ret)
{
	struct line l = { .len = 0 };
	const char *err;

	/* Restore the arguments: handlers may have changed rax/rip only. */
	emit_call(&l, t, nr, ret);
	if (nr < NR_SYSCALLS && syscall_table[nr].name && !syscall_table[nr].fn)
		emit(&l, " = -1 ENOSYS (Function not implemented) (unsupported by umk)\n");
	else if (ret < 0 && ret >= -4095) {
		err = errno_name((int)ret);
		if (err)
			emit(&l, " = -1 %s (%s)\n", err, strerror_k((int)ret));
		else
			emit(&l, " = -1 %ld\n", -ret);
	} else if (nr == NR_mmap || nr == NR_brk) {
		emit(&l, " = %#lx\n", ret);
	} else {
		emit(&l, " = %ld\n", ret);
	}
	host_log_write(l.buf, l.len);
}

void strace_noreturn(struct task *t, u64 nr)
{
	struct line l = { .len = 0 };

	emit_call(&l, t, nr, 0);
	emit(&l, " = ?\n");
	host_log_write(l.buf, l.len);
}

void syscall_report(void)
{
	int impl = 0, known = 0;

	for (u64 nr = 0; nr < NR_SYSCALLS; nr++) {
		if (!syscall_table[nr].name)
			continue;
		known++;
		if (syscall_table[nr].fn)
			impl++;
	}
	printk("umk: %d of %d Linux x86-64 system calls implemented\n", impl,
	       known);
}
