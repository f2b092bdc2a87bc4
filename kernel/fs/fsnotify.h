/*
 * File-change notifications (inotify.c): what the VFS reports after a
 * change succeeded, as Linux's fsnotify hooks do.  Every function is
 * cheap when nothing watches the objects involved.
 *
 * Who calls what (Linux's order of events follows from these rules):
 *
 *   fsnotify_open(f)        after a successful open (not O_PATH): IN_OPEN
 *   fsnotify_close(f)       the last reference to f went: IN_CLOSE_WRITE
 *                           or IN_CLOSE_NOWRITE; then IN_DELETE_SELF if
 *                           this was the last open file of a file with
 *                           no names left
 *   fsnotify_access(f)      a read (getdents, splice...) returned data:
 *                           IN_ACCESS
 *   fsnotify_modify(f)      a write returned > 0, a truncate or
 *                           fallocate through f succeeded: IN_MODIFY
 *   fsnotify_change(d, v)   an attribute change (vfs_setattr) with
 *                           ATTR_* bits v: IN_MODIFY for the size (or the
 *                           mtime alone), IN_ATTRIB for mode, owner, or
 *                           both times; IN_ACCESS for the atime alone
 *   fsnotify_attrib(d)      another attribute change (xattrs): IN_ATTRIB
 *   fsnotify_create(dir, name, inode)
 *                           name was created in dir (open O_CREAT,
 *                           mknod, symlink; inode may be NULL for what is
 *                           not a directory): IN_CREATE
 *   fsnotify_mkdir(dir, name)
 *                           the directory name was made: IN_CREATE|IN_ISDIR
 *   fsnotify_link(dir, name, inode)
 *                           a hard link: IN_ATTRIB on inode, IN_CREATE
 *   fsnotify_unlink(dir, name, victim)
 *                           after unlink or rmdir (victim's nlink already
 *                           dropped): IN_ATTRIB (files only), then
 *                           IN_DELETE_SELF unless victim is still open,
 *                           then IN_DELETE in dir
 *   fsnotify_move(odir, oname, ndir, nname, moved, target)
 *                           after a rename of moved; target is the inode
 *                           the new name replaced, or NULL: IN_MOVED_FROM,
 *                           IN_MOVED_TO (one cookie), IN_ATTRIB on target,
 *                           IN_MOVE_SELF, then target's IN_DELETE_SELF as
 *                           for unlink.  RENAME_EXCHANGE: call it twice,
 *                           once per direction, with target NULL.
 *
 * Events on a file also go to a watch on its parent directory, with the
 * name (d->parent at the time of the event), before the file's own
 * watch; directories get IN_ISDIR.  d and f name a dentry or file; dir
 * is the directory's inode.  All take references of their own.
 */
#ifndef UMK_FS_FSNOTIFY_H
#define UMK_FS_FSNOTIFY_H

#include "kernel/types.h"

struct file;
struct inode;
struct dentry;

void fsnotify_open(struct file *f);
void fsnotify_close(struct file *f);
void fsnotify_access(struct file *f);
void fsnotify_modify(struct file *f);
void fsnotify_change(struct dentry *d, unsigned ia_valid);
void fsnotify_attrib(struct dentry *d);
void fsnotify_create(struct inode *dir, const char *name, struct inode *inode);
void fsnotify_mkdir(struct inode *dir, const char *name);
void fsnotify_link(struct inode *dir, const char *name, struct inode *inode);
void fsnotify_unlink(struct inode *dir, const char *name, struct inode *victim);
void fsnotify_move(struct inode *odir, const char *oname, struct inode *ndir,
		   const char *nname, struct inode *moved, struct inode *target);

/* The inode goes: free its (empty) mark list. */
void fsnotify_evict(struct inode *inode);

#endif
