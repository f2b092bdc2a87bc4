/*
 * host.h: every service the guest kernel asks of the host OS.
 *
 * This is umk's os.h (after UML's arch/um/include/shared/os.h).  The
 * kernel calls only these functions; they are the one place where a
 * host system call is made on the kernel's behalf.  Conventions:
 *  - functions are host_<verb>_<object>() or host_<verb>();
 *  - they return 0 or a count on success and -errno on failure, with
 *    the host's errno translated to the guest's (on an x86-64 Linux
 *    host the numbers coincide; host/ still does the translation in
 *    one place, host_err());
 *  - flags, modes and structures that cross this boundary are Linux
 *    x86-64 ABI values (kernel/abi/), checked against the host's own
 *    headers by tests/unit/abi_check.
 */
#ifndef UMK_HOST_H
#define UMK_HOST_H

#include <stdarg.h>
#include "kernel/types.h"

/* ---- memory -------------------------------------------------------- */

/*
 * Create the physical memory: a sealed-size memory file of size bytes,
 * mapped shared at *base.  Pages cost host memory only once touched.
 */
int host_physmem_create(u64 size, int *fd, void **base);
/*
 * Make pages [off, off+len) of physical memory resident in umk's
 * mapping in one go, before filling them: far cheaper than taking a
 * host page fault per page.  Best effort.
 */
void host_physmem_populate(u64 off, u64 len);
/*
 * Fault in umk's own read-only memory [p, p+len) (the built-in root's
 * archive) in one go before reading it through.  Best effort.
 */
void host_prefault_read(const void *p, size_t len);
/* Give pages [off, off+len) back to the host; they read as zero after. */
int host_physmem_discard(u64 off, u64 len);

/* The C heap, for the kernel's kmalloc family.  NULL on failure. */
void *host_mem_alloc(size_t size);
void *host_mem_zalloc(size_t size);
void *host_mem_realloc(void *p, size_t size);
void host_mem_free(void *p);

/* A kernel stack of size bytes with a guard page below it. */
void *host_stack_alloc(size_t size);
void host_stack_free(void *stack, size_t size);

/* ---- output and failure --------------------------------------------- */

/* Write to umk's stderr, whole. */
void host_log_write(const char *buf, size_t len);
/* Print a backtrace of the calling thread to stderr. */
void host_backtrace(void);
/* Leave umk at once with status; stubs die with it. */
__attribute__((noreturn)) void host_exit(int status);

/* ---- time ----------------------------------------------------------- */

#define HOST_CLOCK_REALTIME 0
#define HOST_CLOCK_MONOTONIC 1
#define HOST_CLOCK_BOOTTIME 7
/* Nanoseconds on a host clock (HOST_CLOCK_*). */
s64 host_clock_ns(int clock);
/* CPU time consumed by the calling umk process, in ns. */
s64 host_self_cputime_ns(void);

/* ---- randomness and facts -------------------------------------------- */

/* Fill buf with len random bytes; 0 or -errno. */
int host_getrandom(void *buf, size_t len);
int host_ncpus(void);
u64 host_total_ram(void);
/* The host's uid and gid running umk. */
uid_t host_getuid(void);
gid_t host_getgid(void);
/* Has umk any effective capability?  (libcap) */
bool host_privileged(void);
/* AT_HWCAP: CPUID leaf 1 EDX of the host CPU. */
u64 host_cpu_hwcap(void);

/* What /proc/cpuinfo shows of the host CPU (CPUID, raw feature words). */
struct host_cpuinfo {
	char vendor[13];
	char model_name[49];
	u32 family, model, stepping, max_leaf;
	u32 khz;                 /* clock; 0 if unknown */
	u32 cache_kb;            /* last-level cache; 0 if unknown */
	u32 phys_bits, virt_bits;
	u32 leaf1_ecx, leaf1_edx, leaf7_ebx, leaf7_ecx, leaf7_edx;
	u32 ext1_ecx, ext1_edx;  /* leaf 0x80000001 */
};
void host_cpu_info(struct host_cpuinfo *ci);
/* The host's limit for resource (RLIMIT_*); 0 or -errno. */
int host_get_rlimit(int resource, u64 *cur, u64 *max);

/* ---- files ----------------------------------------------------------- */

