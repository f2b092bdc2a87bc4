/*
 * Memory devices: /dev/null, zero, full, random and urandom (major 1).
 * random and urandom read the host's random source.
 */
#include "kernel/kernel.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/task.h"
#include "kernel/abi/misc.h"
#include "host/host.h"

static ssize_t read_nothing(struct file *f, struct iov_iter *it, u64 *pos)
{
	(void)f, (void)it, (void)pos;
	return 0;
}

static ssize_t write_all(struct file *f, struct iov_iter *it, u64 *pos)
{
	size_t n = it->count;

	(void)f, (void)pos;
	iter_advance(it, n);
	return n;
}

static ssize_t write_full(struct file *f, struct iov_iter *it, u64 *pos)
{
	(void)f, (void)it, (void)pos;
	return -ENOSPC;
}

static ssize_t read_zero(struct file *f, struct iov_iter *it, u64 *pos)
{
	static const char zeroes[PAGE_SIZE];
	size_t done = 0;

	(void)f, (void)pos;
	while (it->count) {
		size_t want = MIN(it->count, sizeof(zeroes));
		size_t n = copy_to_iter(zeroes, want, it);

		done += n;
		if (n < want)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

static ssize_t read_random(struct file *f, struct iov_iter *it, u64 *pos)
{
	char buf[512];
	size_t done = 0;

	(void)f, (void)pos;
	while (it->count) {
		size_t want = MIN(it->count, sizeof(buf)), n;
		int rc = host_getrandom(buf, want);

		if (rc < 0)
			return done ? (ssize_t)done : rc;
		n = copy_to_iter(buf, want, it);
		done += n;
		if (n < want)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

static s64 seek_zero(struct file *f, s64 off, int whence)
{
	(void)off, (void)whence;
	f->pos = 0;
	return 0;
}

static int poll_ready(struct file *f, struct poll_table *pt)
{
	(void)f, (void)pt;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/*
 * random(4)'s ioctls.  The entropy count is what a Linux 5.18+ kernel
 * reports once its pool is initialised; the calls that feed or reset
 * the pool need CAP_SYS_ADMIN and, given it, change nothing: entropy
 * comes from the host.
 */
#define RNDGETENTCNT 0x80045200
#define RNDADDTOENTCNT 0x40045201
#define RNDGETPOOL 0x80085202
#define RNDADDENTROPY 0x40085203
#define RNDZAPENTCNT 0x5204
#define RNDCLEARPOOL 0x5206
#define RNDRESEEDCRNG 0x5207

static bool is_admin(void)
{
	return current->proc->cred.euid == 0;
}

static long ioctl_random(struct file *f, unsigned cmd, uaddr_t arg)
{
	int v;

	(void)f;
	switch (cmd) {
	case RNDGETENTCNT:
		return put_user((int)256, arg) ? -EFAULT : 0;
	case RNDADDTOENTCNT:
	case RNDADDENTROPY:
		if (!is_admin())
			return -EPERM;
		if (copy_from_user(&v, arg, sizeof(v)))
			return -EFAULT;
		return v < 0 ? -EINVAL : 0;
	case RNDZAPENTCNT:
	case RNDCLEARPOOL:
	case RNDRESEEDCRNG:
		return is_admin() ? 0 : -EPERM;
	default:
		return -EINVAL;
	}
}

static const struct file_ops null_fops = {
	.read = read_nothing, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready,
};
static const struct file_ops zero_fops = {
	.read = read_zero, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready, .mmap_anon = true,
};
static const struct file_ops full_fops = {
	.read = read_zero, .write = write_full, .llseek = seek_zero,
	.poll = poll_ready,
};
static const struct file_ops random_fops = {
	.read = read_random, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready, .ioctl = ioctl_random,
};

static const struct chrdev mem_devs[] = {
	{ 1, 3, "null", &null_fops },
	{ 1, 5, "zero", &zero_fops },
	{ 1, 7, "full", &full_fops },
	{ 1, 8, "random", &random_fops },
	{ 1, 9, "urandom", &random_fops },
};

void mem_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_devs); i++)
		chrdev_register(&mem_devs[i]);
}
