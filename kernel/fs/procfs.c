/*
 * procfs: /proc, and the machinery sysfs shares (see procfs.h).
 *
 * In a nutshell:
 *  - lookup() finds a name among a directory's fixed entries, then
 *    among its computed ones (pids, tids, descriptors), and makes a
 *    fresh inode whose pfs_node names the object by number;
 *  - the dentry cache keeps that inode; revalidate() drops it once
 *    its object is gone (or its pid was reused), so a later walk sees
 *    ENOENT, and lookups in an open directory of a dead process fail
 *    the same way.  Dead processes' dentries are pruned from /proc on
 *    its lookups, so the cache does not grow with every pid;
 *  - regular files render their text at the first read and at each
 *    read at offset 0; writes go to the entry's store();
 *  - links are text (self, thread-self) or magic (exe, cwd, root,
 *    fd/N): follow_link() hands the VFS a path reference, never text
 *    to walk, so a deleted file or a pipe is reached as it is, and
 *    nothing leads outside the guest's mount tree.
 * Permissions are Linux's: /proc/PID entries belong to the process's
 * effective ids, and what reveals another process's memory, files or
 * directories needs ptrace read access (EACCES).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/fs/procfs.h"
#include "kernel/abi/time.h"

#define PROC_SUPER_MAGIC 0x9fa0

/*
 * Inode numbers.  Entries outside /proc/PID: the parent's number * 64
 * + index + 1, from 1 for a root.  Under /proc/PID: the top bit, the
 * pid, the tid (task/TID) and 21 bits for the entry: fixed entries
 * as above from 0, descriptors with INO_FD or INO_FDINFO.
 */
#define INO_PID (1ULL << 63)
#define INO_CPU (1ULL << 62)
#define INO_FD (1ULL << 20)
#define INO_FDINFO (3ULL << 19)
#define INO_FDMASK ((1ULL << 19) - 1)
#define INO_SUB ((1ULL << 21) - 1)
#define INO_PID_SHIFT 42
#define INO_TID_SHIFT 21

static const struct inode_ops pfs_dir_iops, pfs_file_iops, pfs_link_iops,
	pfs_magic_iops;
static const struct file_ops pfs_dir_fops, pfs_file_fops;

/* ---- text buffers ---- */

static bool pb_reserve(struct pbuf *b, size_t n)
{
	size_t cap;
	char *nb;

	if (b->failed)
		return false;
	if (n <= b->cap - b->len)
		return true;
	if (n > PBUF_MAX - b->len) {
		b->failed = true;
		return false;
	}
	cap = b->cap ? b->cap : 512;
	while (cap - b->len < n)
		cap *= 2;
	nb = kmalloc_try(cap);
	if (!nb) {
		b->failed = true;
		return false;
	}
	if (b->len)
		memcpy(nb, b->buf, b->len);
	kfree(b->buf);
	b->buf = nb;
	b->cap = cap;
	return true;
}

