/* Guest memory access (see kernel/uaccess.h). */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/abi/misc.h"
#include "kernel/engine.h"

void *user_ptr(struct mm *mm, uaddr_t addr, bool write)
{
	pte_t *pte;

	if (addr >= task_size || !mm)
		return NULL;
	pte = pt_walk(&mm->pt, addr & PAGE_MASK, false);
	if (!pte || !(*pte & PTE_PRESENT) || !(*pte & (PTE_READ | PTE_WRITE)) ||
	    (write && !(*pte & PTE_WRITE))) {
		if (handle_mm_fault(mm, addr, write ? FAULT_WRITE : FAULT_READ,
				    false) < 0)
			return NULL;
		pte = pt_walk(&mm->pt, addr & PAGE_MASK, false);
		if (!pte || !(*pte & PTE_PRESENT))
			return NULL;
	}
	return (char *)phys_to_kva(pte_phys(*pte)) + (addr & ~PAGE_MASK);
}

/*
 * Atomic operations on a guest u32, for futexes: on the frame itself,
 * through umk's own mapping of physical memory, so that guest threads
 * running on other CPUs see them as atomic.  0 or -EFAULT.
 */
int user_cmpxchg_u32(uaddr_t ua, u32 old, u32 new, u32 *cur)
{
	u32 *p;

	if (ua & 3)
		return -EINVAL;
	p = user_ptr(current->mm, ua, true);
	if (!p)
		return -EFAULT;
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	*cur = old; /* the value found: equal to old when it swapped */
	return 0;
}

int user_atomic_op_u32(uaddr_t ua, int op, u32 arg, u32 *old)
{
	u32 *p, v, n;

	if (ua & 3)
		return -EINVAL;
	p = user_ptr(current->mm, ua, true);
	if (!p)
		return -EFAULT;
	v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	do {
		switch (op) {
		case 0: n = arg; break;      /* set */
		case 1: n = v + arg; break;  /* add */
		case 2: n = v | arg; break;  /* or */
		case 3: n = v & ~arg; break; /* andn */
		case 4: n = v ^ arg; break;  /* xor */
		default: return -ENOSYS;
		}
	} while (!__atomic_compare_exchange_n(p, &v, n, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	*old = v;
	return 0;
}

/* Could the guest write [ua, ua + n) now?  Faults the pages in. */
bool user_writable(uaddr_t ua, size_t n)
{
	uaddr_t end;

	if (!range_ok(ua, n, task_size))
		return false;
	if (!n)
		return true;
	end = ua + n;
	for (ua &= PAGE_MASK; ua < end; ua += PAGE_SIZE)
		if (!user_ptr(current->mm, ua, true))
			return false;
	return true;
}

/* Copy out as much as the guest can take: the bytes copied. */
size_t copy_to_user_partial(uaddr_t dst, const void *src, size_t n)
{
	const char *k = src;
	size_t done = 0;

	if (dst >= task_size)
		return 0;
	n = MIN(n, task_size - dst);
	while (done < n) {
		size_t chunk = MIN(n - done, PAGE_SIZE - (dst & ~PAGE_MASK));
		char *p = user_ptr(current->mm, dst, true);

		if (!p)
			break;
		memcpy(p, k + done, chunk);
		done += chunk;
		dst += chunk;
	}
	return done;
}

static int copy_user(struct mm *mm, void *kbuf, uaddr_t ua, size_t n,
		     bool to_user)
{
	char *k = kbuf;

	if (!range_ok(ua, n, task_size))
		return -EFAULT;
	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (ua & ~PAGE_MASK));
		char *p = user_ptr(mm, ua, to_user);

		if (!p)
			return -EFAULT;
		if (to_user)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		k += chunk;
		ua += chunk;
		n -= chunk;
	}
	return 0;
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	return copy_user(current->mm, dst, src, n, false);
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	return copy_user(current->mm, (void *)src, dst, n, true);
}

int copy_from_mm(struct mm *mm, void *dst, uaddr_t src, size_t n)
{
	return copy_user(mm, dst, src, n, false);
}

int copy_to_mm(struct mm *mm, uaddr_t dst, const void *src, size_t n)
{
	return copy_user(mm, (void *)src, dst, n, true);
}

int clear_user(uaddr_t dst, size_t n)
{
	if (!range_ok(dst, n, task_size))
		return -EFAULT;
	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (dst & ~PAGE_MASK));
		char *p = user_ptr(current->mm, dst, true);

		if (!p)
			return -EFAULT;
		memset(p, 0, chunk);
		dst += chunk;
		n -= chunk;
	}
	return 0;
}

