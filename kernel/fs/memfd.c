/*
 * memfd_create(2) and file seals.
 *
 * A memfd is an unlinked tmpfs file (shmem_file_named) whose dentry is
 * called "memfd:NAME".  Every tmpfs regular file has a seal set
 * (inode->seals); it starts as F_SEAL_SEAL, which forbids adding more,
 * except on a memfd made with MFD_ALLOW_SEALING.  The seals are
 * enforced where files change: tmpfs's write, truncate and fallocate,
 * and mmap/mprotect of shared mappings (see memfd.h).  As on Linux,
 * F_SEAL_WRITE is refused (EBUSY) while the file has a shared mapping
 * that could be made writable.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/memfd.h"
#include "kernel/abi/files.h"

#define MFD_ALL_FLAGS (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | \
		       MFD_NOEXEC_SEAL | MFD_EXEC)
#define WRITE_SEALS (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

int seals_check_write(struct inode *inode, u64 pos, u64 *count)
{
	u64 end;

	if (inode->seals & WRITE_SEALS)
		return -EPERM;
	if (!(inode->seals & F_SEAL_GROW) || pos + *count <= inode->size)
		return 0;
	/* Linux checks page by page: what lies in whole pages below the
	   size goes through, the rest is refused. */
	end = ALIGN_DOWN(inode->size, PAGE_SIZE);
	if (end <= pos)
		return -EPERM;
	*count = end - pos;
	return 0;
}

int seals_check_size(struct inode *inode, u64 newsize)
{
	if (newsize < inode->size && (inode->seals & F_SEAL_SHRINK))
		return -EPERM;
	if (newsize > inode->size && (inode->seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

int seals_check_mmap(struct file *f, int prot, bool shared, bool *nomaywrite)
{
	*nomaywrite = false;
	if (!shared || !is_tmpfs_file(f) || !(f->f_inode->seals & WRITE_SEALS))
		return 0;
	if (prot & PROT_WRITE)
		return -EPERM;
	*nomaywrite = true;
	return 0;
}

/* Could some shared mapping of inode be written (now or after mprotect)? */
static bool mapped_writable(struct inode *inode)
{
	struct process *p;
	struct task *t;
	struct vma *v;

	list_for_each(p, &all_processes, all_link) {
		list_for_each(t, &p->threads, thread_link) {
			if (!t->mm)
				continue;
			list_for_each(v, &t->mm->vmas, link) {
				if ((v->flags & VMA_SHARED) && v->file &&
				    v->file->f_inode == inode &&
				    (v->file->f_mode & FMODE_WRITE) &&
				    !(v->flags & VMA_NOMAYWRITE))
					return true;
			}
		}
	}
	return false;
}

static long add_seals(struct file *f, unsigned seals)
{
	struct inode *inode = f->f_inode;

	if (!(f->f_mode & FMODE_WRITE))
		return -EPERM;
	if (seals & ~F_ALL_SEALS)
		return -EINVAL;
	if (!is_tmpfs_file(f))
		return -EINVAL;
	if (inode->seals & F_SEAL_SEAL)
		return -EPERM;
	if ((seals & F_SEAL_WRITE) && !(inode->seals & F_SEAL_WRITE) &&
	    mapped_writable(inode))
		return -EBUSY;
	/* F_SEAL_EXEC on an executable file makes it W^X for good. */
	if ((seals & F_SEAL_EXEC) && (inode->mode & 0111))
		seals |= F_SEAL_SHRINK | F_SEAL_GROW | WRITE_SEALS;
	inode->seals |= seals;
	return 0;
}

long memfd_fcntl(struct file *f, int cmd, u64 arg)
{
	if (cmd == F_ADD_SEALS)
		return add_seals(f, (unsigned)arg);
	return is_tmpfs_file(f) ? (long)f->f_inode->seals : -EINVAL;
}

long sys_memfd_create(struct task *t, uaddr_t uname, unsigned flags)
{
	char name[sizeof(MFD_NAME_PREFIX) + MFD_NAME_MAX_LEN];
	unsigned allowed = MFD_ALL_FLAGS;
	struct inode *inode;
	struct file *f;
	long len;
	int fd;

	/* Huge pages are plain pages here; the size bits are accepted. */
	if (flags & MFD_HUGETLB)
		allowed |= MFD_HUGE_MASK << MFD_HUGE_SHIFT;
	if (flags & ~allowed)
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	memcpy(name, MFD_NAME_PREFIX, sizeof(MFD_NAME_PREFIX) - 1);
	len = strncpy_from_user(name + sizeof(MFD_NAME_PREFIX) - 1, uname,
				MFD_NAME_MAX_LEN + 1);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	f = shmem_file_named(name, 0, O_RDWR | O_LARGEFILE);
	inode = f->f_inode;
	if (flags & MFD_NOEXEC_SEAL) {
		inode->mode &= ~0111;
		inode->seals = F_SEAL_EXEC;
	} else if (flags & MFD_ALLOW_SEALING) {
		inode->seals &= ~F_SEAL_SEAL;
	}
	fd = fd_install(t, f, flags & MFD_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}