void pb_write(struct pbuf *b, const void *p, size_t n)
{
	if (!n || !pb_reserve(b, n))
		return;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void pb_puts(struct pbuf *b, const char *s)
{
	pb_write(b, s, strlen(s));
}

void pb_putc(struct pbuf *b, char c)
{
	pb_write(b, &c, 1);
}

void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !pb_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	kvsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void pb_free(struct pbuf *b)
{
	kfree(b->buf);
	memset(b, 0, sizeof(*b));
}

/* ---- the objects behind nodes ---- */

static bool task_alive(struct task *t)
{
	return t && t->state != TASK_DEAD;
}

/* A thread of p that still has its memory, files and fs. */
static struct task *live_thread(struct process *p, struct task *prefer)
{
	struct task *t;

	if (task_alive(prefer) && prefer->mm && prefer->files && prefer->fs)
		return prefer;
	list_for_each(t, &p->threads, thread_link)
		if (task_alive(t) && t->mm && t->files && t->fs)
			return t;
	return NULL;
}

/* Fill c for node n as reader sees it: 0, or -ENOENT (object gone). */
static int pfs_target(const struct pfs_node *n, struct task *reader,
		      struct pfs_ctx *c)
{
	struct process *p;

	memset(c, 0, sizeof(*c));
	c->reader = reader;
	c->node = n;
	if (!n->pid)
		return 0;
	p = process_find(n->pid);
	if (!p || p->start_ns != n->gen || !p->leader)
		return -ENOENT;
	c->proc = p;
	if (n->tid) {
		struct task *t = task_find(n->tid);

		if (!task_alive(t) || t->proc != p)
			return -ENOENT;
		c->task = t;
		c->live = live_thread(p, t) == t ? t : NULL;
		return 0;
	}
	c->task = p->leader;
	c->live = p->zombie ? NULL : live_thread(p, p->leader);
	return 0;
}

bool pfs_may_ptrace(struct task *reader, struct process *p)
{
	const struct creds *c = &reader->proc->cred, *tc = &p->cred;

	if (reader->proc == p)
		return true;
	if (c->fsuid == tc->uid && c->fsuid == tc->euid &&
	    c->fsuid == tc->suid && c->fsgid == tc->gid &&
	    c->fsgid == tc->egid && c->fsgid == tc->sgid)
		return true;
	return c->euid == 0; /* CAP_SYS_PTRACE */
}

struct file *pfs_fget(const struct pfs_ctx *c, int fd)
{
	if (!c->live)
		return NULL;
	return fget(c->live, fd);
}

/* ---- inodes ---- */

static u64 fixed_ino(const struct pfs_node *dir, int index)
{
	u64 sub;

	if (!(dir->ino & INO_PID))
		return dir->ino * 64 + index + 1;
	sub = (dir->ino & INO_SUB) * 64 + index + 1;
	BUG_ON(sub >= INO_FD);
	return (dir->ino & ~INO_SUB) | sub;
}

static void now(struct linux_timespec *ts)
{
	s64 t = ktime_real();

	ts->tv_sec = t / NSEC_PER_SEC;
	ts->tv_nsec = t % NSEC_PER_SEC;
}

static unsigned fd_link_mode(struct file *f)
{
	unsigned mode = 0;

	if (f->f_mode & FMODE_READ)
		mode |= 0500;
	if (f->f_mode & FMODE_WRITE)
		mode |= 0300;
	return S_IFLNK | mode;
}

/* Bring what Linux recomputes on each access up to date. */
static void refresh(struct inode *inode, const struct pfs_ctx *c)
{
	const struct pfs_node *n = inode->priv;

	if (!c->proc)
		return;
	/* Linux's task_dump_owner: the effective ids. */
	inode->uid = c->proc->cred.euid;
	inode->gid = c->proc->cred.egid;
	if (n->ent == &proc_fd_entry) {
		struct file *f = pfs_fget(c, n->num);

		if (f) {
			inode->mode = fd_link_mode(f);
			file_put(f);
		}
	}
}

static struct inode *pfs_inode(struct super_block *sb,
			       const struct pfs_node *n,
			       const struct pfs_ctx *c)
{
	struct inode *inode = inode_alloc(sb);
	struct pfs_node *copy = kmalloc(sizeof(*copy));
	mode_t mode = n->ent->mode;

	*copy = *n;
	inode->priv = copy;
	inode->ino = n->ino;
	inode->mode = mode;
	now(&inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		inode->iop = &pfs_dir_iops;
		inode->fop = &pfs_dir_fops;
	} else if (S_ISLNK(mode)) {
		inode->iop = n->ent->link ? &pfs_magic_iops : &pfs_link_iops;
		if (n->ent == &proc_fd_entry)
			inode->size = 64; /* as Linux's fd links */
	} else {
		inode->iop = &pfs_file_iops;
		inode->fop = &pfs_file_fops;
	}
	refresh(inode, c);
	return inode;
}

static void pfs_evict(struct inode *inode)
{
	kfree(inode->priv);
}

static int pfs_getattr(struct inode *inode)
{
	struct pfs_ctx c;

	if (current && pfs_target(inode->priv, current, &c) == 0)
		refresh(inode, &c);
	return 0;
}

/* ---- directories ---- */

static bool visible(const struct pfs_node *dir, const struct pfs_entry *e)
{
	return !(e->flags & PE_PROCESS) || !dir->tid;
}

/* A decimal number as Linux's name_to_int takes it: no sign, no
 * leading zero, below 2^31. */
static int parse_num(const char *s, u64 *out)
{
	u64 v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -ENOENT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -ENOENT;
		v = v * 10 + (u64)(*s - '0');
		if (v > INT_MAX)
			return -ENOENT;
	}
	*out = v;
	return 0;
}

