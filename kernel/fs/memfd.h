/*
 * memfd_create and file seals (memfd.c).  Seals live on tmpfs regular
 * files (inode->seals); tmpfs and the mmap code ask here before they
 * change a file:
 *
 *   seals_check_write   a write of *count bytes at pos: -EPERM, or 0
 *                       with *count cut to what F_SEAL_GROW lets through
 *   seals_check_size    a truncate or fallocate to newsize: -EPERM
 *   seals_check_mmap    mmap(prot, MAP_SHARED...): -EPERM for a
 *                       writable shared mapping of a write-sealed file;
 *                       *nomaywrite says mprotect may never add PROT_WRITE
 */
#ifndef UMK_FS_MEMFD_H
#define UMK_FS_MEMFD_H

#include "kernel/types.h"

struct inode;
struct file;

int seals_check_write(struct inode *inode, u64 pos, u64 *count);
int seals_check_size(struct inode *inode, u64 newsize);
int seals_check_mmap(struct file *f, int prot, bool shared, bool *nomaywrite);
/* F_ADD_SEALS, F_GET_SEALS */
long memfd_fcntl(struct file *f, int cmd, u64 arg);

#endif
