/*
 * Access to guest memory.  Guest addresses are checked against the
 * task's page table and copied through umk's mapping of physical
 * memory; a page that is not there yet is faulted in as a user access
 * would.  Every function returns -EFAULT for an address the guest
 * could not have accessed, and never crashes umk.
 */
#ifndef UMK_UACCESS_H
#define UMK_UACCESS_H

#include "kernel/types.h"
#include "host/host.h"

struct mm;

int copy_from_user(void *dst, uaddr_t src, size_t n);
int copy_to_user(uaddr_t dst, const void *src, size_t n);
bool user_writable(uaddr_t ua, size_t n);
int user_cmpxchg_u32(uaddr_t ua, u32 old, u32 new, u32 *cur);
int user_atomic_op_u32(uaddr_t ua, int op, u32 arg, u32 *old);
int copy_from_mm(struct mm *mm, void *dst, uaddr_t src, size_t n);
size_t copy_to_user_partial(uaddr_t dst, const void *src, size_t n);
int clear_user(uaddr_t dst, size_t n);
/*
 * Copy a NUL-terminated string of at most max bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG when no NUL was found.
 */
long strncpy_from_user(char *dst, uaddr_t src, size_t max);
/* The same for an explicit mm (exec builds a new one). */
int copy_to_mm(struct mm *mm, uaddr_t dst, const void *src, size_t n);
/*
 * Kernel pointer to guest byte addr in mm, made accessible for write
 * or read; valid up to the end of its page.  NULL on a bad address.
 */
void *user_ptr(struct mm *mm, uaddr_t addr, bool write);

/* Read or write one u64 / u32 / int of guest memory. */
#define get_user(kvar, uaddr) copy_from_user(&(kvar), (uaddr), sizeof(kvar))
#define put_user(kval, uaddr)                                            \
	({                                                               \
		__typeof__(kval) _v = (kval);                            \
		copy_to_user((uaddr), &_v, sizeof(_v));                  \
	})

/*
 * Iterators over the memory of a read or write: guest iovecs, or one
 * kernel buffer.  They advance as data is copied; a fault stops them
 * early and the caller returns what was done (or -EFAULT if nothing).
 */
#define ITER_USER 0
#define ITER_KERNEL 1

struct iov_iter {
	int kind;
	struct mm *mm;
	const struct linux_iovec *iov; /* ITER_USER: kernel copy */
	int nr;
	size_t off;                     /* in iov[0] */
	char *kbuf;                     /* ITER_KERNEL */
	size_t count;                   /* bytes left */
};

struct linux_iovec;
void iter_user(struct iov_iter *it, const struct linux_iovec *iov, int nr,
	       size_t count);
void iter_kernel(struct iov_iter *it, void *buf, size_t len);
/* Bytes copied; fewer than n only on a fault. */
size_t copy_to_iter(const void *src, size_t n, struct iov_iter *it);
size_t copy_from_iter(void *dst, size_t n, struct iov_iter *it);
/*
 * Describe up to max bytes at the iterator's head as host iovecs, for
 * I/O straight between a host file and guest memory.  write: the host
 * will write into the memory.  Does not advance.  Returns the number of
 * iovecs (their total may be short of max after a bad page), 0 if the
 * first byte is bad.
 */
int iter_host_iov(struct iov_iter *it, size_t max, bool write,
		  struct host_iovec *out, int max_out);
void iter_advance(struct iov_iter *it, size_t n);
/*
 * Read a guest iovec array (readv, writev): checks count and lengths
 * as Linux does.  Returns the total length, or -EINVAL/-EFAULT.
 */
ssize_t import_iovec(uaddr_t uiov, int n, struct linux_iovec *iov);

#endif
