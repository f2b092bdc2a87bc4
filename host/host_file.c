/*
 * host_file.c: host files, for hostfs and the console.
 *
 * Every path handed to the host is one component relative to a
 * directory fd, opened with O_NOFOLLOW: the guest's path walk happens
 * in the guest VFS, so no guest path can name a host file outside the
 * directories umk was given.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/host.h"

/* Host errno to guest errno: the same numbers on x86-64 Linux. */
static int host_err(void)
{
	return -errno;
}

static bool name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int host_open_dir(const char *path, int *fd)
{
	int f = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (f < 0)
		return host_err();
	*fd = f;
	return 0;
}

int host_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	int fd;

	if (!name_ok(name))
		return -EINVAL;
	do
		fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			    mode);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? host_err() : fd;
}

int host_open_tmpfile(int dirfd, mode_t mode)
{
	int fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);

	return fd < 0 ? host_err() : fd;
}

int host_reopen(int fd, int flags)
{
	char path[64];
	int r;

	/*
	 * The magic link names exactly the inode of fd: no path is walked,
	 * so no O_NOFOLLOW is needed (and it would refuse the link itself).
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = open(path, (flags & ~(O_CREAT | O_NOFOLLOW)) | O_CLOEXEC | O_NOCTTY);
	return r < 0 ? host_err() : r;
}

int host_close(int fd)
{
	return close(fd) < 0 ? host_err() : 0;
}

static void fill_stat(struct host_stat *st, const struct stat *s)
{
	st->dev = s->st_dev;
	st->ino = s->st_ino;
	st->nlink = s->st_nlink;
	st->rdev = s->st_rdev;
	st->mode = s->st_mode;
	st->uid = s->st_uid;
	st->gid = s->st_gid;
	st->size = s->st_size;
	st->blksize = s->st_blksize;
	st->blocks = s->st_blocks;
	st->atime_sec = s->st_atim.tv_sec;
	st->atime_nsec = s->st_atim.tv_nsec;
	st->mtime_sec = s->st_mtim.tv_sec;
	st->mtime_nsec = s->st_mtim.tv_nsec;
	st->ctime_sec = s->st_ctim.tv_sec;
	st->ctime_nsec = s->st_ctim.tv_nsec;
}

int host_fstatat(int dirfd, const char *name, struct host_stat *st)
{
	struct stat s;
	int r;

	if (name[0] && !name_ok(name))
		return -EINVAL;
	r = fstatat(dirfd, name, &s,
		    AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH));
	if (r < 0)
		return host_err();
	fill_stat(st, &s);
	return 0;
}

int host_fstatfs(int fd, struct host_statfs *st)
{
	struct statfs s;

	if (fstatfs(fd, &s) < 0)
		return host_err();
	st->type = s.f_type;
	st->bsize = s.f_bsize;
	st->frsize = s.f_frsize;
	st->namelen = s.f_namelen;
	st->flags = s.f_flags;
	st->blocks = s.f_blocks;
	st->bfree = s.f_bfree;
	st->bavail = s.f_bavail;
	st->files = s.f_files;
	st->ffree = s.f_ffree;
	return 0;
}

ssize_t host_readlink_fd(int fd, char *buf, size_t size)
{
	ssize_t n = readlinkat(fd, "", buf, size);

	return n < 0 ? host_err() : n;
}

ssize_t host_getdents(int fd, void *buf, size_t size)
{
	long n = syscall(SYS_getdents64, fd, buf, size);

	return n < 0 ? host_err() : n;
}

#define RETRY(expr)                                                  \
	({                                                           \
		ssize_t _n;                                          \
		do                                                   \
			_n = (expr);                                 \
		while (_n < 0 && errno == EINTR);                    \
		_n < 0 ? (ssize_t)host_err() : _n;                   \
	})

ssize_t host_pread(int fd, void *buf, size_t len, u64 off)
{
	return RETRY(pread(fd, buf, len, off));
}

ssize_t host_pwrite(int fd, const void *buf, size_t len, u64 off)
{
	return RETRY(pwrite(fd, buf, len, off));
}

ssize_t host_preadv(int fd, const struct host_iovec *iov, int n, u64 off)
{
	return RETRY(preadv(fd, (const struct iovec *)iov, n, off));
}

ssize_t host_pwritev(int fd, const struct host_iovec *iov, int n, u64 off)
{
	return RETRY(pwritev(fd, (const struct iovec *)iov, n, off));
}

ssize_t host_readv(int fd, const struct host_iovec *iov, int n)
{
	return RETRY(readv(fd, (const struct iovec *)iov, n));
}

ssize_t host_writev(int fd, const struct host_iovec *iov, int n)
{
	return RETRY(writev(fd, (const struct iovec *)iov, n));
}

_Static_assert(sizeof(struct host_iovec) == sizeof(struct iovec), "iovec");

s64 host_lseek(int fd, s64 off, int whence)
{
	off_t r = lseek(fd, off, whence);

	return r < 0 ? host_err() : r;
}

int host_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? host_err() : 0;
}

int host_poll_now(int fd, int events)
{
	struct pollfd p = { fd, (short)events, 0 };
	int r = poll(&p, 1, 0);

	if (r < 0)
		return host_err();
	return r ? p.revents : 0;
}

bool host_isatty(int fd)
{
	return isatty(fd);
}

int host_fd_accmode(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? host_err() : (fl & O_ACCMODE);
}

int host_mkdirat(int dirfd, const char *name, mode_t mode)
{
	if (!name_ok(name))
		return -EINVAL;
	return mkdirat(dirfd, name, mode) < 0 ? host_err() : 0;
}

int host_unlinkat(int dirfd, const char *name, int flags)
{
	if (!name_ok(name))
		return -EINVAL;
	return unlinkat(dirfd, name, flags) < 0 ? host_err() : 0;
}

int host_renameat(int olddirfd, const char *oldname, int newdirfd,
		  const char *newname, unsigned flags)
{
	if (!name_ok(oldname) || !name_ok(newname))
		return -EINVAL;
	return syscall(SYS_renameat2, olddirfd, oldname, newdirfd, newname,
		       flags) < 0 ? host_err() : 0;
}

int host_symlinkat(const char *target, int dirfd, const char *name)
{
	if (!name_ok(name))
		return -EINVAL;
	return symlinkat(target, dirfd, name) < 0 ? host_err() : 0;
}

int host_linkat(int olddirfd, const char *oldname, int newdirfd,
		const char *newname)
{
	int r;

	if (!name_ok(newname))
		return -EINVAL;
	if (oldname[0]) {
		if (!name_ok(oldname))
			return -EINVAL;
		r = linkat(olddirfd, oldname, newdirfd, newname, 0);
	} else {
		/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the magic link does not. */
		char p[64];

		snprintf(p, sizeof(p), "/proc/self/fd/%d", olddirfd);
		r = linkat(AT_FDCWD, p, newdirfd, newname, AT_SYMLINK_FOLLOW);
	}
	return r < 0 ? host_err() : 0;
}

