/*
 * File handles: name_to_handle_at and open_by_handle_at.
 *
 * No umk file system can decode a handle (none has Linux's export
 * operations), so umk answers as Linux does for such file systems:
 * name_to_handle_at is EOPNOTSUPP, except with AT_HANDLE_FID, where
 * Linux's default encoder gives an identifier that is never opened
 * (inode number and generation, 8 bytes, FILEID_INO32_GEN); and
 * open_by_handle_at, after its checks (EINVAL for a malformed handle,
 * then EPERM unless root), is ESTALE.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/files.h"

#define FILEID_INO32_GEN 1
#define FILEID_INVALID 0xff
#define FILEID_USER_FLAGS_MASK 0xffff0000
#define FILEID_VALID_USER_FLAGS 0x00030000 /* CONNECTABLE, DIR */

static long encode_fid(struct task *t, const struct path *p, uaddr_t ufh,
		       uaddr_t umnt_id, bool unique)
{
	struct linux_file_handle fh;
	u32 fid[2] = { (u32)p->dentry->inode->ino, 0 };
	long rc = 0;

	(void)t;
	if (copy_from_user(&fh, ufh, sizeof(fh)))
		return -EFAULT;
	if (fh.handle_bytes > MAX_HANDLE_SZ)
		return -EINVAL;
	if (fh.handle_bytes < sizeof(fid)) {
		/* Only the fixed part goes back, with the size needed. */
		rc = -EOVERFLOW;
		fh.handle_type = FILEID_INVALID;
	} else {
		fh.handle_type = FILEID_INO32_GEN;
	}
	fh.handle_bytes = sizeof(fid);
	if (unique ? put_user((u64)p->mnt->id, umnt_id)
		   : put_user((s32)p->mnt->id, umnt_id))
		return -EFAULT;
	if (copy_to_user(ufh, &fh, sizeof(fh)) ||
	    (rc == 0 && copy_to_user(ufh + sizeof(fh), fid, sizeof(fid))))
		return -EFAULT;
	return rc;
}

long sys_name_to_handle_at(struct task *t, int dirfd, uaddr_t upath,
			   uaddr_t ufh, uaddr_t umnt_id, int flags)
{
	unsigned lookup = 0;
	struct nameidata nd;
	long rc;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID |
		      AT_HANDLE_MNT_ID_UNIQUE | AT_HANDLE_CONNECTABLE))
		return -EINVAL;
	if ((flags & AT_HANDLE_CONNECTABLE) &&
	    (flags & (AT_HANDLE_FID | AT_EMPTY_PATH)))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lookup |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	rc = user_path_walk(t, dirfd, upath, lookup, &nd);
	if (rc < 0)
		return rc;
	if (flags & AT_HANDLE_FID)
		rc = encode_fid(t, &nd.path, ufh, umnt_id,
				flags & AT_HANDLE_MNT_ID_UNIQUE);
	else
		rc = -EOPNOTSUPP;
	path_put(&nd.path);
	return rc;
}

long sys_open_by_handle_at(struct task *t, int mount_fd, uaddr_t ufh,
			   int flags)
{
	struct linux_file_handle fh;
	struct file *f;

	(void)flags;
	if (copy_from_user(&fh, ufh, sizeof(fh)))
		return -EFAULT;
	if (fh.handle_bytes > MAX_HANDLE_SZ || fh.handle_bytes == 0)
		return -EINVAL;
	if (fh.handle_type < 0 ||
	    ((u32)fh.handle_type & FILEID_USER_FLAGS_MASK &
	     ~FILEID_VALID_USER_FLAGS))
		return -EINVAL;
	if (mount_fd != AT_FDCWD) {
		f = fget_io(t, mount_fd);
		if (!f)
			return -EBADF;
		file_put(f);
	}
	if (t->proc->cred.euid != 0)
		return -EPERM;
	return -ESTALE;
}