static int lookup_fixed(struct inode *dir, const struct pfs_ctx *c,
			const char *name, struct inode **out)
{
	const struct pfs_node *n = dir->priv;
	const struct pfs_entry *e = n->ent->dir;

	for (int i = 0; e && e[i].name; i++) {
		struct pfs_node child = *n;

		if (!visible(n, &e[i]) || strcmp(e[i].name, name))
			continue;
		child.ent = &e[i];
		child.ino = fixed_ino(n, i);
		child.num = 0;
		*out = pfs_inode(dir->sb, &child, c);
		return 0;
	}
	return -ENOENT;
}

static int lookup_pid(struct inode *dir, u64 pid, struct inode **out)
{
	struct process *p = process_find((pid_t)pid);
	struct pfs_node child = { &proc_pid_dir, 0, (pid_t)pid, 0, 0, 0 };
	struct pfs_ctx c;

	if (!p || !p->leader)
		return -ENOENT;
	child.gen = p->start_ns;
	child.ino = INO_PID | (pid & INO_SUB) << INO_PID_SHIFT;
	if (pfs_target(&child, current, &c) < 0)
		return -ENOENT;
	*out = pfs_inode(dir->sb, &child, &c);
	return 0;
}

static int lookup_dyn(struct inode *dir, const struct pfs_ctx *c,
		      const char *name, struct inode **out)
{
	const struct pfs_node *n = dir->priv;
	struct pfs_node child = *n;
	struct task *t;
	struct file *f;
	u64 num;

	if (n->ent->dyn == PD_CPUS) {
		if (strncmp(name, "cpu", 3) || parse_num(name + 3, &num) < 0 ||
		    num >= (u64)sched_ncpus())
			return -ENOENT;
		child.ent = &sysfs_cpu_entry;
		child.ino = INO_CPU | n->ino << 16 | num;
		child.num = (int)num;
		*out = pfs_inode(dir->sb, &child, c);
		return 0;
	}
	if (parse_num(name, &num) < 0)
		return -ENOENT;
	switch (n->ent->dyn) {
	case PD_PIDS:
		return lookup_pid(dir, num, out);
	case PD_TASKS:
		t = task_find((pid_t)num);
		if (!task_alive(t) || t->proc != c->proc)
			return -ENOENT;
		child.ent = &proc_tid_dir;
		child.tid = (pid_t)num;
		child.ino = (n->ino & ~(INO_SUB << INO_TID_SHIFT | INO_SUB)) |
			    (num & INO_SUB) << INO_TID_SHIFT;
		break;
	case PD_FDINFOS:
	case PD_FDS:
		if (n->ent->dyn == PD_FDINFOS &&
		    !pfs_may_ptrace(c->reader, c->proc))
			return -EACCES;
		f = pfs_fget(c, (int)num);
		if (!f)
			return -ENOENT;
		file_put(f);
		child.ent = n->ent->dyn == PD_FDS ? &proc_fd_entry
						  : &proc_fdinfo_entry;
		child.ino = (n->ino & ~INO_SUB) | (num & INO_FDMASK) |
			    (n->ent->dyn == PD_FDS ? INO_FD : INO_FDINFO);
		child.num = (int)num;
		break;
	default:
		return -ENOENT;
	}
	*out = pfs_inode(dir->sb, &child, c);
	return 0;
}

