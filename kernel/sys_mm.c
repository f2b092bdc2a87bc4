/*
 * Memory system calls: mmap, munmap, mprotect, brk, madvise.  The
 * argument checks follow Linux's, errno for errno; the work is in mm/.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "kernel/uaccess.h"
#include "kernel/fs/memfd.h"

#define MMAP_MIN_ADDR 0x10000ULL
/* Anonymous memory up to this size is mapped at once: no faults. */
#define EAGER_ANON (1ULL << 20)
/* Of a library segment's mapping (see do_mmap): mapped at once, and
   copied at once when it is writable and no bigger than EAGER_FILE_COW. */
#define EAGER_FILE (512 * PAGE_SIZE)
#define EAGER_FILE_COW (16 * PAGE_SIZE)

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
	else if (f && (flags & MAP_FIXED) && type == MAP_PRIVATE && prot)
		/*
		 * A dynamic loader placing a library's segment: its text is
		 * run and its data written at once; map them now, not one
		 * fault-around window at a time.
		 */
		mm_populate(mm, at, at + MIN(len, EAGER_FILE),
			    (prot & PROT_WRITE) && len <= EAGER_FILE_COW);
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

/* ---- mremap, msync, mincore, mlock ---- */

/* [addr, addr+len) lies in one vma: that vma, else NULL. */
static struct vma *one_vma(struct mm *mm, uaddr_t addr, u64 len)
{
	struct vma *v = vma_at(mm, addr);

	return v && v->end - addr >= len ? v : NULL;
}

