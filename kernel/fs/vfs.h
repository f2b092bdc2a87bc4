/*
 * The virtual file system.
 *
 *  super_block  one mounted instance of a file system type
 *  inode        a file; its operations come from the file system
 *  dentry       a name in a directory, cached; a tree rooted at each
 *               super block's root.  Parents are always cached, so ".."
 *               never reaches a file system (nor the host).
 *  mount        where a super block's tree is grafted in the namespace
 *  file         an open file description: path, position, flags
 *
 * Path walks happen here, in namei.c, component by component against
 * the guest's root: symlinks are read and followed by the VFS, ".."
 * stops at the guest root, and a file system only ever sees one name
 * in one directory.  That is what keeps guest paths inside the tree.
 *
 * Operations are tables with generic defaults: a file system fills in
 * what it supports; a missing operation gives the errno Linux gives.
 * Reference counts: a dentry holds its parent and its inode; a file
 * holds its dentry, mount and inode.
 */
#ifndef UMK_VFS_H
#define UMK_VFS_H

#include "kernel/types.h"
#include "kernel/list.h"
#include "kernel/abi/stat.h"
#include "kernel/abi/fcntl.h"
#include "kernel/mm/mm.h"
#include "kernel/wait.h"

struct task;
struct inode;
struct dentry;
struct file;
struct super_block;
struct iov_iter;
struct poll_table;
struct path;

#define NAME_MAX 255
#define PATH_MAX 4096
#define MAX_SYMLINKS 40

/* ---- attributes ---- */

struct kstat {
	u64 dev, ino, nlink, rdev;
	u32 mode, uid, gid;
	s64 size, blksize, blocks;
	struct linux_timespec atime, mtime, ctime;
};

#define ATTR_MODE 0x1
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_SIZE 0x8
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40

struct iattr {
	unsigned valid;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	u64 size;
	struct linux_timespec atime, mtime;
};

/* ---- polling ---- */

/* The wait queues a poll registered on, to sleep on them all. */
struct poll_table {
	struct waitq **wq;
	int n, max;
};

void poll_wait(struct poll_table *pt, struct waitq *wq);
void poll_table_free(struct poll_table *pt);

/* ---- operations ---- */

struct dir_context;
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name,
			  int len, u64 ino, unsigned type);
struct dir_context {
	filldir_t actor;
	s64 pos; /* the position of the next entry */
};

struct inode_ops {
	/* Find name in dir: 0 with *out (a new reference), or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	/* Create a regular file, device, fifo or socket node. */
	int (*mknod)(struct inode *dir, const char *name, mode_t mode, u64 dev,
		     struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, mode_t mode);
	/* O_TMPFILE: a regular file in dir with no name (nlink 0). */
	int (*tmpfile)(struct inode *dir, mode_t mode, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, const char *target);
	int (*link)(struct inode *old, struct inode *dir, const char *name);
	/* Remove name from dir; victim is its inode. */
	int (*unlink)(struct inode *dir, const char *name, struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, struct inode *victim);
	int (*rename)(struct inode *odir, const char *oname,
		      struct inode *ndir, const char *nname, unsigned flags);
	/* The target of a symlink, into buf (not NUL-terminated). */
	ssize_t (*readlink)(struct inode *inode, char *buf, size_t size);
	/*
	 * A "magic" link (procfs's exe, cwd, fd/N): where it leads, as a
	 * path reference for task t, instead of text to walk.  0 or -errno.
	 */
	int (*follow_link)(struct inode *inode, struct task *t, struct path *out);
	/* Refresh the inode's attributes from the backing store. */
	int (*getattr)(struct inode *inode);
	int (*setattr)(struct inode *inode, const struct iattr *attr);
	/* Read pages [index, index+n) into frames (page cache fill). */
	int (*readpages)(struct inode *inode, u64 index, u64 n, phys_t *frames);
	/*
	 * Write cached pages [index, index+n) back to the backing store
	 * (what shared mappings wrote), the last one only up to the file's
	 * size.  File systems whose page cache is the data (tmpfs) have none.
	 */
	int (*writepages)(struct inode *inode, u64 index, u64 n,
			  const phys_t *frames);
	/* Is the cached dentry for name still right?  (host-backed fs) */
	bool (*revalidate)(struct inode *dir, const char *name,
			   struct inode *inode);
	/* Called when the last reference goes. */
	void (*evict)(struct inode *inode);
	/*
	 * Extended attributes (xattr.c has the generic checks and an
	 * in-memory store, simple_xattr_*, for file systems to use).
	 * name is whole ("user.foo").  get/list: size 0 asks for the
	 * length; -ERANGE if size is too small.  Missing: -EOPNOTSUPP.
	 */
	int (*setxattr)(struct inode *inode, const char *name,
			const void *value, size_t size, int flags);
	ssize_t (*getxattr)(struct inode *inode, const char *name, void *buf,
			    size_t size);
	/* Names NUL-separated; trusted: list trusted.* names too. */
	ssize_t (*listxattr)(struct inode *inode, char *buf, size_t size,
			     bool trusted);
	int (*removexattr)(struct inode *inode, const char *name);
	/*
	 * The inode this one only stands in for (overlayfs: the layer's),
	 * whose identity a bound socket is found by.  NULL: itself.
	 */
	struct inode *(*real)(struct inode *inode);
};