/* Drop d and what is cached below it. */
static void drop_tree(struct dentry *d)
{
	struct dentry *c, *tmp;

	if (d->flags & DCACHE_MOUNTED)
		return;
	list_for_each_safe(c, tmp, &d->children, sibling)
		drop_tree(c);
	d_drop_child(d->parent, d->name);
}

/* Forget the cached /proc/PID of processes that are gone. */
static void prune_dead(struct dentry *root)
{
	struct dentry *d, *tmp;
	struct pfs_ctx c;

	list_for_each_safe(d, tmp, &root->children, sibling) {
		const struct pfs_node *n = d->inode ? d->inode->priv : NULL;

		if (!n ? !d->refcount
		       : n->pid && pfs_target(n, current, &c) < 0)
			drop_tree(d);
	}
}

static int pfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	const struct pfs_node *n = dir->priv;
	struct pfs_ctx c;
	int rc = pfs_target(n, current, &c);

	if (rc < 0)
		return -ESRCH; /* a directory of a process that is gone */
	if (n->ent->dyn == PD_PIDS && dir == dir->sb->root->inode)
		prune_dead(dir->sb->root);
	rc = lookup_fixed(dir, &c, name, out);
	if (rc == -ENOENT && n->ent->dyn != PD_NONE)
		rc = lookup_dyn(dir, &c, name, out);
	return rc;
}

/* Is the cached name still right?  Gone objects and negative entries
 * are looked up again. */
static bool pfs_revalidate(struct inode *dir, const char *name,
			   struct inode *inode)
{
	const struct pfs_node *n;
	struct pfs_ctx c;

	(void)dir, (void)name;
	if (!inode)
		return false;
	n = inode->priv;
	if (pfs_target(n, current, &c) < 0)
		return false;
	if (n->ent == &proc_fd_entry || n->ent == &proc_fdinfo_entry) {
		struct file *f = pfs_fget(&c, n->num);

		if (!f)
			return false;
		file_put(f);
	}
	refresh(inode, &c);
	return true;
}

static unsigned dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

/*
 * The numbers of a dynamic directory's entries above from, in
 * increasing order, as a bitmap of PID_MAX bits.  Returns the count
 * of bits, or 0 when the directory has no numbered entries.
 */
static int dyn_numbers(const struct pfs_ctx *c, enum pfs_dyn dyn, u64 *bits)
{
	struct process *p;
	struct task *t;

	switch (dyn) {
	case PD_PIDS:
		list_for_each(p, &all_processes, all_link)
			if (p->leader && p->pid > 0 && p->pid < PID_MAX)
				bits[p->pid / 64] |= 1ULL << (p->pid % 64);
		return PID_MAX;
	case PD_TASKS:
		list_for_each(t, &c->proc->threads, thread_link)
			if (task_alive(t) && t->tid > 0 && t->tid < PID_MAX)
				bits[t->tid / 64] |= 1ULL << (t->tid % 64);
		return PID_MAX;
	default:
		return 0;
	}
}

struct iter_state {
	struct dir_context *ctx;
	const struct pfs_node *dir;
	s64 base;        /* the cookie of number 0 */
};

/* Emit number num as cookie base + num; false when the buffer is full. */
static bool emit_num(struct iter_state *s, u64 num, const char *prefix,
		     const struct pfs_entry *e, u64 ino)
{
	char name[32];
	s64 cookie = s->base + (s64)num;
	int len;

	if (cookie <= s->ctx->pos)
		return true;
	len = ksnprintf(name, sizeof(name), "%s%llu", prefix,
			(unsigned long long)num);
	if (!s->ctx->actor(s->ctx, name, len, ino, dtype(e->mode)))
		return false;
	s->ctx->pos = cookie;
	return true;
}

