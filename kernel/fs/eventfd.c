/*
 * eventfd: a 64-bit counter as a file.  write(8 bytes) adds to it and
 * blocks while the sum would reach 2^64 - 1; read(8 bytes) blocks while
 * it is zero, then returns it and resets it (or, with EFD_SEMAPHORE,
 * returns 1 and decrements it).  Readable while non-zero, writable
 * while at least 1 can be added.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/event.h"
#include "kernel/abi/event.h"
#include "kernel/abi/misc.h"

#define COUNT_MAX 0xffffffffffffffffULL

struct eventfd {
	u64 count;
	bool semaphore;
	struct waitq wait;
};

static ssize_t eventfd_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct eventfd *e = f->priv;
	u64 val;

	(void)pos;
	if (it->count < sizeof(val))
		return -EINVAL;
	while (!e->count) {
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&e->wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	val = e->semaphore ? 1 : e->count;
	e->count -= val;
	wake_up_key(&e->wait, POLLOUT);
	if (copy_to_iter(&val, sizeof(val), it) != sizeof(val))
		return -EFAULT;
	return sizeof(val);
}

static ssize_t eventfd_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct eventfd *e = f->priv;
	u64 val;

	(void)pos;
	if (it->count != sizeof(val))
		return -EINVAL;
	if (copy_from_iter(&val, sizeof(val), it) != sizeof(val))
		return -EFAULT;
	if (val == COUNT_MAX)
		return -EINVAL;
	while (COUNT_MAX - e->count <= val) {
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&e->wait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	e->count += val;
	wake_up_key(&e->wait, POLLIN);
	return sizeof(val);
}

static int eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	int mask = 0;

	poll_wait(pt, &e->wait);
	if (e->count)
		mask |= POLLIN;
	if (e->count == COUNT_MAX)
		mask |= POLLERR;
	if (COUNT_MAX - 1 > e->count)
		mask |= POLLOUT;
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.llseek = anon_llseek,
	.release = eventfd_release,
};

long sys_eventfd2(struct task *t, unsigned count, int flags)
{
	struct eventfd *e;
	struct file *f;
	int fd;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	e->count = count;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->wait);
	f = anon_inode_file("eventfd", &eventfd_fops, e, flags);
	fd = fd_install(t, f, flags & EFD_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_eventfd(struct task *t, unsigned count)
{
	return sys_eventfd2(t, count, 0);
}