struct file_ops {
	/* Called by vfs_open after the generic checks. */
	int (*open)(struct inode *inode, struct file *f);
	ssize_t (*read)(struct file *f, struct iov_iter *it, u64 *pos);
	ssize_t (*write)(struct file *f, struct iov_iter *it, u64 *pos);
	s64 (*llseek)(struct file *f, s64 off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned cmd, uaddr_t arg);
	/* Readiness (POLL*); registers on pt's wait queues if pt != NULL. */
	int (*poll)(struct file *f, struct poll_table *pt);
	int (*fsync)(struct file *f, bool datasync);
	int (*truncate)(struct file *f, u64 size);
	/* fallocate(2) after the generic checks (falloc.c); missing: EOPNOTSUPP */
	int (*fallocate)(struct file *f, int mode, u64 off, u64 len);
	/* The last reference to the description went away. */
	void (*release)(struct file *f);
	/*
	 * The file whose pages a mapping of f uses, when f only stands in
	 * for it (overlayfs); see file_real().
	 */
	struct file *(*real)(struct file *f);
	/* A mapping of the file is anonymous memory (/dev/zero). */
	bool mmap_anon;
	/* Reads of 0 bytes reach ->read too (inotify: EINVAL, not 0). */
	bool read_zero;
};

struct super_ops {
	int (*statfs)(struct super_block *sb, struct linux_statfs *st);
	void (*put_super)(struct super_block *sb);
};

/* ---- objects ---- */

#define SB_RDONLY 0x1
#define SB_NOSUID 0x2

struct super_block {
	const char *type;        /* "hostfs", "tmpfs", ... */
	const struct super_ops *ops;
	u64 dev;                 /* st_dev of its inodes */
	unsigned flags;          /* SB_* */
	struct dentry *root;
	u64 next_ino;
	int refcount;            /* mounts of it */
	void *priv;
	u64 magic;               /* f_type for statfs */
};

struct inode {
	u64 ino;
	mode_t mode;
	u32 nlink;
	uid_t uid;
	gid_t gid;
	u64 size;
	u64 rdev;
	u64 blocks;
	struct linux_timespec atime, mtime, ctime;
	struct super_block *sb;
	const struct inode_ops *iop;
	const struct file_ops *fop;
	int refcount;
	struct pagemap pages;    /* page cache (tmpfs: the data itself) */
	/*
	 * Pages written through shared mappings and not yet written back
	 * (iop->writepages): a bitmap by page index.  mmap_shared counts
	 * the shared mappings of the inode; while there are some, written
	 * pages stay marked (nothing write-protects them again).
	 */
	u64 *dirty;
	u64 dirty_words;
	bool has_dirty;
	int mmap_shared;
	struct waitq wait;       /* for devices */
	struct pipe *pipe;       /* a FIFO's pipe while it is open */
	void *priv;              /* the file system's own */
	struct list hash_link;   /* the file system's inode table */
	/* File features, each NULL/0 until first used; freed at eviction
	   by inode_features_evict() (fs/locks.c). */
	int nfiles;              /* struct files on it (file.c) */
	struct file_lock_ctx *flctx;    /* locks.c */
	struct fsnotify_marks *fsnotify; /* inotify.c */
	struct simple_xattrs *xattrs;    /* xattr.c (tmpfs) */
	unsigned seals;          /* memfd.c: F_SEAL_* (tmpfs files) */
};

