/*
 * File descriptor tables.  A table is shared by the tasks of
 * clone(CLONE_FILES) and copied by fork.  Slots grow on demand up to
 * RLIMIT_NOFILE.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/locks.h"

#define NR_OPEN_MAX (1 << 20)

/*
 * A descriptor of f in table files goes away: as Linux's filp_close,
 * the POSIX locks that table holds on the file go with it.
 */
static void filp_close(struct file *f, struct files *files)
{
	locks_remove_posix(f, files);
	file_put(f);
}

struct files *files_create(void)
{
	struct files *f = kzalloc(sizeof(*f));

	f->refcount = 1;
	return f;
}

static int grow(struct files *f, int need)
{
	int max = f->max ? f->max : 64;

	while (max <= need)
		max *= 2;
	if (max > NR_OPEN_MAX)
		max = NR_OPEN_MAX;
	if (need >= max)
		return -EMFILE;
	f->fd = krealloc(f->fd, max * sizeof(*f->fd));
	memset(f->fd + f->max, 0, (max - f->max) * sizeof(*f->fd));
	f->cloexec = krealloc(f->cloexec, (max / 64) * sizeof(u64));
	memset(f->cloexec + f->max / 64, 0, (max - f->max) / 64 * sizeof(u64));
	f->max = max;
	return 0;
}

struct files *files_dup(struct files *old)
{
	struct files *f = files_create();

	if (old->max && grow(f, old->max - 1) < 0)
		panic("files_dup");
	for (int i = 0; i < old->max; i++) {
		f->fd[i] = old->fd[i];
		if (f->fd[i])
			file_get(f->fd[i]);
	}
	memcpy(f->cloexec, old->cloexec, old->max / 64 * sizeof(u64));
	return f;
}

void files_put(struct files *f)
{
	if (--f->refcount)
		return;
	for (int i = 0; i < f->max; i++)
		if (f->fd[i])
			filp_close(f->fd[i], f);
	kfree(f->fd);
	kfree(f->cloexec);
	kfree(f);
}

static void set_cloexec(struct files *f, int fd, bool on)
{
	if (on)
		f->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		f->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

static u64 nofile_limit(struct task *t)
{
	return t->proc->rlim[RLIMIT_NOFILE].rlim_cur;
}

int fd_install(struct task *t, struct file *f, bool cloexec, int min)
{
	struct files *files = t->files;
	u64 limit = nofile_limit(t);
	int fd;

	for (fd = min; fd < files->max && files->fd[fd]; fd++)
		;
	if ((u64)fd >= limit)
		return -EMFILE;
	if (fd >= files->max && grow(files, fd) < 0)
		return -EMFILE;
	files->fd[fd] = f;
	set_cloexec(files, fd, cloexec);
	return fd;
}

int fd_install_at(struct task *t, struct file *f, int fd, bool cloexec)
{
	struct files *files = t->files;
	struct file *old;

	if (fd < 0 || (u64)fd >= nofile_limit(t))
		return -EBADF;
	if (fd >= files->max && grow(files, fd) < 0)
		return -EBADF;
	old = files->fd[fd];
	files->fd[fd] = f;
	set_cloexec(files, fd, cloexec);
	if (old)
		filp_close(old, files);
	return fd;
}

struct file *fget(struct task *t, int fd)
{
	struct files *files = t->files;
	struct file *f;

	if (fd < 0 || fd >= files->max || !(f = files->fd[fd]))
		return NULL;
	file_get(f);
	return f;
}

struct file *fget_io(struct task *t, int fd)
{
	struct file *f = fget(t, fd);

	if (f && (f->f_mode & FMODE_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

int fd_close(struct task *t, int fd)
{
	struct files *files = t->files;
	struct file *f;

	if (fd < 0 || fd >= files->max || !(f = files->fd[fd]))
		return -EBADF;
	files->fd[fd] = NULL;
	set_cloexec(files, fd, false);
	filp_close(f, files);
	return 0;
}

bool fd_cloexec(struct task *t, int fd)
{
	return t->files->cloexec[fd / 64] & (1ULL << (fd % 64));
}

void fd_set_cloexec(struct task *t, int fd, bool on)
{
	set_cloexec(t->files, fd, on);
}

void files_close_on_exec(struct files *files)
{
	for (int fd = 0; fd < files->max; fd++) {
		if (files->fd[fd] && (files->cloexec[fd / 64] & (1ULL << (fd % 64)))) {
			struct file *f = files->fd[fd];

			files->fd[fd] = NULL;
			set_cloexec(files, fd, false);
			filp_close(f, files);
		}
	}
}
