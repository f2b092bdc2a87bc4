/*
 * Event files: epoll (eventpoll.c), eventfd, timerfd and signalfd, on
 * anonymous inodes (anon_inode.c).  What the rest of the kernel needs
 * of them.
 */
#ifndef UMK_FS_EVENT_H
#define UMK_FS_EVENT_H

#include "kernel/types.h"

struct file;
struct file_ops;

/* anon_inode.c: a file of kind name ("eventfd"...) on the anon inode. */
struct file *anon_inode_file(const char *name, const struct file_ops *fop,
			     void *priv, unsigned flags);
/* lseek that succeeds and does nothing, as Linux's noop_llseek. */
s64 anon_llseek(struct file *f, s64 off, int whence);

/* signalfd.c: a signal became pending somewhere (from signal.c). */
void signalfd_notify(void);

#endif