#define DCACHE_MOUNTED 0x1
#define DCACHE_DEAD 0x2
#define DCACHE_TMPFILE 0x4   /* an O_TMPFILE file that may still be linked */

struct dentry {
	char *name;
	struct dentry *parent;   /* itself for a root */
	struct inode *inode;     /* NULL: negative */
	struct super_block *sb;
	struct list children;    /* struct dentry.sibling */
	struct list sibling;
	struct list hash_link;   /* the name hash, while findable by name */
	int refcount;
	unsigned flags;          /* DCACHE_* */
};

#define MNT_RDONLY 0x1
#define MNT_NOSUID 0x2
#define MNT_NODEV 0x4
#define MNT_NOEXEC 0x8

struct mount {
	struct mount *parent;    /* itself for the root mount */
	struct dentry *mountpoint;
	struct dentry *root;
	struct super_block *sb;
	unsigned flags;          /* MNT_* */
	int id;
	int refcount;
	struct list link;        /* all mounts, in mount order */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_PATH 0x4
#define FMODE_LSEEK 0x8   /* seekable */
#define FMODE_PREAD 0x10
#define FMODE_TRUNC 0x20  /* opened with O_TRUNC */

struct file {
	int refcount;
	struct path path;
	struct inode *f_inode;
	unsigned f_flags;        /* O_* status flags and access mode */
	unsigned f_mode;         /* FMODE_* */
	u64 pos;
	const struct file_ops *fop;
	void *priv;
	/* getdents: a snapshot of the directory, taken at position 0 */
	void *dir_snap;
	void (*dir_snap_free)(void *snap);
	/* The epoll items watching this file (eventpoll.c); NULL: none. */
	struct list *f_ep;
};

struct fs_struct {
	int refcount;
	struct path root, cwd;
	mode_t umask;
};

/* ---- file system registration and mounting ---- */

struct super_block *sb_alloc(const char *type, const struct super_ops *ops);
u64 sb_new_dev(void);
struct inode *inode_alloc(struct super_block *sb);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/* Fill default operations for an inode of mode (fifo, devices). */
void inode_init_special(struct inode *inode, mode_t mode, u64 rdev);

struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *inode);
/* A dentry outside the cache (anonymous files, O_TMPFILE). */
struct dentry *d_alloc_detached(struct dentry *parent, const char *name,
				struct inode *inode);
void dget(struct dentry *d);
void dput(struct dentry *d);
/* Drop a cached child name of parent (after unlink, rename). */
void d_drop_child(struct dentry *parent, const char *name);
/* After a rename: d takes target's name and place; target is dropped. */
void d_move(struct dentry *d, struct dentry *target);
/* After RENAME_EXCHANGE: a and b swap names and places. */
void d_exchange(struct dentry *a, struct dentry *b);

/* dirops.c: the VFS side of changing directories (checks included). */
int vfs_mkdir(struct task *t, const struct path *dir, const char *name,
	      mode_t mode);
int vfs_mknod(struct task *t, const struct path *dir, const char *name,
	      mode_t mode, u64 dev);
int vfs_symlink(struct task *t, const struct path *dir, const char *name,
		const char *target);
int vfs_link(struct task *t, const struct path *old, const struct path *dir,
	     const char *name);
int vfs_unlink(struct task *t, const struct path *dir, struct dentry *victim);
int vfs_rmdir(struct task *t, const struct path *dir, struct dentry *victim);
int vfs_rename(struct task *t, const struct path *odir, struct dentry *old,
	       const struct path *ndir, struct dentry *new, unsigned flags);

/* Mount sb (its root dentry) on path; flags MNT_*.  0 or -errno. */
int do_mount_sb(struct super_block *sb, const struct path *where,
		unsigned flags, struct mount **out);
/* The first mount: sb becomes "/". */
struct mount *mount_root(struct super_block *sb, unsigned flags);
struct mount *mount_lookup(struct mount *parent, struct dentry *d);
/* Detach m and the mounts inside it; each goes when its last user does. */
void umount_tree(struct mount *m);
/* Let mount(2) make file systems of type name (proc, sysfs, ...). */
void register_fs_type(const char *name,
		      struct super_block *(*create)(const char *data));
extern struct list mount_list;
void path_get(const struct path *p);
void path_put(const struct path *p);
bool path_equal(const struct path *a, const struct path *b);

