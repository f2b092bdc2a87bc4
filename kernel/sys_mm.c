/*
 * Memory system calls: mmap, munmap, mprotect, brk, madvise.  The
 * argument checks follow Linux's, errno for errno; the work is in mm/.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/memfd.h"

#define MMAP_MIN_ADDR 0x10000ULL
/* Anonymous memory up to this size is mapped at once: no faults. */
#define EAGER_ANON (1ULL << 20)

static bool overlaps(struct mm *mm, uaddr_t start, u64 len)
{
	struct vma *v = find_vma(mm, start);

	return v && v->start < start + len;
}

/*
 * Linux's default overcommit heuristic (vm.overcommit_memory = 0): a
 * single private writable mapping larger than all of memory and swap
 * cannot be committed.  umk's guests have no swap.
 */
static bool mm_may_commit(struct mm *mm, u64 len)
{
	(void)mm;
	return len / PAGE_SIZE <= frames_total();
}

/* Check f for a mapping of kind flags with prot. */
static int mmap_file_ok(struct file *f, int prot, int flags)
{
	if (!(f->f_mode & FMODE_READ))
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
	    (!(f->f_mode & FMODE_WRITE) || (f->f_flags & O_APPEND)))
		return -EACCES;
	if (!S_ISREG(f->f_inode->mode))
		return -ENODEV;
	if ((prot & PROT_EXEC) && (f->path.mnt->flags & MNT_NOEXEC))
		return -EPERM;
	return 0;
}

long sys_mmap(struct task *t, uaddr_t addr, u64 len, int prot, int flags,
	      int fd, u64 off)
{
	struct mm *mm = t->mm;
	struct file *f = NULL;
	int type = flags & MAP_TYPE, vflags = 0, rc;
	bool nomaywrite = false;
	uaddr_t at;

	/* In Linux's order: the offset, the descriptor, the length, the type. */
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget_io(t, fd);
		if (!f)
			return -EBADF;
		if (f->fop && f->fop->mmap_anon) {
			/* /dev/zero: private or shared anonymous memory. */
			file_put(f);
			f = NULL;
			flags |= MAP_ANONYMOUS;
		}
	}
	rc = -EINVAL;
	if (!len)
		goto out;
	len = PAGE_ALIGN(len);
	rc = -ENOMEM;
	if (!len || len > task_size)
		goto out;
	rc = -EOVERFLOW;
	if (f && off + len < off)
		goto out;
	if (f) {
		rc = -EINVAL;
		if (type != MAP_SHARED && type != MAP_PRIVATE &&
		    type != MAP_SHARED_VALIDATE)
			goto out;
		rc = -EOPNOTSUPP;
		if (type == MAP_SHARED_VALIDATE &&
		    (flags & ~(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS |
			       MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE |
			       MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |
			       MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
			       MAP_HUGETLB | MAP_FIXED_NOREPLACE | MAP_SYNC)))
			goto out;
		rc = mmap_file_ok(f, prot, flags);
		if (rc == 0)
			rc = seals_check_mmap(f, prot, type != MAP_PRIVATE,
					      &nomaywrite);
		if (rc < 0)
			goto out;
		if (nomaywrite)
			vflags |= VMA_NOMAYWRITE;
	} else {
		/* Anonymous: MAP_SHARED_VALIDATE is not a type here. */
		rc = -EINVAL;
		if (type != MAP_SHARED && type != MAP_PRIVATE)
			goto out;
		if (type == MAP_SHARED && (flags & MAP_GROWSDOWN))
			goto out;
		rc = -ENOMEM;
		if (type == MAP_PRIVATE && (prot & PROT_WRITE) &&
		    !(flags & MAP_NORESERVE) && !mm_may_commit(mm, len))
			goto out;
		if (type == MAP_SHARED)
			f = shmem_file(len, O_RDWR);
		off = 0;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		rc = -EINVAL;
		if (addr & ~PAGE_MASK)
			goto out;
		rc = -ENOMEM;
		if (!range_ok(addr, len, task_size))
			goto out;
		rc = -EPERM;
		if (addr < MMAP_MIN_ADDR)
			goto out;
		rc = -EEXIST;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    overlaps(mm, addr, len))
			goto out;
		at = addr;
	} else {
		at = get_unmapped_area(mm, addr >= MMAP_MIN_ADDR ? addr : 0, len);
		rc = -ENOMEM;
		if (!at)
			goto out;
	}
	if (type != MAP_PRIVATE)
		vflags |= VMA_SHARED;
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	rc = vma_map(mm, at, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
		     vflags, f ? file_real(f) : NULL, off >> PAGE_SHIFT);
	if (rc < 0)
		goto out;
	if ((flags & MAP_POPULATE) && !(flags & MAP_NONBLOCK))
		mm_populate(mm, at, at + len, prot & PROT_WRITE);
	else if (!f && len <= EAGER_ANON && (prot & PROT_WRITE))
		mm_populate(mm, at, at + len, true);
	rc = 0;