static int iterate_fds(struct iter_state *s, const struct pfs_ctx *c)
{
	const struct pfs_node *n = s->dir;
	bool info = n->ent->dyn == PD_FDINFOS;
	struct files *files;

	if (info && !pfs_may_ptrace(c->reader, c->proc))
		return -EACCES;
	if (!c->live)
		return 0;
	files = c->live->files;
	for (int fd = 0; fd < files->max; fd++) {
		u64 ino = (n->ino & ~INO_SUB) | ((u64)fd & INO_FDMASK) |
			  (info ? INO_FDINFO : INO_FD);

		if (files->fd[fd] &&
		    !emit_num(s, (u64)fd, "",
			      info ? &proc_fdinfo_entry : &proc_fd_entry, ino))
			break;
	}
	return 0;
}

static int iterate_dyn(struct iter_state *s, const struct pfs_ctx *c)
{
	const struct pfs_node *n = s->dir;
	u64 *bits;
	int max;

	switch (n->ent->dyn) {
	case PD_NONE:
		return 0;
	case PD_FDS:
	case PD_FDINFOS:
		return iterate_fds(s, c);
	case PD_CPUS:
		for (int i = 0; i < sched_ncpus(); i++)
			if (!emit_num(s, (u64)i, "cpu", &sysfs_cpu_entry,
				      INO_CPU | n->ino << 16 | (u64)i))
				break;
		return 0;
	default:
		break;
	}
	bits = kzalloc(PID_MAX / 8);
	max = dyn_numbers(c, n->ent->dyn, bits);
	for (int i = 0; i < max; i++) {
		u64 ino;

		if (!(bits[i / 64] & (1ULL << (i % 64))))
			continue;
		if (n->ent->dyn == PD_PIDS)
			ino = INO_PID | ((u64)i & INO_SUB) << INO_PID_SHIFT;
		else
			ino = (n->ino & ~(INO_SUB << INO_TID_SHIFT | INO_SUB)) |
			      ((u64)i & INO_SUB) << INO_TID_SHIFT;
		if (!emit_num(s, (u64)i, "", &proc_pid_dir, ino))
			break;
	}
	kfree(bits);
	return 0;
}

/*
 * Positions: "." is 1, ".." 2, fixed entry i is 3 + i, and number k
 * of a dynamic directory 3 + (fixed entries) + k; ctx->pos is the
 * position of the last entry emitted.
 */