/* File systems. */
int hostfs_create(const char *hostdir, bool readonly, struct super_block **out);
struct super_block *tmpfs_create(void);
struct super_block *devfs_create(void);
/* procfs.c, sysfs.c: /proc and /sys. */
struct super_block *procfs_create(void);
struct super_block *sysfs_create(void);
struct file *shmem_file(u64 size, unsigned flags);
/* A named unlinked tmpfs file (memfd_create): its dentry is called name. */
struct file *shmem_file_named(const char *name, u64 size, unsigned flags);
bool is_tmpfs_file(struct file *f);
struct super_block *overlayfs_create(struct super_block *lower,
				     struct super_block *upper);
void hostfs_set_shared(struct super_block *sb, bool shared);

/* ---- path walk (namei.c) ---- */

#define LOOKUP_FOLLOW 0x1      /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2   /* the result must be a directory */
#define LOOKUP_EMPTY 0x4       /* "" names dirfd itself (AT_EMPTY_PATH) */
#define LOOKUP_PARENT 0x8      /* stop before the last component */

enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* openat2's RESOLVE_* flags, honoured by path_walk (nameidata.resolve). */
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20

struct nameidata {
	struct path path;        /* the result (a reference) */
	unsigned resolve;        /* RESOLVE_*: set before path_walk_nd() */
	struct path base;        /* BENEATH / IN_ROOT: the starting directory */
	char last[NAME_MAX + 1]; /* LOOKUP_PARENT: the last component */
	enum last_type last_type;
	bool trailing_slash;
	int depth;               /* symlinks followed */
};

/*
 * Walk kernel string name from dirfd (AT_FDCWD: the cwd) for task t.
 * 0 with nd->path, or -errno.  With LOOKUP_PARENT nd->path is the
 * parent and nd->last the final name.
 */
int path_walk(struct task *t, int dirfd, const char *name, unsigned flags,
	      struct nameidata *nd);
/* path_walk() with nd->resolve already set (openat2). */
int path_walk_resolve(struct task *t, int dirfd, const char *name,
		      unsigned flags, unsigned resolve, struct nameidata *nd);
/* path_walk() of a guest string. */
int user_path_walk(struct task *t, int dirfd, uaddr_t uname, unsigned flags,
		   struct nameidata *nd);
/* Look name up in directory dir (one component, after permission). */
int lookup_one(const struct path *dir, const char *name, struct path *out);
/* Write the path of p as seen from root into buf; length or -errno. */
struct dentry *d_child(struct dentry *dir, const char *name);
int d_lookup(struct dentry *dir, const char *name, struct dentry **out);
int d_path(const struct path *p, const struct path *root, char *buf,
	   size_t size);
/* Copy a guest path into a new kernel buffer of PATH_MAX. */
char *getname(uaddr_t uname, int *err);

/* ---- permissions ---- */

#define MAY_EXEC 0x1
#define MAY_WRITE 0x2
#define MAY_READ 0x4

int inode_permission(struct task *t, struct inode *inode, int mask);
bool path_readonly(const struct path *p);

/* ---- open files (file.c) ---- */

struct file *file_alloc(const struct path *path, unsigned flags);
/* Shared mappings: dirty pages and their write-back (pagecache.c). */
bool pagecache_tracks_dirty(struct inode *inode);
void pagecache_mark_dirty(struct inode *inode, u64 index);
bool pagecache_is_dirty(struct inode *inode, u64 index);
/* Write back the dirty pages in [index, index+n) (n = 0: all).  0 or -errno. */
int pagecache_writeback(struct inode *inode, u64 index, u64 n);
void pagecache_mmap_get(struct inode *inode);
void pagecache_mmap_put(struct inode *inode);

/* The file that holds f's pages (f itself, or what an overlay wraps). */
struct file *file_real(struct file *f);
void file_get(struct file *f);
void file_put(struct file *f);
/* Open path with open flags and mode (for O_CREAT).  0 or -errno. */
int vfs_open(struct task *t, int dirfd, const char *name, int flags,
	     mode_t mode, struct file **out);
/* vfs_open() with openat2's RESOLVE_* flags. */
int vfs_open_resolve(struct task *t, int dirfd, const char *name, int flags,
		     mode_t mode, unsigned resolve, struct file **out);