int host_mknodat(int dirfd, const char *name, mode_t mode, u64 dev)
{
	if (!name_ok(name))
		return -EINVAL;
	return mknodat(dirfd, name, mode, dev) < 0 ? host_err() : 0;
}

static void proc_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

int host_fchmod_path(int fd, mode_t mode)
{
	char p[64];

	proc_path(p, sizeof(p), fd);
	return chmod(p, mode) < 0 ? host_err() : 0;
}

int host_fchown_path(int fd, uid_t uid, gid_t gid)
{
	return fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0
		       ? host_err() : 0;
}

int host_utimens_path(int fd, const s64 times[4])
{
	struct timespec ts[2] = { { times[0], times[1] }, { times[2], times[3] } };
	char p[64];

	proc_path(p, sizeof(p), fd);
	return utimensat(AT_FDCWD, p, ts, 0) < 0 ? host_err() : 0;
}

int host_ftruncate(int fd, u64 len)
{
	return ftruncate(fd, len) < 0 ? host_err() : 0;
}

int host_fallocate(int fd, int mode, u64 off, u64 len)
{
	return fallocate(fd, mode, off, len) < 0 ? host_err() : 0;
}

int host_fsync(int fd, bool datasync)
{
	return (datasync ? fdatasync(fd) : fsync(fd)) < 0 ? host_err() : 0;
}