long sys_mremap(struct task *t, uaddr_t old, u64 old_len, u64 new_len,
		int flags, uaddr_t new)
{
	struct mm *mm = t->mm;
	struct vma *v;
	uaddr_t at;
	int rc;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (old & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	/*
	 * A new address is used with MREMAP_FIXED, and (Linux 6.16 and
	 * later) as a hint with MREMAP_DONTUNMAP: aligned either way.
	 */
	if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && (new & ~PAGE_MASK))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) &&
	    (!range_ok(new, new_len, task_size) ||
	     (new < old + MAX(old_len, new_len) && old < new + new_len)))
		return -EINVAL;
	v = vma_at(mm, old);
	if (!v)
		return -EFAULT;
	if (!old_len) {
		/* A second mapping of the same shared pages. */
		if (!(v->flags & VMA_SHARED) || !(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		old_len = 0;
	}
	if (old_len && !one_vma(mm, old, old_len))
		return -EFAULT;
	if ((flags & MREMAP_DONTUNMAP) && (v->flags & VMA_SHARED))
		return -EINVAL;
	if (!(flags & MREMAP_FIXED)) {
		if (new_len <= old_len && !(flags & MREMAP_DONTUNMAP)) {
			if (new_len < old_len &&
			    (rc = vma_unmap(mm, old + new_len, old_len - new_len)) < 0)
				return rc;
			return old;
		}
		/* Grow in place when the pages after it are free. */
		if (old_len && new_len > old_len && v->end == old + old_len &&
		    range_ok(old, new_len, task_size) &&
		    !overlaps(mm, old + old_len, new_len - old_len)) {
			if (!v->file && !(v->flags & VMA_SHARED) &&
			    (v->prot & PROT_WRITE) && !mm_may_commit(mm, new_len))
				return -ENOMEM;
			vma_extend(mm, old + old_len, old + new_len);
			return old;
		}
		if (!(flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		at = get_unmapped_area(mm, (flags & MREMAP_DONTUNMAP) ? new : 0,
				       new_len);
		if (!at)
			return -ENOMEM;
	} else {
		at = new;
		rc = vma_unmap(mm, at, new_len);
		if (rc < 0)
			return rc;
		if (new_len < old_len) {
			rc = vma_unmap(mm, old + new_len, old_len - new_len);
			if (rc < 0)
				return rc;
			old_len = new_len;
		}
	}
	if (!old_len) {
		/* Duplicate a shared mapping: a fresh vma of the same object. */
		u64 pgoff = v->pgoff + ((old - v->start) >> PAGE_SHIFT);

		rc = vma_map(mm, at, new_len, v->prot, v->flags, v->file, pgoff);
		return rc < 0 ? rc : (long)at;
	}
	rc = vma_move(mm, old, old_len, at, new_len,
		      flags & MREMAP_DONTUNMAP);
	return rc < 0 ? rc : (long)at;
}

long sys_msync(struct task *t, uaddr_t addr, u64 len, int flags)
{
	struct mm *mm = t->mm;
	uaddr_t end, at;
	struct vma *v;
	int rc = 0;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = addr + len;
	if (end < addr)
		return -ENOMEM;
	if (end == addr)
		return 0;
	/* Write back what shared file mappings in the range wrote. */
	for (at = addr; at < end; at = v->end) {
		v = find_vma(mm, at);
		if (!v || v->start >= end)
			return -ENOMEM;
		if (v->start > at)
			rc = -ENOMEM; /* a hole: Linux goes on, then fails */
		if (v->file && (v->flags & VMA_SHARED)) {
			uaddr_t s = MAX(at, v->start), e = MIN(end, v->end);
			int r = pagecache_writeback(v->file->f_inode,
						    v->pgoff + ((s - v->start) >> PAGE_SHIFT),
						    (e - s) >> PAGE_SHIFT);

			if (r < 0 && !rc)
				rc = r;
		}
	}
	return rc;
}

long sys_mincore(struct task *t, uaddr_t addr, u64 len, uaddr_t uvec)
{
	struct mm *mm = t->mm;
	u64 pages, done = 0;
	u8 buf[256];

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	pages = PAGE_ALIGN(len) >> PAGE_SHIFT;
	if (!range_ok(addr, pages << PAGE_SHIFT, task_size))
		return -ENOMEM;
	while (done < pages) {
		u64 n = MIN(pages - done, sizeof(buf));

		for (u64 i = 0; i < n; i++) {
			uaddr_t va = addr + ((done + i) << PAGE_SHIFT);
			struct vma *v = vma_at(mm, va);

			if (!v)
				return -ENOMEM;
			/* Mapped, or (files) in the page cache. */
			buf[i] = pte_present(mm, va);
			if (!buf[i] && v->file)
				buf[i] = pagemap_get(&v->file->f_inode->pages,
						     v->pgoff + ((va - v->start) >> PAGE_SHIFT)) != 0;
		}
		if (copy_to_user(uvec + done, buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/*
 * mlock and friends: umk never pages guest memory out, so every page is
 * locked already; the calls check their arguments and limits as Linux,
 * and fault the range in.
 */
static long mlock_check(struct task *t, uaddr_t addr, u64 len)
{
	struct mm *mm = t->mm;
	uaddr_t start = addr & PAGE_MASK, end, at;
	u64 limit = t->proc->rlim[RLIMIT_MEMLOCK].rlim_cur;
	struct vma *v;

	end = PAGE_ALIGN(addr + len);
	if (end < start || (addr + len < addr))
		return -EINVAL;
	if (t->proc->cred.euid != 0) {
		if (!limit)
			return -EPERM;
		if (limit != RLIM_INFINITY && end - start > limit)
			return -ENOMEM;
	}
	for (at = start; at < end; at = v->end) {
		v = find_vma(mm, at);
		if (!v || v->start > at)
			return -ENOMEM;
	}
	mm_populate(mm, start, end, false);
	return 0;
}

long sys_mlock(struct task *t, uaddr_t addr, u64 len)
{
	return mlock_check(t, addr, len);
}

long sys_mlock2(struct task *t, uaddr_t addr, u64 len, int flags)
{
	if (flags & ~1) /* MLOCK_ONFAULT */
		return -EINVAL;
	return mlock_check(t, addr, len);
}

long sys_munlock(struct task *t, uaddr_t addr, u64 len)
{
	uaddr_t start = addr & PAGE_MASK, end = PAGE_ALIGN(addr + len), at;
	struct vma *v;

	if (end < start)
		return -EINVAL;
	for (at = start; at < end; at = v->end) {
		v = find_vma(t->mm, at);
		if (!v || v->start > at)
			return -ENOMEM;
	}
	return 0;
}

long sys_mlockall(struct task *t, int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	if (t->proc->cred.euid != 0 && !t->proc->rlim[RLIMIT_MEMLOCK].rlim_cur)
		return -EPERM;
	return 0;
}

long sys_munlockall(struct task *t)
{
	(void)t;
	return 0;
}