/* Open a file on an inode that has no path (pipes, sockets, consoles). */
struct file *file_anon(struct inode *inode, unsigned flags);
/* file_anon() with a name for its dentry (memfd:NAME, anon_inode:...). */
struct file *file_anon_named(struct inode *inode, const char *name,
			     unsigned flags);
/* Free what the file features keep on an inode (locks, marks, xattrs). */
void inode_features_evict(struct inode *inode);
int vfs_getattr(struct inode *inode, struct kstat *st);
ssize_t vfs_read(struct file *f, struct iov_iter *it, u64 *pos);
ssize_t vfs_write(struct file *f, struct iov_iter *it, u64 *pos);
/* Read from a file into a kernel buffer at pos. */
ssize_t kernel_read(struct file *f, void *buf, size_t len, u64 pos);
int vfs_setattr(struct task *t, const struct path *p, struct iattr *attr);

/* Default file operations. */
s64 generic_llseek(struct file *f, s64 off, int whence);
/* Regular files whose data lives in the page cache (tmpfs). */
ssize_t pagecache_read(struct file *f, struct iov_iter *it, u64 *pos);
ssize_t pagecache_write(struct file *f, struct iov_iter *it, u64 *pos);
int pagecache_truncate(struct inode *inode, u64 size);
/* Set a memory-backed inode's contents at once (archives at boot). */
int pagecache_load(struct inode *inode, const void *data, size_t len);
/* Unpack a newc cpio archive at t's root; entries made, or -errno. */
int initramfs_unpack(struct task *t, const void *archive, size_t len);

/* eventpoll.c: drop f from every epoll set (its last reference went). */
void eventpoll_release(struct file *f);

extern const struct file_ops *fifo_fops;
void pipe_init(void);
/* F_GETPIPE_SZ / F_SETPIPE_SZ; -EBADF if f is not a pipe. */
long pipe_fcntl_size(struct file *f, int cmd, u64 arg);
/*
 * For splice.c: pipes (and FIFOs) as byte queues.  The waits return the
 * bytes queued (0: empty with no writer) or the room left (> 0), or
 * -EAGAIN (nonblock), -ERESTARTSYS, -EPIPE (no reader; SIGPIPE sent).
 * pipe_take copies up to n bytes out (peek: leaves them queued),
 * pipe_put up to n in, as far as they fit; both return bytes moved.
 */
bool file_is_pipe(struct file *f);
bool same_pipe(struct file *a, struct file *b);
int pipe_wait_data(struct file *f, bool nonblock);
int pipe_wait_room(struct file *f, bool nonblock);
size_t pipe_take(struct file *f, struct iov_iter *it, size_t n, bool peek);
size_t pipe_put(struct file *f, struct iov_iter *it, size_t n);
/* Put n bytes taken out back in front, if they fit: n or 0. */
size_t pipe_unget(struct file *f, const void *buf, size_t n);

/* Character devices, by device number. */
struct chrdev {
	u32 major, minor;
	const char *name;
	const struct file_ops *fop;
};
void chrdev_register(const struct chrdev *dev);
const struct chrdev *chrdev_find(u64 rdev);

/* ---- descriptors (fdtable.c) ---- */

struct files {
	int refcount;
	int max;                 /* slots allocated */
	struct file **fd;
	u64 *cloexec;            /* bitmap */
};

struct files *files_create(void);
struct files *files_dup(struct files *f);
void files_put(struct files *f);
/* Install f at the lowest free fd >= min: fd or -EMFILE. */
int fd_install(struct task *t, struct file *f, bool cloexec, int min);
/* Install f at fd, closing what was there. */
int fd_install_at(struct task *t, struct file *f, int fd, bool cloexec);
/* The file at fd with a new reference, or NULL. */
struct file *fget(struct task *t, int fd);
/* fget() that refuses O_PATH descriptors (EBADF as Linux). */
struct file *fget_io(struct task *t, int fd);
int fd_close(struct task *t, int fd);
bool fd_cloexec(struct task *t, int fd);
void fd_set_cloexec(struct task *t, int fd, bool on);
void files_close_on_exec(struct files *f);

/* fs_struct */
struct fs_struct *fs_create(const struct path *root);
struct fs_struct *fs_dup(struct fs_struct *fs);
void fs_put(struct fs_struct *fs);

/* The mount namespace's root, set at boot. */
extern struct path root_path;

/* Whence for lseek beyond what the file supports. */
#define inode_is_dir(i) S_ISDIR((i)->mode)

#endif
