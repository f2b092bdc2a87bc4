/*
 * Extended attributes (xattr.c): the system calls' checks live there;
 * file systems that keep attributes in memory (tmpfs) use the simple
 * store below for their inode_ops xattr operations.
 */
#ifndef UMK_FS_XATTR_H
#define UMK_FS_XATTR_H

#include "kernel/types.h"

struct inode;

/* The in-memory store on inode->xattrs; names are whole ("user.x"). */
int simple_xattr_set(struct inode *inode, const char *name, const void *value,
		     size_t size, int flags);
ssize_t simple_xattr_get(struct inode *inode, const char *name, void *buf,
			 size_t size);
ssize_t simple_xattr_list(struct inode *inode, char *buf, size_t size,
			  bool trusted);
int simple_xattr_remove(struct inode *inode, const char *name);

/* The inode goes: free its attributes. */
void xattr_evict(struct inode *inode);

#endif
