/*
 * devfs: /dev.  A tmpfs instance filled at boot with the device nodes
 * umk's drivers serve and the usual symlinks; the guest may add its own
 * nodes, as it may on Linux's devtmpfs.
 */
#include "kernel/kernel.h"
#include "kernel/fs/vfs.h"

struct devnode {
	const char *name;
	u32 major, minor;
	mode_t mode;
};

static const struct devnode nodes[] = {
	{ "null", 1, 3, 0666 },
	{ "zero", 1, 5, 0666 },
	{ "full", 1, 7, 0666 },
	{ "random", 1, 8, 0666 },
	{ "urandom", 1, 9, 0666 },
	{ "tty", 5, 0, 0666 },
	{ "console", 5, 1, 0600 },
	{ "ptmx", 5, 2, 0666 },
};

static const char *const links[][2] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

struct super_block *devfs_create(void)
{
	struct super_block *sb = tmpfs_create();
	struct inode *root = sb->root->inode, *inode;

	root->mode = S_IFDIR | 0755;
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		if (root->iop->mknod(root, nodes[i].name, S_IFCHR | nodes[i].mode,
				     makedev_linux(nodes[i].major, nodes[i].minor),
				     &inode) == 0)
			inode_put(inode);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		root->iop->symlink(root, links[i][0], links[i][1]);
	root->iop->mkdir(root, "shm", 01777);
	root->iop->mkdir(root, "pts", 0755);
	return sb;
}