long strncpy_from_user(char *dst, uaddr_t src, size_t max)
{
	size_t done = 0;

	while (done < max) {
		size_t chunk = MIN(max - done, PAGE_SIZE - (src & ~PAGE_MASK));
		char *p = user_ptr(current->mm, src, false);
		char *nul;

		if (!p)
			return -EFAULT;
		nul = memchr(p, 0, chunk);
		if (nul) {
			memcpy(dst + done, p, nul - p + 1);
			return done + (nul - p);
		}
		memcpy(dst + done, p, chunk);
		done += chunk;
		src += chunk;
	}
	return -ENAMETOOLONG;
}

/* ---- iterators ---- */

void iter_user(struct iov_iter *it, const struct linux_iovec *iov, int nr,
	       size_t count)
{
	*it = (struct iov_iter){ .kind = ITER_USER, .mm = current->mm,
				 .iov = iov, .nr = nr, .count = count };
	while (it->nr && !it->iov->iov_len) {
		it->iov++;
		it->nr--;
	}
}

void iter_kernel(struct iov_iter *it, void *buf, size_t len)
{
	*it = (struct iov_iter){ .kind = ITER_KERNEL, .kbuf = buf, .count = len };
}

void iter_advance(struct iov_iter *it, size_t n)
{
	n = MIN(n, it->count);
	it->count -= n;
	if (it->kind == ITER_KERNEL) {
		it->kbuf += n;
		return;
	}
	while (n && it->nr) {
		size_t left = it->iov->iov_len - it->off;

		if (n < left) {
			it->off += n;
			return;
		}
		n -= left;
		it->iov++;
		it->nr--;
		it->off = 0;
	}
	while (it->nr && !it->iov->iov_len) {
		it->iov++;
		it->nr--;
	}
}

static size_t copy_iter(void *kbuf, size_t n, struct iov_iter *it, bool to)
{
	size_t done = 0;

	n = MIN(n, it->count);
	if (it->kind == ITER_KERNEL) {
		if (to)
			memcpy(it->kbuf, kbuf, n);
		else
			memcpy(kbuf, it->kbuf, n);
		iter_advance(it, n);
		return n;
	}
	while (done < n && it->nr) {
		uaddr_t ua = it->iov->iov_base + it->off;
		size_t chunk = MIN(n - done, it->iov->iov_len - it->off);

		chunk = MIN(chunk, PAGE_SIZE - (ua & ~PAGE_MASK));
		char *p = range_ok(ua, chunk, task_size) ?
				  user_ptr(it->mm, ua, to) : NULL;
		if (!p)
			break;
		if (to)
			memcpy(p, (char *)kbuf + done, chunk);
		else
			memcpy((char *)kbuf + done, p, chunk);
		done += chunk;
		iter_advance(it, chunk);
	}
	return done;
}

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it)
{
	return copy_iter((void *)src, n, it, true);
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it)
{
	return copy_iter(dst, n, it, false);
}

int iter_host_iov(struct iov_iter *it, size_t max, bool write,
		  struct host_iovec *out, int max_out)
{
	const struct linux_iovec *iov = it->iov;
	size_t off = it->off, left = MIN(max, it->count);
	int nr = it->nr, n = 0;

	if (it->kind == ITER_KERNEL) {
		if (!left)
			return 0;
		out[0] = (struct host_iovec){ it->kbuf, left };
		return 1;
	}
	while (left && nr && n < max_out) {
		uaddr_t ua = iov->iov_base + off;
		size_t chunk = MIN(left, iov->iov_len - off);
		char *p;

		chunk = MIN(chunk, PAGE_SIZE - (ua & ~PAGE_MASK));
		p = range_ok(ua, chunk, task_size) ? user_ptr(it->mm, ua, write)
						    : NULL;
		if (!p)
			break;
		if (n && (char *)out[n - 1].base + out[n - 1].len == p)
			out[n - 1].len += chunk;
		else
			out[n++] = (struct host_iovec){ p, chunk };
		left -= chunk;
		off += chunk;
		if (off == iov->iov_len) {
			iov++;
			nr--;
			off = 0;
		}
	}
	return n;
}

ssize_t import_iovec(uaddr_t uiov, int n, struct linux_iovec *iov)
{
	size_t total = 0;

	if (n < 0 || n > UIO_MAXIOV)
		return -EINVAL;
	if (n && copy_from_user(iov, uiov, n * sizeof(*iov)))
		return -EFAULT;
	for (int i = 0; i < n; i++) {
		/* Linux: a length that is negative as ssize_t is EINVAL,
		   and the total is capped at MAX_RW_COUNT. */
		if ((s64)iov[i].iov_len < 0)
			return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		/* access_ok() of each segment, with its length as given. */
		if (!range_ok(iov[i].iov_base, iov[i].iov_len, task_size))
			return -EFAULT;
		if (iov[i].iov_len > 0x7ffff000 - total)
			iov[i].iov_len = 0x7ffff000 - total;
		total += iov[i].iov_len;
	}
	return total;
}