static int pfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->f_inode;
	const struct pfs_node *n = dir->priv;
	const struct pfs_entry *e = n->ent->dir;
	struct iter_state s = { ctx, n, 3 };
	struct pfs_ctx c;
	int rc = pfs_target(n, current, &c);

	if (rc < 0)
		return rc;
	if (ctx->pos < 1) {
		if (!ctx->actor(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos < 2) {
		struct inode *up = f->path.dentry->parent->inode;

		if (!ctx->actor(ctx, "..", 2, up->ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	for (int i = 0; e && e[i].name; i++, s.base++) {
		if (s.base <= ctx->pos || !visible(n, &e[i]))
			continue;
		if (!ctx->actor(ctx, e[i].name, (int)strlen(e[i].name),
				fixed_ino(n, i), dtype(e[i].mode)))
			return 0;
		ctx->pos = s.base;
	}
	return iterate_dyn(&s, &c);
}

static const struct inode_ops pfs_dir_iops = {
	.lookup = pfs_lookup,
	.revalidate = pfs_revalidate,
	.getattr = pfs_getattr,
	.evict = pfs_evict,
};

static const struct file_ops pfs_dir_fops = {
	.iterate = pfs_iterate,
	.llseek = generic_llseek,
};

/* ---- links ---- */

/* Text of a link for reader; magic links need ptrace access. */
static ssize_t pfs_readlink(struct inode *inode, char *buf, size_t size)
{
	const struct pfs_node *n = inode->priv;
	struct pbuf b = { 0 };
	struct pfs_ctx c;
	ssize_t rc = pfs_target(n, current, &c);

	if (rc == 0 && n->ent->link && !pfs_may_ptrace(current, c.proc))
		rc = -EACCES;
	if (rc == 0 && n->ent->text)
		rc = n->ent->text(&c, &b);
	else if (rc == 0)
		pb_puts(&b, n->ent->value);
	if (rc == 0 && b.failed)
		rc = -ENOMEM;
	if (rc == 0) {
		rc = (ssize_t)MIN(b.len, size);
		memcpy(buf, b.buf, (size_t)rc);
	}
	pb_free(&b);
	return rc;
}

static int pfs_follow_link(struct inode *inode, struct task *t,
			   struct path *out)
{
	const struct pfs_node *n = inode->priv;
	struct pfs_ctx c;
	int rc = pfs_target(n, t, &c);

	if (rc < 0)
		return rc;
	if (!pfs_may_ptrace(t, c.proc))
		return -EACCES;
	return n->ent->link(&c, out);
}

static const struct inode_ops pfs_link_iops = {
	.readlink = pfs_readlink,
	.getattr = pfs_getattr,
	.evict = pfs_evict,
};

static const struct inode_ops pfs_magic_iops = {
	.readlink = pfs_readlink,
	.follow_link = pfs_follow_link,
	.getattr = pfs_getattr,
	.evict = pfs_evict,
};

void pfs_path_name(const struct path *p, const struct path *root,
		   struct pbuf *b)
{
	char *buf = kmalloc(PATH_MAX);
	int n = d_path(p, root, buf, PATH_MAX);

	if (n < 0)
		b->failed = true;
	else
		pb_write(b, buf, (size_t)n);
	if (p->dentry->flags & DCACHE_DEAD)
		pb_puts(b, " (deleted)");
	kfree(buf);
}

void pfs_file_name(struct file *f, const struct path *root, struct pbuf *b)
{
	struct inode *inode = f->f_inode;
	const char *type = inode->sb->type;
	unsigned long long ino = inode->ino;

	if (strcmp(f->path.mnt->sb->type, "anon_inodefs")) {
		pfs_path_name(&f->path, root, b);
		return;
	}
	/* Files with no name, as Linux names them. */
	if (S_ISFIFO(inode->mode))
		pb_printf(b, "pipe:[%llu]", ino);
	else if (S_ISSOCK(inode->mode))
		pb_printf(b, "socket:[%llu]", ino);
	else if (!strcmp(type, "devpts"))
		pb_puts(b, "/dev/console");
	else if (!strcmp(type, "tmpfs") && S_ISREG(inode->mode))
		/* shared anonymous memory ("dev/zero") or a memfd ("memfd:x") */
		pb_printf(b, "/%s (deleted)", f->path.dentry->name);
	else if (!strncmp(f->path.dentry->name, "anon_inode:", 11))
		pb_puts(b, f->path.dentry->name); /* inotify */
	else
		pb_printf(b, "anon_inode:[%s]", type);
}

/* ---- generated files ---- */

struct pfs_file {
	struct pbuf text;
	bool ready;
};

static int pfs_open(struct inode *inode, struct file *f)
{
	const struct pfs_node *n = inode->priv;
	const struct pfs_entry *e = n->ent;
	struct pfs_ctx c;
	int rc = pfs_target(n, current, &c);

	if (rc < 0)
		return rc;
	if (e->flags & PE_SYSCTL) {
		/* sysctl files bind root to their mode too. */
		if (((f->f_mode & FMODE_READ) && !(inode->mode & 0400)) ||
		    ((f->f_mode & FMODE_WRITE) && !(inode->mode & 0200)))
			return -EACCES;
	}
	if ((e->flags & PE_PTRACE) && !pfs_may_ptrace(current, c.proc))
		return -EACCES;
	f->priv = kzalloc(sizeof(struct pfs_file));
	return 0;
}

/* Render the text afresh; a dead process's files read ESRCH. */
static int render(struct file *f, struct pfs_file *pf)
{
	const struct pfs_node *n = f->f_inode->priv;
	struct pfs_ctx c;
	int rc = pfs_target(n, current, &c);

	pb_free(&pf->text);
	pf->ready = false;
	if (rc < 0)
		return -ESRCH;
	if (n->ent->show)
		rc = n->ent->show(&c, &pf->text);
	else if (n->ent->value)
		pb_puts(&pf->text, n->ent->value);
	if (rc == 0 && pf->text.failed)
		rc = -ENOMEM;
	pf->ready = rc == 0;
	return rc;
}

static ssize_t pfs_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct pfs_file *pf = f->priv;
	size_t n;
	int rc;

	if (*pos == 0 || !pf->ready) {
		rc = render(f, pf);
		if (rc < 0)
			return rc;
	}
	if (*pos >= pf->text.len)
		return 0;
	n = copy_to_iter(pf->text.buf + *pos,
			 MIN(pf->text.len - *pos, it->count), it);
	if (!n)
		return -EFAULT;
	*pos += n;
	return (ssize_t)n;
}

static ssize_t pfs_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	const struct pfs_node *n = f->f_inode->priv;
	size_t len = MIN(it->count, PAGE_SIZE), got;
	struct pfs_ctx c;
	char *buf;
	int rc;

	if (!n->ent->store)
		return -EIO;
	if (pfs_target(n, current, &c) < 0)
		return -ESRCH;
	buf = kmalloc(len + 1);
	got = copy_from_iter(buf, len, it);
	buf[got] = 0;
	rc = got || !len ? n->ent->store(&c, buf, got, *pos) : -EFAULT;
	kfree(buf);
	if (rc < 0)
		return rc;
	*pos += got;
	return (ssize_t)got;
}

/* seq_file's lseek: no SEEK_END, since the size is not known. */
static s64 pfs_llseek(struct file *f, s64 off, int whence)
{
	s64 base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (s64)f->pos; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

/* O_TRUNC on a /proc file is accepted and means nothing. */
static int pfs_truncate(struct file *f, u64 size)
{
	(void)f, (void)size;
	return 0;
}

static void pfs_release(struct file *f)
{
	struct pfs_file *pf = f->priv;

	if (!pf)
		return;
	pb_free(&pf->text);
	kfree(pf);
}

static const struct inode_ops pfs_file_iops = {
	.getattr = pfs_getattr,
	.evict = pfs_evict,
};

static const struct file_ops pfs_file_fops = {
	.open = pfs_open,
	.read = pfs_read,
	.write = pfs_write,
	.llseek = pfs_llseek,
	.truncate = pfs_truncate,
	.release = pfs_release,
};

/* ---- super blocks ---- */

static int pfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	st->f_type = (s64)sb->magic;
	st->f_bsize = PAGE_SIZE;
	st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops pfs_sops = {
	.statfs = pfs_statfs,
};

struct super_block *pfs_create(const char *type, u64 magic,
			       const struct pfs_entry *root)
{
	struct super_block *sb = sb_alloc(type, &pfs_sops);
	struct pfs_node n = { .ent = root, .ino = 1 };
	struct pfs_ctx c = { 0 };

	sb->magic = magic;
	sb->root = dentry_alloc_root(sb, pfs_inode(sb, &n, &c));
	return sb;
}

struct super_block *procfs_create(void)
{
	return pfs_create("proc", PROC_SUPER_MAGIC, &proc_root);
}
