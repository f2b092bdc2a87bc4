/*
 * Memory devices: /dev/null, zero, full, random and urandom (major 1).
 * random and urandom read the host's random source.
 */
#include "kernel/kernel.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
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

static const struct file_ops null_fops = {
	.read = read_nothing, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready,
};
static const struct file_ops zero_fops = {
	.read = read_zero, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready,
};
static const struct file_ops full_fops = {
	.read = read_zero, .write = write_full, .llseek = seek_zero,
	.poll = poll_ready,
};
static const struct file_ops random_fops = {
	.read = read_random, .write = write_all, .llseek = seek_zero,
	.poll = poll_ready,
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
