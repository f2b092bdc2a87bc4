/*
 * procfs and sysfs: file systems whose files are generated from the
 * kernel's own state.  Internal interface between the generic part
 * (procfs.c: inodes, directories, generated files, links), the
 * per-process files (proc_pid.c), the system-wide ones (proc_misc.c)
 * and sysfs (sysfs.c).
 *
 * A tree is described by const tables of struct pfs_entry.  An inode
 * is created on lookup for one entry and one object (a process, a
 * thread, a descriptor); its pfs_node (inode->priv) names that object
 * by number, never by pointer, so an inode that outlives its object
 * finds it gone (-ENOENT) instead of touching freed memory.  A pid is
 * paired with the process's start time, so a recycled pid is another
 * object.
 *
 * Inode numbers are computed from the entry's place in the tables and
 * the object's numbers, so the same object always has the same (dev,
 * ino), whether or not its inode stayed cached.
 *
 * A regular file's text is rendered by its show() into a buffer when
 * it is first read, and again on each read at offset 0 (as Linux's
 * seq_file does); reads and lseek serve from that buffer.
 */
#ifndef UMK_PROCFS_H
#define UMK_PROCFS_H

#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"

/* ---- text buffers ---- */

struct pbuf {
	char *buf;
	size_t len, cap;
	bool failed;             /* out of memory or over PBUF_MAX */
};

#define PBUF_MAX (64UL << 20)

void pb_write(struct pbuf *b, const void *p, size_t n);
void pb_puts(struct pbuf *b, const char *s);
void pb_putc(struct pbuf *b, char c);
void pb_printf(struct pbuf *b, const char *fmt, ...) __printf(2, 3);
void pb_free(struct pbuf *b);

/* ---- tables ---- */

struct pfs_ctx;

/* Directories whose entries are computed (after their fixed ones). */
enum pfs_dyn {
	PD_NONE,
	PD_PIDS,     /* /proc: a directory per process */
	PD_TASKS,    /* /proc/PID/task: a directory per thread */
	PD_FDS,      /* /proc/PID/fd: a magic link per descriptor */
	PD_FDINFOS,  /* /proc/PID/fdinfo: a file per descriptor */
	PD_CPUS,     /* /sys/devices/system/cpu: cpuN */
};

#define PE_PTRACE 0x1   /* needs ptrace read access to the process */
#define PE_SYSCTL 0x2   /* permission bits bind root too (/proc/sys) */
#define PE_PROCESS 0x4  /* in /proc/PID only, not in task/TID */

struct pfs_entry {
	const char *name;
	mode_t mode;                       /* S_IF* | permission bits */
	unsigned flags;                    /* PE_* */
	const struct pfs_entry *dir;       /* fixed entries; NULL name ends */
	enum pfs_dyn dyn;
	/* Constant text of a file or link (when show/text is NULL). */
	const char *value;
	/* Regular files: render the text; take written bytes. */
	int (*show)(struct pfs_ctx *c, struct pbuf *b);
	int (*store)(struct pfs_ctx *c, const char *buf, size_t len, u64 pos);
	/* Links: the text readlink gives; for magic links, where it leads. */
	int (*text)(struct pfs_ctx *c, struct pbuf *b);
	int (*link)(struct pfs_ctx *c, struct path *out);
};

/* What an inode stands for: inode->priv. */
struct pfs_node {
	const struct pfs_entry *ent;
	u64 ino;
	pid_t pid, tid;          /* 0: not under /proc/PID (or task/TID) */
	s64 gen;                 /* the process's start_ns */
	int num;                 /* descriptor, or CPU, for dynamic entries */
};

/* What a generator works on, looked up afresh for each operation. */
struct pfs_ctx {
	struct task *reader;     /* the caller */
	const struct pfs_node *node;
	struct process *proc;    /* the process, or NULL */
	struct task *task;       /* the thread shown (task/TID), or leader */
	struct task *live;       /* a thread that still has mm/files/fs */
};

/* The process's view (mm, files, fs) or NULL once it has none. */
static inline struct mm *ctx_mm(const struct pfs_ctx *c)
{
	return c->live ? c->live->mm : NULL;
}

/* The file at descriptor fd of the process, with a reference. */
struct file *pfs_fget(const struct pfs_ctx *c, int fd);
/* ptrace_may_access(PTRACE_MODE_READ_FSCREDS) of Linux. */
bool pfs_may_ptrace(struct task *reader, struct process *p);
/* Mount a tree: a new super block of type with root's entries. */
struct super_block *pfs_create(const char *type, u64 magic,
			       const struct pfs_entry *root);
/* Describe open file f as Linux's readlink of /proc/PID/fd/N does. */
void pfs_file_name(struct file *f, const struct path *root, struct pbuf *b);
/* The path p as seen from root, " (deleted)" added when unlinked. */
void pfs_path_name(const struct path *p, const struct path *root,
		   struct pbuf *b);

/* Tables (proc_pid.c, proc_misc.c, sysfs.c): roots, and the entries
 * that dynamic directories (enum pfs_dyn) hold. */
extern const struct pfs_entry proc_root, sysfs_root;
extern const struct pfs_entry proc_pid_dir, proc_tid_dir;
extern const struct pfs_entry proc_fd_entry, proc_fdinfo_entry;
extern const struct pfs_entry sysfs_cpu_entry;

/* /proc/PID/mounts and /proc/mounts share these. */
int proc_show_mounts(struct pfs_ctx *c, struct pbuf *b);
int proc_show_mountinfo(struct pfs_ctx *c, struct pbuf *b);

#endif