out:
	if (f)
		file_put(f);
	return rc < 0 ? rc : (long)at;
}

long sys_munmap(struct task *t, uaddr_t addr, u64 len)
{
	if ((addr & ~PAGE_MASK) || !len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || !range_ok(addr, len, task_size))
		return -EINVAL;
	return vma_unmap(t->mm, addr, len);
}

long sys_mprotect(struct task *t, uaddr_t addr, u64 len, int prot)
{
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN |
		     PROT_GROWSUP))
		return -EINVAL;
	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	if (!len || !range_ok(addr, len, task_size))
		return -ENOMEM;
	if (prot & PROT_GROWSDOWN) {
		struct vma *v = vma_at(t->mm, addr);

		if (!v || !(v->flags & VMA_GROWSDOWN))
			return -EINVAL;
		len += addr - v->start;
		addr = v->start;
	}
	return vma_protect(t->mm, addr, len,
			   prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

long sys_brk(struct task *t, uaddr_t addr)
{
	struct mm *mm = t->mm;
	uaddr_t old = PAGE_ALIGN(mm->brk), new = PAGE_ALIGN(addr);
	u64 limit = t->proc->rlim[RLIMIT_DATA].rlim_cur;

	if (addr < mm->start_brk || new < addr)
		return mm->brk;
	if (limit != RLIM_INFINITY && addr - mm->start_brk +
	    (mm->end_data - mm->start_data) > limit)
		return mm->brk;
	if (new < old) {
		if (vma_unmap(mm, new, old - new) < 0)
			return mm->brk;
	} else if (new > old) {
		if (!range_ok(old, new - old, task_size) ||
		    overlaps(mm, old, new - old + PAGE_SIZE) ||
		    !mm_may_commit(mm, new - old))
			return mm->brk;
		if (vma_map(mm, old, new - old, PROT_READ | PROT_WRITE,
			    VMA_HEAP, NULL, 0) < 0)
			return mm->brk;
		mm_populate(mm, old, MIN(new, old + EAGER_ANON), true);
	}
	mm->brk = addr;
	return addr;
}

long sys_madvise(struct task *t, uaddr_t addr, u64 len, int advice)
{
	struct mm *mm = t->mm;
	uaddr_t end, at;
	struct vma *v;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!range_ok(addr, len, task_size))
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_COLD:
	case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
	case MADV_KEEPONFORK: case MADV_WIPEONFORK: case MADV_DONTNEED_LOCKED:
	case MADV_REMOVE: case MADV_COLLAPSE:
		break;
	default:
		return -EINVAL;
	}
	if (!len)
		return 0;
	end = addr + len;
	/* Every page of the range must be mapped. */
	for (at = addr, v = find_vma(mm, addr); at < end; ) {
		if (!v || v->start > at)
			return -ENOMEM;
		at = v->end;
		v = at < end ? find_vma(mm, at) : NULL;
	}
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		zap_range(mm, addr, end);
		break;
	case MADV_REMOVE:
		v = vma_at(mm, addr);
		if (!v || !(v->flags & VMA_SHARED))
			return -EINVAL;
		zap_range(mm, addr, end);
		break;
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return mm_populate(mm, addr, end, advice == MADV_POPULATE_WRITE);
	case MADV_WIPEONFORK:
		for (at = addr; at < end; at = v->end) {
			v = vma_at(mm, at);
			if (v->file || (v->flags & VMA_SHARED))
				return -EINVAL;
		}
		return vma_set_flags(mm, addr, end, VMA_WIPEONFORK, 0);
	case MADV_KEEPONFORK:
		return vma_set_flags(mm, addr, end, 0, VMA_WIPEONFORK);
	case MADV_DONTFORK:
		return vma_set_flags(mm, addr, end, VMA_DONTFORK, 0);
	case MADV_DOFORK:
		return vma_set_flags(mm, addr, end, 0, VMA_DONTFORK);
	}
	return 0;
}