struct host_stat {
	u64 dev, ino, nlink, rdev;
	u32 mode, uid, gid;
	s64 size, blksize, blocks;
	s64 atime_sec, atime_nsec;
	s64 mtime_sec, mtime_nsec;
	s64 ctime_sec, ctime_nsec;
};

struct host_iovec {
	void *base;
	size_t len;
};

struct host_statfs {
	s64 type, bsize, frsize, namelen, flags;
	u64 blocks, bfree, bavail, files, ffree;
};

/*
 * Open the directory at host path for use as the root of a host file
 * system (an O_PATH descriptor).  0 and *fd, or -errno.
 */
int host_open_dir(const char *path, int *fd);
/*
 * openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode): name is one
 * path component (no '/'), never "." or "..".  flags are Linux O_*.
 * Returns the new fd or -errno.
 */
int host_openat(int dirfd, const char *name, int flags, mode_t mode);
/* An unnamed file in directory dirfd (O_TMPFILE, read-write). */
int host_open_tmpfile(int dirfd, mode_t mode);
/* Reopen what an O_PATH fd names, with flags.  fd or -errno. */
int host_reopen(int fd, int flags);
int host_close(int fd);
/* fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW); name "" means dirfd. */
int host_fstatat(int dirfd, const char *name, struct host_stat *st);
int host_fstatfs(int fd, struct host_statfs *st);
/* readlinkat(fd, "", ...) of an O_PATH symlink fd. */
ssize_t host_readlink_fd(int fd, char *buf, size_t size);
/* Directory entries in linux_dirent64 form; bytes or -errno. */
ssize_t host_getdents(int fd, void *buf, size_t size);
ssize_t host_pread(int fd, void *buf, size_t len, u64 off);
ssize_t host_pwrite(int fd, const void *buf, size_t len, u64 off);
ssize_t host_preadv(int fd, const struct host_iovec *iov, int n, u64 off);
ssize_t host_pwritev(int fd, const struct host_iovec *iov, int n, u64 off);
ssize_t host_readv(int fd, const struct host_iovec *iov, int n);
ssize_t host_writev(int fd, const struct host_iovec *iov, int n);
s64 host_lseek(int fd, s64 off, int whence);
/* ioctl on a host fd with an in/out argument buffer. */
int host_ioctl(int fd, unsigned long cmd, void *arg);
/* Poll one fd without blocking; returns POLL* revents or -errno. */
int host_poll_now(int fd, int events);
bool host_isatty(int fd);
/* O_RDONLY, O_WRONLY or O_RDWR: how umk's fd is open; -errno. */
int host_fd_accmode(int fd);
int host_mkdirat(int dirfd, const char *name, mode_t mode);
int host_unlinkat(int dirfd, const char *name, int flags);
int host_renameat(int olddirfd, const char *oldname, int newdirfd,
		  const char *newname, unsigned flags);
int host_symlinkat(const char *target, int dirfd, const char *name);
int host_linkat(int olddirfd, const char *oldname, int newdirfd,
		const char *newname);
int host_mknodat(int dirfd, const char *name, mode_t mode, u64 dev);
int host_fchmod_path(int fd, mode_t mode);
int host_fchown_path(int fd, uid_t uid, gid_t gid);
int host_utimens_path(int fd, const s64 times[4]);
int host_ftruncate(int fd, u64 len);
int host_fallocate(int fd, int mode, u64 off, u64 len);
int host_fsync(int fd, bool datasync);

/* ---- interrupts -------------------------------------------------------- */

/*
 * Host events for the kernel: readiness of host fds that drivers
 * watch, and one timer.  A helper thread waits for them and calls
 * wake(arg) (the engine's wake) so that the kernel's blocked wait
 * returns; the kernel then collects them with host_irq_poll().
 */
int host_irq_init(void (*wake)(void *arg), void *arg);
/* Report when fd has any of events (POLLIN, POLLOUT), once. */
int host_irq_watch(int fd, int events, void *cookie);
void host_irq_unwatch(int fd);
/* Wake the kernel at host monotonic time deadline (ns); 0 disarms. */
void host_irq_set_timer(s64 deadline);
/*
 * Hand every collected event to cb(cookie, revents); returns how many.
 * Returns at once.
 */
int host_irq_poll(void (*cb)(void *cookie, int revents));

#endif
