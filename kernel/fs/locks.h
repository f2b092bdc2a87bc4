/*
 * File locks (locks.c): flock(2), POSIX record locks and open file
 * description (OFD) locks, kept per inode, between guest processes only
 * (umk takes no host locks).
 *
 * Hooks the rest of the VFS calls:
 *   locks_remove_posix(f, owner)  a descriptor of f was closed by the
 *                                 holder of fd table owner (fdtable.c)
 *   locks_remove_file(f)          the last reference to f went (file.c)
 *   inode_features_evict(inode)   the inode goes (super.c)
 */
#ifndef UMK_FS_LOCKS_H
#define UMK_FS_LOCKS_H

#include "kernel/types.h"

struct task;
struct file;
struct files;

void locks_remove_posix(struct file *f, struct files *owner);
void locks_remove_file(struct file *f);
/* F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms; arg: struct flock. */
long fcntl_lock(struct task *t, struct file *f, int cmd, uaddr_t arg);

#endif
