/*
 * Anonymous inodes: the inode behind files that have no name and no
 * inode of their own (epoll, eventfd, timerfd, signalfd).  As in Linux,
 * they all look alike to fstat (one device, one inode number, mode 0600
 * with no file type, owned by root); /proc/PID/fd shows each kind as
 * anon_inode:[NAME], so each kind has its own super block named NAME,
 * all on the one device.
 */
#include "kernel/kernel.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/event.h"

#define ANON_INO 1
#define MAX_KINDS 8

struct anon_kind {
	const char *name;
	struct inode *inode;
};

static struct anon_kind kinds[MAX_KINDS];
static u64 anon_dev;

static struct inode *anon_inode_of(const char *name)
{
	struct super_block *sb;
	struct inode *inode;
	int i;

	for (i = 0; i < MAX_KINDS && kinds[i].name; i++)
		if (!strcmp(kinds[i].name, name))
			return kinds[i].inode;
	BUG_ON(i == MAX_KINDS);
	sb = sb_alloc(name, NULL);
	if (!anon_dev)
		anon_dev = sb->dev;
	sb->dev = anon_dev;
	inode = inode_alloc(sb);
	inode->ino = ANON_INO;
	inode->mode = 0600;
	kinds[i].name = name;
	kinds[i].inode = inode;
	return inode;
}

/* Not seekable, yet lseek succeeds and changes nothing (noop_llseek). */
s64 anon_llseek(struct file *f, s64 off, int whence)
{
	(void)off, (void)whence;
	return (s64)f->pos;
}

/*
 * A new file of kind name (a static string) with operations fop and
 * private data priv; flags: O_NONBLOCK may be among them.  Opened for
 * reading and writing, as Linux opens them.
 */
struct file *anon_inode_file(const char *name, const struct file_ops *fop,
			     void *priv, unsigned flags)
{
	struct file *f = file_anon(anon_inode_of(name),
				   O_RDWR | (flags & O_NONBLOCK));

	f->fop = fop;
	f->priv = priv;
	return f;
}
